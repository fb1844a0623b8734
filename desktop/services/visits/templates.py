"""Visit templates (走访模板): the shipped ones and the station's own, to prefill the quick-entry form."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from desktop.services.gate import service
from models.audit import Actor, Operation
from models.database import Database
from models.errors import NotFound
from models.permissions import Permission
from models.visits import (
    SHIPPED_TEMPLATES,
    TemplateData,
    VisitMode,
    VisitTemplate,
    topics_from_bits,
    topics_to_bits,
    validate_template,
)


# ------------------------------------------------------------------------------------------------ templates
@service(Permission.VIEW_FILES)
def list_templates(db: Database, actor: Actor, /) -> list[TemplateData]:
    """The shipped templates, then the station's own (newest last)."""
    with db.reading() as session:
        stored = session.exec(
            select(VisitTemplate)
            .where(col(VisitTemplate.deleted).is_(False))
            .order_by(col(VisitTemplate.created_at), col(VisitTemplate.id))
        ).all()
        own = [
            TemplateData(
                name=t.name,
                mode=VisitMode(t.mode),
                duration_minutes=t.duration_minutes,
                topics=frozenset(topics_from_bits(t.topics)),
                problems=t.problems,
                advice=t.advice,
                actions=tuple((str(text_), int(days)) for text_, days in t.actions),
                id=t.id,
            )
            for t in stored
        ]
    return [*SHIPPED_TEMPLATES, *own]


@service(Permission.RECORD_VISITS)
def save_template(db: Database, actor: Actor, /, *, template: TemplateData | Mapping[str, object]) -> str:
    """Keep what was typed as a template for the next visit of the same kind."""
    data = template if isinstance(template, TemplateData) else validate_template(template)
    with db.transaction() as session:
        return save_template_in(session, actor, data)


def save_template_in(session: Session, actor: Actor, data: TemplateData) -> str:
    """The core of :func:`save_template`; never commits."""
    record = VisitTemplate(
        station_code=actor.station_code,
        updated_by=actor.user_name,
        name=data.name,
        mode=data.mode.value,
        duration_minutes=data.duration_minutes,
        topics=topics_to_bits(data.topics),
        problems=data.problems,
        advice=data.advice,
        actions=[[text_, days] for text_, days in data.actions],
    )
    Operation(session, actor, f"保存走访模板 {data.name}").create(record)
    return record.id


@service(Permission.RECORD_VISITS)
def delete_template(db: Database, actor: Actor, /, *, template_id: str) -> None:
    """Send one of the station's own templates to the recycle bin."""
    with db.transaction() as session:
        delete_template_in(session, actor, template_id)


def delete_template_in(session: Session, actor: Actor, template_id: str) -> None:
    """The core of :func:`delete_template`; never commits."""
    record = session.get(VisitTemplate, template_id)
    if record is None or record.deleted:
        raise NotFound("找不到这个走访模板（内置模板不能删除）")
    Operation(session, actor, f"删除走访模板 {record.name}").set_deleted(record, True)
