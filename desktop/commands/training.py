"""Training on the command line (5号文 (二), 推进行动 计划4).

- ``doorstep print sign-in-sheet --id SESSION_OR_CLASS --out F.pdf``: a session's 签到表, or every
  session's of a class; ``print certificate --id CLASS_OR_ENROLMENT``: 结业证书 of every completed trainee
  of a class (or of one enrolment / certificate number); ``print training-roster --id CLASS``: the
  培训补贴花名册. A class may be named by its 期次编号 (``SYB202501``).
- ``doorstep export-excel attendance --out F.xlsx [--month YYYY-MM]``: every recorded attendance mark
  (of the month's sessions), ID numbers masked.
- ``doorstep import-attendance FILE --class CLASS [--dry-run]``: a filled-in sign-in workbook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands.common import open_as_station
from desktop.commands.registry import ExportRequest, ExportTable, PrintRequest, PrintTable
from desktop.services.training import (
    export_attendance,
    import_attendance,
    print_certificates,
    print_sign_in_sheets,
    print_training_roster,
    resolve_record,
)
from models.errors import NotAllowed


def _sign_in(request: PrintRequest) -> int:
    kind, record_id = resolve_record(request.db, request.actor, record_id=request.record_id)
    if kind == "enrolment":
        raise NotAllowed("签到表按课次或培训班打印：--id 应为课次编号、培训班编号或期次编号")
    return print_sign_in_sheets(request.db, request.actor, record_id=record_id, out=request.out)


def _certificate(request: PrintRequest) -> int:
    kind, record_id = resolve_record(request.db, request.actor, record_id=request.record_id)
    if kind == "class":
        return print_certificates(
            request.db, request.actor, out=request.out, class_id=record_id, redacted=request.redacted
        )
    if kind == "enrolment":
        return print_certificates(
            request.db, request.actor, out=request.out, enrolment_ids=[record_id], redacted=request.redacted
        )
    raise NotAllowed("结业证书按培训班或报名记录打印：--id 应为培训班编号、期次编号、报名编号或证书编号")


def _roster(request: PrintRequest) -> int:
    kind, record_id = resolve_record(request.db, request.actor, record_id=request.record_id)
    if kind != "class":
        raise NotAllowed("花名册按培训班打印：--id 应为培训班编号或期次编号")
    return print_training_roster(
        request.db, request.actor, class_id=record_id, out=request.out, redacted=request.redacted
    )


def _attendance(request: ExportRequest) -> int:
    return export_attendance(request.db, request.actor, out=request.out, month=request.month)


PRINTS: PrintTable = {}
EXPORTS: ExportTable = {}
PRINTS["sign-in-sheet"] = (
    "培训签到表：--id 为课次编号（一个课次）或培训班编号/期次编号（全部课次）",
    _sign_in,
)
PRINTS["certificate"] = (
    "结业证书：--id 为培训班编号/期次编号（全班结业学员）或报名编号/证书编号",
    _certificate,
)
PRINTS["training-roster"] = ("培训补贴花名册：--id 为培训班编号或期次编号", _roster)
EXPORTS["attendance"] = ("培训考勤明细（--month 指定月份，身份证号码已遮盖）", _attendance)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("import-attendance", parents=[common], help="导入签到表（xlsx）中的考勤")
    p.add_argument("file", type=Path, help="签到表 xlsx：姓名、身份证号码和每个上课日期一列")
    p.add_argument("--class", required=True, dest="class_id", help="培训班编号或期次编号，如 SYB202501")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    db, actor = open_as_station(args)
    try:
        kind, class_id = resolve_record(db, actor, record_id=args.class_id)
        if kind != "class":
            raise NotAllowed("--class 应为培训班编号或期次编号")
        result = import_attendance(db, actor, class_id=class_id, path=args.file, dry_run=args.dry_run)
    finally:
        db.close()
    print(result.summary)
    for title, problems in (("未匹配到本班学员", result.unmatched), ("有错误未导入", result.malformed)):
        for problem in problems:
            who = " ".join(part for part in (problem.name, problem.id_number_masked) if part)
            print(f"  {title}：第 {problem.row} 行 {who}：{problem.reason}", file=sys.stderr)
    return 0
