"""总部 → 服务站: every enrolled station — its last package, how long it has been quiet, gaps, what
waits for HQ and whether its data agrees — and HQ's exchange: 登记新服务站 (an enrolment package),
写回复包 for the selected stations, 导入数据包 (several files, off the GUI thread, with progress and
cancel), 吊销 (confirmed). Everything through the gated services of ``desktop.services.sync``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services import sync
from desktop.services.hq.stations import StationRow, station_overview
from models.errors import Cancelled, DoorstepError
from ui.hq import words
from ui.hq.table import RowsTable, page_frame
from ui.operations import run_in_background
from ui.style import icon
from ui.sync.dialogs import PACKAGE_FILTER, ReceiptDialog, ask_export_folder
from ui.widgets import dialogs
from ui.widgets.buttons import button
from ui.widgets.dialogs import settle_minimum_size
from ui.widgets.rows_model import CENTER, ColumnSpec
from ui.widgets.saving import remember_folder, save_folder


def columns() -> list[ColumnSpec[StationRow]]:
    return [
        ColumnSpec("编码", 96, lambda r: r.code),
        ColumnSpec("名称", 170, lambda r: r.name, tip=lambda r: r.name),
        ColumnSpec("状态", 110, lambda r: words.status_word(r)[0], tone=lambda r: words.status_word(r)[1]),
        ColumnSpec("最近收到", 180, words.last_text),
        ColumnSpec(
            "距今",
            80,
            words.lag_text,
            tone=words.lag_tone,
            align=CENTER,
            tip=lambda r: "长期未同步：请联系服务站" if r.quiet else "",
        ),
        ColumnSpec("缺号", 110, words.gaps_text, tip=words.gaps_text),
        ColumnSpec("冲突", 56, lambda r: words.count_text(r.conflicts), align=CENTER),
        ColumnSpec("隔离", 56, lambda r: words.count_text(r.quarantined), align=CENTER),
        ColumnSpec("等待", 56, lambda r: words.count_text(r.waiting), align=CENTER),
        ColumnSpec(
            "数据比对",
            120,
            lambda r: words.digest_word(r)[0],
            tone=lambda r: words.digest_word(r)[1],
            tip=words.digest_tip,
        ),
    ]


@dataclass
class Batch:
    """What a run over several files or stations did: one line each, and the ones refused."""

    lines: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    cancelled: bool = False


class EnrolDialog(QDialog):
    """登记新服务站: its nine-digit code and its name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("登记新服务站"))
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr("总部为新服务站写一个登记包（.dsync 文件）：把它交给服务站，在新电脑首次启动时选用。"),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.code = QLineEdit(self)
        self.code.setPlaceholderText(self.tr("9 位编码，例如 330106001"))
        self.code.setMaxLength(9)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("例如：文新街道家门口就业服务站"))
        form.addRow(self.tr("服务站编码"), self.code)
        form.addRow(self.tr("服务站名称"), self.name)
        layout.addLayout(form)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.tr("写登记包…"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        settle_minimum_size(self, 420)


class StationsPage(QWidget):
    status_changed = Signal()
    message = Signal(str)
    sync_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[StationRow] = []
        self.last_batch: Batch | None = None
        self.last_receipt: ReceiptDialog | None = None
        # the system's dialogs (a test puts its own here)
        self.ask_station: Callable[[], tuple[str, str] | None] = self._ask_station
        self.choose_folder: Callable[[], Path | None] = lambda: ask_export_folder(self, context.preferences)
        self.choose_packages: Callable[[], list[Path]] = self._ask_packages

        layout, bar = page_frame(self, self.tr("服务站"))
        self.enrol_button = button(
            self.tr("登记新服务站…"), self, self.enrol, tip=self.tr("为新服务站写登记包")
        )
        self.enrol_button.setIcon(icon("mdi6.account-plus-outline"))
        self.import_button = button(
            self.tr("导入数据包…"),
            self,
            self.import_dialog,
            primary=True,
            tip=self.tr("导入服务站交来的数据包，可一次选多个（Ctrl+I）"),
        )
        self.import_button.setIcon(icon("mdi6.import", color="#ffffff"))
        self.reply_button = button(
            self.tr("写回复包…"),
            self,
            self.reply_dialog,
            tip=self.tr("为选中的服务站各写一个回复包：总部的更正、参考数据、通知和任务"),
        )
        self.reply_button.setIcon(icon("mdi6.reply-outline"))
        self.revoke_button = button(
            self.tr("吊销…"), self, self.revoke, tip=self.tr("吊销服务站的密钥：此后它的数据包一律拒收")
        )
        self.revoke_button.setIcon(icon("mdi6.key-remove"))
        for widget in (self.import_button, self.enrol_button, self.reply_button, self.revoke_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        quiet_label = QLabel(self.tr("超过"), self)
        self.quiet_days = QSpinBox(self)
        self.quiet_days.setRange(1, 365)
        self.quiet_days.setValue(context.preferences.hq_quiet_days)
        self.quiet_days.setSuffix(self.tr(" 天"))
        self.quiet_days.setToolTip(self.tr("超过这么多天没有收到数据包的服务站标为“长期未同步”"))
        self.quiet_days.valueChanged.connect(self._quiet_changed)
        bar.addWidget(quiet_label)
        bar.addWidget(self.quiet_days)
        bar.addWidget(QLabel(self.tr("未收到数据包标为长期未同步"), self))
        action = QAction(self)
        action.setShortcut(QKeySequence("Ctrl+I"))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(self.import_dialog)
        self.addAction(action)

        self.summary = QLabel(self)
        self.summary.setStyleSheet("font-size: 12pt; font-weight: bold;")
        layout.addWidget(self.summary)
        self.list: RowsTable[StationRow] = RowsTable(
            columns(), [0, 2, 0, 1, 0, 1, 0, 0, 0, 0], self, key=lambda r: r.code, multiple=True
        )
        self.list.offer(self.reply_button)
        self.list.offer(self.revoke_button)
        layout.addWidget(self.list, 1)

    # ------------------------------------------------------------------------------------ the list
    def refresh(self) -> None:
        self.rows = self.context.services(station_overview, quiet_days=self.quiet_days.value())
        self.list.show_rows(self.rows, self.tr("还没有登记服务站：点“登记新服务站…”为第一个服务站写登记包。"))
        quiet = [row for row in self.rows if row.quiet]
        text = self.tr("{0} 个服务站").format(len(self.rows))
        if quiet:
            text += self.tr("，{0} 个超过 {1} 天未同步：{2}").format(
                len(quiet), self.quiet_days.value(), "、".join(row.name or row.code for row in quiet[:5])
            )
            self.summary.setStyleSheet("font-size: 12pt; font-weight: bold; color: #8a5a00;")
        else:
            self.summary.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.summary.setText(text)
        self.status_changed.emit()
        self.sync_changed.emit()

    def status_text(self) -> str:
        """The status bar's permanent line counts the stations; the page adds how many are quiet."""
        quiet = sum(1 for row in self.rows if row.quiet)
        return self.tr("长期未同步 {0} 个").format(quiet) if quiet else ""

    def focus_target(self) -> QWidget:
        return self.list.table

    def _quiet_changed(self, value: int) -> None:
        prefs = self.context.preferences
        prefs.hq_quiet_days = value
        try:
            prefs.save()
        except OSError as error:
            self.message.emit(self.tr("设置没有保存：{0}").format(error))
        self.refresh()

    # ------------------------------------------------------------------------------------ enrolment
    def _ask_station(self) -> tuple[str, str] | None:
        dialog = EnrolDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.code.text().strip(), dialog.name.text().strip()

    def enrol(self) -> None:
        chosen = self.ask_station()
        if chosen is None:
            return
        folder = self.choose_folder()
        if folder is None:
            return
        code, name = chosen
        try:
            path = self.context.services(
                sync.enroll_station, code=code, name=name, out=folder / f"enrol-{code}.dsync"
            )
        except DoorstepError as error:
            dialogs.tell(self, self.tr("没有写出登记包"), str(error))
            return
        self.refresh()
        self.list.select_where(lambda r: r.code == code)
        self.message.emit(self.tr("已写出服务站 {0} 的登记包").format(code))
        dialogs.tell(
            self,
            self.tr("登记包已写出"),
            self.tr("已写出服务站 {0} 的登记包：{1}\n请把它交给服务站，在新电脑首次启动时选用。").format(
                code, path
            ),
            warning=False,
        )

    # -------------------------------------------------------------------------------------- import
    def _ask_packages(self) -> list[Path]:
        prefs = self.context.preferences
        chosen, _ = QFileDialog.getOpenFileNames(
            self, self.tr("导入服务站的数据包"), str(save_folder(prefs)), PACKAGE_FILTER
        )
        paths = [Path(name) for name in chosen]
        if paths:
            remember_folder(prefs, paths[0].parent)
        return paths

    def import_dialog(self) -> None:
        paths = self.choose_packages()
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[Path]) -> None:
        """Each package applies in its own transaction (all of it or none of it); one refused package
        does not stop the others; 取消 stops before the next file."""
        services = self.context.services
        files = sorted(paths, key=lambda p: p.name)

        def work(job: JobState) -> Batch:
            batch = Batch()
            for number, path in enumerate(files):
                try:
                    job.report(number, len(files), f"正在导入 {path.name}（{number + 1}/{len(files)}）")
                    receipt = services(sync.import_package, path=path, job=job)
                except Cancelled:
                    batch.cancelled = True
                    batch.lines.append(f"已取消：其余 {len(files) - number} 个包没有导入")
                    break
                except DoorstepError as error:
                    batch.refused.append(path.name)
                    batch.lines.append(f"{path.name}：未导入，数据库未作改动。{error}")
                else:
                    batch.lines.append(f"{path.name}：" + "；".join(receipt.lines()))
            return batch

        run_in_background(self, self.tr("正在导入数据包"), work, self._imported, self._failed)

    def _imported(self, batch: Batch) -> None:
        self.last_batch = batch
        self.refresh()
        done = len(batch.lines) - len(batch.refused) - (1 if batch.cancelled else 0)
        self.message.emit(self.tr("已导入 {0} 个数据包").format(done))
        title = self.tr("导入完成") if not batch.refused else self.tr("部分数据包未导入")
        self.last_receipt = ReceiptDialog(title, batch.lines, self, refused=bool(batch.refused))
        self.last_receipt.open()

    def _failed(self, error: BaseException) -> None:
        self.refresh()
        if isinstance(error, DoorstepError):
            dialogs.tell(self, self.tr("无法完成"), str(error))
        else:
            import traceback

            from ui.operations import show_bug

            show_bug(self, "".join(traceback.format_exception(error)))

    # ------------------------------------------------------------------------------------- replies
    def reply_dialog(self) -> None:
        chosen = [row for row in self.list.selected() if not row.revoked]
        if not chosen:
            return
        folder = self.choose_folder()
        if folder is not None:
            self.write_replies([row.code for row in chosen], folder)

    def write_replies(self, codes: list[str], folder: Path) -> None:
        services = self.context.services

        def work(job: JobState) -> Batch:
            batch = Batch()
            for number, code in enumerate(codes):
                try:
                    job.report(number, len(codes), f"正在写服务站 {code} 的回复包")
                    written = services(sync.write_hq_reply, code=code, out_dir=folder, job=job)
                except Cancelled:
                    batch.cancelled = True
                    batch.lines.append(f"已取消：其余 {len(codes) - number} 个服务站的回复包没有写")
                    break
                except DoorstepError as error:
                    batch.refused.append(code)
                    batch.lines.append(f"服务站 {code}：没有写回复包。{error}")
                else:
                    what = f"第 {written.seq} 号回复包（{written.changes:,} 条变更）"
                    batch.lines.append(f"服务站 {code}：{what}{written.path.name}")
            return batch

        def done(batch: Batch) -> None:
            self.last_batch = batch
            self.refresh()
            title = self.tr("回复包已写出") if not batch.refused else self.tr("部分回复包没有写出")
            lines = [*batch.lines, self.tr("请把回复包交给各服务站导入（U盘或邮件）。")]
            self.last_receipt = ReceiptDialog(title, lines, self, refused=bool(batch.refused))
            self.last_receipt.open()

        run_in_background(self, self.tr("正在写回复包"), work, done, self._failed)

    # -------------------------------------------------------------------------------------- revoke
    def revoke(self) -> None:
        chosen = [row for row in self.list.selected() if not row.revoked]
        if not chosen:
            return
        names = "、".join(f"{row.name}（{row.code}）" for row in chosen)
        text = self.tr(
            "吊销 {0} 的同步密钥？\n此后这些服务站交来的数据包一律拒收，总部也不再为它们写回复包。"
            "服务站换了电脑时，吊销后重新登记。"
        ).format(names)
        if not dialogs.ask(self, self.tr("吊销服务站"), text, self.tr("吊销"), self.tr("取消"), warning=True):
            return
        for row in chosen:
            try:
                self.context.services(sync.revoke_station, code=row.code)
            except DoorstepError as error:
                dialogs.tell(self, self.tr("无法吊销"), str(error))
                break
        self.refresh()
        self.message.emit(self.tr("已吊销 {0}").format(names))
