"""The applications ledger (台账) as xlsx."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from desktop.services.applications.queries import application_ids_in
from desktop.services.applications.records import KIND
from desktop.services.applications.views import ApplicationQuery
from desktop.services.gate import service
from models.applications import Application, ApplicationStatus, Loan
from models.audit import Actor, Operation
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.masking import mask_id_number, mask_phone
from models.permissions import Permission
from models.station import get_station
from reports.xlsx import Column as XlsxColumn
from reports.xlsx import write_table

EXPORT_COLUMNS = [
    XlsxColumn("申请编号", 22),
    XlsxColumn("姓名", 10),
    XlsxColumn("身份证号码", 21),
    XlsxColumn("联系电话", 14),
    XlsxColumn("政策项目", 22),
    XlsxColumn("创业主体", 22),
    XlsxColumn("申请金额（元）", 14, "money"),
    XlsxColumn("状态", 8),
    XlsxColumn("申请日期", 12, "date"),
    XlsxColumn("提交日期", 12, "date"),
    XlsxColumn("批准日期", 12, "date"),
    XlsxColumn("发放日期", 12, "date"),
    XlsxColumn("最近办理人", 12),
    XlsxColumn("政策依据", 22),
    XlsxColumn("经办银行", 18),
    XlsxColumn("贷款期限（月）", 10, "int"),
    XlsxColumn("到期日期", 12, "date"),
    XlsxColumn("材料", 10),
]


@service(Permission.EXPORT_DATA)
def export_applications(
    db: Database, actor: Actor, /, *, out: Path, month: date | None = None, reveal: bool = False
) -> int:
    """The applications ledger (台账) as xlsx; ID numbers and phones masked unless revealed and allowed."""
    unmasked = reveal and actor.may(Permission.VIEW_PERSONAL_DATA)
    with db.reading() as session:
        ids = application_ids_in(session, ApplicationQuery(month=month))
        station = get_station(session=session)
        records = session.exec(
            select(Application, Entrepreneur)
            .join(Entrepreneur, col(Entrepreneur.id) == Application.entrepreneur_id)
            .where(col(Application.deleted).is_(False))
        ).all()
        loans = {
            loan.application_id: loan
            for loan in session.exec(select(Loan).where(col(Loan.deleted).is_(False))).all()
        }
        ventures = dict(session.exec(select(Venture.id, Venture.name)).all())
    by_id = {a.id: (a, p) for a, p in records}

    def rows() -> Iterator[list[object]]:
        for application_id in ids:
            a, p = by_id[application_id]
            loan = loans.get(a.id)
            yield [
                a.number,
                p.name,
                p.id_number if unmasked else mask_id_number(p.id_number),
                (p.phone if unmasked else mask_phone(p.phone)) if p.phone else "",
                a.item_name,
                ventures.get(a.venture_id or "", ""),
                a.amount_fen,
                ApplicationStatus(a.status).label,
                a.applied_on,
                a.submitted_on,
                a.approved_on,
                a.disbursed_on,
                a.status_by,
                a.policy_source,
                loan.bank if loan else "",
                loan.term_months if loan else None,
                loan.final_due_date if loan else None,
                f"{len(a.documents_ticked)}/{len(a.documents_required)}",
            ]

    period = f"（{month.year}年{month.month}月申请）" if month else ""
    title = f"{station.name} 补贴和贷款申请台账{period}"
    count = write_table(out, sheet_title="申请台账", columns=EXPORT_COLUMNS, rows=rows(), title=title)
    with db.transaction() as session:
        Operation(session, actor, "导出申请台账").log_access(
            "export",
            KIND,
            "",
            f"{out.name}：{count} 行，{'未遮盖' if unmasked else '已遮盖'}身份证号码和电话",
        )
    return count
