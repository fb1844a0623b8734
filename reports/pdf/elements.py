"""The parts a form is made of, as plain values a concrete form builds from its record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reports.pdf.text import Align


@dataclass(frozen=True, slots=True)
class Cell:
    """One labelled cell of a :meth:`~reports.pdf.form.Form.grid` row.

    ``span`` counts grid columns; ``lines`` is the least height in text lines (room to write by hand).
    An empty ``label`` gives a cell that is all value.
    """

    label: str
    value: str = ""
    span: int = 1
    lines: int = 1
    align: Align = "left"


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a :meth:`~reports.pdf.form.Form.table`; ``width`` is relative to the other columns."""

    header: str
    width: float = 1.0
    align: Align = "center"


@dataclass(frozen=True, slots=True)
class CheckItem:
    """A document to attach (材料清单): printed ``☑`` when ``checked`` (received), else ``☐``."""

    text: str
    checked: bool = False


@dataclass(frozen=True, slots=True)
class SignLine:
    """``申请人签字：______  日期：　　年　　月　　日``.

    ``name`` is printed above the line when known (the signature itself is by hand); ``date`` fills the
    date, which is otherwise left blank; ``with_date=False`` leaves the date out.
    """

    label: str
    name: str = ""
    date: date | None = None
    with_date: bool = True


@dataclass(frozen=True, slots=True)
class SealBox:
    """A box for an office's opinion, signature, seal and date at the foot of a form.

    ``label`` heads the box (``服务站意见``), ``text`` is a pre-printed opinion, ``signer`` the role that
    signs (``经办人``, empty for none), ``name`` who signs as it when known (printed after it; blank for
    a hand-written name), ``seal`` the seal caption (empty for none).
    """

    label: str
    text: str = ""
    signer: str = "经办人"
    seal: str = "（盖章）"
    name: str = ""
    date: date | None = None
