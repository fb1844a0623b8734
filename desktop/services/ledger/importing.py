"""Importing an Excel ledger (台账导入): read, map columns, preview, then write in one transaction.

The flow the wizard and ``doorstep import-excel`` share (a Qt-free state machine, Electrum's wizards):

1. :func:`reports.ledger.reading.list_sheets` / :func:`~reports.ledger.reading.open_ledger` — the file is
   checked before openpyxl parses it (:mod:`reports.ledger.limits`), read within limits, and its header
   found under title rows and merged cells (:func:`models.ledger.header.detect_header`).
2. :func:`desktop.services.ledger.mapping.suggest_mapping` — the column mapping remembered for a file with
   the same headers, else the one guessed from column names; the worker may correct it (``remember_mapping``).
3. :func:`preview_import` — what would happen, row by row: people to create, update (matched by ID
   number), leave unchanged, and rows refused with the reason. Nothing is written.
4. :func:`apply_import` — the same plan made again inside one write transaction, then written: a cancel
   (``JobState``) or a killed process leaves the database as it was. Creates are bulk inserts that write
   the same change rows :class:`models.audit.Operation` writes (:mod:`~desktop.services.ledger.writing`);
   updates go through ``Operation.update`` (:mod:`~desktop.services.ledger.updating`). The whole import
   is ONE operation, "导入台账 文件名 (N 人)", undone as one step by
   :func:`desktop.services.ledger.history.undo_import`.

Category words a district writes its own way are read by :mod:`models.ledger.words`; a word neither its
synonym table nor its key-word rule recognises stops the preview and the import
(:class:`~models.ledger.words.UnknownValues`) until the worker answers it (``answers``).

Every value goes through the form's validators (:mod:`models.ledger.planner`), so a row the form would
refuse is refused here, with the same message, and lands in the errors workbook
(:func:`reports.ledger.errors_workbook.write_errors_workbook`) with the original row so the worker can fix
and re-import just those rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.entrepreneurs import DuplicateMatch, duplicate_message
from desktop.services.gate import service
from desktop.services.ledger.mapping import store_mapping, suggest_mapping
from desktop.services.ledger.updating import write_updates
from desktop.services.ledger.writing import write_new_people
from models.audit import Actor, Change, ChangeAction, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.ledger.bulk import collector_paused
from models.ledger.options import ColumnOption, ValueOption, apply_column_options, value_answers
from models.ledger.plan import ImportOptions, ImportPlan, Planned
from models.ledger.planner import (
    finish_plan,
    flag_possible_duplicates,
    plan_rows,
    start_plan,
    validate_mapping,
)
from models.ledger.sheet import LedgerTable
from models.ledger.words import Answers, merge_answers
from models.masking import mask_id_number
from models.permissions import Permission
from reports.ledger.errors_workbook import write_errors_workbook
from reports.ledger.limits import DEFAULT_LIMITS, ReadLimits
from reports.ledger.reading import open_ledger


def _plan(
    session: Session,
    *,
    table: LedgerTable,
    mapping: Mapping[int, str],
    options: ImportOptions,
    job: JobState,
    today: date,
    answers: Answers | None = None,
) -> Planned:
    """The planner (:mod:`models.ledger.planner`) with what it needs from the database loaded in between."""
    planning = start_plan(table, mapping, today=today, answers=answers)
    # Existing files for every ID number in the file that parses: one query per 500.
    existing: dict[str, Entrepreneur] = {}
    ordered = planning.id_numbers()
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        for found in session.exec(select(Entrepreneur).where(col(Entrepreneur.id_number).in_(chunk))).all():
            existing[found.id_number] = found
    ventures: dict[str, list[Venture]] = {}
    live_ids = [found.id for found in existing.values()]
    for start in range(0, len(live_ids), 500):
        chunk = live_ids[start : start + 500]
        for venture in session.exec(
            select(Venture)
            .where(col(Venture.entrepreneur_id).in_(chunk), col(Venture.deleted).is_(False))
            .order_by(col(Venture.created_at), col(Venture.id))
        ).all():
            ventures.setdefault(venture.entrepreneur_id, []).append(venture)
    restorable = _removed_by_an_undone_import(session, [r.id for r in existing.values() if r.deleted])
    plan_rows(planning, existing, ventures, deleted_message=_deleted_message, job=job, restorable=restorable)
    # Same-name-same-birth-date checks for new files.
    if not options.allow_possible_duplicates:
        by_name = planning.new_people_by_name()
        names = sorted(by_name)
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            rows = session.exec(
                select(Entrepreneur).where(
                    col(Entrepreneur.name).in_(chunk), col(Entrepreneur.deleted).is_(False)
                )
            ).all()
            flag_possible_duplicates(by_name, rows, table, planning.name_column)
    return finish_plan(planning, job)


def _removed_by_an_undone_import(session: Session, deleted_ids: list[str]) -> set[str]:
    """The files in the recycle bin that went there by the undo of an import, not by a person's delete:
    importing them again brings them back (their ID numbers are taken by them, so a new file cannot)."""
    found: set[str] = set()
    for start in range(0, len(deleted_ids), 500):
        chunk = deleted_ids[start : start + 500]
        newest = (
            select(Change.record_id, func.max(Change.seq))
            .where(col(Change.record_kind) == Entrepreneur.__tablename__, col(Change.record_id).in_(chunk))
            .group_by(col(Change.record_id))
        )
        seqs = [seq for _record_id, seq in session.exec(newest).all()]
        if not seqs:
            continue
        rows = session.exec(
            select(Change).where(col(Change.seq).in_(seqs), col(Change.action) == ChangeAction.DELETE)
        ).all()
        found |= {
            row.record_id
            for row in rows
            if row.undoes and row.operation_label.startswith(f"撤销：{IMPORT_LABEL}")
        }
    return found


def _deleted_message(record: Entrepreneur, id_number: str) -> str:
    match = DuplicateMatch(
        id=record.id,
        case_number=record.case_number,
        name=record.name,
        birth_date=record.birth_date,
        id_number_masked=mask_id_number(record.id_number),
        deleted=record.deleted,
    )
    return duplicate_message(match, id_number)


@service(Permission.IMPORT_DATA)
def preview_import(
    db: Database,
    actor: Actor,
    /,
    *,
    table: LedgerTable,
    mapping: Mapping[int, str],
    options: ImportOptions | None = None,
    job: JobState = UNWATCHED,
    today: date | None = None,
    answers: Answers | None = None,
) -> ImportPlan:
    """What :func:`apply_import` would do; writes nothing (``--dry-run``)."""
    with collector_paused(), db.reading() as session:
        return _plan(
            session,
            table=table,
            mapping=mapping,
            options=options or ImportOptions(),
            job=job,
            today=today or china_today(),
            answers=answers,
        ).plan


@service(Permission.IMPORT_DATA)
def apply_import(
    db: Database,
    actor: Actor,
    /,
    *,
    table: LedgerTable,
    mapping: Mapping[int, str],
    options: ImportOptions | None = None,
    job: JobState = UNWATCHED,
    today: date | None = None,
    answers: Answers | None = None,
) -> ImportPlan:
    """Import in one transaction and one operation (one undo step, "导入台账 文件名 (N 人)"). Cancelled
    (``job``) or killed before the end: nothing is written."""
    day = today or china_today()
    with collector_paused(), db.transaction() as session:
        planned = _plan(
            session,
            table=table,
            mapping=mapping,
            options=options or ImportOptions(),
            job=job,
            today=day,
            answers=answers,
        )
        new = [g for g in planned.groups if g.existing is None]
        changed = [g for g in planned.groups if g.existing is not None and g.changed]
        operation = Operation(session, actor, import_label(table.path.name, len(new) + len(changed)))
        write_new_people(operation, groups=new, today=day, job=job)
        write_updates(operation, changed, job)
        store_mapping(session, actor, table, {k: v for k, v in mapping.items()}, answers)
        operation.log_access(
            "import", "entrepreneur", "", f"{table.path.name}：{planned.plan.summary(done=True)}"
        )
        job.report(1, 1, "正在保存")
        written = bool(new or changed)
        return replace(planned.plan, operation_id=operation.operation_id if written else "")


IMPORT_LABEL = "导入台账"


def import_label(file_name: str, people: int) -> str:
    """The operation's label in the change history: "导入台账 文件名 (N 人)" (the name shortened to fit)."""
    tail = f" ({people:,} 人)"
    room = 100 - len(IMPORT_LABEL) - 1 - len(tail)
    name = file_name if len(file_name) <= room else file_name[: room - 1] + "…"
    return f"{IMPORT_LABEL} {name}{tail}"


@dataclass(frozen=True)
class ImportRun:
    table: LedgerTable
    mapping: dict[int, str]
    plan: ImportPlan
    written: bool
    errors_workbook: Path | None = None


@service(Permission.IMPORT_DATA)
def import_ledger(
    db: Database,
    actor: Actor,
    /,
    *,
    path: Path,
    sheet: str | None = None,
    header_row: int | None = None,
    dry_run: bool = False,
    errors_out: Path | None = None,
    options: ImportOptions | None = None,
    job: JobState = UNWATCHED,
    limits: ReadLimits = DEFAULT_LIMITS,
    told: Sequence[ColumnOption | ValueOption] = (),
) -> ImportRun:
    """Read, map (remembered or guessed, then the worker's ``told`` columns and category words), then
    preview (``dry_run``) or import; the CLI's one call."""
    table = open_ledger(path, sheet=sheet, header_row=header_row, limits=limits, job=job)
    suggestion = suggest_mapping(db, actor, table)
    mapping = apply_column_options(
        table, suggestion.mapping, [o for o in told if isinstance(o, ColumnOption)]
    )
    validate_mapping(table, mapping)
    told_answers = value_answers(table, mapping, [o for o in told if isinstance(o, ValueOption)])
    answers = merge_answers(suggestion.answers, told_answers)
    if dry_run:
        plan = preview_import(
            db, actor, table=table, mapping=mapping, options=options, job=job, answers=answers
        )
    else:
        plan = apply_import(
            db, actor, table=table, mapping=mapping, options=options, job=job, answers=answers
        )
    written_errors = None
    if errors_out is not None and plan.refused:
        write_errors_workbook(errors_out, table=table, plan=plan)
        written_errors = errors_out
    return ImportRun(table, dict(mapping), plan, not dry_run, written_errors)
