"""`print FORM` and `export-excel KIND`, dispatching to the forms and exports the areas list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands.common import open_as_station
from desktop.commands.registry import ExportRequest, PrintRequest, excel_exports, print_forms
from models.validators import parse_date


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    PRINT_FORMS, EXCEL_EXPORTS = print_forms(), excel_exports()  # noqa: N806
    p = sub.add_parser("print", parents=[common], help="打印表单到 PDF 文件")
    p.add_argument("form", help="表单名称：" + "、".join(PRINT_FORMS) if PRINT_FORMS else "表单名称")
    p.add_argument("--id", required=True, dest="record_id", help="记录编号")
    p.add_argument("--out", required=True, type=Path, help="输出的 PDF 文件")
    p.add_argument("--redacted", action="store_true", help="遮盖身份证号码和电话（外送副本用）")
    p.add_argument(
        "--handler", default="", metavar="姓名", help="服务站意见栏的经办人（默认：设置中的经办人）"
    )
    p.set_defaults(run=run_print)

    p = sub.add_parser("export-excel", parents=[common], help="导出 Excel 名单或报表")
    p.add_argument("kind", help="导出内容：" + "、".join(EXCEL_EXPORTS) if EXCEL_EXPORTS else "导出内容")
    p.add_argument("--out", required=True, type=Path, help="输出的 xlsx 文件")
    p.add_argument("--month", help="月份，例如 2025-03")
    p.set_defaults(run=run_export)


def run_print(args: argparse.Namespace) -> int:
    PRINT_FORMS = print_forms()  # noqa: N806
    if args.form not in PRINT_FORMS:
        print(f"没有名为 {args.form} 的表单；可打印：{'、'.join(PRINT_FORMS) or '（暂无）'}", file=sys.stderr)
        return 2
    from desktop.settings import Preferences

    handler = args.handler or Preferences.load().handler_name
    db, actor = open_as_station(args)
    try:
        request = PrintRequest(db, actor, args.record_id, args.out, args.redacted, handler)
        pages = PRINT_FORMS[args.form][1](request)
    finally:
        db.close()
    print(f"已生成 {args.out}（{pages} 页）")
    return 0


def run_export(args: argparse.Namespace) -> int:
    EXCEL_EXPORTS = excel_exports()  # noqa: N806
    if args.kind not in EXCEL_EXPORTS:
        print(
            f"没有名为 {args.kind} 的导出；可导出：{'、'.join(EXCEL_EXPORTS) or '（暂无）'}", file=sys.stderr
        )
        return 2
    month = parse_date(args.month, field="月份", allow_month=True).replace(day=1) if args.month else None
    db, actor = open_as_station(args)
    try:
        rows = EXCEL_EXPORTS[args.kind][1](ExportRequest(db, actor, args.out, month))
    finally:
        db.close()
    print(f"已导出 {args.out}（{rows} 行）")
    return 0
