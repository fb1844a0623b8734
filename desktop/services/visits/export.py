"""The visit list as an xlsx workbook (走访记录导出), masked unless asked and allowed; logged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.gate import service
from desktop.services.visits.queries import KIND, VisitQuery, _select_visit_ids, _views
from models.audit import Actor, Operation
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from models.visits import Visit


@service(Permission.EXPORT_DATA)
def export_visits(
    db: Database,
    actor: Actor,
    /,
    *,
    path: Path,
    month: date | None = None,
    unmasked: bool = False,
    job: JobState = UNWATCHED,
) -> int:
    """Write the visits of a month (or all) to xlsx. ID numbers and phones are masked unless the actor
    may see personal data and asked for an unmasked export (DESIGN.md); every export is logged."""
    from reports.xlsx import Column, write_table

    columns = (
        Column("走访日期", 12, "date"),
        Column("档案号", 22),
        Column("姓名", 10),
        Column("身份证号码", 21),
        Column("联系电话", 14),
        Column("创业项目", 20),
        Column("导师", 10),
        Column("走访方式", 10),
        Column("时长（分钟）", 8, "int"),
        Column("走访内容", 20),
        Column("发现的问题", 40),
        Column("指导建议", 40),
        Column("跟进事项", 40),
        Column("下次走访", 12, "date"),
        Column("情况变化", 30),
        Column("记录人", 12),
    )
    reveal = unmasked and actor.may(Permission.VIEW_PERSONAL_DATA)
    ids = list(reversed(_select_visit_ids(db, VisitQuery(month=month))))
    title = f"走访记录（{month:%Y年%m月}）" if month else "走访记录（全部）"

    def rows() -> Iterator[list[object]]:
        for start in range(0, len(ids), 1000):
            job.report(start, len(ids), f"正在导出走访记录 {start:,}/{len(ids):,}")
            with db.reading() as session:
                chunk = ids[start : start + 1000]
                records = session.exec(
                    select(Visit, Entrepreneur)
                    .join(Entrepreneur, col(Entrepreneur.id) == col(Visit.entrepreneur_id))
                    .where(col(Visit.id).in_(chunk))
                ).all()
                by_id = {v.id: (v, p) for v, p in records}
                views = {v.id: v for v in _views(session, [by_id[i][0] for i in chunk if i in by_id])}
            for visit_id in chunk:
                if visit_id not in by_id:
                    continue
                _, person = by_id[visit_id]
                view = views[visit_id]
                yield [
                    view.visit_date,
                    view.case_number,
                    view.entrepreneur_name,
                    person.id_number if reveal else mask_id_number(person.id_number),
                    (person.phone if reveal else mask_phone(person.phone)) if person.phone else "",
                    view.venture_name,
                    view.mentor_name,
                    view.mode.label,
                    view.duration_minutes,
                    view.topics_label,
                    view.problems,
                    view.advice,
                    "；".join(
                        f"{a.text}（{a.due_date.isoformat()}{'，已完成' if a.done else ''}）"
                        for a in view.actions
                    ),
                    view.next_visit_date,
                    "；".join(view.changes),
                    view.updated_by,
                ]

    count = write_table(path, sheet_title="走访记录", columns=columns, rows=rows(), title=title)
    with db.transaction() as session:
        Operation(session, actor, "导出走访记录").log_access(
            "export",
            KIND,
            "",
            f"{path.name}：{title}，{count} 行，{'未遮盖' if reveal else '已遮盖'}身份证号码和电话",
        )
    return count
