"""Checking a printed application form: the verdicts of :mod:`reports.pdf.verify` (no database) word for
word, and the service's answer for a record in the recycle bin and for a PDF without any code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop.services.applications import (
    create_application,
    delete_application,
    print_application,
    verify_payload,
    verify_pdf,
)
from models.audit import Actor
from models.database import Database
from models.errors import NotFound
from reports.pdf import FormBatch, SignLine, parse_qr_payload
from reports.pdf.verify import CurrentForm, compare, payloads_in, payloads_in_pdf
from tests.unit.test_policy_support import make_person

pytestmark = pytest.mark.pdf

DAY = date(2025, 11, 5)
PAYLOAD = "DOORSTEP:1:application:abc-1:0123456789ABCDEF"


def current(*, digest: str = "0123456789ABCDEF", deleted: bool = False) -> CurrentForm:
    return CurrentForm(
        record_id="abc-1",
        number="N-1",
        digest=digest,
        deleted=deleted,
        label="申请 N-1",
        summary="一次性创业补贴，¥5,000.00，草稿",
        detail="一次性创业补贴，张三，¥5,000.00，草稿",
    )


def test_the_verdicts() -> None:
    parsed = parse_qr_payload(PAYLOAD)
    same = compare(PAYLOAD, parsed, current(), noun="申请")
    assert same.matches and (same.record_id, same.number, same.current_digest) == (
        "abc-1",
        "N-1",
        parsed.digest,
    )
    assert same.message == "一致：打印件与申请 N-1 的当前记录相符（一次性创业补贴，¥5,000.00，草稿）"
    changed = compare(PAYLOAD, parsed, current(digest="FEDCBA9876543210"), noun="申请")
    assert not changed.matches and changed.current_digest == "FEDCBA9876543210"
    assert changed.message == (
        "不一致：申请 N-1 在打印后已修改，或打印件被改动；请以系统记录为准"
        "（一次性创业补贴，张三，¥5,000.00，草稿）"
    )
    deleted = compare(PAYLOAD, parsed, current(deleted=True), noun="申请")
    assert not deleted.matches and deleted.message == "申请 N-1 已删除（在回收站中）"
    missing = compare(PAYLOAD, parsed, None, noun="申请")
    assert not missing.matches and (missing.record_id, missing.number, missing.current_digest) == (
        "abc-1",
        "",
        "",
    )
    assert missing.message == "找不到这份申请：记录不存在或来自其他服务站"


def test_codes_are_found_once_each_in_order() -> None:
    other = "DOORSTEP:1:visit_record:xyz:FEDCBA9876543210"
    text = f"第 1 页 {PAYLOAD}\n第 2 页 {other} {PAYLOAD} DOORSTEP:1:Bad Kind:x:0123456789ABCDEF"
    assert payloads_in(text) == [PAYLOAD, other]


def test_a_pdf_without_codes_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "plain.pdf"
    with FormBatch(out, title="空白") as batch:
        batch.form(title="空白", kind="blank", record_id="x", fields={}, qr=False).signatures(
            [SignLine("签字")]
        )
    with pytest.raises(NotFound, match=r"plain\.pdf 中没有找到本系统打印的表格编码"):
        payloads_in_pdf(out)


def test_a_form_of_a_deleted_application_is_not_valid(db: Database, actor: Actor, tmp_path: Path) -> None:
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    out = tmp_path / "form.pdf"
    print_application(db, actor, application_id=app, out=out)
    [printed] = verify_pdf(db, actor, path=out)
    assert printed.matches
    number = delete_application(db, actor, application_id=app)
    result = verify_payload(db, actor, payload=printed.payload)
    assert not result.matches and result.message == f"申请 {number} 已删除（在回收站中）"
    assert result.current_digest == printed.current_digest  # the record itself is unchanged
