"""The top of a file, telling whose file it is (name, case number, key groups, stage), and the line at
the foot of the file that says what just happened or what still needs fixing."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.services.entrepreneurs import EntrepreneurFile
from models.base import to_china
from ui.style import ERROR, TEXT_MUTED, Tone, stage_tone
from ui.widgets.chip_label import ChipLabel


class FileHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fileHeader")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 10)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("fileTitle")
        top.addWidget(self.title)
        top.addSpacing(12)
        self.chips_box = QHBoxLayout()
        self.chips_box.setSpacing(6)
        top.addLayout(self.chips_box)
        top.addStretch(1)
        layout.addLayout(top)
        self.details = QLabel(self)
        self.details.setObjectName("muted")
        layout.addWidget(self.details)
        self.chips: list[ChipLabel] = []

    def _set_chips(self, chips: list[tuple[str, Tone]]) -> None:
        for chip in self.chips:
            self.chips_box.removeWidget(chip)
            chip.deleteLater()
        self.chips = [ChipLabel(text, tone, self) for text, tone in chips]
        for chip in self.chips:
            self.chips_box.addWidget(chip)

    def show_new(self) -> None:
        self.title.setText(self.tr("新建创业者档案"))
        self.details.setText(self.tr("档案号在保存后自动生成。带 * 的是必填项。"))
        self._set_chips([])

    def show_file(self, file: EntrepreneurFile) -> None:
        self.title.setText(file.name)
        self.details.setText(
            self.tr("档案号 {case} · {sex} · {age} 岁 · 建档 {created} · 最后修改 {updated}（{who}）").format(
                case=file.case_number,
                sex=file.sex.label,
                age=file.age,
                created=to_china(file.created_at).date().isoformat(),
                updated=to_china(file.updated_at).strftime("%Y-%m-%d %H:%M"),
                who=file.updated_by,
            )
        )
        chips: list[tuple[str, Tone]] = []
        if file.deleted:
            chips.append((self.tr("在回收站中"), Tone.RED))
        if file.stage is not None:
            chips.append((file.stage.label, stage_tone(file.stage)))
        chips.extend((group.label, Tone.ACCENT) for group in file.key_groups)
        self._set_chips(chips)


class StatusLine(QLabel):
    """One line: what was just done (grey) or what still needs fixing (red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.is_problem = False

    def show_message(self, text: str) -> None:
        self.is_problem = False
        self.setStyleSheet(f"color: {TEXT_MUTED};")
        self.setText(text)

    def show_problem(self, text: str) -> None:
        self.is_problem = True
        self.setStyleSheet(f"color: {ERROR};")
        self.setText(text)

    def clear_message(self) -> None:
        self.is_problem = False
        self.clear()
