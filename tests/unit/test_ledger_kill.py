"""A process killed with SIGKILL in the middle of an import leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from models.database import connect
from tests.data import ledgers as fx

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from desktop.jobs import JobState
    from desktop.services.ledger.importing import apply_import
    from desktop.services.ledger.mapping import suggest_mapping
    from reports.ledger.reading import open_ledger
    from desktop.services.station import default_actor
    from models.database import connect, open_database

    from sqlalchemy import event

    db_path, ledger, marker = sys.argv[1:4]
    db = open_database(db_path)
    # A tiny page cache makes SQLite spill the transaction's pages into the WAL file before the commit,
    # as a large import does: the kill then really interrupts a half-written transaction.
    db.engine.dispose()
    event.listen(db.engine, "connect", lambda connection, _record: connection.execute("PRAGMA cache_size=2"))

    def progress(done, total, message):
        if message.startswith("正在写入"):
            Path(marker).write_text("inserted", encoding="utf-8")  # people and ventures are in the WAL now
            time.sleep(600)  # wait to be killed

    table = open_ledger(Path(ledger))
    actor = default_actor(db)
    mapping = suggest_mapping(db, actor, table).mapping
    apply_import(db, actor, table=table, mapping=mapping, job=JobState(progress))
    print("finished without being killed")
    """
)


def table_counts(path: Path) -> dict[str, int]:
    with connect(path) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("entrepreneur", "venture", "entrepreneur_search", "change_log", "case_sequence")
        }


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_import_changes_nothing(db_path: Path, tmp_path: Path) -> None:
    ledger = fx.station_ledger(tmp_path / "台账.xlsx")
    marker = tmp_path / "marker"
    before = table_counts(db_path)
    env = dict(os.environ, DOORSTEP_HOME=str(tmp_path / "home"))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(ledger), str(marker)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(600):  # the child imports, then stops half-way; no timing is asserted
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), child.communicate()[1].decode()
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the rows written so far are really on disk
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert table_counts(db_path) == before
    with connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
