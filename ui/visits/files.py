"""Printing the 走访记录表 and exporting visits, off the GUI thread, the one way every page does it:
the print preview inside the application (ui/widgets/printing.py), the save dialog in 文档 or the last
folder used and then 打开文件 / 打开所在文件夹 (ui/widgets/saving.py). Exports are named for the
station, content and day."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext
from desktop.jobs import JobState
from desktop.services.visits.export import export_visits
from desktop.services.visits.printing import print_visit_sheet
from models.base import china_today
from reports.xlsx import export_filename
from ui.operations import run_in_background
from ui.widgets.printing import make_and_preview
from ui.widgets.saving import ask_save_path, offer_open


def print_sheet(parent: QWidget, context: AppContext, record_id: str, *, title: str) -> None:
    """Print one visit (a visit id) or all visits of a file (an entrepreneur id): made off the GUI
    thread, shown in the print preview, printed or saved from there."""
    services = context.services
    make_and_preview(
        parent,
        context.preferences,
        parent.tr("走访记录表"),
        lambda _job, target: services(print_visit_sheet, record_id=record_id, out=target),
        suggested_name=f"走访记录表_{title}_{china_today():%Y%m%d}.pdf",
    )


def export_month(parent: QWidget, context: AppContext, month: date | None) -> None:
    """导出: the visits of a month (or all) to xlsx, ID numbers and phones masked."""
    what = f"走访记录{month:%Y%m}" if month else "走访记录"
    out = ask_save_path(
        parent,
        context.preferences,
        title=parent.tr("导出走访记录"),
        name=export_filename(context.station.code, what, china_today()),
        file_filter=parent.tr("Excel 工作簿 (*.xlsx)"),
    )
    if out is None:
        return
    services = context.services

    def work(job: JobState) -> int:
        return services(export_visits, path=out, month=month, job=job)

    def done(rows: int) -> None:
        offer_open(
            parent,
            out,
            title=parent.tr("导出完成"),
            text=parent.tr("已导出 {rows:,} 次走访到 {name}（身份证号码和电话已遮盖）。").format(
                rows=rows, name=out.name
            ),
        )

    run_in_background(parent, parent.tr("正在导出走访记录"), work, done)
