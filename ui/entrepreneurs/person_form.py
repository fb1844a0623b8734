"""基本信息: the person's form in two columns, checked field by field as each is left."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from desktop.services.entrepreneur_list import age_on
from models.base import china_today
from models.entrepreneur import PERSON_LABELS, check_person_field
from models.enums import Education
from models.errors import ValidationError
from models.regions import region_name
from models.validators import IdNumber
from ui.widgets.form import CheckedForm, ChoiceField, DateValueField, KeyGroupsField, NotesField, TextField

L = PERSON_LABELS


class PersonForm(CheckedForm):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(check_person_field, parent)
        self.name = self.add(TextField("name", L["name"], required=True, placeholder=self.tr("如 张三")))
        self.id_number = self.add(
            TextField("id_number", L["id_number"], required=True, placeholder=self.tr("18 位，末位可为 X"))
        )
        self.id_info = QLabel(self)
        self.id_info.setObjectName("muted")
        self.id_number.add_beside(self.id_info)
        self.phone = self.add(
            TextField("phone", L["phone"], placeholder=self.tr("手机号，或带区号的固定电话"))
        )
        self.education = self.add(
            ChoiceField("education", L["education"], [(e.label, e.value) for e in Education]), 1
        )
        self.graduation = self.add(
            DateValueField(
                "graduation_date", L["graduation_date"], placeholder=self.tr("如 2024-06，未毕业或不详可不填")
            ),
            1,
        )
        self.region = self.add(
            TextField("household_region", L["household_region"], placeholder=self.tr("6 位代码，如 330106")),
            1,
        )
        self.region_info = QLabel(self)
        self.region_info.setObjectName("muted")
        self.region.add_beside(self.region_info)
        self.key_groups = self.add_wide(KeyGroupsField("key_groups", L["key_groups"]))
        self.address = self.add_wide(TextField("address", L["address"]))
        self.notes = self.add_wide(NotesField("notes", L["notes"]))
        self.finish()
        self.changed.connect(self._update_hints)

    def parsed_id(self) -> IdNumber | None:
        try:
            parsed = check_person_field("id_number", self.id_number.value())
        except ValidationError:
            return None
        return parsed if isinstance(parsed, IdNumber) else None

    def _update_hints(self) -> None:
        """What a valid ID number tells (birth date, sex, age) and the name of the region code, as typed."""
        identity = self.parsed_id()
        if identity is None:
            self.id_info.clear()
        else:
            age = age_on(identity.birth_date, china_today())
            self.id_info.setText(
                self.tr("{birth} 出生 · {sex} · {age} 岁").format(
                    birth=identity.birth_date.isoformat(), sex=identity.sex, age=age
                )
            )
        code = str(self.region.value())
        if len(code) == 6 and code.isdigit():
            self.region_info.setText(region_name(code) or self.tr("代码表中没有这个代码，请核对"))
        else:
            self.region_info.clear()
