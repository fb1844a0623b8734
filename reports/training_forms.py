"""Printed training forms: the sign-in sheet (签到表), the completion certificate (结业证书) and the
training-subsidy roster (培训补贴花名册) that the subsidy application attaches (5号文 (二), 推进行动 计划4).

The services build the plain values below from the database (masking personal data where the form or the
user's role asks for it); this module only lays them out with the PDF toolkit (:mod:`reports.pdf`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from models.errors import ValidationError
from models.money import chinese_capitals, format_yuan
from reports.pdf import Cell, Column, Form, FormBatch, SealBox, SignLine, Target, format_date_cn

SIGN_IN_KIND = "training_sign_in"
CERTIFICATE_KIND = "training_certificate"
ROSTER_KIND = "training_roster"


@dataclass(frozen=True)
class SignInSheet:
    """One session's sign-in sheet; ``rows`` hold (序号, 姓名, masked ID number)."""

    session_id: str
    station_name: str
    class_title: str
    class_number: str
    course_name: str
    provider: str
    venue: str
    session_date: date
    half_day: str
    hours: int
    session_number: int
    topic: str
    teacher: str
    rows: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class Certificate:
    """One 结业证书. ``id_number`` is printed as given (the caller masks it for a redacted copy)."""

    enrolment_id: str
    certificate_number: str
    name: str
    sex: str
    id_number: str
    course_name: str
    class_number: str
    class_title: str
    provider: str
    start_date: date
    end_date: date
    hours: int
    exam_score: int | None
    issuer: str
    issued_on: date


@dataclass(frozen=True)
class RosterLine:
    number: int
    name: str
    sex: str
    id_number: str
    key_groups: str
    phone: str
    attended_hours: int
    required_hours: int
    exam_score: int | None
    certificate_number: str

    @property
    def attendance_text(self) -> str:
        if not self.required_hours:
            return "—"
        return f"{100 * self.attended_hours / self.required_hours:.1f}%"


@dataclass(frozen=True)
class TrainingRoster:
    """The 花名册 of one class: its completed trainees (a stable input for the subsidy application)."""

    class_id: str
    station_name: str
    class_title: str
    class_number: str
    course_name: str
    provider: str
    venue: str
    start_date: date
    end_date: date
    total_hours: int
    enrolled: int
    funded: bool
    rule_text: str
    lines: tuple[RosterLine, ...]
    printed_on: date
    redacted: bool = False
    standard_fen: int = 0  # the training subsidy per person (补贴标准) of the policy set; 0 if unfunded

    @property
    def total_fen(self) -> int:
        return self.standard_fen * len(self.lines)


def _period(start: date, end: date) -> str:
    return format_date_cn(start) if start == end else f"{format_date_cn(start)}至{format_date_cn(end)}"


# ------------------------------------------------------------------------------------------ sign-in sheet
def draw_sign_in_sheet(batch: FormBatch, sheet: SignInSheet) -> Form:
    names = "、".join(name for _, name, _ in sheet.rows)
    when = f"{format_date_cn(sheet.session_date)} {sheet.half_day}"
    form = batch.form(
        title="创业培训签到表",
        kind=SIGN_IN_KIND,
        record_id=sheet.session_id,
        record_ref=f"{sheet.class_number}-{sheet.session_number:02d}",
        subtitle=f"{sheet.course_name} · {sheet.class_title}（第 {sheet.class_number} 期）",
        fields={"期次": sheet.class_number, "课次": f"第 {sheet.session_number} 次 {when}", "学员": names},
    )
    form.grid(
        [
            [Cell("培训机构", sheet.provider), Cell("培训地点", sheet.venue)],
            [
                Cell("上课时间", f"第 {sheet.session_number} 次课　{when}"),
                Cell("学时", f"{sheet.hours} 学时"),
            ],
            [Cell("课程内容", sheet.topic), Cell("授课教师", sheet.teacher)],
        ]
    )
    form.spacer()
    form.table(
        [
            Column("序号", 0.6),
            Column("姓名", 1.4),
            Column("身份证号码", 2.2),
            Column("签到（本人签名）", 2.0),
            Column("签退（本人签名）", 2.0),
            Column("备注", 1.0),
        ],
        [(str(number), name, masked, "", "", "") for number, name, masked in sheet.rows],
        row_height=30,
    )
    form.note(f"应到 {len(sheet.rows)} 人。请学员本人签名，不得代签；迟到、请假请在备注栏注明。")
    form.signatures([SignLine("授课教师签字"), SignLine("培训机构经办人签字")], per_row=1)
    return form


def write_sign_in_sheets(target: Target, sheets: Sequence[SignInSheet], *, invariant: bool = False) -> int:
    """Every session's sheet into one PDF; returns the page count."""
    with FormBatch(target, title="创业培训签到表", invariant=invariant) as batch:
        for sheet in sheets:
            draw_sign_in_sheet(batch, sheet)
    return batch.page_count


# ------------------------------------------------------------------------------------------ certificates
def certificate_fields(cert: Certificate) -> dict[str, str]:
    """The printed values the certificate's check code covers."""
    return {
        "证书编号": cert.certificate_number,
        "姓名": cert.name,
        "身份证号码": cert.id_number,
        "培训项目": cert.course_name,
        "期次": cert.class_number,
        "培训时间": _period(cert.start_date, cert.end_date),
        "学时": str(cert.hours),
    }


def draw_certificate(batch: FormBatch, cert: Certificate, *, redacted: bool = False) -> Form:
    period = _period(cert.start_date, cert.end_date)
    form = batch.form(
        title="结业证书",
        kind=CERTIFICATE_KIND,
        record_id=cert.enrolment_id,
        record_ref=cert.certificate_number,
        subtitle="马兰花创业培训",
        fields=certificate_fields(cert),
        redacted=redacted,
    )
    form.spacer(8)
    form.text(f"证书编号：{cert.certificate_number}", align="right")
    form.spacer(10)
    passed = "经考核合格，" if cert.exam_score is not None else ""
    form.text(
        f"{cert.name}（身份证号码 {cert.id_number}）于{period}参加{cert.provider or cert.issuer}举办的"
        f"{cert.course_name}创业培训（第 {cert.class_number} 期），完成培训 {cert.hours} 学时，"
        f"{passed}准予结业。",
        size=15,
        indent=True,
    )
    form.text("特发此证。", size=15, indent=True)
    form.spacer(12)
    form.grid(
        [
            [Cell("姓名", cert.name), Cell("性别", cert.sex)],
            [Cell("身份证号码", cert.id_number, span=2)],
            [Cell("培训项目", cert.course_name), Cell("期次", cert.class_number)],
            [Cell("培训时间", period, span=2)],
            [
                Cell("培训学时", f"{cert.hours} 学时"),
                Cell("考核成绩", "—" if cert.exam_score is None else f"{cert.exam_score} 分"),
            ],
            [Cell("培训机构", cert.provider, span=2)],
        ]
    )
    form.spacer(12)
    form.seal_boxes(
        [
            SealBox("培训机构", signer="", seal="（盖章）", date=cert.end_date),
            SealBox("发证单位", text=cert.issuer, signer="", seal="（盖章）", date=cert.issued_on),
        ],
        height=42 * 2.8346,
    )
    form.note(
        "本证书仅证明持证人完成上述培训；扫描右上角二维码可核对证书信息。依据：人社部发〔2025〕5号 (二)。"
    )
    return form


def write_certificates(
    target: Target,
    certificates: Iterable[Certificate],
    *,
    redacted: bool = False,
    invariant: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Certificates one per page into one PDF (a class's batch); returns the page count.

    ``progress(n)`` is called after each certificate; it may raise to cancel (nothing is written then).
    """
    with FormBatch(target, title="结业证书", invariant=invariant) as batch:
        for count, cert in enumerate(certificates, start=1):
            draw_certificate(batch, cert, redacted=redacted)
            if progress is not None:
                progress(count)
    return batch.page_count


# ------------------------------------------------------------------------------------------------ roster
def roster_fields(roster: TrainingRoster) -> dict[str, str]:
    return {
        "期次": roster.class_number,
        "培训时间": _period(roster.start_date, roster.end_date),
        "结业人数": str(len(roster.lines)),
        "学员": "；".join(f"{line.name} {line.id_number} {line.certificate_number}" for line in roster.lines),
        **({"补贴标准": format_yuan(roster.standard_fen)} if roster.standard_fen else {}),
    }


def draw_training_roster(form: Form, roster: TrainingRoster) -> None:
    """The roster's body on a form the caller started — the policy area puts it into its own batch."""
    form.meta_line(f"培训机构：{roster.provider}", f"填报日期：{format_date_cn(roster.printed_on)}")
    form.grid(
        [
            [Cell("班级名称", roster.class_title, span=2)],
            [Cell("培训项目", roster.course_name), Cell("期次", roster.class_number)],
            [Cell("培训时间", _period(roster.start_date, roster.end_date), span=2)],
            [Cell("总学时", f"{roster.total_hours} 学时"), Cell("培训地点", roster.venue)],
            [
                Cell("报名人数", f"{roster.enrolled} 人"),
                Cell("结业人数", f"{len(roster.lines)} 人"),
            ],
            [
                Cell("培训性质", "补贴性培训" if roster.funded else "非补贴性培训"),
                Cell("结业规则", roster.rule_text),
            ],
        ]
    )
    form.spacer()
    # Widths in pt at 7.5 pt type: an ID number, a phone, a certificate number and an amount each fit on
    # one line (A4 portrait); headers of four characters fit too.
    amount = format_yuan(roster.standard_fen) if roster.standard_fen else "—"
    form.table(
        [
            Column("序号", 24),
            Column("姓名", 38),
            Column("身份证号码", 83),
            Column("人员类别", 50),
            Column("联系电话", 54),
            Column("出勤学时", 38),
            Column("出勤率", 33),
            Column("成绩", 24),
            Column("结业证书编号", 103),
            Column("补贴金额", 46),
        ],
        [
            (
                str(line.number),
                line.name,
                line.id_number,
                line.key_groups,
                line.phone,
                f"{line.attended_hours}/{line.required_hours}",
                line.attendance_text,
                "—" if line.exam_score is None else str(line.exam_score),
                line.certificate_number,
                amount,
            )
            for line in roster.lines
        ],
        size=7.5,
    )
    form.text(f"合计：结业 {len(roster.lines)} 人。")
    total = roster.total_fen
    form.grid(
        [
            [Cell("补贴标准", f"每人 {amount}" if roster.standard_fen else "非补贴性培训（无补贴）")],
            [
                Cell("补贴合计（小写）", format_yuan(total) if total else "—"),
                Cell("大写", chinese_capitals(total) if total else "—"),
            ],
        ]
    )
    form.note(
        "注：本花名册为创业培训补贴申请的附件（人社部发〔2025〕5号 (二)，重点群体创业推进行动 计划4），"
        "所列人员均已按结业规则完成培训；一式三份，培训机构、服务站、人社部门各留存一份。"
    )
    form.signatures(
        [SignLine("培训机构负责人", with_date=False), SignLine("经办人", with_date=False)], per_row=2
    )
    form.seal_boxes(
        [
            SealBox("培训机构意见", text="以上人员情况属实。", signer="负责人", date=None),
            SealBox("服务站审核意见", signer="审核人", date=None),
        ]
    )


def start_training_roster(batch: FormBatch, roster: TrainingRoster) -> Form:
    form = batch.form(
        title="创业培训补贴花名册",
        kind=ROSTER_KIND,
        record_id=roster.class_id,
        record_ref=roster.class_number,
        subtitle=f"{roster.course_name} · {roster.class_title}（第 {roster.class_number} 期）",
        fields=roster_fields(roster),
        redacted=roster.redacted,
    )
    draw_training_roster(form, roster)
    return form


def write_training_roster(target: Target, roster: TrainingRoster, *, invariant: bool = False) -> int:
    """The roster as its own PDF; returns the page count."""
    with FormBatch(target, title="创业培训补贴花名册", invariant=invariant) as batch:
        start_training_roster(batch, roster)
    return batch.page_count


# ------------------------------------------------------------------------------------ sign-in workbooks
HALF_DAY_WORDS = ("上午", "下午", "晚上", "全天")
_MONTH_DAY = re.compile(r"^(?:(?P<y>\d{4})[-/.年])?(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?$")


@dataclass(frozen=True)
class DateColumn:
    """A column whose header names a session: a date (or month and day) and maybe a half-day."""

    index: int  # 0-based column index
    letter: str
    header: str
    day: date | None  # None when the header has no year
    month_day: tuple[int, int]
    half_day: str | None  # 上午 / 下午 / 晚上 / 全天


@dataclass(frozen=True)
class SignInWorkbook:
    """What a sign-in workbook holds, before matching: header positions and the raw cell values."""

    header_row: int
    name_column: int
    id_column: int | None
    date_columns: tuple[DateColumn, ...]
    ignored_headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]  # (row number, cells)


def parse_date_header(value: object) -> tuple[date | None, tuple[int, int], str | None] | None:
    """``2025-03-05 上午`` / ``3月5日下午`` / a date cell -> (date or None, (month, day), half-day)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value, (value.month, value.day), None
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    half = next((word for word in HALF_DAY_WORDS if word in text), None)
    if half:
        text = text.replace(half, "")
    text = re.sub(r"(星期|周)[一二三四五六日天]|[（(][^）)]*[）)]", "", text)
    text = re.sub(r"\d{1,2}:\d{2}(?::\d{2})?$", "", text)
    match = _MONTH_DAY.match(text)
    if match is None:
        whole = re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
        if whole is None:
            return None
        year, month, day = (int(part) for part in whole.groups())
    else:
        year = int(match["y"]) if match["y"] else 0
        month, day = int(match["m"]), int(match["d"])
    try:
        full = date(year, month, day) if year else None
        if not year:
            date(2000, month, day)  # a leap year: 2月29日 is a possible header
    except ValueError:
        return None
    return full, (month, day), half


def read_sign_in_workbook(path: Path) -> SignInWorkbook:
    """Read the first sheet of a sign-in workbook: a header row (within the first 10 rows) with 姓名, an
    ID-number column (身份证 / 证件号码) and one column per session date; other columns are ignored.

    openpyxl parses the XML with defusedxml when it is installed (it is a dependency), so a hostile file
    cannot expand entities. Raises :class:`ValidationError` for a file that is not a usable workbook.
    """
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zipfile.BadZipFile, InvalidFileException, KeyError … all mean "not xlsx"
        raise ValidationError(
            "签到表文件", path.name, f"{path.name} 不是可读取的 Excel 工作簿（.xlsx）：{error}"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        all_rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    header_index = None
    for index, row in enumerate(all_rows[:10]):
        if any(
            isinstance(cell, str) and cell.strip().replace(" ", "") in ("姓名", "学员姓名") for cell in row
        ):
            header_index = index
            break
    if header_index is None:
        raise ValidationError(
            "签到表文件", path.name, f"{path.name} 的前 10 行中没有“姓名”列，请使用签到表模板"
        )
    header = all_rows[header_index]
    name_column = id_column = None
    dates: list[DateColumn] = []
    ignored: list[str] = []
    for index, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        compact = text.replace(" ", "")
        if name_column is None and compact in ("姓名", "学员姓名"):
            name_column = index
            continue
        if id_column is None and ("身份证" in compact or "证件号" in compact):
            id_column = index
            continue
        parsed = parse_date_header(cell)
        if parsed is not None:
            day, month_day, half = parsed
            dates.append(DateColumn(index, get_column_letter(index + 1), text, day, month_day, half))
        elif text:
            ignored.append(text)
    assert name_column is not None
    if not dates:
        raise ValidationError(
            "签到表文件", path.name, f"{path.name} 的表头中没有日期列（如 2025-03-05 上午），无法对应课次"
        )
    rows = tuple(
        (header_index + 2 + offset, row)
        for offset, row in enumerate(all_rows[header_index + 1 :])
        if any(cell is not None and str(cell).strip() for cell in row)
    )
    return SignInWorkbook(header_index + 1, name_column, id_column, tuple(dates), tuple(ignored), rows)
