"""导出 on the entrepreneur list: the list as shown (filter, sort, columns) to an xlsx named for the
station, the content and the day; masked unless a user who may see personal data asks otherwise."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services.entrepreneur_list import ListQuery
from desktop.services.exports import ExportResult, describe_query, export_entrepreneurs, suggested_name
from models.errors import DoorstepError
from models.permissions import Permission
from ui.operations import run_in_background
from ui.widgets.dialogs import settle_minimum_size
from ui.widgets.saving import save_folder

log = logging.getLogger(__name__)


class ExportDialog(QDialog):
    """Choose where to save (a suggested name is filled in) and whether to mask; then export."""

    exported = Signal(object)  # ExportResult

    def __init__(
        self,
        context: AppContext,
        query: ListQuery,
        columns: Sequence[str] | None = None,
        count: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.query = query
        self.columns = list(columns) if columns else None
        self.outcome: ExportResult | None = None
        self.setWindowTitle(self.tr("导出创业者名单"))
        layout = QVBoxLayout(self)
        what = self.tr("导出当前列表：{0}").format(describe_query(query))
        if count is not None:
            what += self.tr("，共 {0:,} 人").format(count)
        layout.addWidget(QLabel(what + self.tr("；列和排序与列表一致。"), self))
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("保存到："), self))
        self.path_edit = QLineEdit(
            str(save_folder(context.preferences) / context.services(suggested_name, content="创业者名单")),
            self,
        )
        row.addWidget(self.path_edit, 1)
        browse = QPushButton(self.tr("浏览…"), self)
        browse.clicked.connect(self.browse)
        row.addWidget(browse)
        layout.addLayout(row)
        self.unmasked = QCheckBox(self.tr("导出完整的身份证号码和电话（会记入访问日志）"), self)
        self.unmasked.setVisible(context.actor.may(Permission.VIEW_PERSONAL_DATA))
        layout.addWidget(self.unmasked)
        note = QLabel(self.tr("默认遮盖身份证号码和电话（如 110***********123X），适合外发和打印。"), self)
        note.setObjectName("muted")
        layout.addWidget(note)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_button = QPushButton(self.tr("导出"), self)
        self.export_button.setObjectName("primary")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        cancel = QPushButton(self.tr("取消"), self)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.export_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.resize(640, 200)
        settle_minimum_size(self, 560, 180)

    def browse(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("导出到"), self.path_edit.text(), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if name:
            self.path_edit.setText(name if name.lower().endswith(".xlsx") else name + ".xlsx")

    def export(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self.error_label.setText(self.tr("请选择保存的位置"))
            return
        out = Path(text if text.lower().endswith(".xlsx") else text + ".xlsx")
        services, query, columns = self.context.services, self.query, self.columns
        unmasked = self.unmasked.isChecked()
        self.export_button.setEnabled(False)

        def work(job: JobState) -> ExportResult:
            return services(
                export_entrepreneurs, out=out, query=query, columns=columns, unmasked=unmasked, job=job
            )

        run_in_background(self, self.tr("正在导出"), work, self._done, self._failed)

    def _done(self, result: ExportResult) -> None:
        self.outcome = result
        self.exported.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(error, DoorstepError):
            self.error_label.setText(str(error))
        elif isinstance(error, OSError):
            self.error_label.setText(
                self.tr("无法写入文件（可能正在 Excel 中打开）：{0}").format(error.strerror or error)
            )
        else:
            log.error("export failed: %r", error)
            self.error_label.setText(self.tr("导出时出现意外错误，错误详情已写入日志。"))


def open_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def export_list(
    parent: QWidget,
    context: AppContext,
    query: ListQuery,
    columns: Sequence[str] | None = None,
    count: int | None = None,
) -> ExportDialog:
    """The 导出 button of a list: opens the dialog; then says where the file is and offers its folder."""
    dialog = ExportDialog(context, query, columns, count, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)

    def exported(result: ExportResult) -> None:
        from ui.widgets import dialogs

        masked = (
            parent.tr("身份证号和电话已遮盖")
            if result.masked
            else parent.tr("含完整身份证号和电话，请妥善保管")
        )
        if dialogs.ask(
            parent,
            parent.tr("导出完成"),
            parent.tr("已导出 {0:,} 人到 {1}（{2}）。").format(result.rows, result.path.name, masked),
            parent.tr("打开所在文件夹"),
            parent.tr("关闭"),
        ):
            open_folder(result.path)

    dialog.exported.connect(exported)
    dialog.show()
    return dialog
