"""The import checks each row's ID number once: the person's validator reuses the planning pass's result
and gives exactly what it gives when it checks the number itself."""

from __future__ import annotations

import pytest

from models.clock import china_today
from models.entrepreneur import InvalidRecord, validate_person
from models.validators import parse_id_number
from tests.data import ledgers as fx


@pytest.mark.parametrize(
    "raw",
    [
        {"name": "张三", "id_number": fx.ZHANG, "phone": "13812345678"},
        {"name": "张三", "id_number": fx.ZHANG, "graduation_date": "1980-06"},  # before the birth date
        {"name": "", "id_number": fx.ZHANG, "phone": "12"},
    ],
)
def test_a_checked_id_number_is_not_checked_again(raw: dict[str, object]) -> None:
    identity = parse_id_number(raw["id_number"], field="身份证号码", today=china_today())

    def outcome(**kw: object) -> object:
        try:
            return validate_person(raw, **kw)  # type: ignore[arg-type]
        except InvalidRecord as error:
            return [(e.field, e.value, e.message) for e in error.errors]

    assert outcome(identity=identity) == outcome()
