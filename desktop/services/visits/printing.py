"""走访记录表: one visit, or every visit of a file, printed as PDF forms; logged."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sqlmodel import Session, col, select

from desktop.services.entrepreneur_list import age_on
from desktop.services.gate import service
from desktop.services.visits.queries import KIND, VisitView, _views
from models.audit import Actor, Operation
from models.database import Database
from models.entrepreneur import Entrepreneur, live_ventures
from models.enums import Sex, Stage, key_groups_from_bits
from models.errors import NotFound
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from models.station import get_station
from models.visits import KeyProject, Mentor, Visit, cadence_label

if TYPE_CHECKING:  # the PDF writer loads only when something is printed
    from reports.visit_sheet import SheetVisit


@service(Permission.PRINT_FORMS)
def print_visit_sheet(
    db: Database, actor: Actor, /, *, record_id: str, out: Path | BinaryIO, redacted: bool = False
) -> int:
    """Print 走访记录表: one visit (a visit id), or every visit of a file (an entrepreneur id or case
    number), one form each, into one PDF. Returns the page count; the print is logged."""
    from reports.visit_sheet import write_visit_sheets

    reveal = actor.may(Permission.VIEW_PERSONAL_DATA) and not redacted
    with db.reading() as session:
        visit = session.get(Visit, record_id)
        if visit is not None and not visit.deleted:
            records = [visit]
            person_id = visit.entrepreneur_id
        else:
            person = (
                session.get(Entrepreneur, record_id)
                or session.exec(select(Entrepreneur).where(Entrepreneur.case_number == record_id)).first()
            )
            if person is None:
                raise NotFound(f"找不到编号为 {record_id} 的走访记录或档案")
            person_id = person.id
            records = list(
                session.exec(
                    select(Visit)
                    .where(Visit.entrepreneur_id == person.id, col(Visit.deleted).is_(False))
                    .order_by(col(Visit.visit_date), col(Visit.id))
                ).all()
            )
            if not records:
                raise NotFound(f"{person.name}（档案号 {person.case_number}）还没有走访记录，无可打印")
        views = _views(session, records)
        sheets = _sheets(session, person_id, views, reveal=reveal)
    pages = write_visit_sheets(out, sheets, redacted=not reveal)
    with db.transaction() as session:
        Operation(session, actor, "打印走访记录表").log_access(
            "print",
            KIND,
            record_id,
            f"走访记录表 {len(sheets)} 份，{pages} 页，{'未遮盖' if reveal else '已遮盖'}身份证号码和电话",
        )
    return pages


def _sheets(session: Session, person_id: str, views: list[VisitView], *, reveal: bool) -> list[SheetVisit]:
    from reports.visit_sheet import SheetAction, SheetVisit

    person = session.get(Entrepreneur, person_id)
    if person is None:  # pragma: no cover - the visits were just read with their person
        raise NotFound(f"找不到创业者档案 {person_id}")
    station = get_station(session=session)
    ventures = {v.id: v for v in live_ventures(session, person_id)}
    mentor_orgs = dict(
        session.exec(
            select(Mentor.id, Mentor.organisation).where(
                col(Mentor.id).in_({v.mentor_id for v in views if v.mentor_id})
            )
        ).all()
    )
    projects = {
        p.id: p for p in session.exec(select(KeyProject).where(KeyProject.entrepreneur_id == person_id)).all()
    }
    sheets = []
    for v in views:
        venture = ventures.get(v.venture_id or "") or next(iter(ventures.values()), None)
        project = projects.get(v.key_project_id or "")
        tracking = ""
        if project is not None:
            cadence = cadence_label(project.cadence_days, project.cadence_months)
            tracking = f"重点孵化项目，{cadence}走访，陪跑期至 {project.planned_end.isoformat()}"
        sheets.append(
            SheetVisit(
                id=v.id,
                station_name=station.name,
                entrepreneur_name=person.name,
                case_number=person.case_number,
                sex=Sex(person.sex).label,
                age=age_on(person.birth_date, v.visit_date),
                id_number=person.id_number if reveal else mask_id_number(person.id_number),
                phone=(person.phone if reveal else mask_phone(person.phone)) if person.phone else "",
                key_groups="、".join(g.label for g in key_groups_from_bits(person.key_groups)),
                address=person.address,
                venture=v.venture_name or (venture.name if venture else ""),
                stage=Stage(venture.stage).label if venture else "",
                mentor_name=v.mentor_name,
                mentor_organisation=mentor_orgs.get(v.mentor_id or "", ""),
                visit_date=v.visit_date,
                mode=v.mode.label,
                duration_minutes=v.duration_minutes,
                topics=v.topics_label,
                problems=v.problems,
                advice=v.advice,
                actions=tuple(SheetAction(a.text, a.due_date, a.done_on) for a in v.actions),
                changes=v.changes,
                next_visit_date=v.next_visit_date,
                tracking=tracking,
            )
        )
    return sheets
