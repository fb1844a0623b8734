"""The ledger import wizard's preview: one line per ledger row — its number, what happens to it, whose
it is, and why."""

from __future__ import annotations

from models.ledger.plan import RowKind, RowOutcome
from ui.style import Tone
from ui.widgets.rows_model import ColumnSpec

KIND_TONES: dict[RowKind, Tone] = {
    RowKind.CREATE: Tone.GREEN,
    RowKind.UPDATE: Tone.ACCENT,
    RowKind.UNCHANGED: Tone.GREY,
    RowKind.REFUSED: Tone.RED,
    RowKind.SKIPPED: Tone.GREY,
}

KIND_COLUMN = 1


def plan_columns() -> list[ColumnSpec[RowOutcome]]:
    return [
        ColumnSpec("行号", 72, lambda r: f"第 {r.row} 行"),
        ColumnSpec("结果", 76, lambda r: r.kind.label, tone=lambda r: KIND_TONES[r.kind]),
        ColumnSpec("姓名", 90, lambda r: r.name),
        ColumnSpec("身份证号", 160, lambda r: r.id_number_masked),
        ColumnSpec(
            "说明",
            240,
            lambda r: r.reason,
            tip=lambda r: r.reason,
            color=lambda r: Tone.RED.value[0] if r.kind is RowKind.REFUSED else None,
        ),
    ]
