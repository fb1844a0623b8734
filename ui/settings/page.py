"""设置: the station (name; its code, which is for life), who signs as 经办人, the folders files are
saved to and backups go to, and backups — automatic on exit and daily, the last N kept, 立即备份,
备份到U盘, 从备份恢复 (the main window restores: it closes the database first, ui/main_window.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.paths import backup_dir
from desktop.services.backup import BackupInfo, automatic_backup, back_up, inspect_backup, list_backups
from desktop.services.station import rename_station
from models.errors import DoorstepError
from ui.operations import run_in_background
from ui.settings.automatic import backup_folder
from ui.style import icon
from ui.widgets import dialogs
from ui.widgets.saving import documents_dir, save_folder

log = logging.getLogger(__name__)


class SettingsPage(QWidget):
    message = Signal(str)
    status_changed = Signal()
    restore_requested = Signal(object)  # the backup file (Path) the worker chose and confirmed
    station_renamed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.context = context
        prefs = context.preferences
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        title = QLabel(self.tr("设置"), self)
        title.setObjectName("pageTitle")
        outer.addWidget(title)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget(scroll)
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        station = QGroupBox(self.tr("服务站"), body)
        form = QFormLayout(station)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.station_name = QLineEdit(context.station.name, station)
        self.station_name.setMaxLength(100)
        form.addRow(self.tr("服务站名称"), self.station_name)
        code = QLabel(
            self.tr("{code}（{region}）").format(
                code=context.station.code, region=context.station.region_label
            ),
            station,
        )
        code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        code.setToolTip(self.tr("服务站编码在建立数据库时确定，档案编号都以它开头，不能修改"))
        form.addRow(self.tr("服务站编码"), code)
        self.handler = QLineEdit(prefs.handler_name, station)
        self.handler.setPlaceholderText(self.tr("例如：李敏（留空则打印后手写）"))
        self.handler.setMaxLength(20)
        form.addRow(self.tr("经办人"), self.handler)
        left.addWidget(station)

        folders = QGroupBox(self.tr("文件夹"), body)
        form = QFormLayout(folders)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.save_folder = QLineEdit(str(save_folder(prefs)), folders)
        form.addRow(
            self.tr("导出和打印文件"), self._with_chooser(self.save_folder, self.tr("选择保存文件的文件夹"))
        )
        self.backup_folder = QLineEdit(str(backup_folder(context)), folders)
        form.addRow(
            self.tr("自动备份"), self._with_chooser(self.backup_folder, self.tr("选择自动备份的文件夹"))
        )
        left.addWidget(folders)

        self.save_button = QPushButton(icon("mdi6.content-save-outline"), self.tr("保存设置"), body)
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.saved_label = QLabel("", body)
        self.saved_label.setObjectName("muted")
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved_label, 1)
        left.addLayout(row)
        left.addStretch(1)

        backups = QGroupBox(self.tr("备份"), body)
        layout = QVBoxLayout(backups)
        self.on_exit = QCheckBox(self.tr("退出程序时自动备份"), backups)
        self.on_exit.setChecked(prefs.backup_on_exit)
        self.daily = QCheckBox(self.tr("每天第一次打开程序时自动备份"), backups)
        self.daily.setChecked(prefs.backup_daily)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel(self.tr("保留最近"), backups))
        self.keep = QSpinBox(backups)
        self.keep.setRange(1, 365)
        self.keep.setValue(max(1, prefs.backup_keep))
        self.keep.setSuffix(self.tr(" 份"))
        keep_row.addWidget(self.keep)
        keep_row.addWidget(QLabel(self.tr("自动备份，更早的自动删除"), backups))
        keep_row.addStretch(1)
        layout.addWidget(self.on_exit)
        layout.addWidget(self.daily)
        layout.addLayout(keep_row)
        buttons = QHBoxLayout()
        self.backup_now_button = QPushButton(
            icon("mdi6.database-check-outline"), self.tr("立即备份"), backups
        )
        self.backup_now_button.clicked.connect(self.backup_now)
        self.usb_button = QPushButton(icon("mdi6.usb-flash-drive-outline"), self.tr("备份到U盘…"), backups)
        self.usb_button.clicked.connect(self.backup_to_usb)
        self.restore_button = QPushButton(icon("mdi6.backup-restore"), self.tr("从备份恢复…"), backups)
        self.restore_button.clicked.connect(self.choose_restore)
        for button in (self.backup_now_button, self.usb_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("已有的备份（最新的在上）："), backups))
        self.backup_list = QListWidget(backups)
        self.backup_list.setMinimumHeight(160)
        layout.addWidget(self.backup_list, 1)
        right.addWidget(backups, 1)

        for edit in (self.station_name, self.handler, self.save_folder, self.backup_folder):
            edit.textChanged.connect(self._changed)
        for box in (self.on_exit, self.daily):
            box.toggled.connect(self._changed)
        self.keep.valueChanged.connect(self._changed)
        self.save_button.setEnabled(False)
        self.refresh()

    def _with_chooser(self, edit: QLineEdit, title: str) -> QWidget:
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        choose = QPushButton(self.tr("选择…"), holder)
        choose.clicked.connect(lambda: self._choose_folder(edit, title))
        row.addWidget(choose)
        return holder

    def _choose_folder(self, edit: QLineEdit, title: str) -> None:
        chosen = QFileDialog.getExistingDirectory(self, title, edit.text() or str(documents_dir()))
        if chosen:
            edit.setText(chosen)

    def _changed(self, *_args: object) -> None:
        self.save_button.setEnabled(True)
        self.saved_label.setText(self.tr("有未保存的修改"))

    # --------------------------------------------------------------------------------------- saving
    def save(self) -> bool:
        """Save the settings; a bad value is named and nothing is stored half-changed."""
        prefs = self.context.preferences
        folders: list[tuple[str, QLineEdit]] = [
            (self.tr("导出和打印文件的文件夹"), self.save_folder),
            (self.tr("自动备份的文件夹"), self.backup_folder),
        ]
        for label, edit in folders:
            text = edit.text().strip()
            if text and not Path(text).expanduser().is_absolute():
                dialogs.tell(
                    self,
                    self.tr("无法保存设置"),
                    self.tr("{0}“{1}”应是完整的路径，请点“选择…”").format(label, text),
                )
                edit.setFocus()
                return False
        name = self.station_name.text().strip()
        if name != self.context.station.name:
            try:
                station = self.context.services(rename_station, name=name)
            except DoorstepError as error:
                dialogs.tell(self, self.tr("无法保存设置"), str(error))
                self.station_name.setFocus()
                return False
            self.context.station = station
            self.station_renamed.emit(station.name)
        prefs.handler_name = self.handler.text().strip()
        prefs.save_folder = self._folder_text(self.save_folder, str(documents_dir()))
        prefs.backup_folder = self._folder_text(self.backup_folder, str(backup_dir()))
        prefs.backup_on_exit = self.on_exit.isChecked()
        prefs.backup_daily = self.daily.isChecked()
        prefs.backup_keep = self.keep.value()
        try:
            prefs.save()
        except OSError as error:
            dialogs.tell(
                self,
                self.tr("无法保存设置"),
                self.tr("无法写入设置文件：{0}").format(error.strerror or error),
            )
            return False
        self.save_button.setEnabled(False)
        self.saved_label.setText(self.tr("设置已保存"))
        self.message.emit(self.tr("设置已保存"))
        self.refresh()
        return True

    @staticmethod
    def _folder_text(edit: QLineEdit, default: str) -> str:
        text = edit.text().strip()
        return "" if not text or text == default else str(Path(text).expanduser())

    # -------------------------------------------------------------------------------------- backups
    def refresh(self) -> None:
        self.backup_list.clear()
        for path in list_backups(backup_folder(self.context))[:200]:
            self.backup_list.addItem(path.name)
        if not self.backup_list.count():
            self.backup_list.addItem(self.tr("还没有备份 — 点“立即备份”"))

    def status_text(self) -> str:
        return self.tr("备份文件夹：{0}").format(backup_folder(self.context))

    def backup_now(self) -> None:
        folder = backup_folder(self.context)
        keep = self.context.preferences.backup_keep
        self._run_backup(
            self.tr("正在备份"), lambda services: services(automatic_backup, folder=folder, keep=keep)
        )

    def backup_to_usb(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("备份到U盘：选择U盘或文件夹"), str(documents_dir())
        )
        if chosen:
            self.backup_to(Path(chosen))

    def backup_to(self, folder: Path) -> None:
        self._run_backup(
            self.tr("正在备份到 {0}").format(folder), lambda services: services(back_up, out=folder)
        )

    def _run_backup(self, title: str, call: Callable[..., BackupInfo]) -> None:
        services = self.context.services

        def work(_job: JobState) -> BackupInfo:
            return call(services)

        def done(info: BackupInfo) -> None:
            self.refresh()
            self.message.emit(self.tr("已备份到 {0}").format(info.path))
            dialogs.tell(
                self,
                self.tr("备份完成"),
                self.tr("已备份 {0}\n保存在 {1}").format(info.label, info.path),
                warning=False,
            )

        def failed(error: BaseException) -> None:
            dialogs.tell(self, self.tr("备份没有完成"), str(error))

        run_in_background(self, title, work, done, failed)

    def choose_restore(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("从备份恢复：选择备份文件"),
            str(backup_folder(self.context)),
            self.tr("数据库备份 (*.sqlite);;所有文件 (*)"),
        )
        if chosen:
            self.confirm_restore(Path(chosen))

    def confirm_restore(self, path: Path) -> bool:
        """Check the backup, say what it holds and what happens, and ask; then the window restores."""
        try:
            info = inspect_backup(path)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("不能用这个文件恢复"), str(error))
            return False
        other = info.station_code != self.context.station.code
        text = self.tr("用这份备份替换现在的数据库？\n\n{0}\n\n").format(info.label)
        if other:
            text += self.tr("注意：这是另一个服务站（{0}）的备份。\n").format(info.station_code)
        text += self.tr("现在的数据库会先备份到 {0}，恢复后程序重新打开。").format(
            backup_folder(self.context)
        )
        if not dialogs.ask(self, self.tr("从备份恢复"), text, self.tr("恢复"), self.tr("取消"), warning=True):
            return False
        self.restore_requested.emit(path)
        return True
