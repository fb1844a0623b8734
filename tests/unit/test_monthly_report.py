"""月报 figures against hand-computed expectations, freezing a month, differences, the workbook."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import select

from desktop.services import areas, monthly
from desktop.services import entrepreneurs as people
from models.applications import Application, ApplicationStep
from models.audit import Actor, Operation
from models.base import TravellingRecord
from models.database import Database
from models.entrepreneur import Venture
from models.errors import ValidationError
from models.journal import journal_writing
from models.training import CourseType, Enrolment, TrainingClass
from models.visits import AgreedAction, KeyProject, Mentor, Visit
from reports.monthly_report import GROUP_COLUMNS, FigureRow
from tests.data import ledgers as fx

MARCH = date(2025, 3, 1)
APRIL_2ND = date(2025, 4, 2)
COLUMNS = [key for key, _label in GROUP_COLUMNS]


def file_created_at(db: Database, actor: Actor, moment_utc: datetime, **kw: object) -> str:
    person_id = people.create_entrepreneur(db, actor, confirm_possible_duplicate=True, **kw)  # type: ignore[arg-type]
    # backdating a file is no user's edit: the test opens the journal's guard for it, as migrations do
    with db.transaction() as session, journal_writing(session.connection()):
        session.execute(
            text("UPDATE entrepreneur SET created_at = :at WHERE id = :id"),
            {
                "at": moment_utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds"),
                "id": person_id,
            },
        )
    return person_id


def shop(name: str, registered: str | None, jobs: int, stage: str = "初创") -> dict[str, object]:
    return {
        "name": name,
        "entity_type": "个体工商户",
        "stage": stage,
        "registration_date": registered,
        "jobs_created": jobs,
    }


@pytest.fixture
def station(db: Database, actor: Actor) -> dict[str, str]:
    """Five people; the expected March figures are worked out by hand in the test below."""
    ids = {}
    # A: veteran, filed 10 March, shop registered 5 March (3 jobs)
    ids["A"] = file_created_at(
        db,
        actor,
        datetime(2025, 3, 10, 2, 0, tzinfo=UTC),
        person={"name": "张三", "id_number": fx.ZHANG, "key_groups": "退役军人"},
        ventures=[shop("向阳便利店", "2025-03-05", 3)],
    )
    # B: veteran + graduate, filed 31 March 23:30 Beijing time (15:30 UTC): still March; shop from February
    ids["B"] = file_created_at(
        db,
        actor,
        datetime(2025, 3, 31, 15, 30, tzinfo=UTC),
        person={"name": "李四", "id_number": fx.LI, "key_groups": "退役军人、高校毕业生"},
        ventures=[shop("青禾餐饮店", "2025-02-20", 2, "成长")],
    )
    # C: migrant, filed 1 April 00:10 Beijing time (31 March 16:10 UTC): April; shop registered 31 March
    ids["C"] = file_created_at(
        db,
        actor,
        datetime(2025, 3, 31, 16, 10, tzinfo=UTC),
        person={"name": "王五", "id_number": fx.WANG, "key_groups": "农民工"},
        ventures=[shop("匠心手工坊", "2025-03-31", 5)],
    )
    # D: employment difficulty, filed in February; a shop registered 15 March and already closed
    ids["D"] = file_created_at(
        db,
        actor,
        datetime(2025, 2, 1, 2, 0, tzinfo=UTC),
        person={"name": "孙七", "id_number": fx.SUN, "key_groups": "就业困难人员"},
        ventures=[shop("云帆工作室", "2025-03-15", 1, "歇业/注销")],
    )
    # E: filed and registered in March, but in the recycle bin: counts nowhere
    ids["E"] = file_created_at(
        db,
        actor,
        datetime(2025, 3, 12, 2, 0, tzinfo=UTC),
        person={"name": "周八", "id_number": fx.ZHOU, "key_groups": "退役军人"},
        ventures=[shop("好邻居超市", "2025-03-12", 9)],
    )
    people.delete_entrepreneur(db, actor, entrepreneur_id=ids["E"])
    return ids


def values(row: FigureRow | None) -> dict[str, int]:
    assert row is not None
    return {key: value for key, value in zip(COLUMNS, row.values, strict=True) if value}


def test_march_figures_by_hand(db: Database, actor: Actor, station: dict[str, str]) -> None:
    report = monthly.monthly_report(db, actor, month=date(2025, 3, 17))
    assert report.month == MARCH and not report.frozen
    assert values(report.row("entrepreneurs.new")) == {"total": 2, "veteran": 2, "college_graduate": 1}
    assert values(report.row("entrepreneurs.total")) == {
        "total": 3,
        "veteran": 2,
        "college_graduate": 1,
        "employment_difficulty": 1,
    }
    assert values(report.row("ventures.new")) == {
        "total": 3,
        "veteran": 1,
        "migrant_returnee": 1,
        "employment_difficulty": 1,
    }
    assert values(report.row("ventures.new_jobs")) == {
        "total": 9,
        "veteran": 3,
        "migrant_returnee": 5,
        "employment_difficulty": 1,
    }
    assert values(report.row("ventures.operating")) == {
        "total": 3,
        "veteran": 2,
        "college_graduate": 1,
        "migrant_returnee": 1,
    }
    assert values(report.row("ventures.operating_jobs")) == {
        "total": 10,
        "veteran": 5,
        "college_graduate": 2,
        "migrant_returnee": 5,
    }
    april = monthly.monthly_report(db, actor, month=date(2025, 4, 1))
    assert values(april.row("entrepreneurs.new")) == {"total": 1, "migrant_returnee": 1}


def test_freeze_then_edit_shows_as_difference(
    db: Database, actor: Actor, station: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="还没有结束"):
        monthly.freeze_month(db, actor, month=MARCH, today=date(2025, 3, 20))
    frozen = monthly.freeze_month(db, actor, month=MARCH, today=APRIL_2ND, note="报区人社局")
    assert frozen.frozen and frozen.differences == ()
    assert monthly.frozen_months(db, actor) == [MARCH]
    # An old record is edited after the month was reported: 张三's shop now employs 4.
    file = people.get_file(db, actor, entrepreneur_id=station["A"])
    venture = dict(file.ventures[0].form_values(), jobs_created=4)
    people.update_entrepreneur(
        db, actor, entrepreneur_id=station["A"], person=file.form_values(), ventures=[venture]
    )
    report = monthly.monthly_report(db, actor, month=MARCH)
    assert report.row("ventures.new_jobs").total == 10  # type: ignore[union-attr]
    assert report.snapshot is not None
    reported = {row.key: row.total for row in report.snapshot.rows}
    assert reported["ventures.new_jobs"] == 9  # what was sent does not change
    changed = {(d.key, d.column, d.reported, d.current) for d in report.differences}
    assert changed == {
        ("ventures.new_jobs", "合计", 9, 10),
        ("ventures.new_jobs", "退役军人", 3, 4),
        ("ventures.operating_jobs", "合计", 10, 11),
        ("ventures.operating_jobs", "退役军人", 5, 6),
    }
    # The workbook prints the reported figures and lists the differences on their own sheet.
    out = tmp_path / "330106001_月报_202503.xlsx"
    assert monthly.export_monthly(db, actor, month=MARCH, out=out) == len(report.rows)
    book = load_workbook(out)
    assert book.sheetnames == ["月报", "指标说明", "与报送数的差异"]
    sheet = book["月报"]
    assert "2025年3月" in str(sheet["A2"].value) and "已冻结报送" in str(sheet["A2"].value)
    labels = {sheet.cell(row=r, column=2).value: r for r in range(5, 5 + len(report.rows) + 10)}
    jobs_row = labels["新登记主体带动就业"]
    assert sheet.cell(row=jobs_row, column=4).value == 9  # 合计 as reported
    assert [sheet.cell(row=4, column=c).value for c in range(1, 6)] == [
        "序号",
        "指标",
        "单位",
        "合计",
        "高校毕业生",
    ]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$4:$4"
    assert "第 &P 页，共 &N 页" in str(sheet.oddFooter.center.text)
    definitions = [row for row in book["指标说明"].iter_rows(min_row=2, values_only=True) if row[1]]
    assert len(definitions) == len(report.rows) and all(row[3] for row in definitions)
    differences = list(book["与报送数的差异"].iter_rows(min_row=3, values_only=True))
    assert len(differences) == 4 and differences[0][3:] == (9, 10, 1)


def test_freezing_again_replaces_the_snapshot_and_keeps_history(
    db: Database, actor: Actor, station: dict[str, str]
) -> None:
    monthly.freeze_month(db, actor, month=MARCH, today=APRIL_2ND)
    people.delete_entrepreneur(db, actor, entrepreneur_id=station["A"])
    assert monthly.monthly_report(db, actor, month=MARCH).differences
    again = monthly.freeze_month(db, actor, month=MARCH, today=APRIL_2ND)
    assert again.differences == () and again.row("entrepreneurs.new").total == 1  # type: ignore[union-attr]
    with db.reading() as session:
        versions = session.execute(
            text("SELECT action FROM change_log WHERE record_kind = 'monthly_snapshot' ORDER BY id")
        ).all()
    assert [row[0] for row in versions] == ["create", "update"]


def test_sections_come_from_the_registry(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Actor] = []

    def extra(_db: Database, who: Actor, /, month: date) -> list[FigureRow]:
        asked.append(who)
        return [FigureRow("测试", "test.month", "月份", "月", (month.month,) + (0,) * (len(COLUMNS) - 1))]

    real = areas.registry()
    made = areas.AreaRegistry((*real.areas, areas.Area(name="test", monthly_sections=(extra,))))
    monkeypatch.setattr(areas, "registry", lambda: made)
    report = monthly.monthly_report(db, actor, month=date(2025, 7, 1))
    assert report.rows[-1].key == "test.month" and report.rows[-1].total == 7
    assert len(report.rows) == len(monthly.monthly_figures(db, actor, month=date(2025, 7, 1)))
    trend = monthly.monthly_trend(db, actor, end=date(2025, 7, 1), months=3, keys=["test.month"])
    assert [(p.month, p.values["test.month"]) for p in trend] == [
        (date(2025, 5, 1), 5),
        (date(2025, 6, 1), 6),
        (date(2025, 7, 1), 7),
    ]
    assert set(asked) == {actor}  # each section is asked as the user who asked for the report


def add(operation: Operation, model: type[TravellingRecord], **values: Any) -> str:
    """Store a record through the journal, as a service would (``deleted=True``: then to the recycle bin)."""
    deleted = bool(values.pop("deleted", False))
    record = model(station_code="330106001", **values)
    operation.create(record)
    operation.set_deleted(record, deleted)
    operation.session.flush()
    return record.id


def venture_of(db: Database, person_id: str) -> str:
    with db.reading() as session:
        return session.exec(select(Venture.id).where(Venture.entrepreneur_id == person_id)).one()


@pytest.fixture
def activity(db: Database, actor: Actor, station: dict[str, str]) -> None:
    """Visits, key projects, follow-ups, a class and applications around March 2025 (see the test)."""
    a, b, c, d, e = (station[k] for k in "ABCDE")
    shops = {k: venture_of(db, station[k]) for k in "ABCD"}
    with db.transaction() as session:
        operation = Operation(session, actor, "测试数据")
        m1 = add(operation, Mentor, name="刘导师", kind="entrepreneur")
        m2 = add(operation, Mentor, name="王导师", kind="scholar")
        for person, day, mode, mentor, deleted in (
            (a, date(2025, 3, 3), "onsite", m1, False),
            (a, date(2025, 3, 20), "phone", m1, False),
            (b, date(2025, 3, 5), "onsite", m2, False),
            (c, date(2025, 3, 31), "online", None, False),
            (d, date(2025, 2, 28), "onsite", m1, False),  # February
            (e, date(2025, 3, 10), "onsite", m1, False),  # a person in the recycle bin
            (a, date(2025, 3, 25), "group", m2, True),  # a visit in the recycle bin
        ):
            add(
                operation,
                Visit,
                entrepreneur_id=person,
                visit_date=day,
                mode=mode,
                mentor_id=mentor,
                deleted=deleted,
            )
        kp1 = add(
            operation,
            KeyProject,
            venture_id=shops["A"],
            entrepreneur_id=a,
            reason="重点",
            entered_on=date(2025, 1, 10),
            cadence_days=30,
            planned_end=date(2026, 1, 10),
        )
        add(
            operation,
            Visit,
            entrepreneur_id=a,
            visit_date=date(2025, 2, 15),
            mode="onsite",
            key_project_id=kp1,
        )
        add(
            operation,
            KeyProject,
            venture_id=shops["C"],
            entrepreneur_id=c,
            reason="重点",
            entered_on=date(2025, 3, 20),
            cadence_days=30,
            planned_end=date(2026, 3, 20),
        )
        add(
            operation,
            KeyProject,
            venture_id=shops["B"],
            entrepreneur_id=b,
            reason="重点",
            entered_on=date(2024, 1, 1),
            cadence_days=30,
            planned_end=date(2025, 1, 1),
            left_on=date(2025, 3, 15),
        )
        add(
            operation,
            KeyProject,
            venture_id=shops["D"],
            entrepreneur_id=d,
            reason="重点",
            entered_on=date(2024, 3, 1),
            cadence_days=30,
            planned_end=date(2025, 3, 1),
        )
        visit = add(operation, Visit, entrepreneur_id=a, visit_date=date(2025, 1, 5), mode="phone")
        for person, due, done in (
            (a, date(2025, 3, 10), None),
            (b, date(2025, 3, 12), date(2025, 4, 2)),
            (c, date(2025, 3, 15), date(2025, 3, 14)),
            (c, date(2025, 4, 5), None),
            (d, date(2025, 3, 31), None),
        ):
            add(
                operation,
                AgreedAction,
                visit_id=visit,
                entrepreneur_id=person,
                text="跟进",
                due_date=due,
                done_on=done,
            )
        course = add(operation, CourseType, code="SYB-T", name="创办你的企业", standard_hours=80)
        rule = {
            "min_attendance_percent": 80,
            "exam_required": True,
            "pass_mark": 60,
            "excused_policy": "absent",
        }
        k1 = add(
            operation,
            TrainingClass,
            course_id=course,
            class_number="K1",
            title="三月 SYB",
            capacity=30,
            start_date=date(2025, 3, 17),
            end_date=date(2025, 3, 28),
            **rule,
        )
        k2 = add(
            operation,
            TrainingClass,
            course_id=course,
            class_number="K2",
            title="四月 SYB",
            capacity=30,
            start_date=date(2025, 3, 31),
            end_date=date(2025, 4, 10),
            **rule,
        )
        k3 = add(
            operation,
            TrainingClass,
            course_id=course,
            class_number="K3",
            title="已删除",
            capacity=30,
            start_date=date(2025, 3, 1),
            end_date=date(2025, 3, 5),
            deleted=True,
            **rule,
        )
        for klass, person, status, result in (
            (k1, a, "enrolled", "completed"),
            (k1, b, "enrolled", "not_completed"),
            (k1, c, "withdrawn", None),
            (k1, e, "enrolled", "completed"),
            (k2, d, "enrolled", "completed"),
            (k3, a, "enrolled", "completed"),
        ):
            add(
                operation,
                Enrolment,
                class_id=klass,
                entrepreneur_id=person,
                enrolled_on=date(2025, 3, 1),
                status=status,
                result=result,
            )
        for number, person, amount, steps, deleted in (
            (
                "P1",
                a,
                1_000_000,
                [
                    ("submitted", date(2025, 3, 2)),
                    ("approved", date(2025, 3, 20)),
                    ("disbursed", date(2025, 4, 5)),
                ],
                False,
            ),
            (
                "P2",
                c,
                20_000_000,
                [
                    ("submitted", date(2025, 2, 25)),
                    ("returned", date(2025, 3, 3)),
                    ("submitted", date(2025, 3, 10)),
                    ("returned", date(2025, 3, 18)),
                ],
                False,
            ),
            ("P3", b, 500_000, [("submitted", date(2025, 3, 4))], True),
        ):
            application = add(
                operation,
                Application,
                number=number,
                entrepreneur_id=person,
                item_code="startup_subsidy",
                item_name="一次性创业补贴",
                policy_set_id="example",
                policy_set_version=1,
                status=steps[-1][0],
                status_on=steps[-1][1],
                status_by="测试",
                applied_on=date(2025, 2, 20),
                amount_fen=amount,
                deleted=deleted,
            )
            for status, day in steps:
                add(
                    operation,
                    ApplicationStep,
                    application_id=application,
                    to_status=status,
                    on=day,
                    by="测试",
                )


def test_visits_training_applications_by_hand(db: Database, actor: Actor, activity: None) -> None:
    report = monthly.monthly_report(db, actor, month=MARCH)
    assert values(report.row("visits.total")) == {
        "total": 4,
        "veteran": 3,
        "college_graduate": 1,
        "migrant_returnee": 1,
    }
    assert values(report.row("visits.mode.onsite")) == {"total": 2, "veteran": 2, "college_graduate": 1}
    assert values(report.row("visits.mode.phone")) == {"total": 1, "veteran": 1}
    assert values(report.row("visits.mode.online")) == {"total": 1, "migrant_returnee": 1}
    assert values(report.row("visits.mode.group")) == {}
    assert values(report.row("visits.people")) == {
        "total": 3,
        "veteran": 2,
        "college_graduate": 1,
        "migrant_returnee": 1,
    }
    mentors = [(row.label, row.total) for row in report.rows if row.key.startswith(monthly.MENTOR_PREFIX)]
    assert mentors == [("刘导师", 2), ("王导师", 1), ("（未指定导师）", 1)]
    assert values(report.row("tracking.active")) == {
        "total": 3,
        "veteran": 1,
        "migrant_returnee": 1,
        "employment_difficulty": 1,
    }
    assert values(report.row("tracking.overdue")) == {"total": 1, "veteran": 1}
    assert values(report.row("followups.overdue")) == {"total": 2, "veteran": 2, "college_graduate": 1}
    classes = report.row("training.classes")
    assert classes is not None and classes.total == 1 and not classes.split
    assert values(report.row("training.trained")) == {"total": 2, "veteran": 2, "college_graduate": 1}
    assert values(report.row("training.completed")) == {"total": 1, "veteran": 1}
    assert values(report.row("training.completion_rate")) == {"total": 5000, "veteran": 5000}
    assert values(report.row("applications.submitted")) == {"total": 2, "veteran": 1, "migrant_returnee": 1}
    assert values(report.row("applications.submitted_amount")) == {
        "total": 21_000_000,
        "veteran": 1_000_000,
        "migrant_returnee": 20_000_000,
    }
    assert values(report.row("applications.approved_amount")) == {"total": 1_000_000, "veteran": 1_000_000}
    assert values(report.row("applications.returned")) == {"total": 1, "migrant_returnee": 1}
    assert values(report.row("applications.disbursed")) == {}
    april = monthly.monthly_report(db, actor, month=date(2025, 4, 1))
    assert values(april.row("applications.disbursed_amount")) == {"total": 1_000_000, "veteran": 1_000_000}
    dash = monthly.dashboard(db, actor, month=MARCH, months=3)
    assert dash.by_mentor == (("刘导师", 2), ("王导师", 1), ("（未指定导师）", 1))
    # January: the phone call behind the follow-ups; February: 孙七 on 28 Feb and 张三's tracking visit
    assert [p.values["visits.total"] for p in dash.trend] == [1, 2, 4]


def test_trend_queries_agree_with_the_report(db: Database, actor: Actor, activity: None) -> None:
    """The trend's grouped queries and the report's sections count the same things."""
    trend = monthly.monthly_trend(db, actor, end=date(2025, 4, 1), months=4)
    assert set(monthly.TREND_SOURCES) == set(monthly.TREND_KEYS)
    for point in trend:
        report = {row.key: row.total for row in monthly.monthly_figures(db, actor, month=point.month)}
        assert point.values == {key: report[key] for key in monthly.TREND_KEYS}, point.month
    assert [p.values["entrepreneurs.new"] for p in trend] == [0, 1, 2, 1]
    assert [p.values["training.trained"] for p in trend] == [0, 0, 2, 1]
