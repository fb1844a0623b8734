"""The first start: create this station (code and name), or create it from HQ's enrolment package (the
code, the name and HQ's keys come from the package), or look around a demo station first.

The demo station lives in its own database file beside the real one, so trying the program never
mixes made-up people into the station's files; the next start offers the choice again until a station
is created.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.jobs import JobState
from desktop.services.station import StationInfo, init_station, operator, station_info
from models.database import Database, open_database
from models.errors import DoorstepError, ValidationError
from models.regions import region_name
from models.validators import normalise_text, parse_station_code
from ui.operations import run_in_background, show_bug
from ui.overrides import override
from ui.style import icon
from ui.widgets import dialogs
from ui.widgets.dialogs import AskingDialog

DEMO_ENTREPRENEURS = 2000
DEMO_SEED = 1


class FirstRunWizard(AskingDialog):
    """On accept, :attr:`database` and :attr:`station` are the station to open."""

    def __init__(
        self,
        db: Database,
        demo_path: Path,
        parent: QWidget | None = None,
        *,
        backup_dir: Path | None = None,
        demo_entrepreneurs: int = DEMO_ENTREPRENEURS,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.demo_path = demo_path
        self.backup_dir = backup_dir
        self.demo_entrepreneurs = demo_entrepreneurs
        self.database: Database | None = None
        self.station: StationInfo | None = None
        # which enrolment package to use: the system's open dialog (a test puts its own here)
        self.choose_enrolment: Callable[[], Path | None] = self._ask_enrolment
        self.setWindowTitle(self.tr("欢迎使用家门口创业服务台"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choice_page())
        self.pages.addWidget(self._station_page())
        layout.addWidget(self.pages)
        dialogs.settle_minimum_size(self, 620, 300)

    # ---------------------------------------------------------------------------------------- choice
    def _choice_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setSpacing(12)
        title = QLabel(self.tr("欢迎使用家门口创业服务台"), page)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        intro = QLabel(
            self.tr(
                "这台电脑上还没有服务站的档案库。请先建立本服务站（收到总部的登记包时，用登记包建立）；"
                "也可以先打开演示服务站，熟悉操作。"
            ),
            page,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.create_choice = self._big_button(
            page,
            "mdi6.home-plus-outline",
            self.tr("建立本服务站"),
            self.tr("需要服务站编码（9 位：6 位行政区划代码加 3 位站点序号）和服务站名称。"),
        )
        self.create_choice.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        layout.addWidget(self.create_choice)
        self.enrol_choice = self._big_button(
            page,
            "mdi6.file-key-outline",
            self.tr("用总部的登记包建立服务站"),
            self.tr("总部发来的登记包（.dsync 文件）带有本站的编码和名称，以及与总部交换数据所需的密钥。"),
        )
        self.enrol_choice.clicked.connect(self.enrol_dialog)
        layout.addWidget(self.enrol_choice)
        self.demo_choice = self._big_button(
            page,
            "mdi6.play-box-outline",
            self.tr("打开演示服务站"),
            self.tr("约 {count} 位虚构的创业者。演示数据存放在单独的文件里，不会混入正式档案。").format(
                count=f"{self.demo_entrepreneurs:,}"
            ),
        )
        self.demo_choice.clicked.connect(self.open_demo)
        layout.addWidget(self.demo_choice)
        layout.addStretch(1)
        return page

    def _big_button(self, parent: QWidget, icon_name: str, title: str, text: str) -> QCommandLinkButton:
        button = QCommandLinkButton(title, text, parent)
        button.setIcon(icon(icon_name, color="#1f66c9"))
        button.setIconSize(QSize(32, 32))
        return button

    # --------------------------------------------------------------------------------------- station
    def _station_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setSpacing(10)
        title = QLabel(self.tr("建立本服务站"), page)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.code_edit = QLineEdit(page)
        self.code_edit.setPlaceholderText(self.tr("如 330106001"))
        self.code_edit.setMaxLength(12)
        self.code_edit.textChanged.connect(self._code_typed)
        self.code_edit.editingFinished.connect(self._check_code)
        self.code_hint = QLabel(page)
        self.code_hint.setWordWrap(True)
        self.code_hint.setObjectName("muted")
        code_box = QVBoxLayout()
        code_box.setSpacing(2)
        code_box.addWidget(self.code_edit)
        code_box.addWidget(self.code_hint)
        form.addRow(self.tr("服务站编码 *"), code_box)
        self.name_edit = QLineEdit(page)
        self.name_edit.setPlaceholderText(self.tr("如 文新街道家门口就业服务站"))
        self.name_edit.textChanged.connect(self._update)
        self.name_error = QLabel(page)
        self.name_error.setObjectName("fieldError")
        name_box = QVBoxLayout()
        name_box.setSpacing(2)
        name_box.addWidget(self.name_edit)
        name_box.addWidget(self.name_error)
        form.addRow(self.tr("服务站名称 *"), name_box)
        layout.addLayout(form)
        note = QLabel(
            self.tr("编码决定档案号（如 330106001-2025-00001），建立后不能更改；请与总部分配的编码核对。"),
            page,
        )
        note.setWordWrap(True)
        note.setObjectName("muted")
        layout.addWidget(note)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        back = QPushButton(self.tr("上一步"), page)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        buttons.addWidget(back)
        buttons.addStretch(1)
        self.create_button = QPushButton(self.tr("建立服务站"), page)
        self.create_button.setObjectName("primary")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_station)
        buttons.addWidget(self.create_button)
        layout.addLayout(buttons)
        self._update()
        return page

    @override
    def reject(self) -> None:
        """Esc or closing with a station code or name typed asks before the typing goes."""
        typed = self.pages.currentIndex() == 1 and (self.code_edit.text() or self.name_edit.text())
        if (
            typed
            and not self.closed_by_program
            and not dialogs.ask(
                self,
                self.tr("退出设置"),
                self.tr("输入的服务站编码和名称还没有保存，服务站也还没有建立。退出吗？"),
                self.tr("退出"),
                self.tr("继续填写"),
                warning=True,
            )
        ):
            return
        super().reject()

    def _code_typed(self, text: str) -> None:
        digits = normalise_text(text).replace(" ", "")
        if len(digits) >= 6 and digits[:6].isdigit():
            name = region_name(digits[:6])
            self.code_hint.setStyleSheet("")
            self.code_hint.setText(
                name or self.tr("行政区划代码 {code} 不在代码表中，请核对").format(code=digits[:6])
            )
        else:
            self.code_hint.clear()
        self._update()

    def _check_code(self) -> bool:
        try:
            code = parse_station_code(self.code_edit.text())
        except ValidationError as error:
            self.code_hint.setStyleSheet("color: #c62828;")
            self.code_hint.setText(error.message)
            return False
        self.code_hint.setStyleSheet("")
        self.code_hint.setText(region_name(code[:6]) or "")
        return True

    def _update(self) -> None:
        try:
            parse_station_code(self.code_edit.text())
            ready = bool(normalise_text(self.name_edit.text()))
        except ValidationError:
            ready = False
        self.create_button.setEnabled(ready)

    def create_station(self) -> None:
        if not self._check_code():
            return
        try:
            self.station = init_station(
                self.db, operator(), code=self.code_edit.text(), name=self.name_edit.text()
            )
        except ValidationError as error:
            self.name_error.setText(error.message)
            return
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法建立服务站"), str(error))
            return
        self.database = self.db
        self.accept()

    # ------------------------------------------------------------------------------------ enrolment
    def _ask_enrolment(self) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择总部的登记包"), str(Path.home()), self.tr("登记包 (*.dsync)")
        )
        return Path(chosen) if chosen else None

    def enrol_dialog(self) -> None:
        path = self.choose_enrolment()
        if path is not None:
            self.enrol_from(path)

    def enrol_from(self, path: Path) -> None:
        """This station, as HQ's enrolment package describes it; a refused package changes nothing."""
        from desktop.services.sync import enrol_station

        try:
            self.station = enrol_station(self.db, operator(), path=path)
        except DoorstepError as error:
            dialogs.tell(
                self,
                self.tr("无法用登记包建立服务站"),
                self.tr("{0}\n没有建立服务站，数据库没有任何改动。").format(error),
            )
            return
        self.database = self.db
        self.accept()

    # ------------------------------------------------------------------------------------------ demo
    def open_demo(self) -> None:
        try:
            demo = open_database(self.demo_path, backup_dir=self.backup_dir)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法打开演示服务站"), str(error))
            return
        existing = station_info(demo)
        if existing is not None:
            self._demo_ready(demo, existing)
            return
        for choice in (self.demo_choice, self.create_choice, self.enrol_choice):
            choice.setEnabled(False)
        count = self.demo_entrepreneurs
        doing = self.tr("正在生成演示数据（约 {count} 位创业者）……").format(count=f"{count:,}")

        def work(state: JobState) -> StationInfo:
            from desktop.demo import generate_demo

            state.report(0, 0, doing)
            generate_demo(demo, entrepreneurs=count, seed=DEMO_SEED)
            info = station_info(demo)
            assert info is not None
            return info

        def failed(error: BaseException) -> None:
            for choice in (self.demo_choice, self.create_choice, self.enrol_choice):
                choice.setEnabled(True)
            demo.close()
            if isinstance(error, DoorstepError):
                dialogs.tell(self, self.tr("无法生成演示数据"), str(error))
            else:
                show_bug(self, "".join(traceback.format_exception(error)))

        operation = run_in_background(
            self, self.tr("打开演示服务站"), work, lambda info: self._demo_ready(demo, info), failed
        )
        # generating is one transaction that cannot stop half-way: no 取消 that would not work
        operation.dialog.setCancelButton(None)

    def _demo_ready(self, demo: Database, info: StationInfo) -> None:
        self.database = demo
        self.station = info
        self.accept()
