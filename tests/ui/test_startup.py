"""Start-up in stages (ui/app.py): the window paints its populated list before SQLAlchemy, the mapped
tables and the other areas are loaded, then loads them. Run in a fresh interpreter, as a user starts it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.demo import generate_demo
from models.database import Database

PEOPLE = 30

CHILD = """
import json, sys
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication
from ui.app import configure_application, open_context, show_main_window

app = QApplication(sys.argv[:1])
configure_application(app, areas=False)
window = show_main_window(open_context(sys.argv[1]), remember=False)
page = window.show_page("entrepreneurs")
model = page.model
while model.rowCount(QModelIndex()) == 0 or not model.data(model.index(0, 1)):
    app.processEvents()
heavy = ("sqlalchemy", "sqlmodel", "alembic", "reportlab", "openpyxl", "pypinyin", "desktop.services.areas")
at_first_paint = sorted(name for name in heavy if name in sys.modules)
rows, first = model.rowCount(QModelIndex()), model.data(model.index(0, 1))
for _ in range(200):
    app.processEvents()
    if "desktop.services.areas" in sys.modules:
        break
loaded = "desktop.services.areas" in sys.modules
visits = type(window.show_page("visits")).__name__
print(json.dumps({"at_first_paint": at_first_paint, "rows": rows, "first": first, "loaded": loaded,
                  "visits": visits}))
window.close()
window.deleteLater()
app.processEvents()
"""


def test_the_list_paints_before_the_rest_loads_and_the_rest_follows(db: Database, db_path: Path) -> None:
    generate_demo(db, entrepreneurs=PEOPLE, seed=5)
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
    assert report["at_first_paint"] == []
    assert report["rows"] == PEOPLE
    assert report["first"]  # a name in the first row
    assert report["loaded"] is True  # every area, once the list had painted
    assert report["visits"] == "VisitsPage"  # and another area's page opens
