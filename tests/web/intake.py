"""The real ``doorstep hq serve`` in a subprocess on a free localhost port, for the intake tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desktop.services import sync
from tests.sync.exchange import County

START_SECONDS = 60.0
LOOPBACK = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    folder: Path

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"


@contextmanager
def serving(db: Path, home: Path, *options: str) -> Iterator[Server]:
    """``doorstep hq serve --db DB --bind 127.0.0.1:0`` until the block ends; its URL as it printed it."""
    folder = db.with_name(f"{db.stem}-intake")
    env = dict(os.environ, DOORSTEP_HOME=str(home), **LOOPBACK)
    command = [sys.executable, "-m", "desktop.app", "hq", "serve", "--db", str(db), "--bind", "127.0.0.1:0"]
    process = subprocess.Popen(
        [*command, *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        line: list[str] = []
        reader = threading.Thread(
            target=lambda: line.append(process.stdout.readline() if process.stdout else "")
        )
        reader.start()
        reader.join(START_SECONDS)
        found = re.search(r"http://127\.0\.0\.1:\d+", line[0] if line else "")
        if found is None:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise AssertionError(f"doorstep hq serve did not start: {line!r} {err}")
        yield Server(found.group(0), process, folder)
    finally:
        process.terminate()
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=5)


def answer(county: County, code: str, challenge: str) -> str:
    """What the station program gives for ``challenge`` (the worker pastes it into the page)."""
    node = county.station(code)
    return sync.sign_in_answer(node.db, node.actor, challenge=challenge).answer


def challenge_in(html: str) -> tuple[str, str]:
    """The challenge a sign-in page shows, and the nonce its form carries."""
    shown = re.search(r'<textarea id="challenge"[^>]*>([^<]+)</textarea>', html)
    nonce = re.search(r'name="challenge" value="([^"]+)"', html)
    assert shown is not None and nonce is not None, html
    return shown.group(1), nonce.group(1)
