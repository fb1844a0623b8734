"""总部 → 参考数据: publish a policy set (the file is checked on load; its effective dates and region are
shown before it is published) and HQ's course catalogue; each publication is listed with the stations
that have it (their package acknowledged a reply that carried it) and those that do not yet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from desktop.context import AppContext
from desktop.services.hq.reference import (
    KIND_WORDS,
    Publication,
    publications,
    publish_course_catalogue,
    publish_policy_file,
)
from desktop.services.policy import check_policy_text
from models.errors import DoorstepError
from ui.hq.table import RowsTable, page_frame
from ui.hq.words import day_text
from ui.style import Tone, icon
from ui.widgets import dialogs
from ui.widgets.buttons import button
from ui.widgets.rows_model import CENTER, ColumnSpec
from ui.widgets.saving import remember_folder, save_folder


def reach_text(item: Publication) -> str:
    total = len(item.have) + len(item.missing)
    return "全部已收到" if not item.missing and total else f"{len(item.have)}/{total}"


def reach_tone(item: Publication) -> Tone:
    return Tone.GREEN if not item.missing else (Tone.AMBER if item.have else Tone.GREY)


def columns() -> list[ColumnSpec[Publication]]:
    return [
        ColumnSpec("类别", 90, lambda p: KIND_WORDS.get(p.record_kind, p.record_kind)),
        ColumnSpec(
            "名称", 260, lambda p: p.title + ("（已撤下）" if p.deleted else ""), tip=lambda p: p.title
        ),
        ColumnSpec("地区与生效期 / 内容", 300, lambda p: p.detail, tip=lambda p: p.detail),
        ColumnSpec("发布时间", 120, lambda p: day_text(p.published_at), align=CENTER),
        ColumnSpec("已收到", 96, reach_text, tone=reach_tone, align=CENTER),
        ColumnSpec("尚未收到", 260, lambda p: "、".join(p.missing), tip=lambda p: "、".join(p.missing)),
    ]


class ReferencePage(QWidget):
    status_changed = Signal()
    message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.items: list[Publication] = []
        self.choose_policy_file: Callable[[], Path | None] = self._ask_policy_file  # a test puts its own
        layout, bar = page_frame(self, self.tr("参考数据"))
        self.policy_button = button(
            self.tr("发布政策参数…"),
            self,
            self.publish_policy,
            primary=True,
            tip=self.tr("载入政策参数文件（.json）：检查后发布，随每个服务站的下一个回复包送达"),
        )
        self.policy_button.setIcon(icon("mdi6.file-upload-outline", color="#ffffff"))
        self.courses_button = button(
            self.tr("发布课程目录"),
            self,
            self.publish_courses,
            tip=self.tr("把默认课程目录中总部还没有的课程作为总部的课程目录发布"),
        )
        bar.addWidget(self.policy_button)
        bar.addWidget(self.courses_button)
        bar.addStretch(1)
        hint = QLabel(
            self.tr(
                "总部发布的参考数据随每个服务站的下一个回复包送达；服务站导入回复包后交来的下一个数据包"
                "确认收到，这里才记为“已收到”。"
            ),
            self,
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list: RowsTable[Publication] = RowsTable(
            columns(), [0, 2, 2, 0, 0, 2], self, key=lambda p: (p.record_kind, p.record_id)
        )
        layout.addWidget(self.list, 1)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(44)
        layout.addWidget(self.detail)
        self.list.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_detail())

    def refresh(self) -> None:
        self.items = self.context.services(publications)
        self.list.show_rows(
            self.items, self.tr("总部还没有发布参考数据：点“发布政策参数…”载入当地的政策参数文件。")
        )
        self._show_detail()
        self.status_changed.emit()

    def _show_detail(self) -> None:
        item = self.list.current()
        if item is None:
            self.detail.setText("")
            return
        have = "、".join(item.have) or self.tr("还没有")
        missing = (
            self.tr("{0}（为它们写回复包，并等它们交来下一个数据包）").format("、".join(item.missing))
            if item.missing
            else self.tr("没有")
        )
        self.detail.setText(
            self.tr("{0}\n已收到的服务站：{1}\n尚未收到的服务站：{2}").format(item.title, have, missing)
        )

    def status_text(self) -> str:
        waiting = sum(1 for item in self.items if item.missing)
        return self.tr("参考数据 {0} 项，{1} 项尚未送达全部服务站").format(len(self.items), waiting)

    def focus_target(self) -> QWidget:
        return self.list.table

    def _ask_policy_file(self) -> Path | None:
        prefs = self.context.preferences
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择政策参数文件"), str(save_folder(prefs)), self.tr("政策参数 (*.json)")
        )
        if not chosen:
            return None
        remember_folder(prefs, Path(chosen).parent)
        return Path(chosen)

    def publish_policy(self) -> None:
        path = self.choose_policy_file()
        if path is None:
            return
        try:
            info = check_policy_text(path.read_text(encoding="utf-8-sig"), origin=path.name)
        except (DoorstepError, OSError, UnicodeDecodeError) as error:
            dialogs.tell(self, self.tr("政策参数文件没有通过检查"), f"{path.name}：{error}\n\n没有发布。")
            return
        text = self.tr(
            "发布政策参数“{0}”？\n适用地区：{1}\n政策项目：{2}\n\n发布后随每个服务站的下一个回复包送达。"
        ).format(info.title, info.region or self.tr("不限"), "、".join(info.items))
        if info.example:
            text += "\n\n" + info.notice
        if not dialogs.ask(self, self.tr("发布政策参数"), text, self.tr("发布"), self.tr("取消")):
            return
        try:
            title = self.context.services(publish_policy_file, path=path)
        except (DoorstepError, OSError) as error:
            dialogs.tell(self, self.tr("没有发布政策参数"), str(error))
            return
        self.refresh()
        self.message.emit(self.tr("已发布政策参数：{0}").format(title))

    def publish_courses(self) -> None:
        try:
            added = self.context.services(publish_course_catalogue)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("没有发布课程目录"), str(error))
            return
        self.refresh()
        if added:
            self.message.emit(self.tr("已发布课程目录：新增 {0} 门课程").format(added))
        else:
            dialogs.tell(
                self,
                self.tr("发布课程目录"),
                self.tr("课程目录中的课程总部都已发布过，没有新增。"),
                warning=False,
            )
