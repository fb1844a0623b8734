"""The 培训 tab of an entrepreneur's file: every class the person was enrolled in, with the result."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.services import training as service
from models.training import CompletionResult, EnrolmentStatus
from ui.style import Tone
from ui.training.class_view import table_for
from ui.widgets.rows_model import CENTER, ColumnSpec, RowsModel


def _tone(row: service.PersonTraining) -> Tone:
    if row.status is EnrolmentStatus.WITHDRAWN:
        return Tone.GREY
    if row.result is CompletionResult.COMPLETED:
        return Tone.GREEN
    return Tone.RED if row.result is CompletionResult.NOT_COMPLETED else Tone.AMBER


def person_columns() -> list[ColumnSpec[service.PersonTraining]]:
    return [
        ColumnSpec("期次编号", 110, lambda r: r.class_number),
        ColumnSpec("班级", 220, lambda r: r.title),
        ColumnSpec("课程", 150, lambda r: r.course_name),
        ColumnSpec("培训时间", 190, lambda r: f"{r.start_date.isoformat()} 至 {r.end_date.isoformat()}"),
        ColumnSpec(
            "出勤学时",
            110,
            lambda r: f"{r.attended_hours}/{r.required_hours}" if r.required_hours else "—",
            align=CENTER,
        ),
        ColumnSpec("状态", 90, lambda r: r.state_text, tone=_tone),
        ColumnSpec("证书编号", 220, lambda r: r.certificate_number or ""),
    ]


class PersonTrainingTab(QWidget):
    def __init__(self, context: AppContext, entrepreneur_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entrepreneur_id = entrepreneur_id
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        layout.addWidget(self.summary)
        self.model: RowsModel[service.PersonTraining] = RowsModel(person_columns(), self)
        self.view = table_for(self.model, self)
        self.view.doubleClicked.connect(self._open)
        layout.addWidget(self.view, 1)
        hint = QLabel(self.tr("双击打开该培训班；报名请到“培训”页面的班级中操作。"), self)
        hint.setObjectName("muted")
        layout.addWidget(hint)
        self.refresh()

    def refresh(self) -> None:
        rows = self.context.services(service.person_training, entrepreneur_id=self.entrepreneur_id)
        self.model.replace(rows)
        completed = sum(1 for r in rows if r.result is CompletionResult.COMPLETED)
        self.summary.setText(
            self.tr("参加培训 {0} 期，结业 {1} 期").format(len(rows), completed)
            if rows
            else self.tr("还没有参加过培训（马兰花创业培训：SYB、IYB、EYB、网创、创业训练营、技能+创业）")
        )

    def _open(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is None:
            return
        window = self.window()
        owner = window.parentWidget()
        for candidate in (window, owner.window() if owner is not None else window):
            show_page = getattr(candidate, "show_page", None)
            if callable(show_page):
                page = show_page("training")
                opener = getattr(page, "open_class", None)
                if callable(opener):
                    opener(row.class_id)
                return


def training_tab(context: AppContext, entrepreneur_id: str, parent: QWidget | None) -> tuple[str, QWidget]:
    """FILE_TABS factory: (tab title, widget)."""
    return "培训", PersonTrainingTab(context, entrepreneur_id, parent)
