"""One class: a header with its figures (报名, 课次, 结业率), then 学员名单, 课程安排, 考勤 and 结业 tabs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services import training as service
from models.errors import DoorstepError
from ui.operations import run_in_background
from ui.style import Tone
from ui.training.dialogs import ClassDialog, ScheduleDialog, SessionDialog
from ui.training.enrol import EnrolDialog, ImportResultDialog
from ui.training.grid import AttendanceGridWidget
from ui.training.keys import EnterMovesDown, chosen_rows, on_delete
from ui.training.models import STATUS_TONES, CompletionModel, roster_columns, session_columns
from ui.widgets import dialogs
from ui.widgets.buttons import button
from ui.widgets.chip_label import ChipLabel
from ui.widgets.chips import ChipDelegate
from ui.widgets.printing import make_and_preview
from ui.widgets.rows_model import RowsModel
from ui.widgets.saving import ask_save_path, offer_open, save_folder


def table_for(model: RowsModel[Any], parent: QWidget, kind: type[QTableView] = QTableView) -> QTableView:
    view = kind(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(30)
    view.horizontalHeader().setStretchLastSection(True)
    view.setItemDelegate(ChipDelegate(view))
    for section, column in enumerate(model.columns):
        view.setColumnWidth(section, column.width)
    return view


class ClassView(QWidget):
    """The class page; ``back`` returns to the list, ``changed`` says the list's figures moved."""

    back = Signal()
    changed = Signal()

    def __init__(self, context: AppContext, class_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.class_id = class_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._header())
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._roster_tab(), self.tr("学员名单"))
        self.tabs.addTab(self._schedule_tab(), self.tr("课程安排"))
        self.grid = AttendanceGridWidget(context, class_id, self)
        self.grid.changed.connect(self._grid_changed)
        self.tabs.addTab(self.grid, self.tr("考勤"))
        self.tabs.addTab(self._completion_tab(), self.tr("结业"))
        self.tabs.currentChanged.connect(lambda _i: self.reload())
        self.reload()

    # -- header -------------------------------------------------------------------------------------
    def _header(self) -> QWidget:
        frame = QFrame(self)
        frame.setObjectName("fileHeader")
        row = QHBoxLayout(frame)
        row.setContentsMargins(4, 6, 4, 8)
        row.addWidget(button(self.tr("← 返回列表"), frame, self.back.emit))
        column = QVBoxLayout()
        self.title = QLabel(frame)
        self.title.setObjectName("fileTitle")
        column.addWidget(self.title)
        self.facts = QLabel(frame)
        self.facts.setObjectName("muted")
        self.facts.setWordWrap(True)
        column.addWidget(self.facts)
        self.schedule_note = QLabel(frame)
        self.schedule_note.setWordWrap(True)
        self.schedule_note.setStyleSheet(f"color: {Tone.AMBER.foreground.name()};")
        self.schedule_note.hide()
        column.addWidget(self.schedule_note)
        row.addLayout(column, 1)
        self.status_chip = ChipLabel("", Tone.GREY, frame)
        row.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        self.rate = QLabel(frame)
        self.rate.setStyleSheet("font-size: 13pt; font-weight: bold;")
        row.addWidget(self.rate)
        row.addWidget(button(self.tr("修改班级"), frame, self.edit_class))
        return frame

    def _fill_header(self) -> None:
        d = self.context.services(service.get_class, class_id=self.class_id)
        self.detail = d
        self.title.setText(f"{d.title}（第 {d.class_number} 期）")
        self.facts.setText(
            self.tr("{0} · {1} 至 {2} · {3} · {4} · 报名 {5}/{6} 人 · {7} 个课次共 {8} 学时").format(
                d.course_name,
                d.start_date.isoformat(),
                d.end_date.isoformat(),
                d.provider or self.tr("未填培训机构"),
                d.venue or self.tr("未填地点"),
                d.enrolled,
                d.capacity,
                d.sessions,
                d.total_hours,
            )
        )
        self.facts.setToolTip(self.tr("结业规则：{0}").format(d.rule.describe()))
        self.schedule_note.setText(self.tr("⚠ {0}；请补排课次").format(d.schedule_warning))
        self.schedule_note.setVisible(bool(d.schedule_warning))
        self.rule_label.setText(self.tr("结业规则：{0}").format(d.rule.describe()))
        self.status_chip.set_chip(d.status, STATUS_TONES.get(d.status, Tone.GREY))
        self.rate.setText(self.tr("结业率 {0}").format(d.completion_text))

    # -- 学员名单 -------------------------------------------------------------------------------------
    def _roster_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(
            button(
                self.tr("报名"),
                page,
                self.enrol,
                primary=True,
                tip=self.tr("从档案中查找（支持拼音首字母）或现场建档报名"),
            )
        )
        bar.addWidget(
            button(
                self.tr("退出名单"), page, self.withdraw, tip=self.tr("选中的学员退出本班（考勤记录保留）")
            )
        )
        bar.addWidget(button(self.tr("打开档案"), page, self.open_file))
        bar.addStretch(1)
        layout.addLayout(bar)
        self.roster_model: RowsModel[service.RosterRow] = RowsModel(roster_columns(), self)
        self.roster_view = table_for(self.roster_model, page)
        self.roster_view.doubleClicked.connect(lambda _i: self.open_file())
        on_delete(self.roster_view, self.withdraw)
        layout.addWidget(self.roster_view, 1)
        return page

    def enrol(self) -> None:
        dialog = EnrolDialog(self.context, self.class_id, self)
        dialog.exec()
        if dialog.enrolled:
            self.grid.reload()
            self.reload()
            self.changed.emit()

    def _selected_roster(self) -> list[service.RosterRow]:
        rows = chosen_rows(self.roster_view)
        return [r for r in (self.roster_model.row_at(row) for row in rows) if r is not None]

    def withdraw(self) -> None:
        for row in self._selected_roster():
            if not dialogs.ask(
                self,
                self.tr("退出名单"),
                self.tr("{0} 退出第 {1} 期？考勤记录保留，可重新报名。").format(
                    row.name, self.detail.class_number
                ),
                self.tr("退出"),
                self.tr("取消"),
            ):
                continue
            try:
                self.context.services(service.withdraw, enrolment_id=row.enrolment_id)
            except DoorstepError as error:
                dialogs.tell(self, self.tr("无法退出"), str(error))
        self.grid.reload()
        self.reload()
        self.changed.emit()

    def open_file(self) -> None:
        rows = self._selected_roster()
        window = self.window()
        opener = getattr(window, "open_entrepreneur", None)
        if rows and callable(opener):
            opener(rows[0].entrepreneur_id)

    # -- 课程安排 -------------------------------------------------------------------------------------
    def _schedule_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(
            button(
                self.tr("排课"),
                page,
                self.schedule,
                primary=True,
                tip=self.tr("按日期和时段一次生成多个课次"),
            )
        )
        bar.addWidget(button(self.tr("增加课次"), page, self.add_session))
        bar.addWidget(button(self.tr("修改"), page, self.edit_session))
        bar.addWidget(button(self.tr("删除"), page, self.delete_session))
        bar.addWidget(
            button(
                self.tr("打印签到表"),
                page,
                self.print_sign_in,
                tip=self.tr("选中课次的签到表（身份证号码已遮盖）；未选中则打印全部课次"),
            )
        )
        bar.addWidget(
            button(
                self.tr("导出签到表"),
                page,
                self.export_sign_in,
                tip=self.tr("下载导入模板：名单和每个课次一列，填好后可导入"),
            )
        )
        bar.addWidget(button(self.tr("导入签到表"), page, self.import_sign_in))
        bar.addStretch(1)
        layout.addLayout(bar)
        self.session_model: RowsModel[service.SessionView] = RowsModel(
            session_columns(lambda: self.detail.enrolled), self
        )
        self.session_view = table_for(self.session_model, page)
        self.session_view.doubleClicked.connect(lambda _i: self.edit_session())
        on_delete(self.session_view, self.delete_session)
        layout.addWidget(self.session_view, 1)
        return page

    def _selected_sessions(self) -> list[service.SessionView]:
        rows = chosen_rows(self.session_view)
        return [s for s in (self.session_model.row_at(row) for row in rows) if s is not None]

    def schedule(self) -> None:
        if ScheduleDialog(self.context, self.class_id, self).exec():
            self._sessions_changed()
            if self.detail.schedule_warning:
                dialogs.tell(self, self.tr("排课学时不足"), self.detail.schedule_warning + self.tr("。"))

    def add_session(self) -> None:
        if SessionDialog(self.context, self.class_id, self).exec():
            self._sessions_changed()

    def edit_session(self) -> None:
        chosen = self._selected_sessions()
        if chosen and SessionDialog(self.context, self.class_id, self, chosen[0]).exec():
            self._sessions_changed()

    def delete_session(self) -> None:
        chosen = self._selected_sessions()
        if not chosen:
            return
        text = self.tr("删除 {0} 个课次？已记的考勤一并删除，可用 Ctrl+Z 撤销。").format(len(chosen))
        if not dialogs.ask(self, self.tr("删除课次"), text, self.tr("删除"), self.tr("取消"), warning=True):
            return
        for chosen_session in chosen:
            try:
                self.context.services(service.delete_session, session_id=chosen_session.id)
            except DoorstepError as error:
                dialogs.tell(self, self.tr("无法删除"), str(error))
        self._sessions_changed()

    def _sessions_changed(self) -> None:
        self.grid.reload()
        self.reload()
        self.changed.emit()

    def _ask_path(self, title: str, name: str, kind: str) -> Path | None:
        return ask_save_path(self, self.context.preferences, title=title, name=name, file_filter=kind)

    def _preview(self, title: str, name: str, work: Callable[[JobState, Path], object]) -> None:
        """A form made off the GUI thread into the print preview (打印… / 另存为 PDF… from there)."""
        make_and_preview(self, self.context.preferences, title, work, suggested_name=name)

    def _file_name(self, content: str, suffix: str) -> str:
        from models.base import china_today

        return (
            f"{self.context.station.code}_{self.detail.class_number}{content}_{china_today():%Y%m%d}{suffix}"
        )

    def print_sign_in(self) -> None:
        chosen = self._selected_sessions()
        record = chosen[0].id if len(chosen) == 1 else self.class_id
        self._preview(
            self.tr("签到表"),
            self._file_name("签到表", ".pdf"),
            lambda _job, out: self.context.services(service.print_sign_in_sheets, record_id=record, out=out),
        )

    def export_sign_in(self) -> None:
        path = self._ask_path(self.tr("导出签到表"), self._file_name("签到表", ".xlsx"), "Excel (*.xlsx)")
        if path is None:
            return
        self._background(
            self.tr("正在导出签到表"),
            lambda _job: self.context.services(
                service.write_sign_in_workbook, class_id=self.class_id, out=path
            ),
            self.tr("已导出 {0}（{{0}} 人）").format(path.name),
            path,
        )

    def import_sign_in(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("导入签到表"), str(save_folder(self.context.preferences)), "Excel (*.xlsx)"
        )
        if not chosen:
            return
        path = Path(chosen)

        def done(result: service.AttendanceImportResult) -> None:
            self.grid.reload()
            self.reload()
            self.changed.emit()
            ImportResultDialog(result, self).exec()

        run_in_background(
            self,
            self.tr("正在导入签到表"),
            lambda job: self.context.services(
                service.import_attendance, class_id=self.class_id, path=path, job=job
            ),
            done,
        )

    # -- 结业 ---------------------------------------------------------------------------------------
    def _completion_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(
            button(
                self.tr("结业评定"),
                page,
                self.assess,
                primary=True,
                tip=self.tr("按结业规则判定每位学员是否结业，结业的发给证书编号"),
            )
        )
        bar.addWidget(
            button(
                self.tr("打印结业证书"),
                page,
                self.print_certificates,
                tip=self.tr("选中的结业学员，未选中则全班结业学员，每人一页"),
            )
        )
        bar.addWidget(
            button(
                self.tr("打印补贴花名册"),
                page,
                self.print_roster,
                tip=self.tr("培训补贴申请所附的花名册：结业学员、身份证号码、出勤、证书编号"),
            )
        )
        bar.addStretch(1)
        self.completion_note = QLabel(page)
        self.completion_note.setObjectName("muted")
        bar.addWidget(self.completion_note)
        layout.addLayout(bar)
        self.rule_label = QLabel(page)
        self.rule_label.setWordWrap(True)
        layout.addWidget(self.rule_label)
        self.completion_model = CompletionModel(self._save_score, self)
        self.completion_model.error.connect(lambda text: dialogs.tell(self, self.tr("成绩未保存"), text))
        self.completion_model.score_saved.connect(lambda: QTimer.singleShot(0, self.reload))
        self.completion_view = table_for(self.completion_model, page, EnterMovesDown)
        self.completion_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        layout.addWidget(self.completion_view, 1)
        hint = QLabel(
            self.tr(
                "在“考核成绩”一列直接输入 0–100 的分数（回车保存，删除后回车清空）；"
                "迟到计为出勤，未记考勤按缺勤计，恰好达到最低出勤率即可结业。"
            ),
            page,
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        return page

    def _save_score(self, enrolment_id: str, value: object) -> object:
        return self.context.services(service.set_exam_score, enrolment_id=enrolment_id, score=value)

    def assess(self) -> None:
        short = self.detail.schedule_warning
        if short and not dialogs.ask(
            self,
            self.tr("排课学时不足"),
            self.tr("{0}。按已排的学时评定，学员可能以不足的学时结业。仍要评定吗？").format(short),
            self.tr("仍要评定"),
            self.tr("先去排课"),
            warning=True,
        ):
            return
        try:
            summary = self.context.services(service.assess_class, class_id=self.class_id)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("暂不能结业评定"), str(error))
            return
        self.reload()
        self.changed.emit()
        revoked = (
            self.tr("，{0} 人不再符合、证书编号已收回").format(summary.revoked) if summary.revoked else ""
        )
        dialogs.tell(
            self,
            self.tr("结业评定完成"),
            self.tr("评定 {0} 人，结业 {1} 人（结业率 {2:.0%}），新发证书编号 {3} 个{4}。").format(
                summary.assessed, summary.completed, summary.rate, summary.new_certificates, revoked
            ),
            warning=False,
        )

    def print_certificates(self) -> None:
        rows = sorted({i.row() for i in self.completion_view.selectionModel().selectedRows()})
        chosen = [
            p.row.enrolment_id
            for p in (self.completion_model.row_at(r) for r in rows)
            if p is not None and p.row.certificate_number
        ]
        if rows and not chosen:
            dialogs.tell(
                self,
                self.tr("没有可打印的证书"),
                self.tr("所选学员尚未结业；不选任何人则打印全班结业学员的证书。"),
            )
            return
        ids = chosen or None  # selected trainees who completed, else the whole class
        self._preview(
            self.tr("结业证书"),
            self._file_name("结业证书", ".pdf"),
            lambda job, out: self.context.services(
                service.print_certificates,
                out=out,
                class_id=None if ids else self.class_id,
                enrolment_ids=ids,
                job=job,
            ),
        )

    def print_roster(self) -> None:
        self._preview(
            self.tr("培训补贴花名册"),
            self._file_name("培训补贴花名册", ".pdf"),
            lambda _job, out: self.context.services(
                service.print_training_roster, class_id=self.class_id, out=out
            ),
        )

    def _background(self, title: str, work: Callable[[JobState], int], message: str, saved: Path) -> None:
        def done(count: int) -> None:
            offer_open(self, saved, title=title.replace("正在", "已"), text=message.format(count))

        run_in_background(self, title, work, done)

    # -- refresh ------------------------------------------------------------------------------------
    def _grid_changed(self) -> None:
        self._fill_header()
        self.changed.emit()

    def reload(self) -> None:
        """Fetch what the visible tab shows (each tab is small: one class)."""
        self._fill_header()
        index = self.tabs.currentIndex()
        if index == 0:
            self.roster_model.replace(self.context.services(service.roster, class_id=self.class_id))
        elif index == 1:
            self.session_model.replace(self.context.services(service.list_sessions, class_id=self.class_id))
        elif index == 2:
            self.grid.reload()
        elif index == 3:
            previews = self.context.services(service.completion_preview, class_id=self.class_id)
            self.completion_model.replace(previews)
            stale = sum(1 for p in previews if p.stale)
            self.completion_note.setText(
                self.tr("{0} 人的考勤或成绩在评定后有变动，请重新评定").format(stale) if stale else ""
            )

    def edit_class(self) -> None:
        if ClassDialog(self.context, self, self.class_id).exec():
            self.grid.reload()
            self.reload()
            self.changed.emit()
