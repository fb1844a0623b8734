"""Item models of the training pages: classes, roster, schedule, completion (plain read models in rows)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from desktop.services import training as service
from models.errors import DoorstepError
from models.training import CompletionResult, EnrolmentStatus
from ui.overrides import override
from ui.style import Tone
from ui.widgets.rows_model import CENTER, ColumnSpec, Index, RowsModel

WEEKDAYS = "一二三四五六日"

STATUS_TONES = {
    service.ClassStatus.UPCOMING: Tone.GREY,
    service.ClassStatus.RUNNING: Tone.ACCENT,
    service.ClassStatus.TO_ASSESS: Tone.AMBER,
    service.ClassStatus.ASSESSED: Tone.GREEN,
}


def class_columns() -> list[ColumnSpec[service.ClassRow]]:
    return [
        ColumnSpec("期次编号", 110, lambda r: r.class_number),
        ColumnSpec("班级名称", 200, lambda r: r.title),
        ColumnSpec("课程", 160, lambda r: r.course_name),
        ColumnSpec("培训机构", 150, lambda r: r.provider),
        ColumnSpec("培训时间", 180, lambda r: f"{r.start_date.isoformat()} 至 {r.end_date.isoformat()}"),
        ColumnSpec("报名/计划", 80, lambda r: f"{r.enrolled}/{r.capacity}", align=CENTER),
        ColumnSpec("课次", 50, lambda r: str(r.sessions), align=CENTER),
        ColumnSpec("状态", 84, lambda r: r.status, tone=lambda r: STATUS_TONES.get(r.status)),
        ColumnSpec("结业率", 110, lambda r: r.completion_text, align=CENTER),
    ]


def _result_text(r: service.RosterRow) -> str:
    if r.status is EnrolmentStatus.WITHDRAWN:
        return EnrolmentStatus.WITHDRAWN.label
    return r.result.label if r.result else "未评定"


def _result_tone(r: service.RosterRow) -> Tone:
    if r.status is EnrolmentStatus.WITHDRAWN:
        return Tone.GREY
    if r.result is CompletionResult.COMPLETED:
        return Tone.GREEN
    return Tone.RED if r.result is CompletionResult.NOT_COMPLETED else Tone.AMBER


def roster_columns() -> list[ColumnSpec[service.RosterRow]]:
    return [
        ColumnSpec("序号", 46, lambda r: str(r.number), align=CENTER),
        ColumnSpec("姓名", 90, lambda r: r.name),
        ColumnSpec("身份证号码", 170, lambda r: r.id_number_masked),
        ColumnSpec("性别", 46, lambda r: r.sex, align=CENTER),
        ColumnSpec("重点群体", 170, lambda r: r.key_groups),
        ColumnSpec("报名日期", 100, lambda r: r.enrolled_on.isoformat()),
        ColumnSpec("出勤学时", 120, lambda r: r.attendance_text, align=CENTER),
        ColumnSpec("结业", 80, _result_text, tone=_result_tone),
        ColumnSpec("证书编号", 220, lambda r: r.certificate_number or ""),
    ]


def session_columns(enrolled: Callable[[], int]) -> list[ColumnSpec[service.SessionView]]:
    return [
        ColumnSpec("课次", 72, lambda s: f"第 {s.number} 次", align=CENTER),
        ColumnSpec("上课日期", 104, lambda s: s.session_date.isoformat()),
        ColumnSpec("星期", 50, lambda s: "周" + WEEKDAYS[s.session_date.weekday()], align=CENTER),
        ColumnSpec("时段", 56, lambda s: s.half_day.label, align=CENTER),
        ColumnSpec("学时", 50, lambda s: str(s.hours), align=CENTER),
        ColumnSpec("课程内容", 240, lambda s: s.topic),
        ColumnSpec("授课教师", 100, lambda s: s.teacher),
        ColumnSpec("已点名", 80, lambda s: f"{s.marked}/{enrolled()}", align=CENTER),
        ColumnSpec("出勤", 70, lambda s: str(s.present) if s.marked else "—", align=CENTER),
    ]


class CompletionModel(RowsModel[service.CompletionPreview]):
    """结业: attendance, the exam score (editable), what the rule says now, and the stored result."""

    SCORE_COLUMN = 4
    error = Signal(str)
    score_saved = Signal()

    def __init__(self, save_score: Callable[[str, object], object], parent: QObject | None = None) -> None:
        super().__init__(
            [
                ColumnSpec("序号", 46, lambda p: str(p.row.number), align=CENTER),
                ColumnSpec("姓名", 90, lambda p: p.row.name),
                ColumnSpec("身份证号码", 170, lambda p: p.row.id_number_masked),
                ColumnSpec("出勤学时", 120, lambda p: p.row.attendance_text, align=CENTER),
                ColumnSpec(
                    "考核成绩",
                    80,
                    lambda p: "" if p.row.exam_score is None else str(p.row.exam_score),
                    align=CENTER,
                ),
                ColumnSpec(
                    "按规则",
                    90,
                    lambda p: "可结业" if p.outcome.completed else "未达标",
                    tone=lambda p: Tone.GREEN if p.outcome.completed else Tone.RED,
                    tip=lambda p: "；".join(p.outcome.reasons) or "符合结业规则",
                ),
                ColumnSpec(
                    "说明",
                    260,
                    lambda p: "；".join(p.outcome.reasons),
                    tip=lambda p: "；".join(p.outcome.reasons),
                ),
                ColumnSpec(
                    "评定结果",
                    90,
                    lambda p: (
                        (p.row.result.label if p.row.result else "未评定")
                        + ("（需重新评定）" if p.stale else "")
                    ),
                    tone=lambda p: (
                        Tone.AMBER
                        if p.stale or p.row.result is None
                        else (Tone.GREEN if p.row.result is CompletionResult.COMPLETED else Tone.GREY)
                    ),
                ),
                ColumnSpec("证书编号", 220, lambda p: p.row.certificate_number or ""),
            ],
            parent,
        )
        self.save_score = save_score
        self.scores_editable = True

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.SCORE_COLUMN and self.scores_editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    @override
    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.SCORE_COLUMN:
            return False
        preview = self.rows[index.row()]
        try:
            self.save_score(preview.row.enrolment_id, value)
        except DoorstepError as error:
            self.error.emit(str(error))
            return False
        self.score_saved.emit()
        return True
