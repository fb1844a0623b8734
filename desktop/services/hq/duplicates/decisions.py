"""不是同一人: files HQ keeps apart, remembered and reversible, each decision in the access log."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from sqlmodel import Session, select

from desktop.services.sync.hq_side import hq_node
from models.audit import Actor, Operation
from models.entrepreneur import Entrepreneur
from models.errors import Conflict, NotFound
from models.hq.duplicates import HqKeptApart


def keep_apart_in(session: Session, actor: Actor, file_ids: Sequence[str], note: str = "") -> int:
    hq_node(session)
    ids = sorted(set(file_ids))
    if len(ids) < 2:
        raise Conflict("请至少选择两份档案")
    for file_id in ids:
        if session.get(Entrepreneur, file_id) is None:
            raise NotFound("总部没有这份档案（可能已被合并），请刷新列表")
    added = 0
    for first, second in combinations(ids, 2):
        known = session.scalars(
            select(HqKeptApart).where(HqKeptApart.first_id == first, HqKeptApart.second_id == second)
        ).first()
        if known is None:
            session.add(HqKeptApart(first_id=first, second_id=second, by=actor.user_name, note=note[:200]))
            added += 1
    Operation(session, actor, "不是同一人").log_access("keep_apart", "entrepreneur", ids[0], "、".join(ids))
    return added


def undo_keep_apart_in(session: Session, actor: Actor, file_ids: Sequence[str]) -> int:
    hq_node(session)
    ids = sorted(set(file_ids))
    removed = 0
    for first, second in combinations(ids, 2):
        for row in session.scalars(
            select(HqKeptApart).where(HqKeptApart.first_id == first, HqKeptApart.second_id == second)
        ).all():
            session.delete(row)
            removed += 1
    if removed:
        Operation(session, actor, "撤销不是同一人").log_access(
            "keep_apart_undone", "entrepreneur", ids[0], "、".join(ids)
        )
    return removed
