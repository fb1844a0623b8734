"""QR codes drawn as vector rectangles: sharp at any printer resolution, no image handling."""

from __future__ import annotations

import segno
from reportlab.pdfgen.canvas import Canvas


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``payload`` as a ``size`` pt square whose lower-left corner is at ``x, y``.

    No quiet zone is drawn: leave about two modules of white around the square. Error correction is
    level M, which survives a fold or a stamp over a corner of the code.
    """
    # A fixed mask pattern (any of the eight is valid): choosing the "best" one scores all eight and
    # takes four fifths of the time, which dominates printing a month's forms (bench_policy).
    code = segno.make(payload, error="m", micro=False, mask=2)
    matrix = code.matrix
    count = len(matrix)
    # One path in module units (a scaled coordinate system): short operators, one fill for the code.
    ops = [f"q 0 g {size / count:.4f} 0 0 {size / count:.4f} {x:.2f} {y:.2f} cm"]
    for row_index, row in enumerate(matrix):
        module_y = count - 1 - row_index
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            ops.append(f"{start} {module_y} {column - start} 1 re")
    ops.append("f Q")
    canvas.addLiteral("\n".join(ops))
