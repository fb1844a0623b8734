"""The exchange workbook with provincial and national systems (issue 14, docs/exchange.md): one xlsx,
one sheet per record kind, standard codes, and its reverse import.

Two calls, each one function a page or the CLI runs as a job (:class:`desktop.jobs.JobState`: progress
out, cancel in) and each returning a summary:

- :func:`export_exchange` — gated by ``EXPORT_DATA``: every live record of all stations or of those
  chosen, streamed to the workbook in constant memory; personal data in full only for a user who may
  see it (else masked, and such a workbook cannot be imported).
- :func:`import_exchange` — gated by ``MANAGE_HQ``: the workbook read back as ordinary journal changes
  in one transaction; a bad workbook changes nothing and the message names sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from desktop.jobs import UNWATCHED, JobState
from desktop.services.gate import service
from desktop.services.hq.exchange.exporting import ExportSummary, write_exchange
from desktop.services.hq.exchange.importing import ImportSummary, import_into
from models.actor import Actor
from models.audit import Operation
from models.database import Database
from models.ledger.bulk import collector_paused
from models.permissions import Permission
from models.validators import parse_station_code

__all__ = ["ExportSummary", "ImportSummary", "export_exchange", "import_exchange"]


@service(Permission.EXPORT_DATA)
def export_exchange(
    db: Database,
    actor: Actor,
    /,
    *,
    out: Path,
    stations: Sequence[str] = (),
    reveal: bool = True,
    job: JobState = UNWATCHED,
) -> ExportSummary:
    """Write the exchange workbook to ``out`` (all stations, or ``stations``); ``reveal=False`` masks
    personal data even for a user who may see it. A cancel leaves no file."""
    chosen = tuple(dict.fromkeys(parse_station_code(code) for code in stations))
    with db.reading() as session:
        summary = write_exchange(session, actor, out, stations=chosen, reveal=reveal, job=job)
    with db.transaction() as session:
        Operation(session, actor, "导出交换工作簿").log_access(
            "export",
            "",
            "",
            f"交换工作簿 {out.name}：{summary.total:,} 条，"
            f"{'已遮蔽' if summary.masked else '未遮蔽'}个人信息",
        )
    return summary


@service(Permission.MANAGE_HQ)
def import_exchange(db: Database, actor: Actor, /, *, path: Path, job: JobState = UNWATCHED) -> ImportSummary:
    """Read the exchange workbook at ``path`` into the database: all of it in one transaction, or nothing
    (a refused workbook raises a :class:`~models.errors.ValidationError` naming sheet, row and column)."""
    with db.transaction() as session, collector_paused():
        return import_into(session, actor, path, job=job)
