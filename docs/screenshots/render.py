"""Render the screenshots in this folder from a demo station (offscreen).

    .venv/bin/doorstep demo --db /tmp/shot.sqlite --entrepreneurs 2000 --seed 1
    QT_QPA_PLATFORM=offscreen DOORSTEP_HOME=/tmp/shot-home PYTHONPATH=. \
        .venv/bin/python docs/screenshots/render.py /tmp/shot.sqlite

DOORSTEP_HOME keeps the saved window state of your own use out of the pictures. With ``--scale 1.25``
it renders the list as a 1366×768 screen at 125 % scaling shows it (1093×558 after taskbar and title).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

HERE = Path(__file__).resolve().parent


def _save(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    widget.grab().save(str(HERE / name))
    print(HERE / name)


def _policy_shots(context: object, window: QWidget) -> None:
    """政策与补贴: the page, and a guaranteed loan's form with its borrower box (issue 12)."""
    from desktop.context import AppContext
    from desktop.services.applications import ApplicationQuery, search_application_ids
    from models.applications import ApplicationStatus
    from models.policy import ItemCode
    from ui.policy.application_form import ApplicationDialog

    assert isinstance(context, AppContext)
    window.show_page("policy")  # type: ignore[attr-defined]
    _save(window, "policy-page.png")
    query = ApplicationQuery(status=ApplicationStatus.DRAFT, item_code=ItemCode.LOAN_INDIVIDUAL)
    ids = context.services(search_application_ids, query=query)
    if ids:
        dialog = ApplicationDialog.existing(context, ids[0], parent=window)
        dialog.resize(1100, 760)
        dialog.show()
        _save(dialog, "policy-application-loan.png")
        dialog.close()


def main(db_path: str, scale: float = 1.0) -> None:
    from desktop.context import AppContext
    from desktop.services.entrepreneur_list import ListQuery, search_ids
    from desktop.services.station import default_actor, station_info
    from desktop.settings import Preferences
    from models.database import open_database
    from ui.app import configure_application
    from ui.entrepreneurs.file_dialog import open_file
    from ui.main_window import MainWindow
    from ui.wizard import FirstRunWizard

    app = QApplication(sys.argv[:1])
    configure_application(app)  # the real start-up stage: fonts, style, every area's pages and tabs

    db = open_database(db_path)
    station = station_info(db)
    assert station is not None, "run `doorstep demo` first"
    context = AppContext(db=db, actor=default_actor(db), station=station, preferences=Preferences())
    window = MainWindow(context, remember=False)
    if scale != 1.0:
        window.resize(1093, 558)
        window.show()
        window.show_page("entrepreneurs")
        _save(window, "entrepreneurs-1366-125.png")
        return
    for width, height in ((1366, 768), (1920, 1080)):
        window.resize(width, height)
        window.show()
        window.show_page("entrepreneurs")
        _save(window, f"entrepreneurs-{width}.png")
    window.resize(1366, 768)
    QApplication.processEvents()
    ids = search_ids(db, context.actor, ListQuery(text="曾"))
    dialog = open_file(context, window, ids[0] if ids else None)
    assert dialog is not None
    dialog.resize(1060, 700)
    _save(dialog, "file-1366.png")
    dialog.tabs.setCurrentIndex(1)
    _save(dialog, "file-ventures-1366.png")
    if dialog.history is not None:  # the change history, in the domain's words
        dialog.tabs.setCurrentWidget(dialog.history)
        _save(dialog, "file-history-1366.png")
    dialog.close()
    window.show_page("settings")
    _save(window, "settings-1366.png")
    _policy_shots(context, window)
    with tempfile.TemporaryDirectory() as scratch:
        empty = open_database(Path(scratch) / "empty.sqlite")
        wizard = FirstRunWizard(empty, Path(scratch) / "demo.sqlite")
        wizard.show()
        _save(wizard, "wizard.png")
        wizard.pages.setCurrentIndex(1)
        wizard.code_edit.setText("330106001")
        wizard.name_edit.setText("文新街道家门口就业服务站")
        _save(wizard, "wizard-station.png")
        wizard.close()
        empty.close()
    window.close()
    db.close()


if __name__ == "__main__":
    import argparse
    import os

    parser = argparse.ArgumentParser(description="render the screenshots in docs/screenshots")
    parser.add_argument("db", nargs="?", default="/tmp/shot.sqlite")
    parser.add_argument("--scale", action="store_true", help="as a 1366×768 screen at 125 %% scaling")
    args = parser.parse_args()
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = "1.25"  # before the QApplication exists
    main(args.db, 1.25 if args.scale else 1.0)
