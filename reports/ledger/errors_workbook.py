"""The errors workbook (错误行): the refused rows of an import as they were, with the reasons, so the worker
fixes them there and imports that file again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from models.ledger.plan import ImportPlan
from models.ledger.sheet import ERRORS_EXTRA_TITLES, LedgerTable
from reports.xlsx import Column, TableSheet, write_tables


def write_errors_workbook(out: Path, *, table: LedgerTable, plan: ImportPlan) -> int:
    """The refused rows as they were, with the reasons: fix them there and import that file again.

    Sheet 1 repeats the ledger's header and each refused row (plus 原行号 and 未导入原因 at the right,
    which the import ignores); sheet 2 lists every problem: row, column, value, reason.
    """
    refused = {row.row: row for row in plan.refused_rows}
    width = len(table.columns)
    header = [
        Column(c.title or c.letter, width=max(10.0, min(30.0, len(c.title) * 2.2 + 4))) for c in table.columns
    ]
    header += [Column(ERRORS_EXTRA_TITLES[0], width=8, kind="int"), Column(ERRORS_EXTRA_TITLES[1], width=60)]
    source_rows: Iterator[list[object]] = (
        [*(row.value(i) for i in range(width)), row.number, refused[row.number].reason]
        for row in table.rows
        if row.number in refused
    )
    detail_columns = [
        Column("原行号", width=8, kind="int"),
        Column("列", width=22),
        Column("值", width=24),
        Column("原因", width=80),
    ]
    details = ([p.row, p.column, p.value, p.reason] for p in plan.problems)
    counts = write_tables(
        out,
        [
            TableSheet(
                "未导入的行",
                header,
                source_rows,
                title=f"{table.path.name}（{table.sheet}）中未导入的行：改正后可直接导入本文件",
            ),
            TableSheet("问题明细", detail_columns, details),
        ],
    )
    return counts[0]
