"""Sign-in workbook import: reading filled-in 签到表 xlsx files into a class's attendance marks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl.utils import get_column_letter
from sqlmodel import Session, col, select

from desktop.jobs import UNWATCHED, JobState
from desktop.services.gate import service
from desktop.services.training._common import (
    CLASS_KIND,
    _apply_marks,
    _attendance_records,
    _enrolments_with_people,
    _get_class,
    _live_sessions,
    _session_view,
)
from models.audit import Actor, Operation
from models.base import china_today
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.errors import ValidationError
from models.masking import mask_id_number
from models.permissions import Permission
from models.training import AttendanceMark, EnrolmentStatus, HalfDay, TrainingSession, parse_mark
from models.validators import normalise_text, parse_id_number, parse_name
from reports.training_forms import DateColumn, SignInWorkbook, read_sign_in_workbook


@dataclass(frozen=True)
class ImportProblem:
    """A row (or a header column, ``row`` = header row) that was not imported, and why."""

    row: int
    name: str
    id_number_masked: str
    reason: str


@dataclass(frozen=True)
class AttendanceImportResult:
    rows_read: int
    rows_matched: int
    marks_changed: int
    marks_unchanged: int
    sessions: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    unmatched: tuple[ImportProblem, ...]
    malformed: tuple[ImportProblem, ...]
    dry_run: bool

    @property
    def summary(self) -> str:
        verb = "预检" if self.dry_run else "导入"
        will = "将" if self.dry_run else ""
        text = f"{verb}完成：{self.rows_matched} 人，{will}记考勤 {self.marks_changed} 条"
        if self.marks_unchanged:
            text += f"（另有 {self.marks_unchanged} 条与已有记录相同）"
        problems = []
        if self.unmatched:
            problems.append(f"{len(self.unmatched)} 行未匹配到本班学员")
        if self.malformed:
            problems.append(f"{len(self.malformed)} 处有错误未导入")
        if problems:
            text += "；" + "，".join(problems) + " — 查看原因"
        return text


@dataclass
class _RosterPerson:
    enrolment_id: str
    name: str
    id_number: str


@service(Permission.IMPORT_DATA)
def import_attendance(
    db: Database,
    actor: Actor,
    /,
    *,
    class_id: str,
    path: Path,
    dry_run: bool = False,
    job: JobState = UNWATCHED,
    today: date | None = None,
) -> AttendanceImportResult:
    """Read a sign-in workbook (姓名 + 身份证号码 + one column per session date) into the class's marks.

    People are matched by ID number (a masked one such as 330***********1234 together with the name),
    or by name alone when the name is unique on the roster. Rows that match nobody are listed, not
    dropped; a row with a bad ID number, a name that contradicts the ID number, a mark that cannot be read
    or a person twice is reported with its reason and nothing of it is imported. A blank cell changes
    nothing. Marks under a session after ``today`` are not imported (no attendance for a session not
    yet held); the column is reported once with the number of marks left out.
    All marks are written in one transaction (one undo step), through one :class:`Operation`.
    """
    book = read_sign_in_workbook(path)
    with db.transaction() as session:
        return import_attendance_in(
            session, actor, class_id, book, source=path.name, dry_run=dry_run, job=job, today=today
        )


def import_attendance_in(
    session: Session,
    actor: Actor,
    class_id: str,
    book: SignInWorkbook,
    *,
    source: str,
    dry_run: bool = False,
    job: JobState = UNWATCHED,
    today: date | None = None,
) -> AttendanceImportResult:
    """The core of :func:`import_attendance`: a workbook already read (``source`` names its file in the
    change log and the access log); never commits."""
    klass = _get_class(session, class_id)
    sessions = _live_sessions(session, class_id)
    day = today or china_today()
    future_marks: dict[int, int] = {}
    people = [
        _RosterPerson(e.id, p.name, p.id_number)
        for e, p in _enrolments_with_people(session, class_id)
        if e.status == EnrolmentStatus.ENROLLED.value
    ]
    by_id = {p.id_number: p for p in people}
    by_name: dict[str, list[_RosterPerson]] = {}
    for someone in people:
        by_name.setdefault(someone.name, []).append(someone)
    malformed: list[ImportProblem] = []
    columns: dict[int, TrainingSession] = {}
    for column in book.date_columns:
        found, problem = _session_for_column(column, sessions)
        if found is None:
            malformed.append(
                ImportProblem(book.header_row, "", "", f"第 {column.letter} 列“{column.header}”：{problem}")
            )
        else:
            columns[column.index] = found
    unmatched: list[ImportProblem] = []
    seen: dict[str, int] = {}
    wanted: dict[tuple[str, str], AttendanceMark | None] = {}
    matched = 0
    total = len(book.rows)
    for done, (row_number, cells) in enumerate(book.rows, start=1):
        if done % 200 == 0:
            job.report(done, total, f"正在读取第 {row_number} 行")
        name_raw = _cell(cells, book.name_column)
        id_raw = _cell(cells, book.id_column) if book.id_column is not None else None
        name = normalise_text(name_raw)
        id_text = normalise_text(id_raw).upper()
        person, problem, is_unmatched = _match_row(
            session, name, id_raw, id_text, by_id=by_id, by_name=by_name
        )
        shown_id = mask_id_number(id_text) if id_text and "*" not in id_text else id_text
        if person is None:
            target = unmatched if is_unmatched else malformed
            target.append(ImportProblem(row_number, name, shown_id, problem))
            continue
        if person.enrolment_id in seen:
            malformed.append(
                ImportProblem(row_number, name, shown_id, f"与第 {seen[person.enrolment_id]} 行是同一位学员")
            )
            continue
        seen[person.enrolment_id] = row_number
        row_marks: dict[tuple[str, str], AttendanceMark] = {}
        errors: list[str] = []
        for index, session_record in columns.items():
            value = _cell(cells, index)
            try:
                mark = parse_mark(value, field=f"第 {get_column_letter(index + 1)} 列的考勤")
            except ValidationError as error:
                errors.append(error.message)
                continue
            if mark is not None and session_record.session_date > day:
                future_marks[index] = future_marks.get(index, 0) + 1
            elif mark is not None:
                row_marks[(person.enrolment_id, session_record.id)] = mark
        if errors:
            malformed.append(ImportProblem(row_number, name, shown_id, "；".join(errors)))
            continue
        matched += 1
        wanted.update(row_marks)
    for index, count in sorted(future_marks.items()):
        held_on = columns[index].session_date.isoformat()
        malformed.append(
            ImportProblem(
                book.header_row,
                "",
                "",
                f"第 {get_column_letter(index + 1)} 列：课次 {held_on} 还没有上（今天是 {day.isoformat()}），"
                f"该列 {count} 个考勤未导入",
            )
        )
    existing = _attendance_records(session, [e for e, _ in wanted], [s for _, s in wanted])
    unchanged = sum(
        1
        for key, mark in wanted.items()
        if key in existing
        and not existing[key].deleted
        and mark is not None
        and existing[key].status == mark.value
    )
    job.check()
    if dry_run:
        changed = len(wanted) - unchanged
    else:
        operation = Operation(session, actor, f"{klass.class_number} 导入签到表 {source}")
        changed = len(_apply_marks(operation, klass.id, wanted, existing))
        operation.log_access("import", CLASS_KIND, klass.id, f"签到表 {source}")
    result = AttendanceImportResult(
        rows_read=total,
        rows_matched=matched,
        marks_changed=changed,
        marks_unchanged=unchanged,
        sessions=tuple(_session_view(0, s).label for s in columns.values()),
        ignored_columns=book.ignored_headers,
        unmatched=tuple(unmatched),
        malformed=tuple(malformed),
        dry_run=dry_run,
    )
    return result


def _cell(cells: tuple[object, ...], index: int | None) -> object:
    return cells[index] if index is not None and index < len(cells) else None


def _session_for_column(
    column: DateColumn, sessions: list[TrainingSession]
) -> tuple[TrainingSession | None, str]:
    same_day = [
        s
        for s in sessions
        if (
            s.session_date == column.day
            if column.day
            else (s.session_date.month, s.session_date.day) == column.month_day
        )
    ]
    shown = column.day.isoformat() if column.day else f"{column.month_day[0]}月{column.month_day[1]}日"
    if column.half_day:
        same_day = [s for s in same_day if HalfDay(s.half_day).label == column.half_day]
        shown += f" {column.half_day}"
    if not same_day:
        return None, f"本班 {shown} 没有课次，该列未导入"
    if len(same_day) > 1:
        halves = "、".join(HalfDay(s.half_day).label for s in same_day)
        return None, f"本班 {shown} 有 {halves} {len(same_day)} 个课次，请在表头写明 上午 或 下午，该列未导入"
    return same_day[0], ""


def _match_row(
    session: Session,
    name: str,
    id_raw: object,
    id_text: str,
    *,
    by_id: Mapping[str, _RosterPerson],
    by_name: Mapping[str, list[_RosterPerson]],
) -> tuple[_RosterPerson | None, str, bool]:
    """(person, problem, whether the problem is "matches nobody" rather than "malformed")."""
    if id_text and "*" in id_text:
        candidates = [
            p
            for people in by_name.values()
            for p in people
            if mask_id_number(p.id_number) == id_text and (not name or p.name == name)
        ]
        if len(candidates) == 1:
            return candidates[0], "", False
        if not candidates:
            return None, f"本班名单中没有 {name or '（无姓名）'} {id_text}", True
        return None, f"本班有 {len(candidates)} 位学员与 {name} {id_text} 相符，请填写完整身份证号码", False
    if id_text:
        try:
            number = parse_id_number(id_raw, field="身份证号码").number
        except ValidationError as error:
            return None, error.message, False
        person = by_id.get(number)
        if person is None:
            on_file = session.exec(select(Entrepreneur).where(col(Entrepreneur.id_number) == number)).first()
            hint = (
                f"本站有此人档案（{on_file.name}，档案号 {on_file.case_number}），但未报名本班；"
                "报名后可重新导入"
                if on_file is not None and not on_file.deleted
                else "本站没有此人的档案，也不在本班名单中；如需要，请先为其报名后重新导入"
            )
            return None, hint, True
        if name and _parse_name_loose(name) != person.name:
            return None, f"身份证号码属于本班学员 {person.name}，但表中姓名为 {name}，请核对", False
        return person, "", False
    if not name:
        return None, "姓名和身份证号码都是空的", False
    same = by_name.get(_parse_name_loose(name), [])
    if not same:
        return None, f"本班名单中没有叫 {name} 的学员（未填身份证号码）", True
    if len(same) > 1:
        return None, f"本班有 {len(same)} 位学员叫 {name}，请填写身份证号码以区分", False
    return same[0], "", False


def _parse_name_loose(name: str) -> str:
    """A name as stored (spaces between characters removed, dots unified); the text itself if invalid."""
    try:
        return parse_name(name)
    except ValidationError:
        return name
