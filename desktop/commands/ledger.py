"""`import-excel`, `import-template`, `freeze-month`, and the `entrepreneurs` / `monthly` Excel exports.

``doorstep import-excel FILE`` prints the same preview the wizard shows (people to create, update, leave
unchanged; rows refused and why). Exit status 0 when the import ran (refused rows are listed, and written
with their reasons to ``--errors``), 1 when the file itself is refused (nothing changed), 2 for usage.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from desktop.commands.common import open_as_station
from desktop.commands.registry import ExportRequest, ExportTable
from desktop.services.exports import export_entrepreneurs
from desktop.services.ledger.importing import ImportRun, import_ledger
from desktop.services.monthly.report import export_monthly, freeze_month
from models.base import china_today
from models.ledger.columns import FIELDS_BY_KEY
from models.ledger.months import month_start, parse_month
from models.ledger.plan import ImportOptions, RowKind
from reports.ledger.template import write_import_template
from reports.monthly_report import format_value, month_label

SHOWN_PROBLEMS = 30


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("import-excel", parents=[common], help="导入 Excel 台账（创业者及其创业项目）")
    p.add_argument("file", type=Path, help="台账文件（.xlsx）")
    p.add_argument("--sheet", help="工作表名称（默认：第一张有表头的工作表）")
    p.add_argument("--header-row", type=int, help="表头所在的行号（默认自动查找）")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入数据库")
    p.add_argument("--errors", type=Path, help="把未导入的行及原因写到这个 xlsx 文件")
    p.add_argument(
        "--allow-same-name-birth",
        action="store_true",
        help="与已有档案同名同出生日期（身份证号码不同）的人也导入",
    )
    p.set_defaults(run=run_import)

    p = sub.add_parser("import-template", parents=[common], help="生成台账导入模板（表头、示例行、填写说明）")
    p.add_argument("--out", required=True, type=Path, help="输出的 xlsx 文件")
    p.set_defaults(run=run_template)

    p = sub.add_parser("freeze-month", parents=[common], help="冻结（报送）某月的月报数字")
    p.add_argument("--month", required=True, help="月份，例如 2025-03")
    p.add_argument("--note", default="", help="备注，例如报送对象")
    p.set_defaults(run=run_freeze)


def run_import(args: argparse.Namespace) -> int:
    db, actor = open_as_station(args)
    try:
        run = import_ledger(
            db,
            actor,
            path=args.file,
            sheet=args.sheet,
            header_row=args.header_row,
            dry_run=args.dry_run,
            errors_out=args.errors,
            options=ImportOptions(allow_possible_duplicates=args.allow_same_name_birth),
        )
    finally:
        db.close()
    _print_run(run)
    return 0


def _print_run(run: ImportRun) -> None:
    table, plan = run.table, run.plan
    print(
        f"文件：{table.path.name}  工作表：{table.sheet}  "
        f"表头：第 {table.header_first}–{table.header_last} 行"
    )
    mapped = [
        f"{table.column_label(i)} → {FIELDS_BY_KEY[k].label}" for i, k in sorted(run.mapping.items()) if k
    ]
    print("列对应：" + "；".join(mapped))
    for note in plan.notes:
        print(f"注意：{note}")
    print(plan.summary(done=run.written))
    refused = [row for row in plan.rows if row.kind is RowKind.REFUSED]
    for row in refused[:SHOWN_PROBLEMS]:
        for problem in row.problems:
            where = f"{problem.column} " if problem.column else ""
            print(f"  第 {row.row} 行 {row.name}：{where}{problem.reason}")
    if len(refused) > SHOWN_PROBLEMS:
        print(f"  ……另有 {len(refused) - SHOWN_PROBLEMS} 行未导入")
    if run.errors_workbook is not None:
        print(f"未导入的行及原因已写入 {run.errors_workbook}：改正后可直接导入该文件")
    elif refused:
        print("用 --errors 未导入.xlsx 可把未导入的行及原因写成表格，改正后再导入")
    if not run.written:
        print("这是预览（--dry-run），数据库没有任何改动")


def run_template(args: argparse.Namespace) -> int:
    write_import_template(args.out)
    print(f"已生成导入模板 {args.out}")
    return 0


def run_freeze(args: argparse.Namespace) -> int:
    month = parse_month(args.month)
    db, actor = open_as_station(args)
    try:
        report = freeze_month(db, actor, month=month, note=args.note)
    finally:
        db.close()
    print(f"已冻结 {month_label(report.month)} 月报（{len(report.rows)} 项指标）：")
    for row in report.rows:
        print(f"  {row.label}：{format_value(row.total, row.kind)} {row.unit}")
    return 0


def _export_entrepreneurs(request: ExportRequest) -> int:
    return export_entrepreneurs(request.db, request.actor, out=request.out).rows


def _export_monthly(request: ExportRequest) -> int:
    month = request.month or _last_month()
    return export_monthly(request.db, request.actor, month=month, out=request.out)


def _last_month() -> date:
    first = month_start(china_today())
    return month_start(date.fromordinal(first.toordinal() - 1))


EXPORTS: ExportTable = {}
EXPORTS["entrepreneurs"] = ("创业者名单（身份证号、电话已遮盖）", _export_entrepreneurs)
EXPORTS["monthly"] = ("月报（--month 指定月份，默认上月）", _export_monthly)
