"""Visits on the command line: `print visit-sheet`, `export-excel visits`, and `workbench` (today's tasks).

`doorstep print visit-sheet --id ID --out F.pdf` prints one visit (a visit id) or every visit of a file
(an entrepreneur id or case number); `doorstep export-excel visits --out F.xlsx [--month YYYY-MM]`
writes the visits of a month with ID numbers and phones masked.
"""

from __future__ import annotations

import argparse
from datetime import date

from desktop.commands.common import open_as_station
from desktop.commands.registry import ExportRequest, ExportTable, PrintRequest, PrintTable
from desktop.services.visits.export import export_visits
from desktop.services.visits.mentors import actor_for_mentor, list_mentors
from desktop.services.visits.printing import print_visit_sheet
from desktop.services.visits.sources import ordered_figures
from desktop.services.workbench import Urgency, month_figures, tasks_for
from models.base import china_today
from models.errors import NotFound
from models.validators import parse_date

URGENCY_WORDS = {
    Urgency.OVERDUE: "逾期",
    Urgency.TODAY: "今天",
    Urgency.THIS_WEEK: "本周",
    Urgency.UPCOMING: "即将",
}


def _export(request: ExportRequest) -> int:
    return export_visits(request.db, request.actor, path=request.out, month=request.month)


def _print(request: PrintRequest) -> int:
    return print_visit_sheet(
        request.db, request.actor, record_id=request.record_id, out=request.out, redacted=request.redacted
    )


PRINTS: PrintTable = {}
EXPORTS: ExportTable = {}
EXPORTS["visits"] = ("走访记录（--month 指定月份，身份证号码和电话已遮盖）", _export)
PRINTS["visit-sheet"] = ("走访记录表：--id 为走访编号（一次走访）或档案编号/档案号（全部走访）", _print)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("workbench", parents=[common], help="列出工作台上今天要办的事")
    p.add_argument("--mentor", help="导师姓名：只看这位导师的工作台（默认全站）")
    p.add_argument("--date", help="按哪一天列出（默认今天），例如 2025-03-05")
    p.set_defaults(run=run_workbench)


def run_workbench(args: argparse.Namespace) -> int:
    today: date = parse_date(args.date, field="日期") if args.date else china_today()
    db, actor = open_as_station(args)
    try:
        station = actor
        if args.mentor:
            matches = [m for m in list_mentors(db, actor, text=args.mentor) if m.name == args.mentor]
            if not matches:
                raise NotFound(f"导师库中没有名为 {args.mentor} 的导师")
            actor = actor_for_mentor(db, station, mentor_id=matches[0].id)
        figures = ordered_figures(month_figures(db, station, today=today))
        tasks = tasks_for(db, actor, today=today)
    finally:
        db.close()
    print(f"{today:%Y年%m月}：" + "，".join(f"{f.label} {f.value}" for f in figures))
    print(f"今天要办的事（{len(tasks)} 项）：")
    for task in tasks:
        due = task.due.isoformat() if task.due else "          "
        who = f"{task.subject_name}：" if task.subject_name else ""
        print(f"  [{URGENCY_WORDS[task.urgency]}] {due} {task.kind_label} {who}{task.text}")
    return 0
