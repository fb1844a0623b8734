"""Issue 12 §1 on the services: undo reaches the user's own changes of today and says beforehand what it
would remove; a delete and its restore are each one operation over the file and what depends on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from desktop.services import entrepreneurs as svc
from desktop.services import file_removal, training
from desktop.services.applications import create_application
from desktop.services.visits import mentors
from models.applications import Application
from models.audit import Actor, Change
from models.base import china_today
from models.database import Database
from models.entrepreneur import Venture
from models.training import Enrolment
from models.visits import MentorAssignment
from tests.unit.test_applications_workflow import DAY
from tests.unit.test_policy_support import make_person
from tests.unit.test_training_services import new_class

VENTURE = {
    "name": "青禾餐饮店",
    "entity_type": "个体工商户",
    "stage": "初创",
    "registration_date": "2024-03-05",
    "industry": "H",
    "jobs_created": 2,
}


def _person(db: Database, actor: Actor) -> str:
    return make_person(db, actor, ventures=[VENTURE])


def _ventures(db: Database, person: str) -> list[tuple[str, bool]]:
    with db.reading() as session:
        rows = session.exec(select(Venture).where(Venture.entrepreneur_id == person)).all()
        return [(v.name, v.deleted) for v in rows]


def test_undoing_a_creation_is_previewed_and_restore_brings_the_venture_back(
    db: Database, actor: Actor
) -> None:
    zhang = _person(db, actor)
    file = svc.get_file(db, actor, entrepreneur_id=zhang)
    svc.update_entrepreneur(
        db, actor, entrepreneur_id=zhang, person={**file.form_values(), "phone": "13900001111"}
    )
    first = svc.undo_preview(db, actor, entrepreneur_id=zhang)
    assert first is not None and first.label == "修改 张三 的档案" and not first.asks
    svc.undo_last_change(db, actor, entrepreneur_id=zhang, operation_id=first.operation_id)
    second = svc.undo_preview(db, actor, entrepreneur_id=zhang)
    assert second is not None and second.asks and second.removes_file
    assert second.removes == ("张三 的档案", "创业项目 青禾餐饮店")
    assert "移到回收站：张三 的档案、创业项目 青禾餐饮店" in second.question
    svc.undo_last_change(db, actor, entrepreneur_id=zhang, operation_id=second.operation_id)
    assert svc.get_file(db, actor, entrepreneur_id=zhang).deleted
    assert _ventures(db, zhang) == [("青禾餐饮店", True)]
    # the worker's way back: restore from the recycle bin brings the venture too
    svc.restore_entrepreneur(db, actor, entrepreneur_id=zhang)
    restored = svc.get_file(db, actor, entrepreneur_id=zhang)
    assert not restored.deleted and [v.name for v in restored.ventures] == ["青禾餐饮店"]
    assert restored.stage is not None and restored.stage.label == "初创"


def test_undo_reaches_only_the_users_own_changes_of_today(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    zhang = _person(db, actor)
    colleague = actor._replace(user_name="王会计")
    file = svc.get_file(db, actor, entrepreneur_id=zhang)
    svc.update_entrepreneur(
        db, colleague, entrepreneur_id=zhang, person={**file.form_values(), "notes": "王的"}
    )
    # my newest change is the creation (the colleague's edit is theirs to undo), and it moved on since
    preview = svc.undo_preview(db, actor, entrepreneur_id=zhang)
    assert preview is not None and preview.label == "新建 张三 的档案"
    mine = svc.undo_preview(db, colleague, entrepreneur_id=zhang)
    assert mine is not None and mine.label == "修改 张三 的档案"
    assert svc.undo_last_change(db, colleague, entrepreneur_id=zhang) == "修改 张三 的档案"
    # two days later, the creation is out of reach: corrected by editing, not by Ctrl+Z
    monkeypatch.setattr(file_removal, "china_today", lambda: china_today() + timedelta(days=2))
    assert svc.undo_preview(db, actor, entrepreneur_id=zhang) is None
    assert svc.undo_last_change(db, actor, entrepreneur_id=zhang) is None
    assert not svc.get_file(db, actor, entrepreneur_id=zhang).deleted


def test_delete_takes_the_dependents_and_restore_brings_back_only_those(db: Database, actor: Actor) -> None:
    zhang = _person(db, actor)
    file = svc.get_file(db, actor, entrepreneur_id=zhang)
    second = {**VENTURE, "name": "旧货摊"}
    ventures = [v.form_values() for v in file.ventures] + [second]
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=file.form_values(), ventures=ventures)
    kept = [
        v.form_values() for v in svc.get_file(db, actor, entrepreneur_id=zhang).ventures if v.name != "旧货摊"
    ]
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=file.form_values(), ventures=kept)
    mentor = mentors.create_mentor(db, actor, mentor={"name": "李明", "kind": "企业家", "expertise": "融资"})
    mentors.assign_entrepreneurs(db, actor, mentor_id=mentor, entrepreneur_ids=[zhang])
    class_id = new_class(db, actor)
    training.enrol(db, actor, class_id=class_id, entrepreneur_id=zhang, today=date(2025, 3, 1))
    create_application(db, actor, entrepreneur_id=zhang, item_code="startup_subsidy", today=DAY)

    question = svc.deletion_preview(db, actor, entrepreneur_id=zhang).question
    assert question.startswith(
        "删除 张三 的档案？同时移到回收站：创业项目 青禾餐饮店、导师分配（李明）、培训报名（"
    )
    assert "一次性创业补贴申请草稿" in question and question.endswith("可在回收站恢复。")
    svc.delete_entrepreneur(db, actor, entrepreneur_id=zhang)

    def state() -> dict[str, list[bool]]:
        with db.reading() as session:
            return {
                "venture": sorted(
                    v.deleted for v in session.exec(select(Venture).where(Venture.entrepreneur_id == zhang))
                ),
                "assignment": [
                    a.deleted
                    for a in session.exec(
                        select(MentorAssignment).where(MentorAssignment.entrepreneur_id == zhang)
                    )
                ],
                "enrolment": [
                    e.deleted
                    for e in session.exec(select(Enrolment).where(Enrolment.entrepreneur_id == zhang))
                ],
                "draft": [
                    a.deleted
                    for a in session.exec(select(Application).where(Application.entrepreneur_id == zhang))
                ],
            }

    assert state() == {"venture": [True, True], "assignment": [True], "enrolment": [True], "draft": [True]}
    with db.reading() as session:  # one operation, one undo step
        deleted = session.exec(select(Change).order_by(col(Change.seq).desc())).first()
        assert deleted is not None
        rows = session.exec(select(Change).where(Change.operation_id == deleted.operation_id)).all()
        assert len({r.record_id for r in rows}) == 5
    svc.restore_entrepreneur(db, actor, entrepreneur_id=zhang)
    # the venture deleted separately before stays in the recycle bin; the rest is back
    assert state() == {
        "venture": [False, True],
        "assignment": [False],
        "enrolment": [False],
        "draft": [False],
    }
    assert _ventures(db, zhang) == [("青禾餐饮店", False), ("旧货摊", True)]


def test_drafts_are_the_users_own_local_and_never_journaled(db: Database, actor: Actor) -> None:
    from desktop.services import drafts
    from desktop.services.areas import registry

    assert "draft" in registry().local_tables
    with db.reading() as session:
        before = len(session.exec(select(Change)).all())
    drafts.save_draft(
        db, actor, kind="visit", key="", title="张三 的走访记录", values={"problems": "资金紧张"}
    )
    drafts.save_draft(
        db, actor, kind="visit", key="", title="张三 的走访记录", values={"problems": "资金周转紧张"}
    )
    colleague = actor._replace(user_name="王会计")
    assert drafts.find_draft(db, colleague, kind="visit") is None  # a draft is its user's own
    found = drafts.find_draft(db, actor, kind="visit")
    assert (
        found is not None
        and found.values == {"problems": "资金周转紧张"}
        and found.title == "张三 的走访记录"
    )
    with db.reading() as session:
        assert len(session.exec(select(Change)).all()) == before  # local: nothing in the journal
    drafts.discard_draft(db, actor, kind="visit")
    assert drafts.find_draft(db, actor, kind="visit") is None
