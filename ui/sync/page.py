"""数据同步 (issue 13, station side): the exchange with headquarters at a glance, 导出同步包 (Ctrl+E) and
导入总部数据包 (Ctrl+I) off the GUI thread, and what a person decides after an exchange — the conflict
list, the waiting queue, the quarantine and HQ's notices. Everything goes through the gated services of
``desktop.services.sync``; an HQ database or a station not enrolled yet gets a page that says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services import sync
from desktop.services.sync.common import Receipt, Written
from desktop.services.sync.review import SyncStatus
from models.errors import Cancelled, DoorstepError
from ui.operations import run_in_background
from ui.style import icon
from ui.sync import words
from ui.sync.dialogs import ReceiptDialog, ask_export_folder, ask_package_file
from ui.widgets import dialogs
from ui.widgets.buttons import button
from ui.widgets.chips import ChipDelegate
from ui.widgets.columns import ColumnFitter
from ui.widgets.empty_state import EmptyState
from ui.widgets.rows_model import ColumnSpec, RowsModel
from ui.widgets.saving import show_in_system

T = TypeVar("T")
UNCHANGED = "数据库没有任何改动。"


class ListTab(QWidget, Generic[T]):
    """One of the page's lists: a line that says what it is, its buttons, and the table."""

    def __init__(
        self, hint: str, columns: list[ColumnSpec[T]], grow: list[float], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.bar = QHBoxLayout()
        self.hint = QLabel(hint, self)
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self.bar.addWidget(self.hint, 1)
        layout.addLayout(self.bar)
        self.model: RowsModel[T] = RowsModel(columns, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setItemDelegate(ChipDelegate(self.table))
        widths = [column.width for column in columns]
        # the table's width, shared out: no horizontal scroll bar at 1366×768 and 125 %
        self.fitter = ColumnFitter(self.table, widths, [max(56, w * 3 // 5) for w in widths], grow)
        self.empty = QLabel(self)
        self.empty.setObjectName("muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.buttons: list[QPushButton] = []
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())

    def addbutton(self, button: QPushButton) -> QPushButton:
        """A button over the table; right-clicking a row offers the same action (UI.md)."""
        self.bar.addWidget(button)
        self.buttons.append(button)
        action = QAction(button.text(), self.table)
        action.triggered.connect(button.click)
        self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        return button

    def show_rows(self, rows: list[T], empty: str) -> None:
        self.model.replace(rows)
        self.empty.setText(empty)
        self.body.setCurrentWidget(self.table if rows else self.empty)
        if rows:
            self.table.selectRow(0)
        self._enable()

    def current(self) -> T | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_where(self, predicate: Callable[[T], bool]) -> bool:
        for row, item in enumerate(self.model.rows):
            if predicate(item):
                self.table.selectRow(row)
                return True
        return False

    def _enable(self) -> None:
        chosen = self.current() is not None
        for action in self.buttons:
            action.setEnabled(chosen)


class SyncPage(QWidget):
    """The 数据同步 page of the main window."""

    status_changed = Signal()
    message = Signal(str)
    sync_changed = Signal()  # the exchange's state may have moved: the status bar reads it again

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.context = context
        self.status: SyncStatus | None = None
        self.last_written: Written | None = None
        self.last_receipt: ReceiptDialog | None = None
        # where a package goes and which one comes in: the system's dialogs (a test puts its own here)
        self.choose_folder: Callable[[], Path | None] = lambda: ask_export_folder(self, context.preferences)
        self.choose_package: Callable[[], Path | None] = lambda: ask_package_file(self, context.preferences)
        self.open_folder: Callable[[Path], object] = show_in_system

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        bar = QHBoxLayout()
        title = QLabel(self.tr("数据同步"), self)
        title.setObjectName("pageTitle")
        bar.addWidget(title)
        bar.addSpacing(16)
        self.export_button = button(
            self.tr("导出同步包…"),
            self,
            self.export_dialog,
            primary=True,
            tip=self.tr("把总部还没有确认的变更写成一个同步包，存到U盘或文件夹（Ctrl+E）"),
        )
        self.export_button.setIcon(icon("mdi6.export", color="#ffffff"))
        self.import_button = button(
            self.tr("导入总部数据包…"),
            self,
            self.import_dialog,
            tip=self.tr("导入总部发回的数据包（.dsync 文件，Ctrl+I）"),
        )
        self.import_button.setIcon(icon("mdi6.import"))
        bar.addWidget(self.export_button)
        bar.addWidget(self.import_button)
        self.sign_in_button = button(
            self.tr("网页登录…"), self, self.sign_in_dialog, tip=self.tr("为总部数据接收页的挑战码生成应答码")
        )
        bar.addWidget(self.sign_in_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        for keys, slot in (("Ctrl+E", self.export_dialog), ("Ctrl+I", self.import_dialog)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

        self.pages = QStackedWidget(self)
        self.body = QWidget(self.pages)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(self._state_box())
        self.tabs = QTabWidget(self.body)
        body.addWidget(self.tabs, 1)
        self._lists()
        self.pages.addWidget(self.body)
        self.empty = EmptyState(self.pages)
        self.empty.text.setMaximumWidth(620)  # lines short enough to read
        self.empty.text.setAlignment(Qt.AlignmentFlag.AlignLeft)
        empty_layout = self.empty.layout()
        if empty_layout is not None:
            empty_layout.setAlignment(self.empty.text, Qt.AlignmentFlag.AlignHCenter)
        self.pages.addWidget(self.empty)
        layout.addWidget(self.pages, 1)

    # ------------------------------------------------------------------------------------- the state
    def _state_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("与总部的交换"), self.body)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        self.summary = QLabel(box)
        self.summary.setStyleSheet("font-size: 12pt; font-weight: bold;")
        grid.addWidget(self.summary, 0, 0, 1, 4)
        self.values: dict[str, QLabel] = {}
        fields = [
            ("hq", self.tr("总部")),
            ("fingerprint", self.tr("总部密钥指纹")),
            ("sent", self.tr("最近发出的同步包")),
            ("received", self.tr("最近收到的总部回复")),
            ("acked", self.tr("总部已确认")),
            ("pending", self.tr("尚未确认的变更")),
            ("epoch", self.tr("数据轮次")),
            ("buckets", self.tr("需要重新发送")),
            ("gaps", self.tr("缺少的包")),
            ("lists", self.tr("待处理")),
        ]
        for number, (key, label) in enumerate(fields):
            row, column = 1 + number // 2, (number % 2) * 2
            name = QLabel(label + "：", box)
            name.setObjectName("muted")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value = QLabel(box)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            grid.addWidget(name, row, column)
            grid.addWidget(value, row, column + 1)
            self.values[key] = value
        self.values["epoch"].setToolTip(
            self.tr("从旧备份恢复后会开始新的一轮；总部据此把恢复时丢失的本站变更发回来")
        )
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def _lists(self) -> None:
        labels = self.context.areas.change_labels
        self.conflicts: ListTab[sync.ConflictView] = ListTab(
            self.tr("同一内容在本站和总部都改过：已按统一规则取了当前值，另一方的值保留在这里，请核对。"),
            words.conflict_columns(labels),
            [1, 0, 1, 1, 1, 1],
            self.tabs,
        )
        self.keep_button = self.conflicts.addbutton(
            button(self.tr("保留当前值"), self, self.keep_current, tip=self.tr("当前值是对的：从列表中移除"))
        )
        self.reinstate_button = self.conflicts.addbutton(
            button(
                self.tr("恢复另一方的值"),
                self,
                self.reinstate,
                tip=self.tr("改回另一方的值：这是一次新的修改，下次同步时发给总部"),
            )
        )
        self.waiting: ListTab[sync.QueueView] = ListTab(
            self.tr("这些变更依据的记录还没有到达，到达后会自动应用。"),
            words.queue_columns(reason_title=self.tr("在等什么")),
            [1, 0, 0, 0, 3],
            self.tabs,
        )
        self.force_button = self.waiting.addbutton(
            button(
                self.tr("强制应用…"),
                self,
                self.force,
                tip=self.tr("依据的记录一直不来时由您决定应用；此操作会记入操作日志"),
            )
        )
        self.quarantine: ListTab[sync.QueueView] = ListTab(
            self.tr("这些变更没有通过检查，已单独保存并说明原因，不影响其他数据。"),
            words.queue_columns(reason_title=self.tr("原因")),
            [1, 0, 0, 0, 3],
            self.tabs,
        )
        self.notices: ListTab[sync.NoticeView] = ListTab(
            self.tr(
                "总部发来的通知：可能重复的档案、档案转出或转入、总部未能接收的变更、总部要求核对的任务。"
            ),
            words.notice_columns(),
            [0, 0, 0, 1],
            self.tabs,
        )
        for tab in (self.conflicts, self.waiting, self.quarantine, self.notices):
            self.tabs.addTab(tab, "")

    # ---------------------------------------------------------------------------------- refreshing
    def refresh(self) -> None:
        services = self.context.services
        status = services(sync.sync_status)
        self.status = status
        if not status.enrolled:
            self._explain(
                "mdi6.link-variant-off",
                self.tr("本站还没有登记到总部"),
                self.tr(
                    "与总部交换数据包之前，要先用总部发来的登记包（.dsync 文件）登记本站。\n"
                    "新装的电脑：首次启动时选择“用总部的登记包建立服务站”。\n"
                    "已在使用的服务站：请联系总部取得登记包，由技术支持运行"
                    " doorstep init --enroll 登记包文件。\n"
                    "登记之前，请在“设置”中定期备份到U盘，数据不会丢失。"
                ),
            )
            return
        if status.role == "hq":
            self._explain(
                "mdi6.office-building-outline",
                self.tr("这是总部的数据库"),
                self.tr(
                    "总部汇总各服务站的数据包，在总部工作台中处理（下一版本提供）；"
                    "目前请用命令 doorstep sync import 和 doorstep hq reply。"
                ),
            )
            return
        self.pages.setCurrentWidget(self.body)
        self.export_button.setEnabled(True)
        self.import_button.setEnabled(True)
        self._show_state(status)
        conflicts = services(sync.list_conflicts)
        waiting = services(sync.list_waiting)
        quarantined = services(sync.list_quarantine)
        notices = services(sync.list_notices)
        self.conflicts.show_rows(conflicts, self.tr("没有冲突：两边的修改都已合并。"))
        self.waiting.show_rows(waiting, self.tr("没有等待中的变更。"))
        self.quarantine.show_rows(quarantined, self.tr("没有被隔离的变更。"))
        self.notices.show_rows(notices, self.tr("没有总部的通知。"))
        for index, (label, count) in enumerate(
            (
                (self.tr("冲突"), len(conflicts)),
                (self.tr("等待队列"), len(waiting)),
                (self.tr("隔离"), len(quarantined)),
                (self.tr("通知"), len(notices)),
            )
        ):
            self.tabs.setTabText(index, f"{label}（{count}）")
        self.status_changed.emit()
        self.sync_changed.emit()

    def _explain(self, icon_name: str, title: str, text: str) -> None:
        self.empty.show_state(icon_name, title, text)
        self.pages.setCurrentWidget(self.empty)
        self.export_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.status_changed.emit()
        self.sync_changed.emit()

    def _show_state(self, status: SyncStatus) -> None:
        text, tone = words.summary(status)
        self.summary.setText(text)
        self.summary.setStyleSheet(f"font-size: 12pt; font-weight: bold; color: {tone.value[0]};")
        peer = words.hq_of(status)
        if peer is None:
            return
        values = {
            "hq": f"{peer.name}（{peer.code}）" if peer.name else peer.code,
            "fingerprint": words.fingerprint_text(peer),
            "sent": words.sent_text(peer),
            "received": words.received_text(peer),
            "acked": words.acked_text(peer),
            "pending": words.pending_text(peer),
            "epoch": self.tr("第 {0} 轮").format(status.epoch),
            "buckets": words.buckets_text(peer),
            "gaps": words.gaps_text(peer),
            "lists": words.to_do_text(status),
        }
        for key, value in values.items():
            self.values[key].setText(value)

    def status_text(self) -> str:
        status = self.status
        if status is None or not status.enrolled or status.role == "hq":
            return ""
        return self.tr("待处理：{0}").format(words.to_do_text(status))

    def focus_target(self) -> QWidget:
        return self.export_button

    # ------------------------------------------------------------------------------------- export
    def export_dialog(self) -> None:
        if not self.export_button.isEnabled():
            return
        folder = self.choose_folder()
        if folder is not None:
            self.export_to(folder)

    def export_to(self, folder: Path) -> None:
        """Write the package off the GUI thread (the service writes under a temporary name, reads it back,
        verifies it, then renames it), then offer to open its folder."""
        services = self.context.services

        def work(job: JobState) -> Written:
            return services(sync.export_package, out_dir=folder, job=job)

        def done(written: Written) -> None:
            self.last_written = written
            self.refresh()
            self.message.emit(self.tr("已导出第 {0} 号同步包").format(written.seq))
            text = self.tr(
                "已导出第 {0} 号同步包（{1:,} 条变更）：{2}\n请把它交给总部（U盘或邮件）。"
            ).format(written.seq, written.changes, written.path.name)
            if dialogs.ask(self, self.tr("导出完成"), text, self.tr("打开所在文件夹"), self.tr("关闭")):
                self.open_folder(written.path.parent)

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                dialogs.tell(self, self.tr("已取消"), self.tr("已取消导出，没有写出同步包。"), warning=False)
            elif isinstance(error, DoorstepError):
                dialogs.tell(self, self.tr("没有导出同步包"), str(error))
            else:
                _bug(self, error)

        run_in_background(self, self.tr("正在导出同步包"), work, done, failed)

    # ------------------------------------------------------------------------------------- import
    def import_dialog(self) -> None:
        if not self.import_button.isEnabled():
            return
        path = self.choose_package()
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        """Apply a package off the GUI thread: all of it or none of it; then show the receipt."""
        services = self.context.services

        def work(job: JobState) -> Receipt:
            return services(sync.import_package, path=path, job=job)

        def done(receipt: Receipt) -> None:
            self.refresh()
            self.message.emit(receipt.lines()[0])
            self._receipt(self.tr("导入完成"), receipt.lines(), refused=False)

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                lines = [self.tr("已取消导入。"), UNCHANGED]
            elif isinstance(error, DoorstepError):
                lines = [str(error), UNCHANGED]
            else:
                _bug(self, error)
                return
            self.refresh()
            self._receipt(self.tr("数据包未导入"), lines, refused=True)

        run_in_background(self, self.tr("正在导入 {0}").format(path.name), work, done, failed)

    def _receipt(self, title: str, lines: list[str], *, refused: bool) -> None:
        dialog = ReceiptDialog(title, lines, self, refused=refused)
        self.last_receipt = dialog
        dialog.open()

    # ---------------------------------------------------------------------------------- decisions
    def keep_current(self) -> None:
        conflict = self.conflicts.current()
        if conflict is None:
            return
        services = self.context.services
        if self._call(self.tr("无法处理"), lambda: services(sync.keep_winner, conflict_id=conflict.id)):
            label = words.field_label(self.context.areas.change_labels, conflict.record_kind, conflict.field)
            self.message.emit(self.tr("已保留“{0}”的当前值").format(label))

    def reinstate(self) -> None:
        conflict = self.conflicts.current()
        if conflict is None:
            return
        label = words.field_label(self.context.areas.change_labels, conflict.record_kind, conflict.field)
        whose = conflict.person
        text = self.tr(
            "把{0}“{1}”从“{2}”改回另一方的值“{3}”？\n这是一次新的修改，下次导出同步包时发给总部。"
        ).format(
            f"{whose} 的" if whose else "",
            label,
            words.value_word(conflict.field, conflict.winner_value),
            words.value_word(conflict.field, conflict.loser_value),
        )
        if not dialogs.ask(self, self.tr("恢复另一方的值"), text, self.tr("恢复"), self.tr("取消")):
            return
        services = self.context.services
        if self._call(self.tr("无法恢复"), lambda: services(sync.reinstate_other, conflict_id=conflict.id)):
            self.message.emit(self.tr("已把“{0}”恢复为另一方的值").format(label))

    def force(self) -> None:
        item = self.waiting.current()
        if item is None:
            return
        text = self.tr(
            "强制应用这条{0}变更？\n它依据的记录（{1}）一直没有到达。强制应用后，能应用的就应用；"
            "仍不能应用的改为隔离保存，不会丢失。\n此操作会以您的名义记入操作日志。"
        ).format(words.kind_word(item.record_kind), item.reason)
        if not dialogs.ask(
            self, self.tr("强制应用"), text, self.tr("强制应用"), self.tr("取消"), warning=True
        ):
            return
        outcome = ""

        def call() -> None:
            nonlocal outcome
            outcome = self.context.services(sync.force_apply, change_id=item.change_id)

        if self._call(self.tr("无法应用"), call):
            self.message.emit(self.tr("强制应用：{0}").format(outcome))
            dialogs.tell(self, self.tr("强制应用"), outcome, warning=False)

    def _call(self, title: str, call: Callable[[], object]) -> bool:
        """Run one decision; a refusal is said in words, and the lists show what is now true."""
        try:
            call()
        except DoorstepError as error:
            dialogs.tell(self, title, str(error))
            self.refresh()
            return False
        self.refresh()
        return True

    def sign_in_dialog(self) -> None:
        from ui.sync.online import SignInDialog

        SignInDialog(self.context, self).exec()


def _bug(parent: QWidget, error: BaseException) -> None:
    import traceback

    from ui.operations import show_bug

    show_bug(parent, "".join(traceback.format_exception(error)))
