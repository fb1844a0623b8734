"""Merging duplicate files at HQ (合并为一份档案), made of ordinary HQ changes through the journal's
unit of work, so that they travel in HQ's replies (docs/hq-duplicates.md).

A merge of file M into the survivor S:
- S takes the value HQ chose for each field (its birth date and sex follow the ID number chosen);
- every record that points to M (ventures, visits, follow-ups, tracking, mentor assignments, classes,
  applications, loans …, by the foreign keys) points to S; those at M's station, and what depends on
  them, move to S's station as a transfer moves a file;
- M is marked merged into S (``merged_into``), sent to the recycle bin's tombstone and gives up its ID
  number (an ID number is unique at a station, and the stations that held either file hold both
  records from then on); it moves to S's station too, so it is read-only everywhere else;
- S's station receives the whole history of what moved (``HqMergeCopy``); every other station that
  held M, or holds a record now pointing to S, receives S (a read-only copy) with them, so no link
  breaks anywhere.
A record a station made on M before it heard of the merge is re-pointed the same way when its package
arrives (:func:`follow_merges`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, false, select
from sqlmodel import Session, col

from desktop.services.sync.hq_side import hq_actor, hq_node
from desktop.services.sync.node import last_seq
from desktop.services.sync.transfers import _dependents, _parents
from models.audit import Actor, Operation
from models.base import TravellingRecord
from models.entrepreneur import Entrepreneur, current_stage, live_ventures
from models.errors import Conflict, NotFound
from models.hq.duplicates import HqMerge, HqMergeCopy, merged_number
from models.pinyin import name_search_keys
from models.sync.tables import SyncNotice, SyncTransfer
from models.tables import metadata, travelling_tables

# the fields HQ chooses between, in the order the page shows them; birth date and sex follow the number
MERGE_FIELDS = (
    "name",
    "id_number",
    "phone",
    "key_groups",
    "education",
    "graduation_date",
    "household_region",
    "address",
    "notes",
)
FOLLOWS_NUMBER = ("birth_date", "sex")


@dataclass(frozen=True)
class MergeResult:
    survivor_id: str
    survivor_case: str
    survivor_station: str
    merged: tuple[tuple[str, str, str], ...]  # (id, case number, station before) of each merged file
    moved: int  # records re-pointed or moved

    @property
    def text(self) -> str:
        cases = "、".join(f"{case}（服务站 {station}）" for _, case, station in self.merged)
        return (
            f"已合并：{cases} 并入档案 {self.survivor_case}（服务站 {self.survivor_station}），"
            f"{self.moved} 条走访、创业项目、培训和申请等记录随之转入；各服务站在下一次回复包中收到"
        )


def entrepreneur_links() -> dict[str, tuple[str, ...]]:
    """Per travelling kind, its columns that point to a file (by the foreign keys)."""
    found: dict[str, tuple[str, ...]] = {}
    for kind, model in travelling_tables().items():
        table = model.__table__  # type: ignore[attr-defined]
        columns = tuple(
            sorted(f.parent.key for f in table.foreign_keys if f.column.table.name == "entrepreneur")
        )
        if columns:
            found[kind] = columns
    return found


def _order() -> dict[str, int]:
    return {table.name: index for index, table in enumerate(metadata.sorted_tables)}


def merge_in(
    session: Session,
    actor: Actor,
    survivor_id: str,
    merged_ids: Sequence[str],
    choices: Mapping[str, str] | None = None,
) -> MergeResult:
    """Merge ``merged_ids`` into ``survivor_id``; ``choices`` names, per field, the file whose value the
    survivor keeps (its own where not named)."""
    hq_node(session)
    survivor = _live(session, survivor_id)
    others = [_live(session, other) for other in dict.fromkeys(merged_ids) if other != survivor_id]
    if not others:
        raise Conflict("请至少选择另一份档案并入所保留的档案")
    from desktop.services.hq.duplicates.detect import same_person_candidates

    for other in others:
        if not same_person_candidates(survivor, other):
            raise Conflict(
                f"档案 {other.case_number} 与 {survivor.case_number} 既不是同一身份证号码，"
                "也不是同名同出生日期，不能合并"
            )
    files = {f.id: f for f in (survivor, *others)}
    values: dict[str, Any] = {}
    for name, source_id in (choices or {}).items():
        if name not in MERGE_FIELDS:
            raise Conflict(f"字段“{name}”不能在合并时选择")
        if source_id not in files:
            raise Conflict("所选的值来自不在本次合并中的档案")
    number_from = files[(choices or {}).get("id_number", survivor.id)]
    if number_from is not survivor and number_from.station_code == survivor.station_code:
        # that station holds both files: it could apply the survivor's new number before the other
        # file's release of it (one package's updates are not ordered), and refuse it
        raise Conflict(
            f"档案 {number_from.case_number} 与所保留的档案在同一服务站：请改为保留号码正确的那份档案"
            "（保留哪一份，就沿用哪一份的身份证号码），其余字段照常选择"
        )
    for name in MERGE_FIELDS:
        source = files[(choices or {}).get(name, survivor.id)]
        values[name] = getattr(source, name)
        if name == "id_number":
            values.update({key: getattr(source, key) for key in FOLLOWS_NUMBER})
    keys = name_search_keys(str(values["name"]))
    values["name_pinyin"] = keys[0] if keys else values["name"]
    operation = Operation(session, actor, f"合并 {survivor.name} 的档案")
    merged: list[tuple[str, str, str]] = []
    moved = 0
    for other in others:
        merged.append((other.id, other.case_number, other.station_code))
        moved += _merge_one(session, operation, survivor, other, dict(choices or {}))
    values["current_stage"] = current_stage(live_ventures(session, survivor.id))
    operation.update(survivor, values, subject_id=survivor.id)
    session.flush()
    _rebuild_search(session, [survivor.id, *(m[0] for m in merged)])
    operation.log_access(
        "merge_files",
        "entrepreneur",
        survivor.id,
        f"并入 {len(others)} 份档案：{'、'.join(m[1] for m in merged)}",
    )
    return MergeResult(survivor.id, survivor.case_number, survivor.station_code, tuple(merged), moved)


def _live(session: Session, entrepreneur_id: str) -> Entrepreneur:
    record = session.get(Entrepreneur, entrepreneur_id)
    if record is None:
        raise NotFound("总部没有这份档案（可能已被合并或尚未收到）")
    if record.merged_into:
        raise Conflict(f"档案 {record.case_number} 已合并至另一份档案，请刷新列表")
    if record.deleted:
        raise Conflict(f"档案 {record.case_number} 在回收站中，不能合并；请先恢复")
    return record


def _merge_one(
    session: Session,
    operation: Operation,
    survivor: Entrepreneur,
    other: Entrepreneur,
    choices: dict[str, str],
) -> int:
    connection = session.connection()
    source, target = other.station_code, survivor.station_code
    holders = holders_of(session, other.id) | {source}
    tree = _dependents(connection, "entrepreneur", {other.id})
    touched, pointing = _repoint(
        session,
        operation,
        tree=tree,
        survivors={other.id: survivor.id},
        sources={other.id: source},
        target=target,
    )
    changes: dict[str, Any] = {
        "merged_into": survivor.id,
        "deleted": True,
        "id_number": merged_number(other.id),
    }
    if source != target:
        changes["station_code"] = target
    operation.update(other, changes, subject_id=other.id)
    session.flush()
    merge = HqMerge(
        survivor_id=survivor.id,
        merged_id=other.id,
        survivor_station=target,
        merged_station=source,
        choices=choices,
        operation_id=operation.operation_id,
        by=operation.actor.user_name,
    )
    session.add(merge)
    _send_copies(session, merge, tree=tree, survivor_id=survivor.id, target=target, others=holders | pointing)
    for station in sorted(holders | {target}):
        here = station == target
        session.add(
            SyncNotice(
                kind="merged",
                peer=station,
                record_kind="entrepreneur",
                record_id=other.id,
                other_station=target,
                other_record_id=survivor.id,
                text=(
                    f"总部已将 {other.name} 在服务站 {source} 的档案（{other.case_number}）合并入本站档案"
                    f" {survivor.case_number}，其走访、创业项目、培训和申请等记录一并转入"
                    if here
                    else f"{other.name} 的档案（{other.case_number}）已由总部合并至服务站 {target} 的档案"
                    f" {survivor.case_number}，打开原档案会转到该档案（本站只读）"
                ),
            )
        )
    return touched


def _repoint(
    session: Session,
    operation: Operation,
    *,
    tree: Mapping[str, set[str]],
    survivors: Mapping[str, str],
    sources: Mapping[str, str],
    target: str,
) -> tuple[int, set[str]]:
    """Every record of ``tree`` (a file's dependents) points to the survivor instead of the merged-away
    file, and moves to the survivor's station when it is at the merged-away file's; returns how many
    records changed and the other stations that hold records pointing to the survivor."""
    tables, links, order = travelling_tables(), entrepreneur_links(), _order()
    sources_of_tree = set(sources.values())
    count, pointing = 0, set()
    for kind in sorted(tree, key=lambda name: order[name]):
        for record_id in sorted(tree[kind]):
            if kind == "entrepreneur" and record_id in survivors:
                continue
            record = session.get(tables[kind], record_id)
            if record is None:
                continue
            values: dict[str, Any] = {
                column: survivors[getattr(record, column)]
                for column in links.get(kind, ())
                if getattr(record, column) in survivors
            }
            if (
                kind == "training_enrolment"
                and values
                and _enrolled_twice(session, operation, record, values)
            ):
                values = {"deleted": True}
            subject = next(iter(survivors.values()))
            moves = record.station_code in sources_of_tree and record.station_code != target
            if moves:
                # the move first, alone: it goes to the old station at once (as a transfer's does); the
                # new link goes there with the survivor, once the old file has given up its number
                operation.update(record, {"station_code": target}, subject_id=subject)
            if values:
                operation.update(record, values, subject_id=subject)
            count += bool(moves or values)
            if record.station_code != target:
                pointing.add(record.station_code)
    session.flush()
    return count, pointing


def _enrolled_twice(
    session: Session, operation: Operation, enrolment: TravellingRecord, values: Mapping[str, Any]
) -> bool:
    """Both files on one class's roster (a class has each person once): the survivor's place is kept,
    the merged-away one's attendance marks move to it where it has none for that session, and its
    result where the survivor has none; returns True when the other place is to be tombstoned."""
    from models.training import Attendance, Enrolment

    kept = session.scalars(
        select(Enrolment).where(
            col(Enrolment.class_id) == getattr(enrolment, "class_id"),  # noqa: B009
            col(Enrolment.entrepreneur_id) == values["entrepreneur_id"],
        )
    ).first()
    if kept is None:
        return False
    marks = session.scalars(select(Attendance).where(col(Attendance.enrolment_id) == kept.id)).all()
    marked = {mark.session_id for mark in marks}
    for mark in session.scalars(select(Attendance).where(col(Attendance.enrolment_id) == enrolment.id)).all():
        if mark.session_id not in marked and not mark.deleted:
            operation.update(mark, {"enrolment_id": kept.id}, subject_id=values["entrepreneur_id"])
            marked.add(mark.session_id)
    if kept.result is None and getattr(enrolment, "result", None) is not None:
        taken = {key: getattr(enrolment, key) for key in ("status", "exam_score", "result", "completed_on")}
        operation.update(kept, taken, subject_id=values["entrepreneur_id"])
    return True


def _send_copies(
    session: Session,
    merge: HqMerge,
    *,
    tree: Mapping[str, set[str]],
    survivor_id: str,
    target: str,
    others: Iterable[str],
) -> list[HqMergeCopy]:
    """What each station's replies carry so that every link there is valid: to the survivor's
    station, what moved and what that points to; to every other station concerned, the merged-away
    file's new state first, then (once applied) the survivor with what points to it."""
    connection = session.connection()
    history = _ids(tree) + _ids(_parents(connection, tree))
    survivor_key, merged_key = f"entrepreneur:{survivor_id}", f"entrepreneur:{merge.merged_id}"
    seq = last_seq(session)
    copies = [
        HqMergeCopy(merge_id=merge.id, station=target, record_ids=[k for k in history if k != survivor_key])
    ]
    for station in sorted(set(others) - {target}):
        copies.append(HqMergeCopy(merge_id=merge.id, station=station, record_ids=[merged_key]))
        rest = [survivor_key, *(k for k in history if k not in (survivor_key, merged_key))]
        copies.append(HqMergeCopy(merge_id=merge.id, station=station, record_ids=rest, after_seq=seq))
    for copy in copies:
        session.add(copy)
    return copies


def _ids(records: Mapping[str, set[str]]) -> list[str]:
    order = _order()
    return [
        f"{kind}:{rid}" for kind in sorted(records, key=lambda n: order[n]) for rid in sorted(records[kind])
    ]


def holders_of(session: Session, entrepreneur_id: str) -> set[str]:
    """The stations that hold a copy of a file besides its own: those it was transferred from, and
    those an earlier merge sent it to."""
    found = {
        str(station)
        for station in session.scalars(
            select(col(SyncTransfer.from_station)).where(col(SyncTransfer.entrepreneur_id) == entrepreneur_id)
        )
    }
    key = f"entrepreneur:{entrepreneur_id}"
    for copy in session.scalars(select(HqMergeCopy)):
        if key in copy.record_ids:
            found.add(copy.station)
    return found


def survivor_of(session: Session, entrepreneur_id: str) -> str:
    """The file a merged-away id leads to (following merges of merges); the id itself otherwise."""
    current, seen = entrepreneur_id, set()
    while current not in seen:
        seen.add(current)
        record = session.get(Entrepreneur, current)
        if record is None or not record.merged_into:
            return current
        current = record.merged_into
    return current


def _rebuild_search(session: Session, ids: list[str]) -> None:
    from desktop.services.entrepreneurs import rebuild_search

    rebuild_search(session, ids)


# ------------------------------------------------------------------------------- late arrivals
def follow_merges(session: Session, touched: Mapping[str, set[str]]) -> int:
    """After a station's package applied at HQ: records it made on a file HQ has merged away since
    (before the station heard of it) are re-pointed and moved like the merge's own, and a merged-away
    file a station brought back from the recycle bin is tombstoned again. Returns how many changed."""
    connection = session.connection()
    e = Entrepreneur.__table__  # type: ignore[attr-defined]
    merged_files = select(e.c.id).where(e.c.merged_into.is_not(None))
    late: dict[str, set[str]] = {}
    for kind, columns in entrepreneur_links().items():
        ids = sorted(touched.get(kind, ()))
        table = travelling_tables()[kind].__table__  # type: ignore[attr-defined]
        for start in range(0, len(ids), 500):
            for column in columns:
                query = select(table.c.id).where(
                    table.c.id.in_(ids[start : start + 500]), table.c[column].in_(merged_files)
                )
                late.setdefault(kind, set()).update(connection.execute(query).scalars())
    revived = _revived(connection, sorted(touched.get("entrepreneur", ())))
    if not any(late.values()) and not revived:
        return 0
    operation = Operation(session, hq_actor(hq_node(session).code), "合并后收到的记录转入所保留的档案")
    count = 0
    copies: list[HqMergeCopy] = []
    for record_id in revived:
        record = session.get(Entrepreneur, record_id)
        if record is not None:
            operation.update(record, {"deleted": True}, subject_id=record.id)
            count += 1
            for station in holders_of(session, record.id) | _merged_from(session, record.id):
                if station != record.station_code:
                    copies.append(HqMergeCopy(station=station, record_ids=[f"entrepreneur:{record.id}"]))
    for kind, late_ids in late.items():
        for record_id in sorted(late_ids):
            count += _follow_one(
                session, operation, connection=connection, kind=kind, record_id=record_id, copies=copies
            )
    session.flush()
    seq = last_seq(session)
    for copy in copies:
        if copy.after_seq < 0:  # waits for the changes just made
            copy.after_seq = seq
        session.add(copy)
    return count


def _revived(connection: Connection, ids: list[str]) -> list[str]:
    e = Entrepreneur.__table__  # type: ignore[attr-defined]
    found: list[str] = []
    for start in range(0, len(ids), 500):
        query = select(e.c.id).where(
            e.c.id.in_(ids[start : start + 500]), e.c.merged_into.is_not(None), e.c.deleted == false()
        )
        found.extend(connection.execute(query).scalars())
    return found


def _merged_from(session: Session, merged_id: str) -> set[str]:
    rows = session.scalars(select(HqMerge).where(HqMerge.merged_id == merged_id)).all()  # type: ignore[arg-type]
    return {row.merged_station for row in rows}


def _follow_one(
    session: Session,
    operation: Operation,
    *,
    connection: Connection,
    kind: str,
    record_id: str,
    copies: list[HqMergeCopy],
) -> int:
    record = session.get(travelling_tables()[kind], record_id)
    if record is None:
        return 0
    merged_ids = {getattr(record, column) for column in entrepreneur_links()[kind]} - {None}
    survivors = {m: survivor_of(session, m) for m in merged_ids}
    survivors = {m: s for m, s in survivors.items() if s != m}
    if not survivors:
        return 0
    survivor_id = next(iter(survivors.values()))
    survivor = session.get(Entrepreneur, survivor_id)
    assert survivor is not None
    target = survivor.station_code
    sources = {m: station for m in survivors for station in _merged_from(session, m)}
    tree = _dependents(connection, kind, {record_id})
    count, pointing = _repoint(
        session, operation, tree=tree, survivors=survivors, sources=sources, target=target
    )
    history = _ids(tree) + _ids(_parents(connection, tree))
    copies.append(HqMergeCopy(station=target, record_ids=history))
    for station in (pointing | set(sources.values())) - {target}:
        rest = [f"entrepreneur:{survivor_id}", *history]
        copies.append(HqMergeCopy(station=station, record_ids=rest, after_seq=-1))
    return count
