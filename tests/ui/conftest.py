"""Fixtures for the GUI tests: the application context on the test's own database, and people on file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QApplication
from stdnum.cn import ric

from desktop.context import AppContext
from desktop.services import entrepreneurs as svc
from desktop.services.station import station_info
from desktop.settings import Preferences
from models.audit import Actor
from models.database import Database
from ui.style import apply_style, register_fonts
from ui.widgets import dialogs

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

ZHANG_SAN = "33010619900101123X"


def make_id(body17: str) -> str:
    """An ID number with a valid GB 11643 check character."""
    return body17 + ric.calc_check_digit(body17 + "0")


@pytest.fixture(scope="session", autouse=True)
def _styled(qapp: QApplication) -> None:
    """The real look: shipped fonts and the style sheet (a Qt warning from either fails the test)."""
    apply_style(qapp, register_fonts())


@pytest.fixture
def context(db: Database, actor: Actor) -> AppContext:
    station = station_info(db)
    assert station is not None
    return AppContext(db=db, actor=actor, station=station, preferences=Preferences())


Add = Callable[..., str]


@pytest.fixture
def add_person(db: Database, actor: Actor) -> Add:
    """Put a person on file through the service, as another window or an import would."""

    def add(name: str, id_number: str, **values: object) -> str:
        person: dict[str, object] = {"name": name, "id_number": id_number, **values}
        ventures = person.pop("ventures", ())
        assert isinstance(ventures, list | tuple)
        return svc.create_entrepreneur(db, actor, person=person, ventures=list(ventures))

    return add


@pytest.fixture
def people(add_person: Add) -> dict[str, str]:
    """Three people: 张三 (veteran, 西湖区), 李四 (graduate, 九江 德安县, a venture), 曾小红 (余杭区)."""
    return {
        "张三": add_person(
            "张三", ZHANG_SAN, phone="13812345678", key_groups="退役军人", household_region="330106"
        ),
        "李四": add_person(
            "李四",
            make_id("36042619910102001"),
            phone="13900001111",
            key_groups="高校毕业生",
            household_region="360426",
            ventures=[
                {
                    "name": "青禾餐饮店",
                    "entity_type": "个体工商户",
                    "stage": "初创",
                    "registration_date": "2024-03-05",
                    "industry": "H",
                    "jobs_created": 2,
                }
            ],
        ),
        "曾小红": add_person(
            "曾小红", make_id("33011019950505002"), phone="0571-88886666", household_region="330110"
        ),
    }


class Answers:
    """Records the questions the GUI asked and answers them (the modal box itself is not shown)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.told: list[str] = []
        self.reply = True

    def ask(self, _parent: object, title: str, text: str, yes: str, no: str, **_kw: object) -> bool:
        self.asked.append(f"{title}|{text}|{yes}|{no}")
        return self.reply

    def tell(self, _parent: object, title: str, text: str, **_kw: object) -> None:
        self.told.append(f"{title}|{text}")


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Answers]:
    recorder = Answers()
    monkeypatch.setattr(dialogs, "ask", recorder.ask)
    monkeypatch.setattr(dialogs, "tell", recorder.tell)
    yield recorder


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    """pytest-qt's model tester (Qt's QAbstractItemModelTester), typed."""
    tester.check(model)  # type: ignore[no-untyped-call]
