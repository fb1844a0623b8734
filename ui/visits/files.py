"""Printing the 走访记录表 and exporting visits: off the GUI thread, then the file is shown.

Printing writes the PDF and opens it in the system's viewer — the print preview — from where the
system print dialog prints it (UI.md "Paper"). Exports are named for the station, content and day.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services.visits.export import export_visits
from desktop.services.visits.printing import print_visit_sheet
from models.base import china_today
from reports.xlsx import export_filename
from ui.operations import run_in_background
from ui.widgets import dialogs


def _show(path: Path) -> None:
    if QGuiApplication.platformName() != "offscreen":  # tests and the self-test have no viewer
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_sheet(parent: QWidget, context: AppContext, record_id: str, *, title: str) -> None:
    """Print one visit (a visit id) or all visits of a file (an entrepreneur id) and show the PDF."""
    folder = Path(tempfile.gettempdir()) / "doorstep-print"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"走访记录表_{title}_{china_today():%Y%m%d}.pdf"
    services = context.services

    def work(job: JobState) -> int:
        job.report(0, 1, parent.tr("正在生成走访记录表"))
        return services(print_visit_sheet, record_id=record_id, out=out)

    def done(pages: int) -> None:
        message = getattr(parent.window(), "show_message", None)
        if callable(message):
            message(parent.tr("已生成走访记录表 {name}（{pages} 页）").format(name=out.name, pages=pages))
        _show(out)

    run_in_background(parent, parent.tr("打印走访记录表"), work, done)


def export_month(parent: QWidget, context: AppContext, month: date | None) -> None:
    """导出: the visits of a month (or all) to xlsx, ID numbers and phones masked."""
    what = f"走访记录{month:%Y%m}" if month else "走访记录"
    suggested = Path.home() / export_filename(context.station.code, what, china_today())
    name, _filter = QFileDialog.getSaveFileName(
        parent, parent.tr("导出走访记录"), str(suggested), parent.tr("Excel 工作簿 (*.xlsx)")
    )
    if not name:
        return
    out = Path(name if name.lower().endswith(".xlsx") else name + ".xlsx")
    services = context.services

    def work(job: JobState) -> int:
        return services(export_visits, path=out, month=month, job=job)

    def done(rows: int) -> None:
        if dialogs.ask(
            parent,
            parent.tr("导出完成"),
            parent.tr("已导出 {rows:,} 次走访到 {name}（身份证号码和电话已遮盖）。").format(
                rows=rows, name=out.name
            ),
            parent.tr("打开所在文件夹"),
            parent.tr("关闭"),
        ):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(out.parent)))

    run_in_background(parent, parent.tr("正在导出走访记录"), work, done)
