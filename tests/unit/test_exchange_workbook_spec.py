"""The exchange workbook's column specification: every stored field of every exchanged kind has a column
(a field added to a table without one fails here), and docs/exchange.md lists each column with the code,
label, type and "required" the program uses, and every code of every code table."""

from __future__ import annotations

import re
from pathlib import Path

from desktop.services.hq.exchange.cells import CellError, read_cell
from desktop.services.hq.exchange.columns import (
    CODE_TABLES,
    INDUSTRY_TABLE,
    LABELS,
    NOT_EXCHANGED,
    exchange_sheets,
    sheet_for,
)
from models.base import BOOKKEEPING_COLUMNS

DOC = Path(__file__).resolve().parents[2] / "docs" / "exchange.md"


def _documented() -> dict[str, list[tuple[str, str, str, bool]]]:
    sections: dict[str, list[tuple[str, str, str, bool]]] = {}
    current: str | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### .+（`(\w+)`）$", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
            continue
        row = re.match(r"^\| `(\w+)` \| ([^|]+) \| (\w+)[^|]* \| [^|]* \| (是)? *\|", line)
        if row and current is not None:
            sections[current].append((row.group(1), row.group(2).strip(), row.group(3), row.group(4) == "是"))
    return sections


def test_every_stored_field_of_every_kind_has_a_column() -> None:
    for sheet in exchange_sheets():
        stored = {column.key for column in sheet.model.__table__.c} - BOOKKEEPING_COLUMNS  # type: ignore[attr-defined]
        stored -= {key for table, key in NOT_EXCHANGED if table == sheet.table}
        assert stored == set(LABELS[sheet.table]), sheet.table
        assert sheet.codes[:2] == ("id", "station_code")


def test_the_documentation_lists_each_column_as_the_program_reads_it() -> None:
    documented = _documented()
    for sheet in exchange_sheets():
        expected = [(c.code, c.label, c.kind, c.required) for c in sheet.columns]
        assert documented.get(sheet.table) == expected, sheet.table


def test_the_documentation_lists_every_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    for _name, table in CODE_TABLES:
        for member in table:
            assert f"| `{member.value}` | {member.label} |" in text
    for letter, name in INDUSTRY_TABLE[1].items():
        assert f"| `{letter}` | {name} |" in text


def test_cells_read_as_the_documentation_says() -> None:
    people = sheet_for("entrepreneur")
    groups = next(c for c in people.columns if c.code == "key_groups")
    assert read_cell(groups, "college_graduate;veteran") == read_cell(groups, "高校毕业生、退役军人") == 0b101
    money = next(c for c in sheet_for("loan").columns if c.code == "amount_fen")
    assert read_cell(money, 30_000_000) == read_cell(money, "30000000") == 30_000_000
    for bad in (-1, 12.5, "三十万", True):
        try:
            read_cell(money, bad)
        except CellError:
            continue
        raise AssertionError(f"{bad!r} read as money")
    flag = next(c for c in sheet_for("loan").columns if c.code == "counter_guarantee_waived")
    assert (read_cell(flag, 1), read_cell(flag, "0"), read_cell(flag, None)) == (True, False, False)
