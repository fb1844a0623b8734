"""Dialogs of the training area: a class, a session, a schedule, enrolling people, import results."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.services import training as service
from models.base import china_today
from models.errors import DoorstepError, ValidationError
from models.training import ExcusedPolicy, HalfDay, check_class_field, validate_class
from ui.widgets import dialogs
from ui.widgets.dialogs import GuardedDialog, settle_minimum_size
from ui.widgets.form import CheckedForm, ChoiceField, DateValueField, NotesField, NumberField, TextField
from ui.widgets.inputs import DateField

YES_NO = [("是", "1"), ("否", "0")]


class ClassDialog(GuardedDialog):
    """新增 / 修改 a class. The completion rule starts as the chosen course's rule and may be changed."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, class_id: str | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.class_id = class_id
        self.saved_id: str | None = None
        self.version: int | None = None
        self.courses = {c.id: c for c in context.services(service.list_courses)}
        self.setWindowTitle(self.tr("修改培训班") if class_id else self.tr("新增培训班"))
        layout = QVBoxLayout(self)
        self.form = CheckedForm(check_class_field, self)
        f = self.form
        self.course = f.add(
            ChoiceField(
                "course_id", self.tr("课程"), [(c.label, c.id) for c in self.courses.values()], required=True
            )
        )
        self.number = f.add(
            TextField("class_number", self.tr("期次编号"), required=True, placeholder="如 SYB202503"), 1
        )
        f.add_wide(
            TextField(
                "title", self.tr("班级名称"), required=True, placeholder="如 创办你的企业培训2025年第3期"
            )
        )
        f.add(DateValueField("start_date", self.tr("开班日期"), required=True))
        f.add(DateValueField("end_date", self.tr("结业日期"), required=True), 1)
        f.add(TextField("provider", self.tr("培训机构")))
        f.add(TextField("teachers", self.tr("授课教师")), 1)
        f.add(TextField("venue", self.tr("培训地点")))
        self.capacity = f.add(NumberField("capacity", self.tr("计划人数"), maximum=500, suffix=" 人"), 1)
        f.add(ChoiceField("funded", self.tr("补贴性培训"), YES_NO))
        f.add(NumberField("min_attendance_percent", self.tr("最低出勤率（%）"), maximum=100, suffix=" %"), 1)
        f.add(ChoiceField("exam_required", self.tr("需要考核"), YES_NO))
        f.add(NumberField("pass_mark", self.tr("及格分数"), maximum=100, suffix=" 分"), 1)
        f.add_wide(
            ChoiceField(
                "excused_policy", self.tr("请假计算方式"), [(p.label, p.value) for p in ExcusedPolicy]
            )
        )
        f.add_wide(NotesField("notes", self.tr("备注"), lines=2))
        f.finish()
        layout.addWidget(self.form)
        self.rule_note = QLabel(self)
        self.rule_note.setObjectName("muted")
        self.rule_note.setWordWrap(True)
        layout.addWidget(self.rule_note)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        assert isinstance(self.course, ChoiceField)
        self.course.combo.activated.connect(self._course_picked)
        if class_id:
            detail = context.services(service.get_class, class_id=class_id)
            self.version = detail.version
            values = detail.form_values()
            self.form.set_values(
                {**values, **self._rule_values(detail.rule), "funded": "1" if detail.funded else "0"}
            )
        else:
            today = china_today()
            self.form.set_values(
                {
                    "start_date": today + timedelta(days=7),
                    "end_date": today + timedelta(days=18),
                    "capacity": 40,
                    "funded": "1",
                }
            )
            if self.courses:
                first = next(iter(self.courses.values()))
                self.course.set_value(first.id)
                self._course_picked()
        self._show_rule_note()
        settle_minimum_size(self, 720)
        self.course.combo.setFocus()  # the dialog starts in its first field
        self.mark_clean()

    def save_input(self) -> None:
        self.save()

    @staticmethod
    def _rule_values(rule: object) -> dict[str, object]:
        from models.training import CompletionRule

        assert isinstance(rule, CompletionRule)
        return {
            "min_attendance_percent": rule.min_attendance_percent,
            "exam_required": "1" if rule.exam_required else "0",
            "pass_mark": rule.pass_mark,
            "excused_policy": rule.excused_policy.value,
        }

    def _course_picked(self, _index: int = 0) -> None:
        course = self.courses.get(str(self.form.fields["course_id"].value() or ""))
        if course is None:
            return
        for key, value in self._rule_values(course.rule).items():
            self.form.fields[key].set_value(value)
        if not self.class_id:
            year = china_today().year
            start = self.form.fields["start_date"].value()
            if isinstance(start, str) and start[:4].isdigit():
                year = int(start[:4])
            self.form.fields["class_number"].set_value(
                self.context.services(service.suggest_class_number, course_id=course.id, year=year)
            )
            number = str(self.form.fields["class_number"].value())[-2:]
            self.form.fields["title"].set_value(
                service.default_title(course.name, year, int(number) if number.isdigit() else 1)
            )
        self._show_rule_note()

    def _show_rule_note(self) -> None:
        course = self.courses.get(str(self.form.fields["course_id"].value() or ""))
        standard = self.tr("标准学时 {0}；").format(course.standard_hours) if course else ""
        self.rule_note.setText(
            standard
            + self.tr(
                "结业规则默认取自课程目录（示例目录，请按当地规定核对）；迟到计为出勤，未记考勤按缺勤计，恰好达到最低出勤率即可结业。"
            )
        )

    def values(self) -> dict[str, object]:
        raw = self.form.raw_values()
        rule = {
            key: raw.pop(key)
            for key in ("min_attendance_percent", "exam_required", "pass_mark", "excused_policy")
        }
        raw["rule"] = rule
        raw["funded"] = raw.get("funded") == "1"
        return raw

    def save(self) -> None:
        problems = self.form.problems()
        if problems:
            self.form.show_problems(problems)
            return
        try:
            data = validate_class(self.values())
            if self.class_id:
                self.context.services(
                    service.update_class, class_id=self.class_id, data=data, expected_version=self.version
                )
                self.saved_id = self.class_id
            else:
                self.saved_id = self.context.services(service.create_class, data=data)
        except ValidationError as error:
            key = next((k for k, label in _LABEL_KEYS.items() if label == error.field), None)
            if key and key in self.form.fields:
                self.form.fields[key].show_error(error.message)
            else:
                dialogs.tell(self, self.tr("无法保存"), error.message)
            return
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法保存"), str(error))
            return
        self.accept()


def _labels() -> dict[str, str]:
    from models.training import CLASS_LABELS

    return CLASS_LABELS


_LABEL_KEYS = _labels()


class ScheduleDialog(GuardedDialog):
    """排课: one session per chosen half-day on every weekday between two dates."""

    def __init__(self, context: AppContext, class_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.class_id = class_id
        self.made: list[str] = []
        detail = context.services(service.get_class, class_id=class_id)
        self.setWindowTitle(self.tr("排课 — 第 {0} 期").format(detail.class_number))
        grid = QGridLayout(self)
        self.first = DateField(self)
        self.first.set_date(detail.start_date)
        self.last = DateField(self)
        self.last.set_date(detail.end_date)
        grid.addWidget(QLabel(self.tr("从")), 0, 0, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.first, 0, 1)
        grid.addWidget(QLabel(self.tr("到")), 0, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.last, 0, 3)
        halves = QHBoxLayout()
        self.half_boxes: dict[HalfDay, QCheckBox] = {}
        for half in HalfDay:
            box = QCheckBox(half.label, self)
            box.setChecked(half in (HalfDay.AM, HalfDay.PM))
            self.half_boxes[half] = box
            halves.addWidget(box)
        grid.addWidget(QLabel(self.tr("时段")), 1, 0, Qt.AlignmentFlag.AlignRight)
        grid.addLayout(halves, 1, 1, 1, 3)
        self.hours = QSpinBox(self)
        self.hours.setRange(1, 12)
        self.hours.setValue(4)
        self.hours.setSuffix(self.tr(" 学时/课次"))
        grid.addWidget(QLabel(self.tr("学时")), 2, 0, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.hours, 2, 1)
        self.weekends = QCheckBox(self.tr("跳过周六、周日"), self)
        self.weekends.setChecked(True)
        grid.addWidget(self.weekends, 2, 2, 1, 2)
        self.topic = QLineEdit(self)
        self.topic.setPlaceholderText(self.tr("可留空，之后逐个填写"))
        grid.addWidget(QLabel(self.tr("课程内容")), 3, 0, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.topic, 3, 1, 1, 3)
        note = QLabel(self.tr("已有课次的时段会跳过；全天课次请只勾选“全天”。"), self)
        note.setObjectName("muted")
        grid.addWidget(note, 4, 0, 1, 4)
        buttons = QDialogButtonBox(self)
        ok = buttons.addButton(self.tr("生成课次"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("primary")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        grid.addWidget(buttons, 5, 0, 1, 4)
        settle_minimum_size(self, 560)
        self.first.setFocus()
        self.mark_clean()

    def save_input(self) -> None:
        self.save()

    def save(self) -> None:
        from models.validators import parse_date

        try:
            first = parse_date(self.first.text(), field="开始日期")
            last = parse_date(self.last.text(), field="结束日期")
            halves = [half for half, box in self.half_boxes.items() if box.isChecked()]
            if not halves:
                raise ValidationError("时段", "", "请至少勾选一个时段")
            self.made = self.context.services(
                service.add_sessions,
                class_id=self.class_id,
                first_day=first,
                last_day=last,
                half_days=halves,
                hours=self.hours.value(),
                skip_weekends=self.weekends.isChecked(),
                topic=self.topic.text().strip(),
            )
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法排课"), str(error))
            return
        self.accept()


class SessionDialog(GuardedDialog):
    """One session: add, or change date, half-day, hours, topic and teacher."""

    def __init__(
        self,
        context: AppContext,
        class_id: str,
        parent: QWidget | None = None,
        session: service.SessionView | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.class_id = class_id
        self.session = session
        self.setWindowTitle(self.tr("修改课次") if session else self.tr("增加课次"))
        grid = QGridLayout(self)
        self.day = DateField(self)
        self.half = QListWidget(self)
        self.half.setFlow(QListWidget.Flow.LeftToRight)
        self.half.setFixedHeight(34)
        for half in HalfDay:
            item = QListWidgetItem(half.label)
            item.setData(Qt.ItemDataRole.UserRole, half.value)
            self.half.addItem(item)
        self.hours = QSpinBox(self)
        self.hours.setRange(1, 12)
        self.topic = QLineEdit(self)
        self.teacher = QLineEdit(self)
        for row, (label, widget) in enumerate(
            (
                (self.tr("上课日期"), self.day),
                (self.tr("时段"), self.half),
                (self.tr("学时"), self.hours),
                (self.tr("课程内容"), self.topic),
                (self.tr("授课教师"), self.teacher),
            )
        ):
            grid.addWidget(QLabel(label), row, 0, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(widget, row, 1)
        if session:
            self.day.set_date(session.session_date)
            self.half.setCurrentRow(list(HalfDay).index(session.half_day))
            self.hours.setValue(session.hours)
            self.topic.setText(session.topic)
            self.teacher.setText(session.teacher)
        else:
            self.half.setCurrentRow(0)
            self.hours.setValue(4)
        buttons = QDialogButtonBox(self)
        ok = buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("primary")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        grid.addWidget(buttons, 5, 0, 1, 2)
        settle_minimum_size(self, 480)
        self.day.setFocus()
        self.mark_clean()

    def save_input(self) -> None:
        self.save()

    def save(self) -> None:
        item = self.half.currentItem()
        values = {
            "session_date": self.day.text(),
            "half_day": item.data(Qt.ItemDataRole.UserRole) if item else None,
            "hours": self.hours.value(),
            "topic": self.topic.text(),
            "teacher": self.teacher.text(),
        }
        try:
            if self.session:
                self.context.services(service.update_session, session_id=self.session.id, session_data=values)
            else:
                self.context.services(service.add_session, class_id=self.class_id, session_data=values)
        except DoorstepError as error:
            dialogs.tell(self, self.tr("无法保存课次"), str(error))
            return
        self.accept()
