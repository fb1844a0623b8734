"""走访记录表: the printed record of a mentor's visit, one visit per form (a file's visits as one job).

Mentors visit, classify and follow up (推进行动 计划3); key projects get "跟踪陪跑" (5号文 (十)). The sheet
is what the mentor and the entrepreneur sign and the station files: who was visited, when, how, the
problems found, the advice given, the agreed follow-ups with their deadlines and what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from reports.pdf import Cell, Column, FormBatch, SealBox, SignLine, Target, format_date_cn

MODES = ("上门走访", "电话", "线上", "集中服务", "预约")


@dataclass(frozen=True)
class SheetAction:
    text: str
    due_date: date
    done_on: date | None


@dataclass(frozen=True)
class SheetVisit:
    """One visit as printed (personal data already masked by the caller for a redacted copy)."""

    id: str
    station_name: str
    entrepreneur_name: str
    case_number: str
    sex: str
    age: int
    id_number: str
    phone: str
    key_groups: str
    address: str
    venture: str
    stage: str
    mentor_name: str
    mentor_organisation: str
    visit_date: date
    mode: str
    duration_minutes: int
    topics: str
    problems: str
    advice: str
    actions: tuple[SheetAction, ...]
    changes: tuple[str, ...]
    next_visit_date: date | None
    tracking: str  # "重点孵化项目：每 30 天走访，陪跑期至 2026年3月1日" or ""


def _fields(visit: SheetVisit) -> dict[str, str]:
    """What the integrity code covers: the values as printed."""
    return {
        "姓名": visit.entrepreneur_name,
        "档案号": visit.case_number,
        "走访日期": format_date_cn(visit.visit_date),
        "走访方式": visit.mode,
        "导师": visit.mentor_name,
        "发现的问题": visit.problems,
        "指导建议": visit.advice,
        "跟进事项": "；".join(f"{a.text} {a.due_date.isoformat()}" for a in visit.actions),
        "情况变化": "；".join(visit.changes),
        "下次走访": visit.next_visit_date.isoformat() if visit.next_visit_date else "",
    }


def _mode_boxes(mode: str) -> str:
    return "　".join(f"{'☑' if m == mode else '☐'}{m}" for m in MODES)


def write_visit_sheets(
    target: Target, visits: Sequence[SheetVisit], *, redacted: bool = False, invariant: bool = False
) -> int:
    """Write one 走访记录表 per visit into one PDF; returns the number of pages."""
    title = "走访记录表"
    with FormBatch(target, title=title, invariant=invariant) as batch:
        for visit in visits:
            form = batch.form(
                title=title,
                kind="visit_record",
                record_id=visit.id,
                fields=_fields(visit),
                record_ref=f"{visit.case_number} / {visit.visit_date.isoformat()}",
                subtitle="（创业导师走访与跟踪陪跑）",
                redacted=redacted,
            )
            form.meta_line(f"服务站：{visit.station_name}", f"走访日期：{format_date_cn(visit.visit_date)}")
            form.heading("一、走访对象")
            form.grid(
                [
                    [
                        Cell("姓名", visit.entrepreneur_name),
                        Cell("性别", visit.sex),
                        Cell("年龄", f"{visit.age} 岁"),
                    ],
                    [Cell("身份证号码", visit.id_number, span=2), Cell("联系电话", visit.phone)],
                    [Cell("档案号", visit.case_number, span=2), Cell("重点群体", visit.key_groups)],
                    [Cell("创业项目", visit.venture, span=2), Cell("创业阶段", visit.stage)],
                    [Cell("地址", visit.address, span=3)],
                ]
            )
            form.heading("二、走访情况")
            rows = [
                [
                    Cell("走访方式", _mode_boxes(visit.mode), span=2),
                    Cell("时长", f"{visit.duration_minutes} 分钟" if visit.duration_minutes else ""),
                ],
                [Cell("创业导师", visit.mentor_name), Cell("工作单位", visit.mentor_organisation, span=2)],
                [Cell("走访内容", visit.topics, span=3)],
                [Cell("发现的问题", visit.problems, span=3, lines=4)],
                [Cell("指导建议", visit.advice, span=3, lines=4)],
                [Cell("情况变化", "；".join(visit.changes) or "无", span=3)],
                [
                    Cell(
                        "下次走访", format_date_cn(visit.next_visit_date) if visit.next_visit_date else "待定"
                    ),
                    Cell("跟踪陪跑", visit.tracking or "否", span=2),
                ],
            ]
            form.grid(rows)
            form.heading("三、约定的跟进事项")
            form.table(
                [
                    Column("序号", 0.6),
                    Column("跟进事项", 5, "left"),
                    Column("完成期限", 1.6),
                    Column("完成情况", 1.6),
                ],
                [
                    [
                        str(n),
                        a.text,
                        a.due_date.isoformat(),
                        f"已完成 {a.done_on.isoformat()}" if a.done_on else "",
                    ]
                    for n, a in enumerate(visit.actions, start=1)
                ]
                or [["", "（无）", "", ""]],
            )
            form.spacer()
            form.signatures(
                [SignLine("创业导师签字", with_date=False), SignLine("被走访人签字", with_date=False)],
                per_row=2,
            )
            form.seal_boxes([SealBox("服务站意见", signer="经办人")], height=30 * mm)
            form.note("注：本表一式两份，服务站和创业导师各留存一份。依据：5号文 (五)(十)，推进行动 计划3。")
    return batch.page_count
