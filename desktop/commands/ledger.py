"""`import-excel`, `import-template`, `freeze-month`, and the `entrepreneurs` / `monthly` Excel exports.

``doorstep import-excel FILE`` prints the same preview the wizard shows (people to create, update, leave
unchanged; rows refused and why). Exit status 0 when the import ran (refused rows are listed, and written
with their reasons to ``--errors``), 1 when the file itself is refused or the import needs an answer
(nothing changed), 2 for usage.

Where the wizard would ask, the command names what it needs and takes it as an option (or from a mapping
file of such lines, ``--mapping``): ``--column 表头=字段`` for a required column the header did not name,
``--value 列=原值:类别`` for a category word neither the synonym table nor the key-word rule recognises
(类别 may be 其他, 不填 or 不导入). The answers are remembered with the column mapping, as the wizard's are.
``doorstep import-history`` lists the imports; ``doorstep undo-import N`` undoes one as a whole.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from desktop.commands.common import open_as_station
from desktop.commands.registry import ExportRequest, ExportTable
from desktop.services.exports import export_entrepreneurs
from desktop.services.ledger.history import import_history, undo_import
from desktop.services.ledger.importing import ImportRun, import_ledger
from desktop.services.monthly.report import export_monthly, freeze_month
from models.base import china_today, to_china
from models.errors import ValidationError
from models.ledger.columns import FIELDS_BY_KEY, MissingColumns, guess_mapping, is_derived_header
from models.ledger.months import month_start, parse_month
from models.ledger.options import ColumnOption, ValueOption, parse_mapping_file, parse_option_line
from models.ledger.plan import ImportOptions, RowKind
from models.ledger.words import UnknownValues, answer_choices
from reports.ledger.reading import open_ledger
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
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="表头=字段",
        help="指定某列对应的字段，如 --column 户主=姓名（可写列字母，如 A=姓名；字段写“不导入”则不导入该列）",
    )
    p.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="列=原值:类别",
        help="一种类别写法的含义，如 --value 人员类别=退役士兵:退役军人（类别也可写 其他、不填、不导入）",
    )
    p.add_argument(
        "--mapping", type=Path, help="对应关系文件：每行一条 表头=字段 或 列=原值:类别，# 开头为注释"
    )
    p.set_defaults(run=run_import)

    p = sub.add_parser("import-history", parents=[common], help="列出导入台账的记录（可整批撤销）")
    p.set_defaults(run=run_history)

    p = sub.add_parser(
        "undo-import", parents=[common], help="整批撤销一次台账导入（import-history 中的序号）"
    )
    p.add_argument("number", type=int, help="import-history 列出的序号（1 为最近一次）")
    p.add_argument("--yes", action="store_true", help="不再确认，直接撤销")
    p.set_defaults(run=run_undo)

    p = sub.add_parser("import-template", parents=[common], help="生成台账导入模板（表头、示例行、填写说明）")
    p.add_argument("--out", required=True, type=Path, help="输出的 xlsx 文件")
    p.set_defaults(run=run_template)

    p = sub.add_parser("freeze-month", parents=[common], help="冻结（报送）某月的月报数字")
    p.add_argument("--month", required=True, help="月份，例如 2025-03")
    p.add_argument("--note", default="", help="备注，例如报送对象")
    p.set_defaults(run=run_freeze)


def _told(args: argparse.Namespace) -> list[ColumnOption | ValueOption]:
    told: list[ColumnOption | ValueOption] = []
    if args.mapping is not None:
        try:
            text = args.mapping.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise ValidationError(
                "对应关系文件", str(args.mapping), f"无法读取对应关系文件 {args.mapping}：{error}"
            ) from error
        told += parse_mapping_file(text)
    for text in args.column:
        column = parse_option_line(text)
        if not isinstance(column, ColumnOption):
            raise ValidationError("导入选项", text, f"--column {text}：应写成 表头=字段（如 户主=姓名）")
        told.append(column)
    for text in args.value:
        value = parse_option_line(text)
        if not isinstance(value, ValueOption):
            raise ValidationError(
                "导入选项", text, f"--value {text}：应写成 列=原值:类别（如 人员类别=退役士兵:退役军人）"
            )
        told.append(value)
    return told


def run_import(args: argparse.Namespace) -> int:
    told = _told(args)
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
            told=told,
        )
    except MissingColumns as error:
        table = open_ledger(args.file, sheet=args.sheet, header_row=args.header_row)
        headers = "、".join(c.label for c in table.columns if c.title) or "（没有列名）"
        guessed = guess_mapping(table.titles)
        example = next(
            (
                c.title
                for c in table.columns
                if c.title and c.index not in guessed and not is_derived_header(c.title)
            ),
            "A",
        )
        print(f"没有找到“{'”“'.join(error.missing)}”对应的列，没有导入任何内容。", file=sys.stderr)
        print(f"表头：{headers}", file=sys.stderr)
        print(
            f"请用 --column 表头=字段 指定哪一列是{'、'.join(error.missing)}，"
            f"如 --column {example}={error.missing[0]}",
            file=sys.stderr,
        )
        return 1
    except UnknownValues as error:
        print(f"{error}。没有导入任何内容。", file=sys.stderr)
        for value in error.values:
            choices = "、".join(label for _answer, label in answer_choices(value.field_key))
            print(
                f"  --value {value.field_label.split('（')[0]}={value.text}:类别    "
                f"（{len(value.rows)} 行；类别可选：{choices}）",
                file=sys.stderr,
            )
        print("请用上面的 --value 指定每种写法的含义（或写入 --mapping 文件）后再导入", file=sys.stderr)
        return 1
    finally:
        db.close()
    _print_run(run)
    return 0


def run_history(args: argparse.Namespace) -> int:
    db, actor = open_as_station(args)
    try:
        records = import_history(db, actor)
    finally:
        db.close()
    if not records:
        print("还没有导入过台账")
    for number, record in enumerate(records, start=1):
        state = "（已撤销）" if record.undone else ""
        print(
            f"{number}. {to_china(record.at):%Y-%m-%d %H:%M}  {record.label}{state}  "
            f"新增 {record.created} 人，更新 {record.updated} 人  {record.user_name}"
        )
    return 0


def run_undo(args: argparse.Namespace) -> int:
    db, actor = open_as_station(args)
    try:
        records = import_history(db, actor)
        if not 1 <= args.number <= len(records):
            print(
                f"没有序号为 {args.number} 的导入记录（共 {len(records)} 条，见 import-history）",
                file=sys.stderr,
            )
            return 1
        record = records[args.number - 1]
        question = f"撤销“{record.label}”：将删除 {record.created} 人的档案（可在回收站恢复）"
        question += f"，{record.updated} 人的档案恢复到导入前" if record.updated else ""
        if not args.yes:
            answer = input(question + "。确定撤销吗？[y/N] ").strip().lower()
            if answer not in ("y", "yes", "是"):
                print("未撤销")
                return 0
        undone = undo_import(db, actor, operation_id=record.operation_id)
    finally:
        db.close()
    print(
        f"已撤销“{undone.label}”：{undone.removed} 人的档案已移到回收站，"
        f"{undone.restored} 人的档案已恢复到导入前"
    )
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
