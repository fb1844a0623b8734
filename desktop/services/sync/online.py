"""A station online now and then: signing in to HQ's intake page (docs/intake.md) and the automatic
client that uploads the next package and imports HQ's reply over HTTP.

The sign-in is a signed challenge. HQ's page issues a single-use random challenge ``NONCE@ORIGIN``; the
station signs, with the Ed25519 key HQ pinned for it, the canonical JSON of the challenge, its code and
the origin (:func:`sign_in_message`); the answer ``CODE.SIGNATURE`` goes back. No key is ever in a
browser: a worker pastes the challenge into the station application and the answer into the page.

The protocol's pieces (the challenge's and the answer's text, the signed message) live here: HQ's intake
(``desktop/services/hq/intake``) reads and checks them with the same functions."""

from __future__ import annotations

import base64
import binascii
import json
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rfc8785

from models.errors import DoorstepError, ValidationError

PURPOSE = "doorstep-intake-sign-in"
PROTOCOL_VERSION = 1
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
STATION = re.compile(r"[0-9A-Za-z]{1,9}")
SIGNATURE_BYTES = 64
TIMEOUT_SECONDS = 120.0
CHUNK = 64 * 1024


class OnlineRefused(DoorstepError):
    """HQ's intake page refused a request (its Chinese message), or could not be reached."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


# ------------------------------------------------------------------------------------------ protocol
def normal_origin(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) address, lower-case, without a default port; ValidationError
    for anything else (an origin is what a signature is bound to, so it must be exact)."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise ValidationError("地址", url, f"总部接收页的地址“{url}”不对：应形如 http://主机:端口")
    try:
        port = parts.port
    except ValueError as error:
        raise ValidationError("地址", url, f"总部接收页的地址“{url}”端口不对") from error
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


def make_challenge(nonce: str, origin: str) -> str:
    return f"{nonce}@{origin}"


def parse_challenge(text: str) -> tuple[str, str]:
    """``(nonce, origin)`` of a challenge as the page shows it."""
    nonce, at, origin = text.strip().partition("@")
    if not at or not NONCE.fullmatch(nonce):
        raise ValidationError(
            "挑战码", text, "挑战码不完整：请把总部网页上显示的整段挑战码（含 @ 和网址）复制过来"
        )
    return nonce, normal_origin(origin)


def sign_in_message(nonce: str, station: str, origin: str) -> bytes:
    """What a station signs to sign in: bound to this challenge, this station and this server."""
    return rfc8785.dumps(
        {
            "purpose": PURPOSE,
            "version": PROTOCOL_VERSION,
            "challenge": nonce,
            "station": station,
            "origin": origin,
        }
    )


def format_answer(station: str, signature: bytes) -> str:
    return f"{station}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


def parse_answer(text: str) -> tuple[str, bytes]:
    """``(station code, signature)`` of a pasted answer; ValidationError when it is not one."""
    station, dot, encoded = "".join(text.split()).partition(".")
    problem = ValidationError(
        "应答码", text, "应答码不完整：请在本站“数据同步”页点“网页登录…”，把生成的整段应答码粘贴过来"
    )
    if not dot or not STATION.fullmatch(station) or not re.fullmatch(r"[A-Za-z0-9_-]{86}", encoded):
        raise problem
    try:
        signature = base64.urlsafe_b64decode(encoded + "==")
    except (binascii.Error, ValueError) as error:
        raise problem from error
    if len(signature) != SIGNATURE_BYTES:
        raise problem
    return station, signature


# ------------------------------------------------------------------------------------------- station
@dataclass(frozen=True)
class SignInAnswer:
    """What the station application shows: the server it signs in to, and the answer to paste."""

    origin: str
    station: str
    answer: str


def answer_in(session: Any, challenge: str) -> SignInAnswer:
    """Sign ``challenge`` with this station's key (a station's database only)."""
    from desktop.services.sync.node import keys_of, refuse, this_node
    from models.sync.tables import STATION as STATION_ROLE

    nonce, origin = parse_challenge(challenge)
    node = this_node(session)
    if node.role != STATION_ROLE:
        raise refuse("这是总部的数据库：网页登录由服务站的程序签名")
    signature = keys_of(node).sign(sign_in_message(nonce, node.code, origin))
    return SignInAnswer(origin, node.code, format_answer(node.code, signature))


@dataclass
class OnlineOutcome:
    """What one online exchange did: the package sent, HQ's receipt, and the reply imported here."""

    sent_seq: int = 0
    hq_lines: list[str] = field(default_factory=list)
    reply_lines: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"已把第 {self.sent_seq} 号同步包上传到总部",
            *(f"总部：{line}" for line in self.hq_lines),
            *self.reply_lines,
        ]


class IntakeClient:
    """HQ's intake page as a station's program talks to it (JSON, a bearer token after sign-in)."""

    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.origin = normal_origin(url)
        self.timeout = timeout
        self.token = ""
        # no proxy for the loopback; otherwise the system's proxy settings, as a browser would
        self._opener = urllib.request.build_opener()

    def _request(
        self, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.origin + path, data=body, method=method, headers=sent)
        try:
            return self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            raise OnlineRefused(_message_of(error), error.code) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise OnlineRefused(f"无法连接总部接收页 {self.origin}：{reason}") from error

    def _json(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = None if payload is None else json.dumps(payload).encode()
        with self._request(method, path, body=body, headers={"Content-Type": "application/json"}) as r:
            value = json.loads(r.read(1024 * 1024))
        if not isinstance(value, dict):
            raise OnlineRefused("总部接收页的应答不是预期的格式")
        return value

    def challenge(self) -> str:
        return str(self._json("POST", "/api/challenge").get("challenge", ""))

    def sign_in(self, challenge: str, answer: str) -> None:
        self.token = str(
            self._json("POST", "/api/sign-in", {"challenge": challenge, "answer": answer})["token"]
        )

    def upload(self, package: Path) -> dict[str, Any]:
        size = package.stat().st_size
        with package.open("rb") as handle:
            headers = {
                "Content-Type": "application/octet-stream",
                "Content-Length": str(size),
                "X-Package-Name": package.name,
            }
            with self._request("PUT", "/api/package", body=handle, headers=headers) as r:
                value = json.loads(r.read(1024 * 1024))
        return value if isinstance(value, dict) else {}

    def download(self, path: str, target: Path) -> Path:
        with self._request("GET", path) as r, target.open("wb") as out:
            shutil.copyfileobj(r, out, CHUNK)
        return target


def _message_of(error: urllib.error.HTTPError) -> str:
    try:
        value = json.loads(error.read(64 * 1024))
    except (ValueError, OSError):
        value = None
    if isinstance(value, dict) and isinstance(value.get("error"), str):
        return str(value["error"])
    return f"总部接收页拒绝了请求（HTTP {error.code}）"


def exchange_online(
    url: str,
    sign: Callable[[str], SignInAnswer],
    export: Callable[[Path], tuple[Path, int]],
    apply_reply: Callable[[Path], list[str]],
) -> OnlineOutcome:
    """Sign in, upload the next package, download HQ's reply and import it; each step a real request.
    ``export`` writes the package into a folder (its path and number), ``apply_reply`` imports a reply."""
    client = IntakeClient(url)
    challenge = client.challenge()
    signed = sign(challenge)
    if signed.origin != client.origin:  # the server's challenge names another server
        raise OnlineRefused(f"挑战码来自 {signed.origin}，而不是要上传的 {client.origin}：已停止")
    client.sign_in(challenge, signed.answer)
    outcome = OnlineOutcome()
    folder = Path(tempfile.mkdtemp(prefix="doorstep-online-"))
    try:
        package, outcome.sent_seq = export(folder)
        answer = client.upload(package)
        outcome.hq_lines = [str(line) for line in answer.get("lines", [])]
        reply = answer.get("reply")
        if isinstance(reply, dict) and isinstance(reply.get("url"), str):
            name = Path(str(reply.get("name") or "reply.dsync")).name
            outcome.reply_lines = apply_reply(client.download(str(reply["url"]), folder / name))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return outcome
