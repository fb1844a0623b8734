"""创业项目: the ventures of a person, over time (再创业, 5号文 (七)). A closed venture stays listed with its
stage 歇业/注销; removing one is for a venture entered by mistake."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.entrepreneurs import VentureView
from models.entrepreneur import (
    VENTURE_LABELS,
    InvalidRecord,
    VentureData,
    check_venture_field,
    validate_venture,
)
from models.enums import INDUSTRY_SECTIONS, EntityType, Stage
from ui.overrides import override
from ui.style import icon, stage_tone
from ui.widgets import dialogs
from ui.widgets.chips import ChipDelegate
from ui.widgets.form import CheckedForm, ChoiceField, DateValueField, NumberField, TextField
from ui.widgets.rows_model import ColumnSpec, RowsModel

V = VENTURE_LABELS
RawVenture = dict[str, object]


def raw_from_view(view: VentureView) -> RawVenture:
    return {
        "id": view.id,
        "name": view.name,
        "entity_type": view.entity_type.value,
        "stage": view.stage.value,
        "credit_code": view.credit_code or "",
        "registration_date": view.registration_date.isoformat() if view.registration_date else "",
        "industry": view.industry,
        "address": view.address,
        "jobs_created": view.jobs_created,
    }


def raw_from_data(data: VentureData, venture_id: object) -> RawVenture:
    """The form's shape of a checked venture, normalised (so that an unchanged venture compares equal)."""
    return {
        "id": venture_id,
        "name": data.name,
        "entity_type": data.entity_type.value,
        "stage": data.stage.value,
        "credit_code": data.credit_code or "",
        "registration_date": data.registration_date.isoformat() if data.registration_date else "",
        "industry": data.industry,
        "address": data.address,
        "jobs_created": data.jobs_created,
    }


def venture_columns() -> list[ColumnSpec[RawVenture]]:
    def tr(text: str) -> str:
        return QCoreApplication.translate("VenturesTab", text)

    def industry(venture: RawVenture) -> str:
        code = venture["industry"]
        return f"{code} {INDUSTRY_SECTIONS[str(code)]}" if code else ""

    return [
        ColumnSpec(tr("项目/主体名称"), 200, lambda v: str(v["name"])),
        ColumnSpec(tr("主体类型"), 110, lambda v: EntityType(str(v["entity_type"])).label),
        ColumnSpec(
            tr("阶段"),
            96,
            lambda v: Stage(str(v["stage"])).label,
            tone=lambda v: stage_tone(Stage(str(v["stage"]))),
        ),
        ColumnSpec(tr("统一社会信用代码"), 170, lambda v: str(v["credit_code"] or "")),
        ColumnSpec(tr("登记注册日期"), 100, lambda v: str(v["registration_date"] or "")),
        ColumnSpec(tr("所属行业"), 170, industry),
        ColumnSpec(tr("带动就业"), 70, lambda v: tr("{count} 人").format(count=v["jobs_created"])),
    ]


class VenturesTab(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("surface")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        bar = QHBoxLayout()
        self.add_button = QPushButton(icon("mdi6.plus"), self.tr("新增项目"), self)
        self.add_button.clicked.connect(self.add_venture)
        self.edit_button = QPushButton(icon("mdi6.pencil-outline"), self.tr("修改"), self)
        self.edit_button.clicked.connect(self.edit_current)
        self.remove_button = QPushButton(icon("mdi6.trash-can-outline"), self.tr("删除"), self)
        self.remove_button.clicked.connect(self.remove_current)
        for button in (self.add_button, self.edit_button, self.remove_button):
            bar.addWidget(button)
        bar.addStretch(1)
        hint = QLabel(self.tr("已歇业或注销的项目请把阶段改为“歇业/注销”，它会留在档案中。"), self)
        hint.setObjectName("muted")
        bar.addWidget(hint)
        layout.addLayout(bar)
        self.model: RowsModel[RawVenture] = RowsModel(venture_columns(), self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setItemDelegateForColumn(2, ChipDelegate(self.table))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, spec in enumerate(self.model.columns[1:], start=1):
            self.table.setColumnWidth(column, spec.width)
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.empty_label = QLabel(self.tr("还没有创业项目。点“新增项目”登记此人正在筹备或经营的项目。"), self)
        self.empty_label.setObjectName("muted")
        layout.addWidget(self.empty_label)
        self._initial: list[RawVenture] = []
        self.read_only = False
        self._update_buttons()

    def set_ventures(self, ventures: Sequence[VentureView]) -> None:
        raws = [raw_from_view(v) for v in ventures]
        self._initial = [dict(v) for v in raws]
        self.model.replace(raws)
        self._update_buttons()

    def values(self) -> list[RawVenture]:
        return [dict(v) for v in self.model.rows]

    @property
    def dirty(self) -> bool:
        return bool(self.model.rows != self._initial)

    def mark_saved(self) -> None:
        self._initial = self.values()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._update_buttons()

    def _current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _update_buttons(self) -> None:
        has = self._current_row() >= 0
        self.add_button.setEnabled(not self.read_only)
        self.edit_button.setEnabled(has and not self.read_only)
        self.remove_button.setEnabled(has and not self.read_only)
        self.empty_label.setVisible(not self.model.rows)

    def add_venture(self) -> None:
        editor = VentureDialog(None, self)
        if editor.exec() == QDialog.DialogCode.Accepted and editor.result_venture is not None:
            self.model.replace([*self.model.rows, editor.result_venture])
            self.table.selectRow(len(self.model.rows) - 1)
            self._changed()

    def edit_current(self) -> None:
        row = self._current_row()
        if row < 0 or self.read_only:
            return
        editor = VentureDialog(self.model.rows[row], self)
        if editor.exec() == QDialog.DialogCode.Accepted and editor.result_venture is not None:
            ventures = list(self.model.rows)
            ventures[row] = editor.result_venture
            self.model.replace(ventures)
            self.table.selectRow(row)
            self._changed()

    def remove_current(self) -> None:
        row = self._current_row()
        if row < 0:
            return
        name = str(self.model.rows[row]["name"])
        if not dialogs.ask(
            self,
            self.tr("删除项目"),
            self.tr(
                "删除项目“{name}”？\n\n如果它已歇业或注销，请改为修改阶段，它会留在档案中。"
                "只有录错的项目才需要删除；保存后仍可用 Ctrl+Z 撤销。"
            ).format(name=name),
            self.tr("删除"),
            self.tr("取消"),
            warning=True,
        ):
            return
        self.model.replace([v for i, v in enumerate(self.model.rows) if i != row])
        self._changed()

    def _changed(self) -> None:
        self._update_buttons()
        self.changed.emit()


class VentureDialog(dialogs.GuardedDialog):
    """Add or change one venture; 确定 only when every field is right."""

    def __init__(self, venture: Mapping[str, object] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增创业项目") if venture is None else self.tr("修改创业项目"))
        self.venture_id = venture.get("id") if venture else None
        self.result_venture: RawVenture | None = None
        layout = QVBoxLayout(self)
        self.form = CheckedForm(check_venture_field, self)
        add = self.form.add
        add(TextField("name", V["name"], required=True, placeholder=self.tr("如 青禾餐饮店")))
        add(
            ChoiceField(
                "entity_type", V["entity_type"], [(e.label, e.value) for e in EntityType], required=True
            )
        )
        add(ChoiceField("stage", V["stage"], [(s.label, s.value) for s in Stage], required=True))
        add(
            DateValueField("registration_date", V["registration_date"], placeholder=self.tr("如 2024-03-05")),
            1,
        )
        industries = [(f"{code} {name}", code) for code, name in INDUSTRY_SECTIONS.items()]
        add(ChoiceField("industry", V["industry"], industries), 1)
        add(NumberField("jobs_created", V["jobs_created"], maximum=100000, suffix=self.tr(" 人")), 1)
        # the credit code across the form: its message (a wrong check character) reads on one line
        credit = TextField("credit_code", V["credit_code"], placeholder=self.tr("18 位，登记后填写"))
        self.form.add_wide(credit)
        self.form.add_wide(TextField("address", V["address"]))
        self.form.finish()
        layout.addWidget(self.form)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("fieldError")
        self.problem_label.setWordWrap(True)
        layout.addWidget(self.problem_label)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(self.tr("确定"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        initial: dict[str, object] = dict(venture) if venture else {"jobs_created": 0}
        if not venture:
            initial["registration_date"] = ""
        self.form.set_values(initial)
        self.form.changed.connect(self._update)
        dialogs.settle_minimum_size(self, 640)
        self.resize(760, self.sizeHint().height())
        self._update()
        self.mark_clean()

    @override
    def has_unsaved_input(self) -> bool:
        return self.form.dirty

    @override
    def unsaved_question(self) -> str:
        return self.tr("这个创业项目的内容还没有确定。保存（确定）后关闭吗？")

    def _check(self) -> VentureData | InvalidRecord:
        raw = self.form.raw_values()
        raw["id"] = self.venture_id
        try:
            return validate_venture(raw)
        except InvalidRecord as error:
            return error

    def _update(self) -> None:
        result = self._check()
        self.ok_button.setEnabled(isinstance(result, VentureData))
        # a rule between fields (a running venture needs its registration date) is said at once;
        # a field's own problem is said under it when it is left
        between = isinstance(result, InvalidRecord) and not self.form.problems()
        self.problem_label.setText(result.message if isinstance(result, InvalidRecord) and between else "")

    @override
    def accept(self) -> None:
        result = self._check()
        if isinstance(result, InvalidRecord):
            self.form.show_problems(self.form.problems())
            self.problem_label.setText(result.message)
            return
        self.result_venture = raw_from_data(result, self.venture_id)
        super().accept()
