"""The code printed on every form: which record it shows, and whether the printout was changed.

A form carries a QR code with ``DOORSTEP:1:<form kind>:<record id>:<digest>`` and the digest in plain text.
The digest is computed over the values the form prints (:func:`form_digest`); whoever checks a printout
scans the code, loads the record, computes the digest of what the form would print today and compares:
a printout whose figures were altered by hand, or that shows an outdated state of the record, no longer
matches. The digest is a short check value, not a signature: it detects changes, it does not prove who
made the printout.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Final, NamedTuple

from models.errors import ValidationError

QR_PREFIX: Final = "DOORSTEP"
QR_VERSION: Final = "1"
DIGEST_LENGTH: Final = 16

_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")
_RECORD_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.\-]{0,63}")
_DIGEST = re.compile(rf"[0-9A-F]{{{DIGEST_LENGTH}}}")
_EXPECTED = "应为 DOORSTEP:1:表格类型:记录编号:16位校验码"


class QrPayload(NamedTuple):
    """What a form's QR code says: unpacks as ``kind, record_id, digest``."""

    kind: str
    record_id: str
    digest: str


def _canonical(text: str) -> str:
    """The printed form of a value: the same characters, however they were typed or stored."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def form_digest(record_id: str, fields: Mapping[str, str]) -> str:
    """16 upper-case hex digits over ``record_id`` and the printed ``fields`` (label -> printed value).

    The order of ``fields`` does not matter, Unicode normalisation and surrounding whitespace do not
    matter (they do not show on paper); any change of a printed character does.
    """
    items = sorted((_canonical(label), _canonical(value)) for label, value in fields.items())
    canonical = json.dumps(
        {"v": QR_VERSION, "id": record_id, "fields": items}, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:DIGEST_LENGTH].upper()


def qr_payload(kind: str, record_id: str, digest: str) -> str:
    """The text of a form's QR code; refuses parts that would make it unreadable."""
    _check_parts(kind, record_id, digest, shown=f"{kind}:{record_id}:{digest}")
    return f"{QR_PREFIX}:{QR_VERSION}:{kind}:{record_id}:{digest}"


def parse_qr_payload(text: str) -> QrPayload:
    """Read a scanned QR code; :class:`ValidationError` in Chinese if it is not one of ours."""
    if not isinstance(text, str):
        raise ValidationError("二维码", text, f"二维码内容 {text!r} 无法识别，{_EXPECTED}")
    parts = text.strip().split(":")
    if len(parts) != 5 or parts[0] != QR_PREFIX:
        raise ValidationError("二维码", text, f"二维码内容“{text}”不是本系统打印的表格编码，{_EXPECTED}")
    _, version, kind, record_id, digest = parts
    if version != QR_VERSION:
        raise ValidationError(
            "二维码", text, f"二维码编码版本 {version} 不受支持，本程序只能识别版本 {QR_VERSION}，请升级程序"
        )
    digest = digest.upper()
    _check_parts(kind, record_id, digest, shown=text)
    return QrPayload(kind, record_id, digest)


def _check_parts(kind: str, record_id: str, digest: str, *, shown: str) -> None:
    if not _KIND.fullmatch(kind):
        raise ValidationError(
            "表格类型", kind, f"二维码“{shown}”中的表格类型“{kind}”应为小写英文字母、数字或下划线"
        )
    if not _RECORD_ID.fullmatch(record_id):
        raise ValidationError(
            "记录编号", record_id, f"二维码“{shown}”中的记录编号“{record_id}”应为字母、数字和连字符"
        )
    if not _DIGEST.fullmatch(digest):
        raise ValidationError(
            "校验码",
            digest,
            f"二维码“{shown}”中的校验码“{digest}”应为 {DIGEST_LENGTH} 位十六进制数字（0-9、A-F）",
        )
