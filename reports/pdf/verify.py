"""Checking a printout against its record, the part that needs no database: finding the codes printed on a
PDF (read with poppler's ``pdftotext``) or in any text, and telling what a comparison of digests means.

The caller loads the record the code names and computes the digest of what its form would print today
(:func:`reports.pdf.integrity.form_digest`); :func:`compare` turns that into a :class:`VerifyResult`.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from models.errors import DoorstepError, NotFound, ValidationError
from reports.pdf.integrity import QrPayload

PAYLOAD_PATTERN = re.compile(
    r"DOORSTEP:\d+:[a-z][a-z0-9_]{0,39}:[0-9A-Za-z][0-9A-Za-z_.\-]{0,63}:[0-9A-Fa-f]{16}"
)


@dataclass(frozen=True)
class VerifyResult:
    payload: str
    record_id: str
    number: str
    printed_digest: str
    current_digest: str
    matches: bool
    message: str


@dataclass(frozen=True)
class CurrentForm:
    """What the record's form would print today, as the comparison needs it.

    ``label`` names the record in a sentence ("申请 330106001-SQ2025-00001"); ``summary`` is shown when
    the printout matches, ``detail`` when it does not (to compare with the paper by eye)."""

    record_id: str
    number: str
    digest: str
    deleted: bool
    label: str
    summary: str
    detail: str


def compare(payload: str, parsed: QrPayload, current: CurrentForm | None, *, noun: str) -> VerifyResult:
    """The verdict on one printed code; ``current`` is None when no record has the code's id."""
    if current is None:
        message = f"找不到这份{noun}：记录不存在或来自其他服务站"
        return VerifyResult(payload, parsed.record_id, "", parsed.digest, "", False, message)
    found = (payload, current.record_id, current.number, parsed.digest, current.digest)
    if current.deleted:
        return VerifyResult(*found, False, f"{current.label} 已删除（在回收站中）")
    if current.digest == parsed.digest:
        message = f"一致：打印件与{current.label} 的当前记录相符（{current.summary}）"
        return VerifyResult(*found, True, message)
    message = f"不一致：{current.label} 在打印后已修改，或打印件被改动；请以系统记录为准（{current.detail}）"
    return VerifyResult(*found, False, message)


def payloads_in(text_content: str) -> list[str]:
    """The form codes printed in a text (e.g. what ``pdftotext`` reads from a PDF), in order, once each."""
    found: list[str] = []
    for match in PAYLOAD_PATTERN.finditer(text_content):
        if match.group() not in found:
            found.append(match.group())
    return found


def pdf_text(path: Path) -> str:
    """The text of a PDF, read with ``pdftotext``; Chinese errors when it is missing or cannot read it."""
    try:
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise DoorstepError(
            "找不到 pdftotext（poppler-utils），无法读取 PDF；可直接输入二维码内容核对"
        ) from None
    if result.returncode != 0:
        raise ValidationError(
            "PDF 文件",
            str(path),
            f"无法读取 PDF 文件 {path.name}：{result.stderr.decode('utf-8', 'replace').strip()}",
        )
    return result.stdout.decode("utf-8", "replace")


def payloads_in_pdf(path: Path) -> list[str]:
    """The form codes printed on a PDF's pages; :class:`NotFound` if there is none."""
    payloads = payloads_in(pdf_text(path))
    if not payloads:
        raise NotFound(f"{path.name} 中没有找到本系统打印的表格编码")
    return payloads
