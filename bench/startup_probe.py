"""Run in a fresh process by bench_startup: time from process start until the window shows its list
(the application's populated entrepreneur list, or a bare window with an empty QTableView), until every
area's services are loaded as well, and the peak memory after both. Prints one JSON line."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QTableView(window))
    window.resize(app.primaryScreen().availableSize())
    window.show()
    app.processEvents()


def application(db_path: str, started: float) -> tuple[float, float, float]:
    """The application's own start-up path (ui/app.py): seconds until the populated list shows, seconds
    until every area's services are loaded too, and milliseconds per scroll step."""
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QApplication

    from ui.app import configure_application, open_context, show_main_window
    from ui.entrepreneurs.list_page import EntrepreneurListPage

    app = QApplication(sys.argv[:1])
    configure_application(app, areas=False)
    window = show_main_window(open_context(db_path), remember=False)  # sized to the 1366×768 screen
    page = window.show_page("entrepreneurs")
    assert isinstance(page, EntrepreneurListPage)
    app.processEvents()  # the first paint, as the bare window's
    while page.model.rowCount(QModelIndex()) == 0 or page.model.data(page.model.index(0, 1)) in (None, ""):
        app.processEvents()
    shown = time.time() - started
    while "desktop.services.areas" not in sys.modules:  # loaded by the event loop once the list shows
        app.processEvents()
    loaded = time.time() - started
    # scrolling through the list: the lazy model fetches pages as they come into view
    bar = page.table.verticalScrollBar()
    steps = 40
    scroll_started = time.perf_counter()
    for step in range(steps):
        bar.setValue(bar.maximum() * step // (steps - 1))
        page.table.viewport().repaint()
        app.processEvents()
    scroll_ms = (time.perf_counter() - scroll_started) * 1000 / steps
    # closed as the application closes it: the window first, then the event loop's leftovers
    window.close()
    window.deleteLater()
    app.processEvents()
    return shown, loaded, scroll_ms


def main() -> None:
    started = float(sys.argv[1])
    scroll_ms = 0.0
    if sys.argv[2] == "bare":
        bare()
        shown = loaded = time.time() - started
    else:
        shown, loaded, scroll_ms = application(sys.argv[3], started)
    figures = {"seconds": shown, "loaded": loaded, "peak_mb": peak_megabytes(), "scroll_ms": scroll_ms}
    print(json.dumps(figures))


def peak_megabytes() -> float:
    """This process's own peak resident memory. VmHWM starts afresh at exec; ru_maxrss does not (on
    Linux a child started from a big parent inherits the parent's figure)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
