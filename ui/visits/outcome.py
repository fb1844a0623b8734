"""情况变化: what changed for the entrepreneur at this visit — a venture's stage or jobs created, or a new
venture. Saved with the visit, in the same transaction, so the file and the visit never disagree."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from desktop.services.visits.queries import VentureChoice
from models.enums import EntityType, Stage
from ui.widgets.inputs import DateField

UNCHANGED = -1


class OutcomeBox(QGroupBox):
    """A checkable group: unchecked (the usual case) means nothing changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("情况有变化（更新档案）"))
        self.setCheckable(True)
        self.setChecked(False)
        self.ventures: dict[str, VentureChoice] = {}
        self.venture = QComboBox(self)
        self.venture.currentIndexChanged.connect(self._venture_changed)
        self.stage = QComboBox(self)
        self.jobs = QSpinBox(self)
        self.jobs.setRange(UNCHANGED, 100000)
        self.jobs.setSpecialValueText(self.tr("不变"))
        self.jobs.setSuffix(self.tr(" 人"))
        self.new_name = QLineEdit(self)
        self.new_name.setPlaceholderText(self.tr("有新的创业项目时填写名称"))
        self.new_kind = QComboBox(self)
        for kind in EntityType:
            self.new_kind.addItem(kind.label, kind.value)
        self.new_stage = QComboBox(self)
        for stage in Stage:
            if stage is not Stage.CLOSED:
                self.new_stage.addItem(stage.label, stage.value)
        self.new_registered = DateField(self)
        self.body = QWidget(self)
        form = QFormLayout(self.body)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("项目"), self.venture)
        form.addRow(self.tr("新阶段"), self.stage)
        form.addRow(self.tr("带动就业"), self.jobs)
        form.addRow(self.tr("新项目名称"), self.new_name)
        form.addRow(self.tr("主体类型"), self.new_kind)
        form.addRow(self.tr("新项目阶段"), self.new_stage)
        form.addRow(self.tr("登记日期"), self.new_registered)
        for editor in (self.venture, self.stage, self.jobs, self.new_name, self.new_kind, self.new_stage):
            editor.setParent(self.body)
        self.new_registered.setParent(self.body)
        outer = QVBoxLayout(self)
        outer.addWidget(self.body)
        self.body.setVisible(False)
        self.toggled.connect(self.body.setVisible)
        self.set_ventures(())

    def set_ventures(self, ventures: Sequence[VentureChoice]) -> None:
        self.ventures = {v.id: v for v in ventures}
        self.venture.clear()
        self.venture.addItem(self.tr("（无）"), "")
        for venture in ventures:
            self.venture.addItem(venture.name, venture.id)
        self.venture.setCurrentIndex(1 if len(ventures) == 1 else 0)
        self._venture_changed()

    def select_venture(self, venture_id: str) -> None:
        if venture_id:
            self.venture.setCurrentIndex(max(self.venture.findData(venture_id), 0))

    def _venture_changed(self, _index: int = 0) -> None:
        chosen = self.ventures.get(str(self.venture.currentData() or ""))
        self.stage.clear()
        self.stage.addItem(self.tr("不变") if chosen else self.tr("（先选项目）"), "")
        for stage in Stage:
            if chosen is None or stage is not chosen.stage:
                self.stage.addItem(stage.label, stage.value)
        self.stage.setEnabled(chosen is not None)
        self.jobs.setEnabled(chosen is not None)
        self.jobs.setValue(UNCHANGED)
        if chosen is not None:
            self.jobs.setToolTip(self.tr("现在：{n} 人").format(n=chosen.jobs_created))

    def raw_values(self) -> dict[str, object] | None:
        """What the visit's ``outcome`` takes; None when the box is not ticked or nothing was set."""
        if not self.isChecked():
            return None
        values: dict[str, object] = {}
        venture_id = str(self.venture.currentData() or "")
        if venture_id:
            values["venture_id"] = venture_id
            if self.stage.currentData():
                values["stage"] = str(self.stage.currentData())
            if self.jobs.value() != UNCHANGED:
                values["jobs_created"] = self.jobs.value()
        name = self.new_name.text().strip()
        if name:
            values["new_venture"] = {
                "name": name,
                "entity_type": str(self.new_kind.currentData()),
                "stage": str(self.new_stage.currentData()),
                "registration_date": self.new_registered.text(),
            }
        if set(values) <= {"venture_id"}:
            return None
        return values
