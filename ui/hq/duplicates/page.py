"""跨站重复 (HQ): the duplicate groups on the left, the files of one group side by side on the right,
field by field (differences marked, a choice per differing field), and the three decisions: 合并为一份
档案 (asked first), 不是同一人, 调档. Every read and write is a service call (desktop.services.hq)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services.hq import duplicates as service
from models.errors import DoorstepError
from ui.widgets import dialogs


class DuplicatesPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.groups: list[service.GroupView] = []
        self.comparison: service.Comparison | None = None
        self.survivor = QButtonGroup(self)
        self.choices: dict[str, QButtonGroup] = {}
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.merge_button = QPushButton(self.tr("合并为一份档案"))
        self.apart_button = QPushButton(self.tr("不是同一人"))
        self.transfer_button = QPushButton(self.tr("调档"))
        self.merge_button.clicked.connect(self.merge)
        self.apart_button.clicked.connect(self.keep_apart)
        self.transfer_button.clicked.connect(self.transfer)
        buttons = QHBoxLayout()
        for button in (self.merge_button, self.apart_button, self.transfer_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(scroll, 1)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.result)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setSizes([320, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh()

    # ------------------------------------------------------------------------------------- reading
    def refresh(self) -> None:
        self.groups = self.context.services(service.duplicate_groups)
        self.list.clear()
        for group in self.groups:
            where = "、".join(group.stations)
            text = f"{group.name}　{group.reason}\n{group.id_number} · 服务站 {where} · {group.size} 份"
            self.list.addItem(QListWidgetItem(text))
        if self.groups:
            self.list.setCurrentRow(0)
        else:
            self._clear()
            self._set_enabled(False)

    def status_text(self) -> str:
        return f"共 {len(self.groups)} 组可能重复的档案"

    def _set_enabled(self, on: bool) -> None:
        for button in (self.merge_button, self.apart_button, self.transfer_button):
            button.setEnabled(on)

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.survivor = QButtonGroup(self)
        self.choices = {}

    def current(self) -> service.GroupView | None:
        row = self.list.currentRow()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def _show(self, row: int) -> None:
        self._clear()
        group = self.current()
        self._set_enabled(group is not None)
        if group is None:
            return
        self.comparison = self.context.services(service.compare_files, file_ids=group.file_ids)
        files = self.comparison.files
        self.grid.addWidget(QLabel(self.tr("保留哪一份")), 0, 0)
        for column, side in enumerate(files, start=1):
            choice = QRadioButton(f"{side.case_number}\n服务站 {side.station_code}")
            choice.setProperty("file_id", side.id)
            self.survivor.addButton(choice)
            choice.setChecked(column == 1)
            self.grid.addWidget(choice, 0, column)
        for line, field in enumerate(self.comparison.rows, start=1):
            label = QLabel(field.label + ("（不同）" if field.differs else ""))
            if field.differs:
                label.setStyleSheet("color: #b45309; font-weight: bold;")
            self.grid.addWidget(label, line, 0)
            group_buttons = QButtonGroup(self)
            for column, (side, value) in enumerate(zip(files, field.values, strict=True), start=1):
                if field.differs and field.choosable:
                    cell: QWidget = QRadioButton(value)
                    cell.setProperty("file_id", side.id)
                    group_buttons.addButton(cell)  # type: ignore[arg-type]
                    cell.setChecked(column == 1)  # type: ignore[attr-defined]
                else:
                    cell = QLabel(value)
                self.grid.addWidget(cell, line, column)
            if field.differs and field.choosable:
                self.choices[field.key] = group_buttons
        last = len(self.comparison.rows) + 1
        self.grid.addWidget(QLabel(self.tr("档案中的记录")), last, 0)
        for column, side in enumerate(files, start=1):
            counts = QLabel(side.counts_text)
            counts.setWordWrap(True)
            self.grid.addWidget(counts, last, column)
        self.grid.setRowStretch(last + 1, 1)

    # ------------------------------------------------------------------------------------ decisions
    def chosen(self) -> tuple[str, dict[str, str]]:
        checked = self.survivor.checkedButton()
        survivor = str(checked.property("file_id")) if checked is not None else ""
        picks = {}
        for key, buttons in self.choices.items():
            button = buttons.checkedButton()
            if button is not None:
                picks[key] = str(button.property("file_id"))
        return survivor, picks

    def merge(self) -> None:
        group = self.current()
        if group is None:
            return
        survivor, picks = self.chosen()
        others = tuple(i for i in group.file_ids if i != survivor)
        case = next(c for i, c in zip(group.file_ids, group.cases, strict=True) if i == survivor)
        question = (
            f"把 {len(others)} 份档案合并入 {case}？其走访、创业项目、培训和申请等记录都转入这份档案，"
            "原档案在各服务站只读并转到这份档案。合并后不能撤销。"
        )
        if not dialogs.ask(self, self.tr("合并为一份档案"), question, self.tr("合并"), self.tr("取消")):
            return
        self._decide(
            lambda: (
                self.context.services(
                    service.merge_files, survivor_id=survivor, merged_ids=others, choices=picks
                ).text
            )
        )

    def keep_apart(self) -> None:
        group = self.current()
        if group is not None:
            self._decide(
                lambda: (
                    f"已记下：{group.name} 的 {group.size} 份档案不是同一人，这一组不再列出"
                    if self.context.services(service.keep_apart, file_ids=group.file_ids) >= 0
                    else ""
                )
            )

    def transfer(self) -> None:
        group = self.current()
        survivor, _ = self.chosen()
        if group is None or not survivor:
            return
        code, ok = QInputDialog.getText(self, self.tr("调档"), self.tr("把所选档案调至服务站（代码）："))
        if ok and code.strip():
            self._decide(
                lambda: (
                    self.context.services(
                        service.transfer_duplicate, entrepreneur_id=survivor, to_station=code.strip()
                    )
                    or f"已调档至服务站 {code.strip()}，在下一次回复包中送达"
                )
            )

    def _decide(self, run: object) -> None:
        assert callable(run)
        try:
            text = str(run())
        except DoorstepError as error:
            dialogs.tell(self, self.tr("未能完成"), str(error))
            return
        self.refresh()
        self.result.setText(text)
