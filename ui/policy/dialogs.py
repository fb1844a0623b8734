"""Small dialogs of the 政策与补贴 page: choose a person for a new application, pick a month for batch
printing, check a printout (核对打印件), and the policy sets (政策参数) with 导入."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services import applications as service
from desktop.services import policy as policy_service
from models.base import china_today
from models.errors import DoorstepError
from models.policy import add_months
from ui.overrides import override
from ui.policy.eligibility import EligibilityPanel
from ui.visits.picker import PersonPicker
from ui.widgets import dialogs
from ui.widgets.dialogs import settle_minimum_size


class NewApplicationDialog(QDialog):
    """新增申请: find the person, see what they are eligible for, start the application.

    Keys: Enter in the search picks the highlighted match (the picker's own rule); Enter again goes on to
    the list of policies (↓/↑ choose, Enter = 新建申请) — Enter in the search never closes the dialog.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("新增申请"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("申请人"), self))
        self.picker = PersonPicker(context.services, self)
        self.picker.chosen.connect(self._chosen)
        self.picker.line_edit.installEventFilter(self)  # after the picker's: runs first, defers to it
        layout.addWidget(self.picker)
        self.holder = QVBoxLayout()
        layout.addLayout(self.holder, 1)
        self.hint = QLabel(
            self.tr("选定申请人后，这里列出他/她可以享受的政策；选中一项，点“新建申请”。"), self
        )
        self.hint.setObjectName("muted")
        self.holder.addWidget(self.hint)
        self.panel: EligibilityPanel | None = None
        close = QDialogButtonBox(self)
        close.addButton(
            self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole
        )  # in Chinese, with or without Qt's
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(900, 640)
        settle_minimum_size(self)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.picker.line_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.picker.results.isVisible()  # while matches show, Enter is the picker's
            and self.picker.entrepreneur_id  # a person is chosen: until then Enter picks the match
        ):
            if self.panel is not None:
                self.panel.tree.setFocus()
            return True
        return super().eventFilter(watched, event)

    def _chosen(self, entrepreneur_id: str) -> None:
        if self.panel is not None:
            self.panel.deleteLater()
            self.panel = None
        self.hint.setVisible(not entrepreneur_id)
        if not entrepreneur_id:
            return
        self.panel = EligibilityPanel(self.context, entrepreneur_id, self)
        self.panel.apply_requested.connect(self._apply)
        self.panel.open_requested.connect(self._open)
        self.holder.addWidget(self.panel, 1)

    def _apply(self, code: str, as_of: date) -> None:
        from ui.policy.application_form import ApplicationDialog

        assert self.panel is not None
        dialog = ApplicationDialog.new(
            self.context, self.panel.entrepreneur_id, code, as_of=as_of, parent=self.parentWidget()
        )
        if dialog is not None:
            self.accept()
            dialog.saved.connect(self._saved)
            dialog.open()

    def _open(self, application_id: str) -> None:
        from ui.policy.application_form import ApplicationDialog

        self.accept()
        dialog = ApplicationDialog.existing(self.context, application_id, parent=self.parentWidget())
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self, _application_id: str) -> None:
        refresh = getattr(self.parentWidget(), "refresh", None)
        if callable(refresh):
            refresh()


def month_choices(today: date, count: int = 24) -> list[date]:
    first = today.replace(day=1)
    return [add_months(first, -offset) for offset in range(count)]


class MonthDialog(QDialog):
    """批量打印: which month's approved applications, and whether the copies are redacted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("批量打印已批准的申请"))
        form = QFormLayout(self)
        self.month = QComboBox(self)
        for month in month_choices(china_today()):
            self.month.addItem(f"{month.year}年{month.month}月", month)
        form.addRow(self.tr("批准月份"), self.month)
        self.redacted = QComboBox(self)
        self.redacted.addItem(self.tr("存档件（含身份证号码和电话）"), False)
        self.redacted.addItem(self.tr("脱敏件（外送副本）"), True)
        form.addRow(self.tr("打印内容"), self.redacted)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText(self.tr("生成并预览"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        settle_minimum_size(self)

    @property
    def chosen_month(self) -> date:
        value = self.month.currentData()
        assert isinstance(value, date)
        return value

    @property
    def chosen_redacted(self) -> bool:
        return bool(self.redacted.currentData())


class VerifyDialog(QDialog):
    """核对打印件: the code scanned from a form (or a PDF), compared with the record as it is now."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("核对打印件"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("扫描申请表右上角的二维码（扫码枪会输入 DOORSTEP:1:… 一行），或选择 PDF 文件："), self
            )
        )
        row = QHBoxLayout()
        self.payload = QLineEdit(self)
        self.payload.setPlaceholderText("DOORSTEP:1:application:…")
        self.payload.returnPressed.connect(self.check_payload)
        row.addWidget(self.payload, 1)
        check = QPushButton(self.tr("核对"), self)
        check.setObjectName("primary")
        check.clicked.connect(self.check_payload)
        row.addWidget(check)
        choose = QPushButton(self.tr("选择 PDF…"), self)
        choose.clicked.connect(self.choose_pdf)
        row.addWidget(choose)
        layout.addLayout(row)
        self.results = QPlainTextEdit(self)
        self.results.setReadOnly(True)
        layout.addWidget(self.results, 1)
        close = QDialogButtonBox(self)
        close.addButton(
            self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole
        )  # in Chinese, with or without Qt's
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(720, 360)
        settle_minimum_size(self)

    def check_payload(self) -> None:
        text = self.payload.text().strip()
        if not text:
            return
        try:
            results = [self.context.services(service.verify_payload, payload=text)]
        except DoorstepError as error:
            self.results.setPlainText(str(error))
            return
        self._show(results)

    def check_pdf(self, path: Path) -> None:
        try:
            results = self.context.services(service.verify_pdf, path=path)
        except DoorstepError as error:
            self.results.setPlainText(str(error))
            return
        self._show(results)

    def choose_pdf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择打印的申请表 PDF"), "", self.tr("PDF 文件 (*.pdf)")
        )
        if path:
            self.check_pdf(Path(path))

    def _show(self, results: list[service.VerifyResult]) -> None:
        self.results.setPlainText("\n".join(("✔ " if r.matches else "✘ ") + r.message for r in results))


class PolicySetsDialog(QDialog):
    """政策参数: the sets the station knows, which one is in force today, and 导入 of a new one."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("政策参数"))
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        install = QPushButton(self.tr("导入政策参数文件…"), self)
        install.clicked.connect(self.choose_file)
        row.addWidget(install)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self.refresh()
        self.resize(760, 460)
        settle_minimum_size(self)

    def refresh(self) -> None:
        services = self.context.services
        lines = []
        try:
            in_force = services(policy_service.policy_set_in_force)
            lines.append(
                self.tr("今天有效：{0}（{1} 第 {2} 版）").format(in_force.name, in_force.id, in_force.version)
            )
        except DoorstepError as error:
            lines.append(str(error))
        lines.append("")
        for info in services(policy_service.list_policy_sets):
            origin = self.tr("内置") if info.builtin else (info.origin or self.tr("已导入"))
            lines.append(f"{info.title}　{self.tr('地区')} {info.region}　{self.tr('来源')} {origin}")
            lines.append("    " + "、".join(info.items))
            if info.example:
                lines.append("    " + info.notice)
        self.text.setPlainText("\n".join(lines))

    def install(self, path: Path) -> bool:
        try:
            info = self.context.services(policy_service.install_policy_file, path=path)
        except (DoorstepError, OSError) as error:
            dialogs.tell(self, self.tr("未导入政策参数"), str(error))
            return False
        self.refresh()
        dialogs.tell(self, self.tr("已导入"), self.tr("已导入：{0}").format(info.title), warning=False)
        return True

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择政策参数文件"), "", self.tr("政策参数 (*.json)")
        )
        if path:
            self.install(Path(path))
