"""Training behind the permission gate: every service states its permission, a restricted user is refused
a write (audited, nothing else changed), the walk-in enrolment is one transaction, the certificate
counter is rebuilt from the certificates on file, and the area describes itself in one Area."""

from __future__ import annotations

import inspect
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from desktop.services import training as svc
from desktop.services.gate import permission_of
from models.audit import AccessLog, Actor, Change
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.errors import Conflict, NotAllowed
from models.permissions import Permission
from models.training import AttendanceMark, CertificateSequence, CourseType, Enrolment, HalfDay, TrainingClass
from tests.unit.test_training_services import START, completed_class, id_number, new_class, scheduled


def counts(db: Database) -> dict[str, int]:
    """How many rows each table this test watches holds."""
    with db.reading() as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Change, AccessLog, CourseType, TrainingClass, Enrolment, Entrepreneur)
        }


def refusals(db: Database) -> list[AccessLog]:
    with db.reading() as session:
        return list(session.exec(select(AccessLog).where(AccessLog.action == "refused")).all())


def test_every_public_training_service_states_its_permission() -> None:
    services = [
        getattr(svc, name)
        for name in svc.__all__
        if inspect.isfunction(getattr(svc, name))
        and next(iter(inspect.signature(getattr(svc, name)).parameters), "") == "db"
    ]
    assert len(services) >= 40
    assert [f.__name__ for f in services if permission_of(f) is None] == []
    assert permission_of(svc.ensure_course_catalogue) is Permission.MANAGE_TRAINING
    assert permission_of(svc.mark_attendance) is Permission.MANAGE_TRAINING
    assert permission_of(svc.import_attendance) is Permission.IMPORT_DATA
    assert permission_of(svc.export_attendance) is Permission.EXPORT_DATA
    assert permission_of(svc.print_certificates) is Permission.PRINT_FORMS
    assert permission_of(svc.roster) is Permission.VIEW_FILES


def test_a_read_only_user_is_refused_marking_attendance(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor)
    sessions = scheduled(db, actor, class_id)
    zhang = svc.enrol_walk_in(db, actor, class_id=class_id, name="张三", id_number=id_number(1))[1]
    before = counts(db)
    clerk = actor.restricted_to(Permission.VIEW_FILES)
    with pytest.raises(NotAllowed, match="管理培训班和考勤"):
        svc.mark_attendance(
            db, clerk, class_id=class_id, marks=[(zhang, sessions[0].id, AttendanceMark.PRESENT)]
        )
    [refused] = refusals(db)
    assert refused.user_name == actor.user_name and "mark_attendance" in refused.detail
    assert counts(db) == before | {"AccessLog": before["AccessLog"] + 1}
    assert svc.attendance_grid(db, clerk, class_id=class_id).marks == {}  # reading is allowed


def test_a_read_only_user_is_refused_the_default_catalogue(db: Database, actor: Actor) -> None:
    before = counts(db)
    with pytest.raises(NotAllowed):
        svc.ensure_course_catalogue(db, actor.restricted_to(Permission.VIEW_FILES))
    assert counts(db) == before | {"AccessLog": before["AccessLog"] + 1}
    assert svc.ensure_course_catalogue(db, actor) == 6


def test_a_walk_in_needs_the_right_to_open_files_too(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor)
    before = counts(db)
    trainer = actor.restricted_to(Permission.VIEW_FILES, Permission.MANAGE_TRAINING)
    with pytest.raises(NotAllowed, match="建档和修改档案"):
        svc.enrol_walk_in(db, trainer, class_id=class_id, name="张三", id_number=id_number(1))
    assert counts(db) == before | {"AccessLog": before["AccessLog"] + 1}


def test_a_walk_in_files_and_enrols_the_person_or_makes_nothing(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor, capacity=1)
    person, enrolment = svc.enrol_walk_in(db, actor, class_id=class_id, name="张三", id_number=id_number(1))
    with db.reading() as session:
        changes = session.exec(
            select(Change).where(Change.subject_id == person).order_by(col(Change.seq))
        ).all()
        assert [(c.record_kind, c.operation_label) for c in changes] == [
            ("entrepreneur", "新建 张三 的档案"),
            ("training_enrolment", "张三 报名 SYB202501 期创办你的企业（SYB）"),
        ]
        assert session.get(Enrolment, enrolment) is not None
    before = counts(db)
    # the class is now full: the second walk-in is refused before any file is made
    with pytest.raises(Conflict, match="已满"):
        svc.enrol_walk_in(db, actor, class_id=class_id, name="李四", id_number=id_number(2))
    assert counts(db) == before


def test_the_certificate_counter_is_rebuilt_from_the_certificates_on_file(db: Database, actor: Actor) -> None:
    class_id, enrolments = completed_class(db, actor, ["张三", "李四"])
    sessions = svc.list_sessions(db, actor, class_id=class_id)
    svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 10))
    # 李四 holds the highest number; it is revoked, and must never be issued again
    marks = [(enrolments[1], s.id, AttendanceMark.ABSENT) for s in sessions[:4]]
    svc.mark_attendance(db, actor, class_id=class_id, marks=marks)
    again = svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 11))
    assert again.revoked == 1
    with db.transaction() as session:
        assert [(s.year, s.last) for s in session.exec(select(CertificateSequence)).all()] == [(2025, 2)]
        session.add(CertificateSequence(year=2019, last=99))  # a stale row the rebuild drops
        session.flush()
        assert svc.rebuild_certificate_sequence(session) == 1
        assert [(s.year, s.last) for s in session.exec(select(CertificateSequence)).all()] == [(2025, 2)]
    # 李四 completes after all: the next number, not the revoked one
    svc.mark_attendance(
        db,
        actor,
        class_id=class_id,
        marks=[(enrolments[1], s.id, AttendanceMark.PRESENT) for s in sessions[:4]],
    )
    svc.assess_class(db, actor, class_id=class_id, today=date(2025, 3, 12))
    rows = svc.roster(db, actor, class_id=class_id)
    assert [r.certificate_number for r in rows] == ["330106001-SYB-2025-00001", "330106001-SYB-2025-00003"]


def test_the_area_describes_its_records_and_sources() -> None:
    area = svc.area()
    kinds = {kind.table: kind for kind in area.records}
    assert set(kinds) == {
        "course_type",
        "training_class",
        "training_session",
        "training_enrolment",
        "training_attendance",
    }
    assert kinds["course_type"].owner == "hq"
    assert {kind.owner for table, kind in kinds.items() if table != "course_type"} == {"station"}
    assert kinds["training_enrolment"].recompute == ("training_certificate_sequence",)
    assert area.derived_tables == ("training_certificate_sequence",)
    assert area.projections["training_certificate_sequence"] is svc.rebuild_certificate_sequence
    assert area.own_entry_kinds == frozenset({"training_enrolment"})
    assert area.change_labels["training_enrolment"] is svc.ENROLMENT_LABELS
    sources = [*area.task_sources, *area.figure_sources, *area.timeline_sources]
    assert sources == [svc.training_tasks, svc.training_figures, svc.training_timeline]
    assert all(permission_of(source) is Permission.VIEW_FILES for source in sources)
    assert len(area.monthly_sections) == 1 and area.demo_module == "desktop.demo.training"


def test_a_clerk_sees_the_day_but_is_refused_a_session(db: Database, actor: Actor) -> None:
    class_id = new_class(db, actor)
    clerk = actor.restricted_to(Permission.VIEW_FILES)
    with pytest.raises(NotAllowed):
        svc.add_session(
            db,
            clerk,
            class_id=class_id,
            session_data={"session_date": START + timedelta(days=1), "half_day": HalfDay.AM, "hours": 4},
        )
    assert svc.list_sessions(db, clerk, class_id=class_id) == []
    assert len(svc.training_tasks(db, clerk, START + timedelta(days=30))) == 1  # 待结业评定
