"""Sending a file to the recycle bin, bringing it back, and undoing a change to it (docs/undo.md).

- A delete is ONE operation over the file and what depends on it: its ventures, its current mentor
  assignments, its enrolments and its application drafts (each area names them: ``Area.dependents``).
- A restore brings back exactly what the delete took: every record that operation sent to the recycle
  bin (not a venture deleted separately before it).
- Undo reaches only the acting user's own changes of today (Asia/Shanghai). :func:`undo_preview` says
  beforehand what an undo would remove (undoing a creation, a restore, a recorded visit …), so the GUI
  asks before anything goes; undoing the file's creation takes its dependents along, as a delete does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from sqlmodel import Session, col, select

from desktop.services.gate import service
from models.audit import Actor, Change, ChangeAction, Operation
from models.base import TravellingRecord, china_today
from models.clock import CHINA_TZ
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture, current_stage, live_ventures
from models.errors import Conflict, NotAllowed, NotFound
from models.permissions import Permission
from models.tables import travelling_tables
from models.undo import last_undoable_operation, operation_subjects, undo_changes

KIND = "entrepreneur"

# what a worker calls a record of each kind, for the kinds that have no dependents hook to say it
_NOUNS = {
    "entrepreneur": "档案",
    "venture": "创业项目",
    "visit": "走访记录",
    "agreed_action": "跟进事项",
    "mentor_assignment": "导师分配",
    "key_project": "重点孵化项目",
    "training_enrolment": "培训报名",
    "training_attendance": "考勤记录",
    "application": "申请",
    "application_step": "申请办理步骤",
    "loan": "贷款记录",
}


@dataclass(frozen=True)
class UndoPreview:
    """What pressing Ctrl+Z would do: the change it takes back and every record it would remove."""

    operation_id: str
    label: str
    removes: tuple[str, ...]
    removes_file: bool

    @property
    def asks(self) -> bool:
        return bool(self.removes)

    @property
    def question(self) -> str:
        listed = "、".join(self.removes)
        return f"撤销“{self.label}”会把以下内容移到回收站：{listed}。\n可在回收站恢复。确认撤销吗？"


@dataclass(frozen=True)
class DeletionPreview:
    name: str
    takes: tuple[str, ...]  # what goes with the file

    @property
    def question(self) -> str:
        also = f"同时移到回收站：{'、'.join(self.takes)}。" if self.takes else ""
        return f"删除 {self.name} 的档案？{also}可在回收站恢复。"


# ------------------------------------------------------------------------------------------- dependents
def venture_dependents(session: Session, entrepreneur_id: str) -> list[tuple[TravellingRecord, str]]:
    """The entrepreneurs area's hook: a file's live ventures."""
    return [(v, f"创业项目 {v.name}") for v in live_ventures(session, entrepreneur_id)]


def dependents_in(session: Session, entrepreneur_id: str) -> list[tuple[TravellingRecord, str]]:
    """Every live record of every area that depends on the file."""
    from desktop.services.areas import registry

    found: list[tuple[TravellingRecord, str]] = []
    for hook in registry().dependents_of(KIND):
        found.extend(hook(session, entrepreneur_id))
    return found


def describe(session: Session, record: TravellingRecord) -> str:
    kind = str(type(record).__tablename__)
    if isinstance(record, Entrepreneur):
        return f"{record.name} 的档案"
    noun = _NOUNS.get(kind, "记录")
    name = next((str(v) for a in ("name", "item_name", "text") if (v := getattr(record, a, None))), "")
    when = getattr(record, "visit_date", None)
    return f"{noun} {name or when or ''}".strip()


# ----------------------------------------------------------------------------------- delete and restore
@service(Permission.VIEW_FILES)
def deletion_preview(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> DeletionPreview:
    """What 删除 would take with the file, for the question before it."""
    with db.reading() as session:
        record = _get(session, entrepreneur_id)
        return DeletionPreview(record.name, tuple(what for _, what in dependents_in(session, record.id)))


@service(Permission.EDIT_FILES)
def delete_entrepreneur(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> str:
    """Send a file and what depends on it to the recycle bin (tombstones, one operation, one undo step).
    Returns the person's name."""
    with db.transaction() as session:
        record = _get(session, entrepreneur_id)
        operation = Operation(session, actor, f"删除 {record.name} 的档案")
        _delete_with_dependents(operation, record)
        return record.name


def _delete_with_dependents(operation: Operation, record: Entrepreneur) -> None:
    session = operation.session
    for dependent, _ in dependents_in(session, record.id):
        operation.set_deleted(dependent, True, subject_id=record.id)
    operation.set_deleted(record, True, subject_id=record.id)
    session.flush()
    _refresh_search(session, record)


@service(Permission.EDIT_FILES)
def restore_entrepreneur(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> str:
    """Bring a file back from the recycle bin with everything the operation that sent it there took."""
    from desktop.services.entrepreneurs import _match, duplicate_message

    with db.transaction() as session:
        record = _get(session, entrepreneur_id)
        if record.merged_into:  # HQ merged it into another file (docs/hq-duplicates.md): that one lives on
            survivor = session.get(Entrepreneur, record.merged_into)
            where = (
                f"“{survivor.name}”（档案号 {survivor.case_number}）"
                if survivor is not None
                else "另一份档案"
            )
            raise NotAllowed(f"{record.name} 的档案已由总部合并至{where}，不能恢复；请打开合并后的档案")
        clash = session.exec(
            select(Entrepreneur).where(
                Entrepreneur.id_number == record.id_number,
                Entrepreneur.id != record.id,
                col(Entrepreneur.deleted).is_(False),
            )
        ).first()
        if clash is not None:
            raise Conflict(duplicate_message(_match(clash), record.id_number), existing_id=clash.id)
        operation = Operation(session, actor, f"恢复 {record.name} 的档案")
        for taken in _taken_with(session, record):
            operation.set_deleted(taken, False, subject_id=record.id)
        operation.set_deleted(record, False, subject_id=record.id)
        session.flush()
        _refresh_search(session, record)
        return record.name


def _taken_with(session: Session, record: Entrepreneur) -> list[TravellingRecord]:
    """The file's own records (its subject's, never another file) that the operation which last deleted
    the file deleted too: undoing a whole import deleted many files at once, and restoring one of them
    brings back its ventures, not the others."""
    if not record.deleted:
        return []
    last_delete = session.exec(
        select(Change)
        .where(
            Change.record_id == record.id,
            Change.record_kind == KIND,
            Change.action == ChangeAction.DELETE,
        )
        .order_by(col(Change.seq).desc())
        .limit(1)
    ).first()
    if last_delete is None:
        return []
    rows = session.exec(
        select(Change).where(
            Change.operation_id == last_delete.operation_id,
            Change.action == ChangeAction.DELETE,
            Change.subject_id == record.id,
            Change.record_kind != KIND,
        )
    ).all()
    tables = travelling_tables()
    taken = []
    for row in rows:
        other = session.get(tables[row.record_kind], row.record_id)
        if other is not None and other.deleted:
            taken.append(other)
    return taken


# ------------------------------------------------------------------------------------------------- undo
def undo_reach_start() -> datetime:
    """Undo reaches the user's own changes since midnight at the station (Asia/Shanghai)."""
    return datetime.combine(china_today(), time(0), tzinfo=CHINA_TZ)


def _last_own(session: Session, actor: Actor, entrepreneur_id: str) -> list[Change]:
    """The user's own newest operation of today on this file; refused when it made more files than
    this one (a whole ledger import): that is undone as one, from the import's own record."""
    changes = last_undoable_operation(
        session=session, subject_id=entrepreneur_id, user_name=actor.user_name, since=undo_reach_start()
    )
    if len(operation_subjects(changes)) > 1:
        raise NotAllowed(
            f"这份档案的上一次修改是整批的“{changes[0].operation_label}”，Ctrl+Z 不会只撤销其中一份；"
            "要撤销整批导入，请打开“导入台账”，在“导入记录…”中撤销"
        )
    return changes


def _preview_in(session: Session, changes: list[Change]) -> UndoPreview:
    tables = travelling_tables()
    removes: list[str] = []
    removes_file = False
    seen: set[str] = set()
    for change in sorted(changes, key=lambda c: c.record_kind != KIND):
        if change.action not in (ChangeAction.CREATE, ChangeAction.RESTORE):
            continue
        record = session.get(tables[change.record_kind], change.record_id)
        if record is None or record.deleted or record.id in seen:
            continue
        seen.add(record.id)
        removes.append(describe(session, record))
        if change.record_kind == KIND:
            removes_file = True
            for dependent, what in dependents_in(session, record.id):
                if dependent.id not in seen:
                    seen.add(dependent.id)
                    removes.append(what)
    first = changes[0]
    return UndoPreview(first.operation_id, first.operation_label, tuple(removes), removes_file)


@service(Permission.VIEW_FILES)
def undo_preview(db: Database, actor: Actor, /, *, entrepreneur_id: str) -> UndoPreview | None:
    """What :func:`undo_last_change` would take back now, and what it would remove (None: nothing)."""
    with db.reading() as session:
        changes = _last_own(session, actor, entrepreneur_id)
        return _preview_in(session, changes) if changes else None


@service(Permission.EDIT_FILES)
def undo_last_change(
    db: Database, actor: Actor, /, *, entrepreneur_id: str, operation_id: str | None = None
) -> str | None:
    """Undo the user's own newest change of today to this file (Ctrl+Z). Returns what was undone, or
    None if nothing is in reach. An undo that sends the file to the recycle bin (its creation undone)
    takes the file's dependents with it, as a delete does. The GUI asks first when
    :func:`undo_preview` says the undo removes anything, and passes the ``operation_id`` it asked
    about: if that is no longer the newest change in reach, nothing is undone (a :class:`Conflict`)."""
    with db.transaction() as session:
        changes = _last_own(session, actor, entrepreneur_id)
        if not changes:
            return None
        if operation_id is not None and changes[0].operation_id != operation_id:
            raise Conflict("这份档案刚刚又有了新的修改，请重新按 Ctrl+Z 撤销")
        label = changes[0].operation_label
        operation = Operation(session, actor, f"撤销：{label}", undoes=changes[0].operation_id)
        undo_changes(operation, changes)
        session.flush()
        record = _get(session, entrepreneur_id)
        if record.deleted:  # the file went: what depends on it goes with it, in this one operation
            for dependent, _ in dependents_in(session, record.id):
                operation.set_deleted(dependent, True, subject_id=record.id)
            session.flush()
        from desktop.services.entrepreneurs import _sort_pinyin

        stored = live_ventures(session, record.id)
        derived = {"current_stage": current_stage(stored), "name_pinyin": _sort_pinyin(record.name)}
        operation.update(record, derived, subject_id=record.id)  # a change like any other, logged
        _refresh_search(session, record, stored)
        return label


# -------------------------------------------------------------------------------------------- helpers
def _get(session: Session, entrepreneur_id: str) -> Entrepreneur:
    record = session.get(Entrepreneur, entrepreneur_id)
    if record is None:
        raise NotFound(f"找不到档案 {entrepreneur_id}")
    return record


def _refresh_search(
    session: Session, record: Entrepreneur, ventures: Iterable[Venture] | None = None
) -> None:
    from desktop.services.entrepreneurs import _refresh_search as refresh

    refresh(session, record, live_ventures(session, record.id) if ventures is None else ventures)
