"""The toolkit every printed form is built on: A4 portrait, ruled grids, tables across pages, checklists,
signature and seal boxes, "第 x 页 共 y 页", and a QR code that identifies the record and detects a
changed printout.

A concrete form is a function that takes a record and a :class:`Form`::

    def print_visit(form: Form, visit: VisitRecord) -> None:
        form.grid([[Cell("走访对象", visit.name), Cell("走访日期", format_date_cn(visit.date))],
                   [Cell("走访情况", visit.notes, span=2, lines=6)]])
        form.signatures([SignLine("走访人签字"), SignLine("被走访人签字")])

    with FormBatch(path, title="走访记录表") as batch:
        for visit in visits:
            print_visit(batch.form(title="走访记录表", kind="visit_record", record_id=visit.id,
                                   fields=visit_fields(visit)), visit)

Record values are printed literally (no markup is interpreted) and every font is embedded.
"""

from reports.pdf.batch import FormBatch, Target, single_form
from reports.pdf.cn import BLANK_DATE, amount_in_capitals, format_amount, format_date_cn
from reports.pdf.elements import Cell, CheckItem, Column, SealBox, SignLine
from reports.pdf.form import CONTENT_WIDTH, Form
from reports.pdf.integrity import QrPayload, form_digest, parse_qr_payload, qr_payload
from reports.pdf.text import markup_literal, wrap_text

__all__ = [
    "BLANK_DATE",
    "CONTENT_WIDTH",
    "Cell",
    "CheckItem",
    "Column",
    "Form",
    "FormBatch",
    "QrPayload",
    "SealBox",
    "SignLine",
    "Target",
    "amount_in_capitals",
    "form_digest",
    "format_amount",
    "format_date_cn",
    "markup_literal",
    "parse_qr_payload",
    "qr_payload",
    "single_form",
    "wrap_text",
]
