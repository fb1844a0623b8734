"""The applications and policy areas behind the one gate: what each call needs, a refused call audited and
nothing else changed, the write cores composing in one transaction, and the area's registry entry."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from desktop.services.applications import (
    KIND,
    STEP_LABELS,
    advance_application,
    advance_application_in,
    area,
    count_by_status,
    create_application,
    create_application_in,
    draft_tasks,
    export_applications,
    get_application,
    loan_tasks,
    month_figures,
    print_application,
    search_application_ids,
    set_document,
    set_document_in,
    timeline_entries,
    verify_payload,
    waiting_tasks,
)
from desktop.services.gate import permission_of
from desktop.services.policy import (
    DEFAULT_POLICY_FILE,
    default_policy_set,
    eligibility,
    install_policy_set,
    list_policy_sets,
    station_eligibility,
)
from desktop.services.policy import area as policy_area
from models.applications import ApplicationStatus
from models.audit import Actor
from models.database import Database, connect
from models.errors import NotAllowed
from models.permissions import EVERY_PERMISSION, Permission
from reports.application_forms import FORM_KIND
from tests.unit.test_policy_support import AS_OF, item, make_person

TABLES = ("application", "application_step", "loan", "policy_set", "change_log", "access_log")


def counts(db: Database) -> dict[str, int]:
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        return {table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def refusals(db: Database) -> list[tuple[str, str]]:
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        return raw.execute("SELECT user_name, detail FROM access_log WHERE action = 'refused'").fetchall()


def reader(actor: Actor) -> Actor:
    return Actor("只读人员", actor.station_code).restricted_to(Permission.VIEW_FILES)


def test_a_reader_is_refused_creating_an_application_audited_and_nothing_else_changes(
    db: Database, actor: Actor
) -> None:
    person = make_person(db, actor)
    clerk = reader(actor)
    before = counts(db)
    with pytest.raises(NotAllowed, match="办理补贴和贷款申请"):
        create_application(db, clerk, entrepreneur_id=person, item_code="startup_subsidy", today=AS_OF)
    assert counts(db) == {**before, "access_log": before["access_log"] + 1}
    [(user, detail)] = refusals(db)
    assert user == "只读人员" and "create_application" in detail and "handle_applications" in detail
    assert search_application_ids(db, clerk) == []  # the reader still reads


def test_a_reader_is_refused_moving_an_application_on_and_it_stays_where_it_was(
    db: Database, actor: Actor
) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=AS_OF)
    clerk = reader(actor)
    before = counts(db)
    with pytest.raises(NotAllowed):
        set_document(db, clerk, application_id=app, document="身份证", ticked=True)
    with pytest.raises(NotAllowed):
        advance_application(db, clerk, application_id=app, to=ApplicationStatus.SUBMITTED, on=AS_OF)
    assert counts(db) == {**before, "access_log": before["access_log"] + 2}
    view = get_application(db, clerk, application_id=app)
    assert view.status is ApplicationStatus.DRAFT and view.version == 1


def test_installing_a_policy_set_needs_the_station_manager(db: Database, actor: Actor) -> None:
    data = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    data.update({"id": "zj-hangzhou-2026", "version": 1, "region": "330100", "example": False})
    data.pop("notice")
    content = json.dumps(data, ensure_ascii=False)
    clerk = actor.restricted_to(*(EVERY_PERMISSION - {Permission.MANAGE_STATION}))
    before = counts(db)
    with pytest.raises(NotAllowed, match="管理服务站设置和政策参数"):
        install_policy_set(db, clerk, content=content, origin="hz.json")
    assert counts(db) == {**before, "access_log": before["access_log"] + 1}
    assert [s.id for s in list_policy_sets(db, clerk)] == [default_policy_set().id]
    install_policy_set(db, actor, content=content, origin="hz.json")
    assert counts(db)["policy_set"] == 1


def test_prints_exports_checks_and_station_counts_state_what_they_need(db: Database, actor: Actor) -> None:
    needs = {
        print_application: Permission.PRINT_FORMS,
        export_applications: Permission.EXPORT_DATA,
        verify_payload: Permission.VIEW_FILES,
        station_eligibility: Permission.VIEW_STATISTICS,
        eligibility: Permission.VIEW_FILES,
        create_application: Permission.HANDLE_APPLICATIONS,
        install_policy_set: Permission.MANAGE_STATION,
    }
    assert {function: permission_of(function) for function in needs} == needs


def test_a_reader_may_not_print_or_export_but_may_check_a_printout(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=AS_OF)
    clerk = reader(actor)
    with pytest.raises(NotAllowed, match="打印表单"):
        print_application(db, clerk, application_id=app, out=tmp_path / "form.pdf")
    with pytest.raises(NotAllowed, match="导出名单和报表"):
        export_applications(db, clerk, out=tmp_path / "ledger.xlsx")
    with pytest.raises(NotAllowed, match="查看统计报表"):
        station_eligibility(db, clerk, as_of=AS_OF)
    assert not (tmp_path / "form.pdf").exists() and not (tmp_path / "ledger.xlsx").exists()
    forged = f"DOORSTEP:1:{FORM_KIND}:{app}:{'A' * 16}"
    assert not verify_payload(db, clerk, payload=forged).matches  # checking reads, it needs only 查看档案


def test_a_user_without_personal_data_prints_the_redacted_profile(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=AS_OF)
    worker = actor.restricted_to(*(EVERY_PERMISSION - {Permission.VIEW_PERSONAL_DATA}))
    print_application(db, worker, application_id=app, out=tmp_path / "form.pdf")
    assert db.path is not None
    with closing(connect(db.path, query_only=True)) as raw:
        detail = raw.execute("SELECT detail FROM access_log WHERE action = 'print'").fetchone()[0]
    assert "脱敏件" in detail
    assert get_application(db, worker, application_id=app, reveal=True).masked


def test_the_cores_compose_in_one_transaction_and_roll_back_together(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    before = counts(db)
    with pytest.raises(RuntimeError, match="later step"), db.transaction() as session:
        create_application_in(
            session, actor, entrepreneur_id=person, item_code="startup_subsidy", today=AS_OF
        )
        raise RuntimeError("the caller's later step fails")
    assert counts(db) == before  # nothing of the application stayed
    with db.transaction() as session:
        app = create_application_in(
            session, actor, entrepreneur_id=person, item_code="startup_subsidy", today=AS_OF
        )
        for document in item("startup_subsidy").documents:
            set_document_in(session, actor, application_id=app, document=document, ticked=True)
        advance_application_in(session, actor, application_id=app, to=ApplicationStatus.SUBMITTED, on=AS_OF)
    assert count_by_status(db, actor)[ApplicationStatus.SUBMITTED] == 1
    view = get_application(db, actor, application_id=app)
    assert [step.to_status for step in view.steps] == [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]


def test_the_areas_describe_their_records_and_sources() -> None:
    applications = area()
    assert {(k.table, k.owner) for k in applications.records} == {
        ("application", "station"),
        ("application_step", "station"),
        ("loan", "station"),
    }
    assert applications.task_sources == (loan_tasks, waiting_tasks, draft_tasks)
    assert applications.figure_sources == (month_figures,)
    assert applications.timeline_sources == (timeline_entries,)
    assert applications.own_entry_kinds == {KIND, "application_step"}
    assert applications.change_labels["application_step"] == STEP_LABELS
    assert applications.demo_module == "desktop.demo.applications"
    assert all(permission_of(source) is Permission.VIEW_FILES for source in applications.task_sources)
    policy = policy_area()
    assert [(k.table, k.owner) for k in policy.records] == [("policy_set", "hq")]


def test_sources_take_the_acting_user(db: Database, actor: Actor) -> None:
    person = make_person(db, actor)
    create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=AS_OF)
    clerk = reader(actor)
    assert [e.kind for e in timeline_entries(db, clerk, person)] == ["申请"]
    assert waiting_tasks(db, clerk, date(2025, 12, 1)) == []
    with pytest.raises(NotAllowed):
        timeline_entries(db, actor.restricted_to(Permission.VIEW_STATISTICS), person)
