"""`eligibility`, `verify`, `policy`, `print-approved`, and the application forms of `print` / `export-excel`.

    doorstep eligibility --id ENTREPRENEUR_ID [--as-of 2025-11-05] [--json]
    doorstep verify FILE.pdf | DOORSTEP:1:application:…
    doorstep policy list | check FILE.json | install FILE.json
    doorstep print startup-subsidy|guaranteed-loan|training-subsidy|social-insurance-subsidy \
        --id ID --out F.pdf [--redacted]
    doorstep print-approved --month 2025-11 --out F.pdf [--redacted]
    doorstep export-excel applications --out F.xlsx [--month 2025-11]

Policy background: 5号文 (十)(十五)(十六)(十七)(十八), 推进行动 计划5/7/8.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from desktop.commands.common import open_as_station
from desktop.commands.registry import ExportRequest, ExportTable, PrintRequest, PrintTable
from desktop.services.applications import (
    export_applications,
    print_application,
    print_approved_month,
    verify_payload,
    verify_pdf,
)
from desktop.services.policy import (
    EligibilityReport,
    check_policy_text,
    eligibility,
    install_policy_file,
    list_policy_sets,
)
from models.applications import Application
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.errors import NotFound, ValidationError
from models.money import format_yuan
from models.policy import ConditionResult, Eligibility, ItemCode, Outcome
from models.validators import parse_date

FORMS: dict[str, tuple[str, frozenset[ItemCode]]] = {
    "startup-subsidy": ("一次性创业补贴申请表", frozenset({ItemCode.STARTUP_SUBSIDY})),
    "guaranteed-loan": (
        "创业担保贷款申请表（个人、合伙创业、小微企业）",
        frozenset({ItemCode.LOAN_INDIVIDUAL, ItemCode.LOAN_PARTNERSHIP, ItemCode.LOAN_SMALL_FIRM}),
    ),
    "training-subsidy": ("创业培训补贴申请表（附培训班花名册）", frozenset({ItemCode.TRAINING_SUBSIDY})),
    "social-insurance-subsidy": ("社会保险补贴申请表", frozenset({ItemCode.SOCIAL_INSURANCE_SUBSIDY})),
    "interest-subsidy": ("创业担保贷款贴息申请表", frozenset({ItemCode.LOAN_INTEREST_SUBSIDY})),
    "incubator-space": ("孵化场地免费入驻申请表", frozenset({ItemCode.INCUBATOR_SPACE})),
}


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "eligibility", parents=[common], help="查询一位创业者可享受的政策（符合/不符合/缺少资料）"
    )
    p.add_argument("--id", required=True, dest="entrepreneur_id", help="档案编号或档案号")
    p.add_argument("--as-of", dest="as_of", help="按哪一天判断，例如 2025-11-05（默认今天）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出，便于脚本处理")
    p.set_defaults(run=run_eligibility)

    p = sub.add_parser("verify", parents=[common], help="核对打印的申请表：读取表格识别码与系统记录比对")
    p.add_argument("source", help="PDF 文件，或扫描二维码得到的内容（DOORSTEP:1:…）")
    p.set_defaults(run=run_verify)

    p = sub.add_parser("policy", parents=[common], help="政策参数：查看、检查、安装")
    actions = p.add_subparsers(dest="policy_action", metavar="操作", required=True)
    listing = actions.add_parser("list", parents=[common], help="列出已有的政策参数")
    listing.set_defaults(run=run_policy_list)
    check = actions.add_parser("check", parents=[common], help="检查政策参数文件（不安装）")
    check.add_argument("file", type=Path)
    check.set_defaults(run=run_policy_check)
    install = actions.add_parser("install", parents=[common], help="检查并安装政策参数文件")
    install.add_argument("file", type=Path)
    install.set_defaults(run=run_policy_install)

    p = sub.add_parser("print-approved", parents=[common], help="把某月已批准的全部申请表打印到一个 PDF")
    p.add_argument("--month", required=True, help="月份，例如 2025-11")
    p.add_argument("--out", required=True, type=Path, help="输出的 PDF 文件")
    p.add_argument("--redacted", action="store_true", help="遮盖身份证号码和电话（外送副本用）")
    p.set_defaults(run=run_print_approved)


# ---------------------------------------------------------------------------------------------- eligibility
def _find_person(db: Database, key: str) -> str:
    with db.reading() as session:
        person = (
            session.get(Entrepreneur, key)
            or session.exec(select(Entrepreneur).where(Entrepreneur.case_number == key)).first()
        )
    if person is None:
        raise NotFound(f"找不到档案“{key}”（可使用档案编号或档案号）")
    return person.id


_MARKS = {Outcome.HELD: "✔", Outcome.FAILED: "✘", Outcome.MISSING: "？"}
_ANSWER_MARKS = {Eligibility.ELIGIBLE: "✔", Eligibility.NOT_ELIGIBLE: "✘", Eligibility.MISSING_DATA: "？"}


def _condition_lines(result: ConditionResult, depth: int) -> list[str]:
    indent = "    " * depth
    mark = "○" if result.moot and result.outcome is not Outcome.HELD else _MARKS[result.outcome]
    lines = [f"{indent}{mark} {result.shown_text}" + (f"（{result.source}）" if result.source else "")]
    for child in result.children:
        lines.extend(_condition_lines(child, depth + 1))
    return lines


def _condition_json(result: ConditionResult) -> dict[str, Any]:
    data: dict[str, Any] = {"outcome": result.outcome.value, "text": result.text, "source": result.source}
    if result.children:
        data["children"] = [_condition_json(child) for child in result.children]
    return data


def report_json(report: EligibilityReport) -> dict[str, Any]:
    return {
        "entrepreneur_id": report.entrepreneur_id,
        "name": report.name,
        "case_number": report.case_number,
        "as_of": report.as_of.isoformat(),
        "policy_set": {
            "id": report.policy_set.id,
            "version": report.policy_set.version,
            "name": report.policy_set.name,
            "period": report.policy_set.period,
            "example": report.policy_set.example,
        },
        "items": [
            {
                "code": answer.item.code.value,
                "name": answer.item.name,
                "source": answer.item.source,
                "eligibility": answer.eligibility.value,
                "eligibility_label": answer.eligibility.label,
                "ceiling_fen": answer.ceiling_fen,
                "venture_id": answer.venture_id,
                "counter_guarantee_waived": answer.counter_guarantee_waived,
                "open_application": report.open_applications[answer.item.code].number
                if answer.item.code in report.open_applications
                else None,
                "held": [r.text for r in answer.held],
                "failed": [r.text for r in answer.failed],
                "missing": [r.text for r in answer.missing],
                "conditions": [_condition_json(r) for r in answer.conditions],
            }
            for answer in report.answers
        ],
    }


def report_text(report: EligibilityReport) -> str:
    lines = [
        f"{report.name}（档案号 {report.case_number}）截至 {report.as_of.isoformat()} 的政策资格",
        f"政策参数：{report.policy_set.title}",
    ]
    if report.policy_set.example:
        lines.append(f"注意：{report.policy_set.notice}")
    for answer in report.answers:
        amount = (
            "免费"
            if answer.item.code is ItemCode.INCUBATOR_SPACE
            else f"上限 {format_yuan(answer.ceiling_fen)}"
        )
        lines.append("")
        lines.append(
            f"{_ANSWER_MARKS[answer.eligibility]} {answer.item.name}：{answer.eligibility.label}（{amount}；"
            f"依据 {answer.item.source}）"
        )
        if answer.item.code in report.open_applications:
            open_application = report.open_applications[answer.item.code]
            lines.append(f"    已有申请 {open_application.number}（{open_application.status.label}）")
        if answer.counter_guarantee_waived:
            lines.append("    可免除反担保")
        for result in answer.conditions:
            lines.extend(_condition_lines(result, 1))
    return "\n".join(lines)


def run_eligibility(args: argparse.Namespace) -> int:
    as_of = parse_date(args.as_of, field="判断日期") if args.as_of else None
    db, actor = open_as_station(args)
    try:
        report = eligibility(db, actor, entrepreneur_id=_find_person(db, args.entrepreneur_id), as_of=as_of)
    finally:
        db.close()
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print(report_text(report))
    return 0


# ------------------------------------------------------------------------------------------------- verify
def run_verify(args: argparse.Namespace) -> int:
    db, actor = open_as_station(args)
    try:
        source = Path(args.source)
        if source.suffix.lower() == ".pdf" or (source.exists() and source.is_file()):
            if not source.exists():
                raise ValidationError("PDF 文件", args.source, f"文件 {args.source} 不存在")
            results = verify_pdf(db, actor, path=source)
        else:
            results = [verify_payload(db, actor, payload=args.source.strip())]
    finally:
        db.close()
    for result in results:
        print(("✔ " if result.matches else "✘ ") + result.message)
    return 0 if all(r.matches for r in results) else 1


# ------------------------------------------------------------------------------------------------- policy
def run_policy_list(args: argparse.Namespace) -> int:
    db, actor = open_as_station(args)
    try:
        sets = list_policy_sets(db, actor)
    finally:
        db.close()
    for info in sets:
        origin = "内置" if info.builtin else info.origin or "已安装"
        print(f"{info.id} 第 {info.version} 版：{info.title}　地区 {info.region}　来源 {origin}")
        print(f"    项目：{'、'.join(info.items)}")
        if info.example:
            print(f"    {info.notice}")
    return 0


def run_policy_check(args: argparse.Namespace) -> int:
    info = check_policy_text(args.file.read_text(encoding="utf-8-sig"), origin=args.file.name)
    print(f"检查通过：{info.title}，{len(info.items)} 个项目")
    return 0


def run_policy_install(args: argparse.Namespace) -> int:
    db, actor = open_as_station(args)
    try:
        info = install_policy_file(db, actor, path=args.file)
    finally:
        db.close()
    print(f"已安装：{info.title}")
    return 0


# -------------------------------------------------------------------------------------------------- print
def resolve_application(db: Database, key: str, items: frozenset[ItemCode], form: str) -> str:
    """An application id from its id or number, or from a person's id / case number (their latest one
    of this form); refuses an application of another form."""
    with db.reading() as session:
        record = (
            session.get(Application, key)
            or session.exec(select(Application).where(Application.number == key)).first()
        )
        if record is None:
            person = (
                session.get(Entrepreneur, key)
                or session.exec(select(Entrepreneur).where(Entrepreneur.case_number == key)).first()
            )
            if person is not None:
                record = session.exec(
                    select(Application)
                    .where(
                        Application.entrepreneur_id == person.id,
                        col(Application.item_code).in_([i.value for i in items]),
                        col(Application.deleted).is_(False),
                    )
                    .order_by(col(Application.applied_on).desc(), col(Application.id).desc())
                ).first()
                if record is None:
                    raise NotFound(f"{person.name} 没有{FORMS[form][0]}对应的申请")
    if record is None:
        raise NotFound(f"找不到申请“{key}”（可使用申请编号、申请号或档案编号）")
    if ItemCode.from_label(record.item_code) not in items:
        right = next((name for name, (_, codes) in FORMS.items() if record.item_code in codes), "")
        raise ValidationError(
            "表单", form, f"申请 {record.number} 是{record.item_name}，请使用 doorstep print {right}"
        )
    return record.id


def _printer(form: str) -> Any:
    def run(request: PrintRequest) -> int:
        application_id = resolve_application(request.db, request.record_id, FORMS[form][1], form)
        return print_application(
            request.db,
            request.actor,
            application_id=application_id,
            handler=request.handler,
            out=request.out,
            redacted=request.redacted,
        )

    return run


def run_print_approved(args: argparse.Namespace) -> int:
    month = parse_date(args.month, field="月份", allow_month=True).replace(day=1)
    db, actor = open_as_station(args)
    try:
        forms, pages = print_approved_month(db, actor, month=month, out=args.out, redacted=args.redacted)
    finally:
        db.close()
    print(f"已生成 {args.out}（{forms} 份申请表，{pages} 页）")
    return 0


def _export(request: ExportRequest) -> int:
    return export_applications(request.db, request.actor, out=request.out, month=request.month)


PRINTS: PrintTable = {}
EXPORTS: ExportTable = {}
for _name, (_label, _codes) in FORMS.items():
    PRINTS[_name] = (_label, _printer(_name))
EXPORTS["applications"] = ("补贴和贷款申请台账", _export)
