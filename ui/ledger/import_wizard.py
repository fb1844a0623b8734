"""台账导入 wizard: choose the file and sheet → check the column mapping → the category words no rule
recognises, asked once each (only when there are such words) → preview → import → summary, where the
whole import can be undone as one step.

Every step calls the Qt-free ledger code (``desktop.services.ledger``, ``reports.ledger``); reading,
previewing and importing run off the GUI thread with a cancellable progress dialog. A cancelled import
leaves the database as it was (one transaction).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services.exports import suggested_name
from desktop.services.ledger.importing import apply_import, preview_import
from desktop.services.ledger.mapping import MappingSuggestion, remember_mapping, suggest_mapping
from models.errors import DoorstepError
from models.ledger.plan import ImportOptions, ImportPlan, RowKind, RowOutcome
from models.ledger.planner import validate_mapping
from models.ledger.sheet import LedgerTable
from models.ledger.words import CategoryReader, UnknownValue, find_unknown_values, merge_answers
from reports.ledger.errors_workbook import write_errors_workbook
from reports.ledger.reading import SheetInfo, list_sheets, open_ledger
from reports.ledger.template import write_import_template
from ui.ledger.history_dialog import DonePage, ImportHistoryDialog
from ui.ledger.mapping_grid import MappingGrid
from ui.ledger.models import KIND_COLUMN, plan_columns
from ui.ledger.values_page import ValuesPage
from ui.operations import run_in_background
from ui.overrides import override
from ui.style import icon
from ui.widgets import dialogs
from ui.widgets.chips import ChipDelegate
from ui.widgets.dialogs import AskingDialog, settle_minimum_size
from ui.widgets.rows_model import RowsModel
from ui.widgets.saving import documents_dir, save_then_offer

log = logging.getLogger(__name__)

FILE, MAPPING, VALUES, PREVIEW, DONE = range(5)


class ImportWizard(AskingDialog):
    """Emits :attr:`imported` after files were created or updated (the list refreshes)."""

    imported = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.path: Path | None = None
        self.sheets: list[SheetInfo] = []
        self.table: LedgerTable | None = None
        self.remembered = False
        self.plan: ImportPlan | None = None
        self.outcome: ImportPlan | None = None
        self.answers: dict[str, dict[str, str]] = {}  # category words answered (remembered ones too)
        self.asked_values = False
        self.busy = False
        self.setWindowTitle(self.tr("导入台账"))
        layout = QVBoxLayout(self)
        self.step_label = QLabel(self)
        self.step_label.setObjectName("pageTitle")
        layout.addWidget(self.step_label)
        self.steps = QStackedWidget(self)
        self.steps.addWidget(self._file_page())
        self.steps.addWidget(self._mapping_page())
        self.values_page = ValuesPage(self)
        self.values_page.changed.connect(self._update_buttons)
        self.steps.addWidget(self.values_page)
        self.steps.addWidget(self._preview_page())
        self.done_page = DonePage(context, self)
        self.done_page.undone.connect(self.imported.emit)  # the lists refresh
        self.done_page.errors_wanted.connect(self.save_errors_dialog)
        self.done_label = self.done_page.label
        self.done_detail = self.done_page.detail
        self.undo_button = self.done_page.undo_button
        self.steps.addWidget(self.done_page)
        layout.addWidget(self.steps, 1)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.back_button = QPushButton(self.tr("上一步"), self)
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton(self.tr("下一步"), self)
        self.next_button.setObjectName("primary")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.go_next)
        self.close_button = QPushButton(self.tr("取消"), self)
        self.close_button.clicked.connect(self.reject)
        for button in (self.back_button, self.next_button, self.close_button):
            button.setMinimumWidth(96)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(980, 640)
        settle_minimum_size(self, 760, 520)
        self._show_step(FILE)

    # ------------------------------------------------------------------------------------ the pages
    def _file_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(
            self.tr(
                "选择现有的 Excel 台账（.xlsx）。程序会自动找到表头（即使上面有标题行或合并单元格），"
                "按列名对应到档案的各项；下一步可以核对和修改。导入前会先预览，不会直接写入。"
            ),
            page,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.file_edit = QLineEdit(page)
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("尚未选择文件"))
        row.addWidget(self.file_edit, 1)
        browse = QPushButton(icon("mdi6.folder-open-outline"), self.tr("选择文件…"), page)
        browse.clicked.connect(self.browse)
        row.addWidget(browse)
        layout.addLayout(row)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(QLabel(self.tr("工作表："), page))
        self.sheet_combo = QComboBox(page)
        self.sheet_combo.setMinimumWidth(260)
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addStretch(1)
        layout.addLayout(sheet_row)
        layout.addSpacing(12)
        template_row = QHBoxLayout()
        template = QPushButton(icon("mdi6.file-download-outline"), self.tr("下载导入模板"), page)
        template.clicked.connect(self.download_template)
        template_row.addWidget(template)
        hint = QLabel(self.tr("还没有台账？下载模板：表头、示例行和填写说明都在里面。"), page)
        hint.setObjectName("muted")
        template_row.addWidget(hint, 1)
        layout.addLayout(template_row)
        history_row = QHBoxLayout()
        history = QPushButton(icon("mdi6.history"), self.tr("导入记录…"), page)
        history.clicked.connect(self.show_history)
        history_row.addWidget(history)
        history_hint = QLabel(self.tr("以前导入的台账，可以整批撤销。"), page)
        history_hint.setObjectName("muted")
        history_row.addWidget(history_hint, 1)
        layout.addLayout(history_row)
        layout.addStretch(1)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.mapping_info = QLabel(page)
        self.mapping_info.setWordWrap(True)
        layout.addWidget(self.mapping_info)
        self.mapping_table = MappingGrid(page)
        self.mapping_table.changed.connect(self._mapping_changed)
        layout.addWidget(self.mapping_table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("表头在第"), page))
        self.header_spin = QSpinBox(page)
        self.header_spin.setRange(1, 200)
        bottom.addWidget(self.header_spin)
        bottom.addWidget(QLabel(self.tr("行"), page))
        reread = QPushButton(self.tr("按此行重新读取"), page)
        reread.clicked.connect(self.reread_with_header_row)
        bottom.addWidget(reread)
        bottom.addSpacing(24)
        self.allow_duplicates = QCheckBox(self.tr("同名同出生日期的也导入"), page)
        self.allow_duplicates.setToolTip(
            self.tr(
                "与已有档案同名同出生日期、但身份证号码不同的人，默认不导入并说明原因；确认不是同一人时勾选"
            )
        )
        bottom.addWidget(self.allow_duplicates)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.preview_summary = QLabel(page)
        self.preview_summary.setWordWrap(True)
        self.preview_summary.setStyleSheet("font-size: 12pt; font-weight: bold;")
        layout.addWidget(self.preview_summary)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("显示："), page))
        self.kind_filter = QComboBox(page)
        self.kind_filter.addItem(self.tr("全部"), None)
        for kind in RowKind:
            self.kind_filter.addItem(kind.label, kind.value)
        self.kind_filter.currentIndexChanged.connect(self._kind_changed)
        row.addWidget(self.kind_filter)
        row.addStretch(1)
        self.errors_button = QPushButton(icon("mdi6.file-excel-outline"), self.tr("导出未导入的行…"), page)
        self.errors_button.clicked.connect(self.save_errors_dialog)
        row.addWidget(self.errors_button)
        layout.addLayout(row)
        self.rows_model: RowsModel[RowOutcome] = RowsModel(plan_columns(), self)
        self.rows_view = QTableView(page)
        self.rows_view.setModel(self.rows_model)
        self.rows_view.verticalHeader().hide()
        self.rows_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_view.setItemDelegateForColumn(KIND_COLUMN, ChipDelegate(self.rows_view))
        for section, column in enumerate(self.rows_model.columns):
            self.rows_view.setColumnWidth(section, column.width)
        self.rows_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.rows_view, 1)
        return page

    # ------------------------------------------------------------------------------------ navigation
    @override
    def reject(self) -> None:
        """Esc, 取消 or closing half-way through (a file read, its columns or words being matched) asks
        before the worker's choices go; nothing is written before 开始导入 either way."""
        asks = self.step in (MAPPING, VALUES, PREVIEW) and not self.closed_by_program
        if asks and not dialogs.ask(
            self,
            self.tr("放弃这次导入"),
            self.tr("已核对的列和类别写法还没有导入。放弃这次导入吗？（数据库没有任何改动）"),
            self.tr("放弃导入"),
            self.tr("继续核对"),
            warning=True,
        ):
            return
        super().reject()

    @property
    def step(self) -> int:
        return self.steps.currentIndex()

    def _show_step(self, step: int) -> None:
        titles = (
            self.tr("选择文件"),
            self.tr("核对列的对应关系"),
            self.tr("核对类别写法"),
            self.tr("预览"),
            self.tr("导入结果"),
        )
        self.steps.setCurrentIndex(step)
        self.step_label.setText(self.tr("第 {0} 步，共 5 步：{1}").format(step + 1, titles[step]))
        self.error_label.setText(self.mapping_problem() if step == MAPPING else "")
        self.back_button.setVisible(step in (MAPPING, VALUES, PREVIEW))
        self.next_button.setText(
            {
                FILE: self.tr("下一步"),
                MAPPING: self.tr("预览"),
                VALUES: self.tr("预览"),
                PREVIEW: self.tr("开始导入"),
                DONE: self.tr("完成"),
            }[step]
        )
        self.close_button.setVisible(step != DONE)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = {
            FILE: self.path is not None and self.sheet_combo.count() > 0,
            MAPPING: self.table is not None and not self.mapping_problem(),
            VALUES: self.values_page.complete(),
            PREVIEW: self.plan is not None and self.plan.changes_anything,
            DONE: True,
        }[self.step]
        self.next_button.setEnabled(ready and not self.busy)
        self.back_button.setEnabled(not self.busy)

    def go_back(self) -> None:
        if self.step == PREVIEW and not self.asked_values:
            self._show_step(MAPPING)
        elif self.step in (MAPPING, VALUES, PREVIEW):
            self._show_step(self.step - 1)

    def go_next(self) -> None:
        if self.busy:
            return
        if self.step == FILE:
            self.read_ledger()
        elif self.step == MAPPING:
            self.asked_values = False
            self.preview()
        elif self.step == VALUES:
            self.answers = merge_answers(self.answers, self.values_page.answers())
            self.preview()
        elif self.step == PREVIEW:
            self.start_import()
        else:
            self.accept()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        if isinstance(error, DoorstepError):
            self.error_label.setText(str(error))
        else:  # a bug: logged with its traceback; the worker sees a calm message
            log.error("ledger import failed", exc_info=error)
            self.error_label.setText(
                self.tr("读取或导入时出现意外错误，数据库没有改动。错误详情已写入日志。")
            )
        self._update_buttons()

    def _run(self, title: str, work: object, done: object) -> None:
        self.busy = True
        self.error_label.clear()
        self._update_buttons()
        run_in_background(self, title, work, done, self._failed)  # type: ignore[arg-type]

    # ------------------------------------------------------------------------------------ step 1
    def browse(self) -> None:
        start = str(self.path.parent if self.path else documents_dir())
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("选择台账文件"), start, self.tr("Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)")
        )
        if name:
            self.choose_file(Path(name))

    def choose_file(self, path: Path) -> None:
        """Take a file and list its sheets (the one with a recognisable header is chosen)."""
        self.path = path
        self.file_edit.setText(str(path))
        self.sheet_combo.clear()
        self.table = None

        def listed(sheets: list[SheetInfo]) -> None:
            self.busy = False
            self.sheets = sheets
            chosen = 0
            for index, sheet in enumerate(sheets):
                note = self.tr("（找到表头）") if sheet.header_row else ""
                hidden = self.tr("（隐藏）") if sheet.hidden else ""
                self.sheet_combo.addItem(f"{sheet.name}{hidden}{note}", sheet.name)
                if sheet.header_row and not sheets[chosen].header_row:
                    chosen = index
            self.sheet_combo.setCurrentIndex(chosen)
            self._update_buttons()

        self._run(self.tr("正在打开台账"), lambda _job: list_sheets(path), listed)

    def download_template(self) -> None:
        save_then_offer(
            self,
            self.context.preferences,
            title=self.tr("保存导入模板"),
            name=f"{self.context.station.code}_台账导入模板.xlsx",
            file_filter=self.tr("Excel 工作簿 (*.xlsx)"),
            write=self.save_template,
            text=lambda path: self.tr("导入模板已保存为 {0}。").format(path.name),
        )

    def save_template(self, path: Path) -> bool:
        try:
            write_import_template(path)
        except (DoorstepError, OSError) as error:
            self.error_label.setText(self.tr("无法保存模板：{0}").format(error))
            return False
        self.error_label.setText("")
        return True

    def read_ledger(self, header_row: int | None = None) -> None:
        assert self.path is not None
        path = self.path
        sheet = self.sheet_combo.currentData()

        services = self.context.services

        def work(job: JobState) -> tuple[LedgerTable, MappingSuggestion]:
            table = open_ledger(path, sheet=sheet, header_row=header_row, job=job)
            return table, services(suggest_mapping, table)

        self._run(self.tr("正在读取台账"), work, self._ledger_read)

    def _ledger_read(self, result: tuple[LedgerTable, MappingSuggestion]) -> None:
        self.busy = False
        table, suggestion = result
        self.answers = {k: dict(v) for k, v in suggestion.answers.items()}
        self.set_table(table, suggestion.mapping, remembered=suggestion.remembered)
        self._show_step(MAPPING)

    # ------------------------------------------------------------------------------------ step 2
    def set_table(self, table: LedgerTable, mapping: dict[int, str], *, remembered: bool) -> None:
        self.table = table
        self.remembered = remembered
        self.header_spin.setValue(table.header_last)
        how = (
            self.tr("已按上次确认的对应关系填好（同样表头的台账）。")
            if remembered
            else self.tr("已按列名自动对应，请核对；改过的对应关系会记住，下次同样表头的台账直接使用。")
        )
        rows = (
            f"{table.header_first}–{table.header_last}"
            if table.header_first != table.header_last
            else str(table.header_first)
        )
        self.mapping_info.setText(
            self.tr("工作表“{0}”，表头在第 {1} 行，其下有 {2} 行内容。").format(
                table.sheet, rows, len(table.rows)
            )
            + how
        )
        self.mapping_table.fill(table, mapping)
        self._mapping_changed()

    def mapping_combo(self, column_index: int) -> QComboBox:
        return self.mapping_table.combo(column_index)

    def current_mapping(self) -> dict[int, str]:
        return self.mapping_table.mapping()

    def mapping_problem(self) -> str:
        if self.table is None:
            return ""
        try:
            validate_mapping(self.table, self.current_mapping())
        except DoorstepError as error:
            return str(error)
        return ""

    def _mapping_changed(self, *_args: object) -> None:
        problem = self.mapping_problem()
        self.error_label.setText(problem)
        self._update_buttons()

    def reread_with_header_row(self) -> None:
        self.read_ledger(self.header_spin.value())

    def preview(self) -> None:
        table = self.table
        assert table is not None
        mapping = self.current_mapping()
        options = ImportOptions(allow_possible_duplicates=self.allow_duplicates.isChecked())
        services = self.context.services
        answers = self.answers

        def work(job: JobState) -> ImportPlan | tuple[UnknownValue, ...]:
            unknown = find_unknown_values(table, mapping, CategoryReader(answers))
            if unknown:
                return unknown  # asked first, once per word: never guessed
            services(remember_mapping, table=table, mapping=mapping, answers=answers)
            return services(
                preview_import, table=table, mapping=mapping, options=options, job=job, answers=answers
            )

        self._run(self.tr("正在检查每一行"), work, self._previewed)

    def _previewed(self, plan: ImportPlan | tuple[UnknownValue, ...]) -> None:
        self.busy = False
        if isinstance(plan, tuple):
            assert self.table is not None
            self.asked_values = True
            self.values_page.set_values(plan, self.table)
            self._show_step(VALUES)
            return
        self.plan = plan
        self._show_rows()
        text = plan.summary(done=False)
        if not plan.changes_anything:
            text += self.tr("。没有需要写入的内容")
        self.preview_summary.setText(text)
        self.errors_button.setEnabled(plan.refused > 0)
        if plan.refused:
            self.kind_filter.setCurrentIndex(self.kind_filter.findData(RowKind.REFUSED.value))
        self._show_step(PREVIEW)

    def _kind_changed(self, _index: int) -> None:
        self._show_rows()

    def _show_rows(self) -> None:
        """The preview's rows, only those of the kind chosen (未导入, 新增 …) if one is."""
        value = self.kind_filter.currentData()
        kind = RowKind(value) if value else None
        rows = self.plan.rows if self.plan is not None else ()
        self.rows_model.replace([row for row in rows if kind is None or row.kind is kind])

    # ------------------------------------------------------------------------------------ step 3
    def start_import(self) -> None:
        table = self.table
        assert table is not None
        mapping = self.current_mapping()
        options = ImportOptions(allow_possible_duplicates=self.allow_duplicates.isChecked())
        services = self.context.services
        answers = self.answers

        def work(job: JobState) -> ImportPlan:
            return services(
                apply_import, table=table, mapping=mapping, options=options, job=job, answers=answers
            )

        self._run(self.tr("正在导入"), work, self._imported)

    def _imported(self, plan: ImportPlan) -> None:
        self.busy = False
        self.outcome = plan
        self.plan = plan
        text = plan.summary(done=True)
        if plan.refused:
            text += " — <a href='errors'>" + self.tr("查看原因") + "</a>"
        self.done_page.show_outcome(plan, text)
        self._show_step(DONE)
        if plan.changes_anything:
            self.imported.emit()

    def undo_this_import(self) -> None:
        self.done_page.undo_this_import()

    def show_history(self) -> ImportHistoryDialog:
        dialog = ImportHistoryDialog(self.context, self)
        dialog.undone.connect(self.imported.emit)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        return dialog

    # ------------------------------------------------------------------------------------ errors
    def save_errors_dialog(self) -> None:
        save_then_offer(
            self,
            self.context.preferences,
            title=self.tr("保存未导入的行"),
            name=self.context.services(suggested_name, content="未导入的行"),
            file_filter=self.tr("Excel 工作簿 (*.xlsx)"),
            write=self.save_errors,
            text=lambda path: self.tr("未导入的行和原因已保存为 {0}，改正后可再导入这个文件。").format(
                path.name
            ),
        )

    def save_errors(self, path: Path) -> bool:
        """Write the refused rows with their reasons; the worker fixes them there and imports that file."""
        if self.table is None or self.plan is None:
            return False
        try:
            write_errors_workbook(path, table=self.table, plan=self.plan)
        except (DoorstepError, OSError) as error:
            self.error_label.setText(self.tr("无法保存：{0}").format(error))
            return False
        return True


def open_import_wizard(parent: QWidget, context: AppContext) -> ImportWizard:
    """Open the wizard (modal to ``parent``); connect to :attr:`ImportWizard.imported` to refresh."""
    wizard = ImportWizard(context, parent)
    wizard.setWindowModality(Qt.WindowModality.WindowModal)
    wizard.show()
    return wizard
