"""Visit services against a real SQLite file: logging a visit with outcome changes in one transaction,
undo, rollback, the key project pool, assignments, the timeline, templates and the xlsx export."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import col, select

from desktop.services import entrepreneurs as people
from desktop.services import visits as svc
from desktop.services.entrepreneur_list import ListQuery, search_ids
from desktop.services.timeline import timeline
from desktop.services.visits import mentors as mentor_svc
from desktop.services.visits import tracking
from models.audit import AccessLog, Actor, Change
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import Stage
from models.errors import Conflict, NotFound, ValidationError
from models.visits import AgreedAction, KeyProject, PoolOutcome, TrackingState, Visit

TODAY = china_today()


def make_id(body17: str) -> str:
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")


def add_person(db: Database, actor: Actor, name: str = "张三", body17: str = "33010619900101123") -> str:
    return people.create_entrepreneur(
        db,
        actor,
        person={"name": name, "id_number": make_id(body17), "phone": "13812345678"},
        ventures=[
            {
                "name": f"{name}的向阳餐饮店",
                "entity_type": "个体工商户",
                "stage": "筹备",
                "registration_date": "2024-03-05",
                "jobs_created": "2",
            }
        ],
    )


def add_mentor(db: Database, actor: Actor, name: str = "李明", phone: str = "13900001111") -> str:
    return mentor_svc.create_mentor(
        db, actor, mentor={"name": name, "kind": "企业家", "phone": phone, "expertise": "融资、营销"}
    )


def venture_of(db: Database, person_id: str) -> str:
    with db.reading() as session:
        return session.exec(select(Venture.id).where(Venture.entrepreneur_id == person_id)).one()


def visit_values(person_id: str, **over: object) -> dict[str, object]:
    values: dict[str, object] = {
        "entrepreneur_id": person_id,
        "visit_date": TODAY,
        "mode": "上门走访",
        "duration_minutes": 40,
        "topics": "融资",
        "problems": "资金周转紧张",
        "advice": "建议申请创业担保贷款",
        "actions": [("提交贷款申请材料", TODAY + timedelta(days=14))],
    }
    values.update(over)
    return values


@pytest.fixture
def zhang(db: Database, actor: Actor) -> str:
    return add_person(db, actor)


@pytest.fixture
def mentor(db: Database, actor: Actor) -> str:
    return add_mentor(db, actor)


def test_a_visit_with_outcome_changes_the_file_in_the_same_operation(
    db: Database, actor: Actor, zhang: str, mentor: str
) -> None:
    venture_id = venture_of(db, zhang)
    visit_id = svc.record_visit(
        db,
        actor,
        visit=visit_values(
            zhang,
            mentor_id=mentor,
            outcome={"venture_id": venture_id, "stage": "初创", "jobs_created": 5},
        ),
    )
    file = people.get_file(db, actor, entrepreneur_id=zhang)
    assert file.stage is Stage.STARTUP
    assert file.ventures[0].jobs_created == 5
    view = svc.get_visit(db, actor, visit_id=visit_id)
    assert view.changes == ("创业阶段：筹备 → 初创", "带动就业：2 → 5 人")
    assert view.mentor_name == "李明"
    assert [a.text for a in view.actions] == ["提交贷款申请材料"]
    with db.reading() as session:
        visit_change = session.exec(select(Change).where(Change.record_id == visit_id)).one()
        same_operation = session.exec(
            select(Change).where(Change.operation_id == visit_change.operation_id)
        ).all()
    kinds = sorted(c.record_kind for c in same_operation)
    assert kinds == ["agreed_action", "entrepreneur", "venture", "visit"]
    assert all(c.subject_id == zhang for c in same_operation)
    assert visit_change.operation_label == "记录走访：张三（上门走访，李明）"


def test_undo_takes_back_the_visit_and_its_outcome_together(db: Database, actor: Actor, zhang: str) -> None:
    venture_id = venture_of(db, zhang)
    visit_id = svc.record_visit(
        db, actor, visit=visit_values(zhang, outcome={"venture_id": venture_id, "stage": "初创"})
    )
    label = people.undo_last_change(db, actor, entrepreneur_id=zhang)
    assert label is not None and label.startswith("记录走访")
    assert people.get_file(db, actor, entrepreneur_id=zhang).stage is Stage.PREPARING
    assert svc.visits_of(db, actor, entrepreneur_id=zhang) == []
    with pytest.raises(NotFound):
        svc.get_visit(db, actor, visit_id=visit_id)


def test_a_failure_late_in_the_transaction_rolls_back_visit_and_file(
    db: Database, actor: Actor, zhang: str
) -> None:
    """A real database failure (a trigger refusing the agreed action, as a full disk would) after the
    venture was updated and the visit inserted leaves neither behind."""
    venture_id = venture_of(db, zhang)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER refuse_actions BEFORE INSERT ON agreed_action "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    with pytest.raises(Exception, match="disk full"):
        svc.record_visit(
            db,
            actor,
            visit=visit_values(
                zhang,
                outcome={
                    "venture_id": venture_id,
                    "stage": "初创",
                    "jobs_created": 9,
                    "new_venture": {"name": "青禾电商商行", "entity_type": "个体工商户", "stage": "意向"},
                },
            ),
        )
    with db.reading() as session:
        assert session.exec(select(Visit)).all() == []
        ventures = session.exec(select(Venture).where(Venture.entrepreneur_id == zhang)).all()
        assert [(v.stage, v.jobs_created) for v in ventures] == [("preparing", 2)]
        person = session.get(Entrepreneur, zhang)
        assert person is not None and person.current_stage == "preparing"
        assert session.exec(select(Change).where(Change.record_kind == "visit")).all() == []


def test_a_domain_refusal_writes_nothing(db: Database, actor: Actor, zhang: str) -> None:
    other = add_person(db, actor, "李四", "11010519800101002")
    with pytest.raises(ValidationError, match="所选创业项目不属于 张三"):
        svc.record_visit(
            db,
            actor,
            visit=visit_values(zhang, outcome={"venture_id": venture_of(db, other), "jobs_created": 3}),
        )
    with pytest.raises(ValidationError, match="还没有登记注册日期"):
        unregistered = people.create_entrepreneur(
            db,
            actor,
            person={"name": "王五", "id_number": make_id("11010519850101003")},
            ventures=[{"name": "王五小吃", "entity_type": "个体工商户", "stage": "意向"}],
        )
        svc.record_visit(
            db,
            actor,
            visit=visit_values(
                unregistered, outcome={"venture_id": venture_of(db, unregistered), "stage": "成长"}
            ),
        )
    with db.reading() as session:
        assert session.exec(select(Visit)).all() == []


def test_a_new_venture_at_a_visit_is_searchable_and_on_the_visit(
    db: Database, actor: Actor, zhang: str
) -> None:
    visit_id = svc.record_visit(
        db,
        actor,
        visit=visit_values(
            zhang,
            outcome={"new_venture": {"name": "青禾电商商行", "entity_type": "个体工商户", "stage": "意向"}},
        ),
    )
    assert svc.get_visit(db, actor, visit_id=visit_id).changes == ("新创业项目：青禾电商商行",)
    file = people.get_file(db, actor, entrepreneur_id=zhang)
    assert [v.name for v in file.ventures] == ["张三的向阳餐饮店", "青禾电商商行"]
    assert svc.visit_ids(db, actor, query=svc.VisitQuery(text="青禾电商")) == [visit_id]
    assert zhang in search_ids(db, actor, ListQuery(text="青禾电商"))


def test_visit_refused_for_unknown_person_or_mentor(db: Database, actor: Actor, zhang: str) -> None:
    with pytest.raises(NotFound, match="找不到创业者档案"):
        svc.record_visit(db, actor, visit=visit_values("no-such-person"))
    with pytest.raises(NotFound, match="导师库中找不到所选导师"):
        svc.record_visit(db, actor, visit=visit_values(zhang, mentor_id="no-such-mentor"))


def test_actions_done_and_reopened(db: Database, actor: Actor, zhang: str) -> None:
    visit_id = svc.record_visit(db, actor, visit=visit_values(zhang))
    action = svc.get_visit(db, actor, visit_id=visit_id).actions[0]
    svc.mark_action_done(db, actor, action_id=action.id)
    done = svc.get_visit(db, actor, visit_id=visit_id).actions[0]
    assert done.done_on == TODAY and done.done_by == actor.user_name
    svc.reopen_action(db, actor, action_id=action.id)
    assert svc.get_visit(db, actor, visit_id=visit_id).actions[0].done_on is None


def test_delete_visit_goes_to_the_recycle_bin_with_its_actions(
    db: Database, actor: Actor, zhang: str
) -> None:
    visit_id = svc.record_visit(db, actor, visit=visit_values(zhang))
    svc.delete_visit(db, actor, visit_id=visit_id)
    assert svc.visits_of(db, actor, entrepreneur_id=zhang) == []
    with db.reading() as session:
        assert session.exec(select(AgreedAction)).one().deleted


def test_key_project_pool_tracking_advances_with_visits(
    db: Database, actor: Actor, zhang: str, mentor: str
) -> None:
    venture_id = venture_of(db, zhang)
    entered = date(2024, 1, 31)
    project_id = tracking.add_to_pool(
        db,
        actor,
        project={
            "venture_id": venture_id,
            "reason": "成长性好，带动就业能力强",
            "entered_on": entered,
            "period_months": 13,
            "cadence_months": 1,
            "mentor_id": mentor,
        },
    )
    rows = tracking.pool_rows(db, actor, today=date(2024, 2, 29))
    assert rows[0].next_due == date(2024, 2, 29)  # one month after 01-31 in a leap year
    assert rows[0].planned_end == date(2025, 2, 28)
    assert rows[0].state is TrackingState.DUE_SOON
    assert tracking.pool_rows(db, actor, today=date(2024, 3, 1))[0].state is TrackingState.OVERDUE
    with pytest.raises(Conflict, match="已在重点孵化项目库中"):
        tracking.add_to_pool(db, actor, project={"venture_id": venture_id, "reason": "x", "cadence_days": 30})
    due, why = svc.proposed_next_visit(
        db, actor, entrepreneur_id=zhang, venture_id=None, visit_date=date(2024, 3, 31)
    )
    assert due == date(2024, 4, 30) and "每月" in why
    svc.record_visit(
        db,
        actor,
        visit=visit_values(zhang, visit_date=date(2024, 3, 31), actions=[]),
        today=date(2024, 3, 31),
    )
    row = tracking.pool_rows(db, actor, today=date(2024, 4, 1))[0]
    assert (row.last_visit_date, row.next_due) == (date(2024, 3, 31), date(2024, 4, 30))
    # an older, back-dated visit does not move the plan backwards; an agreed date wins over the cadence
    svc.record_visit(db, actor, visit=visit_values(zhang, visit_date=date(2024, 3, 1), actions=[]))
    assert tracking.pool_rows(db, actor, today=date(2024, 4, 1))[0].next_due == date(2024, 4, 30)
    svc.record_visit(
        db, actor, visit=visit_values(zhang, visit_date=date(2024, 4, 10), next_visit_date=date(2024, 4, 20))
    )
    assert tracking.pool_rows(db, actor, today=date(2024, 4, 11))[0].next_due == date(2024, 4, 20)
    with db.reading() as session:
        linked = session.exec(select(Visit.key_project_id)).all()
    assert set(linked) == {project_id}
    tracking.change_plan(
        db, actor, project_id=project_id, period_months=6, cadence_days=14, cadence_months=0, mentor_id=None
    )
    row = tracking.pool_rows(db, actor, today=date(2024, 4, 11))[0]
    assert (row.next_due, row.planned_end, row.mentor_name) == (date(2024, 4, 24), date(2024, 7, 31), "")
    tracking.leave_pool(
        db, actor, project_id=project_id, outcome="转化落地", note="已开业", on=date(2024, 8, 1)
    )
    assert tracking.pool_rows(db, actor) == []
    left = tracking.pool_rows(db, actor, include_left=True)[0]
    assert (left.state, left.outcome, left.next_due) == (TrackingState.LEFT, PoolOutcome.LANDED, None)
    with pytest.raises(Conflict, match="已于 2024-08-01 出库"):
        tracking.leave_pool(db, actor, project_id=project_id, outcome="主动退出")
    assert svc.proposed_next_visit(
        db, actor, entrepreneur_id=zhang, venture_id=None, visit_date=date(2024, 8, 2)
    )[0] == (date(2024, 9, 1))


def test_closed_ventures_stay_out_of_the_pool(db: Database, actor: Actor) -> None:
    closed = people.create_entrepreneur(
        db,
        actor,
        person={"name": "赵六", "id_number": make_id("11010519850101003")},
        ventures=[{"name": "赵六小吃", "entity_type": "个体工商户", "stage": "歇业/注销"}],
    )
    with pytest.raises(ValidationError, match="已歇业/注销"):
        tracking.add_to_pool(
            db, actor, project={"venture_id": venture_of(db, closed), "reason": "x", "cadence_days": 30}
        )


def test_mentor_pool_and_assignments(db: Database, actor: Actor, zhang: str, mentor: str) -> None:
    li_si = add_person(db, actor, "李四", "11010519800101002")
    assert mentor_svc.assign_entrepreneurs(db, actor, mentor_id=mentor, entrepreneur_ids=[zhang, li_si]) == 2
    assert mentor_svc.assign_entrepreneurs(db, actor, mentor_id=mentor, entrepreneur_ids=[zhang]) == 0
    assert set(mentor_svc.assigned_entrepreneur_ids(db, actor, mentor_id=mentor)) == {zhang, li_si}
    assert [m.name for m in mentor_svc.mentors_of(db, actor, entrepreneur_id=zhang)] == ["李明"]
    assert mentor_svc.get_mentor(db, actor, mentor_id=mentor).assigned == 2
    mentor_svc.end_assignment(db, actor, mentor_id=mentor, entrepreneur_id=li_si)
    assert mentor_svc.assigned_entrepreneur_ids(db, actor, mentor_id=mentor) == [zhang]
    with pytest.raises(Conflict, match="请勿重复添加"):
        add_mentor(db, actor)
    wang = add_mentor(db, actor, "王芳", "13900002222")
    assert [m.name for m in mentor_svc.list_mentors(db, actor, text="wf")] == ["王芳"]
    assert [m.name for m in mentor_svc.list_mentors(db, actor, text="李")] == ["李明"]
    mentor_svc.set_mentor_active(db, actor, mentor_id=wang, active=False)
    assert [m.name for m in mentor_svc.list_mentors(db, actor, active_only=True)] == ["李明"]
    with pytest.raises(Conflict, match="已停用"):
        mentor_svc.assign_entrepreneurs(db, actor, mentor_id=wang, entrepreneur_ids=[zhang])
    assert mentor_svc.update_mentor(
        db, actor, mentor_id=mentor, mentor={"name": "李明", "kind": "投资人", "phone": "13900001111"}
    )
    masked = Actor(actor.user_name, actor.station_code, can_see_personal_data=False)
    assert mentor_svc.get_mentor(db, masked, mentor_id=mentor).phone == "139****1111"
    history = people.file_history(db, actor, entrepreneur_id=li_si)
    assert any(label == "结束日期" for change in history for label, _, _ in change.fields)


def test_timeline_shows_visits_tracking_and_assignments_not_their_raw_changes(
    db: Database, actor: Actor, zhang: str, mentor: str
) -> None:
    mentor_svc.assign_entrepreneurs(db, actor, mentor_id=mentor, entrepreneur_ids=[zhang])
    tracking.add_to_pool(
        db, actor, project={"venture_id": venture_of(db, zhang), "reason": "返乡创业示范", "cadence_days": 30}
    )
    svc.record_visit(db, actor, visit=visit_values(zhang, mentor_id=mentor))
    entries = timeline(db, actor, entrepreneur_id=zhang)
    kinds = [e.kind for e in entries]
    assert kinds.count("走访") == 1 and kinds.count("陪跑") == 1 and kinds.count("导师") == 1
    assert kinds.count("档案变更") == 2  # the file and its venture, not the visit's own change rows
    visit = next(e for e in entries if e.kind == "走访")
    assert visit.title == "上门走访 · 李明 · 融资"
    assert "建议：建议申请创业担保贷款" in visit.detail
    assert visit.open_kind == "visit"


def test_templates_shipped_and_own(db: Database, actor: Actor) -> None:
    shipped = svc.list_templates(db, actor)
    assert {"陪跑例行走访", "创业担保贷款咨询"} <= {t.name for t in shipped}
    template_id = svc.save_template(
        db,
        actor,
        template={"name": "电话回访", "mode": "电话", "duration_minutes": 10, "actions": [["寄送材料", 7]]},
    )
    own = svc.list_templates(db, actor)[-1]
    assert (own.id, own.name, own.actions) == (template_id, "电话回访", (("寄送材料", 7),))
    svc.delete_template(db, actor, template_id=template_id)
    assert len(svc.list_templates(db, actor)) == len(shipped)


def test_visit_list_ids_and_rows(db: Database, actor: Actor, zhang: str, mentor: str) -> None:
    li_si = add_person(db, actor, "李四", "11010519800101002")
    first = svc.record_visit(db, actor, visit=visit_values(zhang, visit_date=date(2025, 1, 31), actions=[]))
    second = svc.record_visit(db, actor, visit=visit_values(li_si, mode="电话", mentor_id=mentor))
    assert svc.visit_ids(db, actor, query=svc.VisitQuery()) == [second, first]
    assert svc.visit_ids(db, actor, query=svc.VisitQuery(month=date(2025, 1, 1))) == [first]
    assert svc.visit_ids(db, actor, query=svc.VisitQuery(text="ls")) == [second]
    assert svc.visit_ids(db, actor, query=svc.VisitQuery(mentor_id=mentor)) == [second]
    rows = svc.fetch_visit_rows(db, actor, ids=[first, second])
    assert [(r.entrepreneur_name, r.mode.label, r.mentor_name) for r in rows] == [
        ("张三", "上门走访", ""),
        ("李四", "电话", "李明"),
    ]


def test_export_masks_personal_data_and_is_logged(
    db: Database, actor: Actor, zhang: str, tmp_path: Path
) -> None:
    svc.record_visit(db, actor, visit=visit_values(zhang, problems="=1+1 不是公式"))
    out = tmp_path / "visits.xlsx"
    assert svc.export_visits(db, actor, path=out, month=TODAY.replace(day=1)) == 1
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[2]]
    row = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert row["姓名"] == "张三"
    assert row["身份证号码"] != make_id("33010619900101123") and "*" in str(row["身份证号码"])
    assert row["联系电话"] == "138****5678"
    assert row["发现的问题"] == "=1+1 不是公式"
    assert sheet["K3"].data_type == "s"
    assert svc.export_visits(db, actor, path=tmp_path / "all.xlsx", unmasked=True) == 1
    unmasked = load_workbook(tmp_path / "all.xlsx").active
    assert unmasked is not None and unmasked["D3"].value == make_id("33010619900101123")
    with db.reading() as session:
        logged = session.exec(select(AccessLog).where(col(AccessLog.action) == "export")).all()
    assert len(logged) == 2 and "已遮盖" in logged[0].detail


def test_key_project_rows_ignore_deleted_files(db: Database, actor: Actor, zhang: str) -> None:
    tracking.add_to_pool(
        db, actor, project={"venture_id": venture_of(db, zhang), "reason": "x", "cadence_days": 30}
    )
    people.delete_entrepreneur(db, actor, entrepreneur_id=zhang)
    assert tracking.pool_rows(db, actor) == []
    with db.reading() as session:
        assert len(session.exec(select(KeyProject)).all()) == 1
