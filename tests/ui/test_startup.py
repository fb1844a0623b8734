"""Start-up in stages (ui/app.py), as ``doorstep gui`` starts: the window paints its populated list
before SQLAlchemy, the mapped tables and the other areas are loaded, then loads them. Run in a fresh
interpreter, through the console script's own entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.app import gui_request
from desktop.demo import generate_demo
from desktop.services.entrepreneurs import create_entrepreneur
from desktop.services.station import default_actor
from models.database import Database
from tests.ui.conftest import ZHANG_SAN
from ui.roles import FIRST_SCREEN

PEOPLE = 30

# Watches the application from inside: when the window, having painted, starts loading the other areas
# (ui.main_window.load_areas), it notes what is loaded and what the list shows; once they are loaded it
# opens another area's page and closes the window.
CHILD = """
import json, sys
import PySide6.QtCore
from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication
import ui.main_window

app = QApplication(sys.argv[:1])
from ui.style import qt_chooses_fusion
report = {"style": app.style().name(), "expected_fusion": qt_chooses_fusion()}
heavy = ("sqlalchemy", "sqlmodel", "alembic", "reportlab", "openpyxl", "pypinyin", "desktop.commands",
         "desktop.services.areas")
load_areas = ui.main_window.load_areas

def finish(window):
    report["loaded"] = "desktop.services.areas" in sys.modules
    report["ext_b_at_end"] = "Doorstep Ext B" in QFontDatabase.families()
    report["visits"] = type(window.show_page("visits")).__name__
    window.close()

def spy():
    if "at_first_paint" not in report:
        report["qt_namespace_at_first_paint"] = "Qt" in vars(PySide6.QtCore)
        window = next(w for w in app.topLevelWidgets() if isinstance(w, ui.main_window.MainWindow))
        model = window.show_page("entrepreneurs").model
        report["at_first_paint"] = sorted(name for name in heavy if name in sys.modules)
        report["ui_at_first_paint"] = sorted(name for name in sys.modules if name.startswith("ui."))
        report["rows"] = model.rowCount(QModelIndex())
        report["first"] = model.data(model.index(0, 1))
        report["ext_b_at_first_paint"] = "Doorstep Ext B" in QFontDatabase.families()
        QTimer.singleShot(0, lambda: finish(window))
    load_areas()

ui.main_window.load_areas = spy
from desktop.app import main
code = main(["gui", "--db", sys.argv[1]])
print(json.dumps({"code": code, **report}))
"""


@pytest.mark.parametrize(
    ("newest", "ext_b_first"),
    [
        (None, False),  # the largest font face is registered after the first paint
        ("李𠀁", True),  # unless a name on the first screen needs it (U+20001 is in Ext B, not Ext A)
    ],
)
def test_the_list_paints_before_the_rest_loads_and_the_rest_follows(
    db: Database, db_path: Path, newest: str | None, ext_b_first: bool
) -> None:
    generate_demo(db, entrepreneurs=PEOPLE, seed=5)
    if newest:
        create_entrepreneur(db, default_actor(db), person={"name": newest, "id_number": ZHANG_SAN})
    db.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert report["at_first_paint"] == []
    assert set(report["ui_at_first_paint"]) <= set(FIRST_SCREEN)  # the files that may use Qt's integers
    assert report["qt_namespace_at_first_paint"] is False  # its 94 enums were not needed (ui/roles.py)
    assert report["rows"] == PEOPLE + (1 if newest else 0)
    assert report["ext_b_at_first_paint"] is ext_b_first
    assert report["ext_b_at_end"] is True
    assert report["first"]  # a name in the first row
    assert report["loaded"] is True  # every area, once the list had painted
    assert report["visits"] == "VisitsPage"  # and another area's page opens
    # Qt's own choice of style on this machine is the one ui/style.py expects without asking for it
    assert report["expected_fusion"] == (report["style"].lower() == "fusion")


@pytest.mark.parametrize(
    ("arguments", "request_"),
    [
        ([], ("gui", None)),
        (["gui"], ("gui", None)),
        (["--db", "a.sqlite"], ("gui", "a.sqlite")),
        (["gui", "--db=b.sqlite"], ("gui", "b.sqlite")),
        (["--db", "c.sqlite", "selftest"], ("selftest", "c.sqlite")),
        (["demo", "--db", "d.sqlite"], None),  # another command: the full parser
        (["--help"], None),
        (["gui", "--verbose"], None),  # a typo: the full parser says what is wrong
        (["--db"], None),
    ],
)
def test_the_gui_is_recognised_without_the_full_parser(
    arguments: list[str], request_: tuple[str, str | None] | None
) -> None:
    assert gui_request(arguments) == request_
