"""Checking a printed application form (doorstep verify): the record its code names, read from the
database; the comparison itself is :mod:`reports.pdf.verify`."""

from __future__ import annotations

from pathlib import Path

from desktop.services.applications.printing import application_forms_in
from desktop.services.gate import service
from models.actor import Actor
from models.applications import Application, ApplicationStatus
from models.database import Database
from models.errors import ValidationError
from models.money import format_yuan
from models.permissions import Permission
from reports.application_forms import FORM_KIND, REDACTED_KIND, printed_fields
from reports.pdf import form_digest, parse_qr_payload
from reports.pdf.verify import CurrentForm, VerifyResult, compare, payloads_in_pdf


@service(Permission.VIEW_FILES)
def verify_payload(db: Database, actor: Actor, /, *, payload: str) -> VerifyResult:
    """Compare a printout's code with what the form would print today from the record."""
    return _verify(db, payload)


def _verify(db: Database, payload: str) -> VerifyResult:
    parsed = parse_qr_payload(payload)
    if parsed.kind not in (FORM_KIND, REDACTED_KIND):
        raise ValidationError("二维码", payload, f"二维码表格类型“{parsed.kind}”不是补贴或贷款申请表")
    with db.reading() as session:
        record = session.get(Application, parsed.record_id)
        if record is None:
            return compare(payload, parsed, None, noun="申请")
        # the digest is over what the printout holds, so the form is made as printed whoever checks it
        redacted = parsed.kind == REDACTED_KIND
        form = application_forms_in(session, application_ids=[record.id], redacted=redacted)[0]
    amount, status = format_yuan(record.amount_fen), ApplicationStatus(record.status).label
    current = CurrentForm(
        record_id=record.id,
        number=record.number,
        digest=form_digest(record.id, printed_fields(form)),
        deleted=record.deleted,
        label=f"申请 {record.number}",
        summary=f"{record.item_name}，{amount}，{status}",
        detail=f"{record.item_name}，{form.applicant.name}，{amount}，{status}",
    )
    return compare(payload, parsed, current, noun="申请")


@service(Permission.VIEW_FILES)
def verify_pdf(db: Database, actor: Actor, /, *, path: Path) -> list[VerifyResult]:
    """Read the codes printed on a PDF's forms (via ``pdftotext``) and check each."""
    return [_verify(db, p) for p in payloads_in_pdf(path)]
