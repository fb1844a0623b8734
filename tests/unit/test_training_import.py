"""Sign-in workbooks in and out: unmatched rows are listed, malformed rows are reported, one transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select
from stdnum.cn import ric

from desktop.services import training as svc
from desktop.services.entrepreneurs import create_entrepreneur
from models.audit import AccessLog, Actor
from models.database import Database
from models.errors import ValidationError
from models.training import AttendanceMark

START = date(2025, 3, 3)
P, L, E, A = AttendanceMark.PRESENT, AttendanceMark.LATE, AttendanceMark.EXCUSED, AttendanceMark.ABSENT


def id_number(serial: int) -> str:
    head = f"33010619900101{serial:03d}"
    return head + ric.calc_check_digit(head + "0")


@pytest.fixture
def klass(db: Database, actor: Actor) -> tuple[str, dict[str, str], list[svc.SessionView]]:
    """A class of four (张三, 李四, two 王五): a morning and an afternoon on 3 March, a day on 4 March."""
    svc.ensure_course_catalogue(db, actor)
    class_id = svc.create_class(
        db,
        actor,
        data={
            "course_id": svc.course_id_for("SYB"),
            "class_number": "SYB202501",
            "title": "创办你的企业培训2025年第1期",
            "start_date": START,
            "end_date": START + timedelta(days=4),
            "capacity": 30,
        },
    )
    for day, half, hours in ((START, "上午", 4), (START, "下午", 4), (START + timedelta(days=1), "全天", 8)):
        svc.add_session(
            db, actor, class_id=class_id, session_data={"session_date": day, "half_day": half, "hours": hours}
        )
    enrolments: dict[str, str] = {}
    for serial, name in ((1, "张三"), (3, "李四"), (5, "王五"), (7, "王五")):
        person = create_entrepreneur(
            db, actor, person={"name": name, "id_number": id_number(serial)}, confirm_possible_duplicate=True
        )
        enrolments[f"{name}{serial}"] = svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person)
    create_entrepreneur(
        db, actor, person={"name": "赵六", "id_number": id_number(9)}
    )  # on file, not enrolled
    return class_id, enrolments, svc.list_sessions(db, actor, class_id=class_id)


def workbook(
    path: Path, rows: list[list[object]], header: list[object] | None = None, title: str | None = "签到表"
) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(
        header
        or ["序号", "姓名", "身份证号码", "2025-03-03 上午", "3月3日下午", datetime(2025, 3, 4), "备注"]
    )
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_import_matches_people_lists_unmatched_and_reports_malformed_rows(
    db: Database, actor: Actor, klass: tuple[str, dict[str, str], list[svc.SessionView]], tmp_path: Path
) -> None:
    class_id, enrolled, sessions = klass
    path = workbook(
        tmp_path / "sign-in.xlsx",
        [
            [1, "张三", id_number(1), "出", "√", "迟", "到得早"],
            [2, "李四", "330***********" + id_number(3)[-4:], "假", "", "1"],  # a masked ID with the name
            [3, "赵六", id_number(9), "出", "出", "出"],  # on file, not in this class
            [4, "孙七", id_number(11), "出", "出", "出"],  # nowhere
            [5, "王五", "", "出", "出", "出"],  # two 王五 on the roster, no ID
            [6, "张三丰", id_number(1), "出", "出", "出"],  # 张三's number with another name
            [7, "钱八", "330106199001010031", "出", "", ""],  # wrong check digit
            [8, "王五", id_number(7), "出", "到了", "出"],  # a mark nobody can read
            [9, "张三", id_number(1), "缺", "缺", "缺"],  # 张三 a second time
            [10, "周九", "", "出", "", ""],  # no ID, name not on the roster
            [None, None, None, None, None, None],
        ],
    )
    result = svc.import_attendance(db, actor, class_id=class_id, path=path)
    assert (result.rows_read, result.rows_matched, result.marks_changed) == (10, 2, 5)
    assert result.sessions == ("3/3 上午", "3/3 下午", "3/4 全天")
    assert result.ignored_columns == ("序号", "备注")
    assert [(p.row, p.name) for p in result.unmatched] == [(5, "赵六"), (6, "孙七"), (12, "周九")]
    assert (
        "本站有此人档案（赵六" in result.unmatched[0].reason and "但未报名本班" in result.unmatched[0].reason
    )
    assert "本站没有此人的档案" in result.unmatched[1].reason
    assert result.unmatched[1].id_number_masked == "330***********" + id_number(11)[-4:]
    reasons = {p.row: p.reason for p in result.malformed}
    assert reasons[7] == "本班有 2 位学员叫 王五，请填写身份证号码以区分"
    assert reasons[8] == "身份证号码属于本班学员 张三，但表中姓名为 张三丰，请核对"
    assert "最后一位应为" in reasons[9]
    assert "第 E 列的考勤“到了”无法识别" in reasons[10]
    assert reasons[11] == "与第 3 行是同一位学员"
    assert result.summary == "导入完成：2 人，记考勤 5 条；3 行未匹配到本班学员，5 处有错误未导入 — 查看原因"
    marks = svc.attendance_grid(db, actor, class_id=class_id).marks
    zhang, li = enrolled["张三1"], enrolled["李四3"]
    assert [marks.get((zhang, s.id)) for s in sessions] == [P, P, L]
    assert [marks.get((li, s.id)) for s in sessions] == [E, None, P]
    assert all(key[0] not in (enrolled["王五5"], enrolled["王五7"]) for key in marks)
    # the whole import is one step: Ctrl+Z takes all five marks back
    assert svc.undo_last_class_change(db, actor, class_id=class_id) == "SYB202501 导入签到表 sign-in.xlsx"
    assert svc.attendance_grid(db, actor, class_id=class_id).marks == {}


def test_dry_run_writes_nothing_and_a_second_import_changes_nothing(
    db: Database, actor: Actor, klass: tuple[str, dict[str, str], list[svc.SessionView]], tmp_path: Path
) -> None:
    class_id, _, _ = klass
    path = workbook(tmp_path / "s.xlsx", [[1, "张三", id_number(1), "出", "出", "出"]])
    preview = svc.import_attendance(db, actor, class_id=class_id, path=path, dry_run=True)
    assert preview.marks_changed == 3 and preview.summary.startswith("预检完成：1 人，将记考勤 3 条")
    assert svc.attendance_grid(db, actor, class_id=class_id).marks == {}
    svc.import_attendance(db, actor, class_id=class_id, path=path)
    again = svc.import_attendance(db, actor, class_id=class_id, path=path)
    assert (again.marks_changed, again.marks_unchanged) == (0, 3)


def test_header_columns_that_name_no_single_session_are_reported(
    db: Database, actor: Actor, klass: tuple[str, dict[str, str], list[svc.SessionView]], tmp_path: Path
) -> None:
    class_id, _, _ = klass
    path = workbook(
        tmp_path / "s.xlsx",
        [["张三", id_number(1), "出", "出", "出"]],
        header=["姓名", "身份证号", "2025-03-03", "2025-03-05 上午", "3/4"],
        title=None,
    )
    result = svc.import_attendance(db, actor, class_id=class_id, path=path)
    assert [(p.row, p.reason) for p in result.malformed] == [
        (
            1,
            "第 C 列“2025-03-03”：本班 2025-03-03 有 上午、下午 2 个课次，"
            "请在表头写明 上午 或 下午，该列未导入",
        ),
        (1, "第 D 列“2025-03-05 上午”：本班 2025-03-05 上午 没有课次，该列未导入"),
    ]
    assert result.marks_changed == 1  # only 3/4


def test_not_a_workbook_or_without_the_needed_columns(
    db: Database, actor: Actor, klass: tuple[str, dict[str, str], list[svc.SessionView]], tmp_path: Path
) -> None:
    class_id, _, _ = klass
    text = tmp_path / "sign-in.xlsx"
    text.write_text("姓名,身份证号码\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"sign-in\.xlsx 不是可读取的 Excel 工作簿"):
        svc.import_attendance(db, actor, class_id=class_id, path=text)
    no_name = workbook(tmp_path / "a.xlsx", [], header=["名字", "身份证号码", "2025-03-04"], title=None)
    with pytest.raises(ValidationError, match="前 10 行中没有“姓名”列"):
        svc.import_attendance(db, actor, class_id=class_id, path=no_name)
    no_dates = workbook(tmp_path / "b.xlsx", [], header=["姓名", "身份证号码", "签名"], title=None)
    with pytest.raises(ValidationError, match="表头中没有日期列"):
        svc.import_attendance(db, actor, class_id=class_id, path=no_dates)


def test_template_round_trip_with_masked_ids(
    db: Database, actor: Actor, klass: tuple[str, dict[str, str], list[svc.SessionView]], tmp_path: Path
) -> None:
    class_id, enrolled, sessions = klass
    svc.mark_attendance(db, actor, class_id=class_id, marks=[(enrolled["张三1"], sessions[0].id, L)])
    out = tmp_path / "template.xlsx"
    assert svc.write_sign_in_workbook(db, actor, class_id=class_id, out=out) == 4
    book = load_workbook(out)
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["序号", "姓名", "身份证号码", "2025-03-03 上午", "2025-03-03 下午", "2025-03-04 全天"]
    assert rows[2][:4] == [1, "张三", "330***********" + id_number(1)[-4:], "迟"]
    # fill in the afternoon for everybody (the two 王五 are told apart by their masked IDs) and import
    for row in sheet.iter_rows(min_row=3):
        row[4].value = "出"
    book.save(out)
    result = svc.import_attendance(db, actor, class_id=class_id, path=out)
    assert (result.rows_matched, result.marks_changed, result.marks_unchanged) == (4, 4, 1)
    assert result.unmatched == () and result.malformed == ()
    with db.reading() as session:
        assert session.exec(select(AccessLog).where(AccessLog.action == "export")).first() is not None


def test_attendance_export_by_month_masks_id_numbers(
    db: Database, actor: Actor, klass: tuple[str, dict[str, str], list[svc.SessionView]], tmp_path: Path
) -> None:
    _, _, sessions = klass
    for s in sessions:
        svc.mark_column(db, actor, session_id=s.id)
    out = tmp_path / "attendance.xlsx"
    assert svc.export_attendance(db, actor, out=out, month=date(2025, 3, 1)) == 12
    assert svc.export_attendance(db, actor, out=tmp_path / "april.xlsx", month=date(2025, 4, 1)) == 0
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert (
        rows[0] == ("培训考勤明细（2025年03月）",) + (None,) * 9 or rows[0][0] == "培训考勤明细（2025年03月）"
    )
    assert rows[1] == (
        "期次编号",
        "班级名称",
        "课程",
        "上课日期",
        "时段",
        "学时",
        "课程内容",
        "姓名",
        "身份证号码",
        "考勤",
    )
    first = rows[2]
    assert first[0] == "SYB202501" and first[4] == "上午" and first[5] == 4 and first[9] == "出勤"
    assert first[3] == datetime(2025, 3, 3)
    assert all("*" in str(row[8]) for row in rows[2:])
    assert not any(id_number(1) in str(cell) for row in rows for cell in row)
