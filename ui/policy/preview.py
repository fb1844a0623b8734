"""打印预览 inside the application (QtPdf), then the system print dialog (UI.md "Paper").

The PDF is made by the services on a worker thread (:func:`ui.operations.run_in_background`) into a
temporary file; the preview shows it page by page; 打印… renders each page at the printer's resolution
through :class:`QPrintDialog`; 另存为… keeps a copy.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.jobs import JobState
from ui.operations import run_in_background
from ui.style import icon
from ui.widgets import dialogs
from ui.widgets.dialogs import settle_minimum_size


class PrintPreviewDialog(QDialog):
    """Shows a PDF as it will print; 打印… opens the system print dialog."""

    def __init__(
        self, pdf: Path, title: str, parent: QWidget | None = None, *, suggested_name: str = ""
    ) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.suggested_name = suggested_name or pdf.name
        self.setWindowTitle(self.tr("打印预览 — {0}").format(title))
        self.document = QPdfDocument(self)
        self.document.load(str(pdf))
        layout = QVBoxLayout(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.pages_label = QLabel(self.tr("共 {0} 页").format(self.document.pageCount()), self)
        buttons.addWidget(self.pages_label)
        buttons.addStretch(1)
        self.save_button = QPushButton(icon("mdi6.content-save-outline"), self.tr("另存为 PDF…"), self)
        self.save_button.clicked.connect(self.save_copy)
        buttons.addWidget(self.save_button)
        self.print_button = QPushButton(icon("mdi6.printer-outline"), self.tr("打印…"), self)
        self.print_button.setObjectName("primary")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_document)
        buttons.addWidget(self.print_button)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(900, 720)
        settle_minimum_size(self)

    @property
    def page_count(self) -> int:
        return int(self.document.pageCount())

    def save_copy(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("另存为 PDF"), self.suggested_name, self.tr("PDF 文件 (*.pdf)")
        )
        if target:
            shutil.copyfile(self.pdf, target)

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        print_pdf(self.document, printer)


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint each page of ``document`` on ``printer`` at the printer's resolution; returns pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        first = True
        start, end = printer.fromPage(), printer.toPage()
        for page in range(document.pageCount()):
            if start and end and not start - 1 <= page <= end - 1:
                continue
            if not first:
                printer.newPage()
            first = False
            target = painter.viewport()
            points = document.pagePointSize(page)
            scale = min(target.width() / points.width(), target.height() / points.height())
            size = QSize(int(points.width() * scale), int(points.height() * scale))
            image = document.render(page, size)
            painter.drawImage(QPointF(0, 0), image)
            printed += 1
    finally:
        painter.end()
    return printed


def make_and_preview(
    parent: QWidget,
    title: str,
    work: Callable[[JobState, Path], object],
    *,
    suggested_name: str,
    on_shown: Callable[[PrintPreviewDialog], None] | None = None,
) -> None:
    """Make a PDF off the GUI thread (progress and 取消 after half a second), then preview it."""
    folder = Path(tempfile.mkdtemp(prefix="doorstep-print-"))
    target = folder / suggested_name

    def done(_result: object) -> None:
        if not target.exists():
            dialogs.tell(parent, title, parent.tr("没有生成打印文件。"))
            return
        preview = PrintPreviewDialog(target, title, parent, suggested_name=suggested_name)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.finished.connect(lambda _code: shutil.rmtree(folder, ignore_errors=True))
        if on_shown is not None:
            on_shown(preview)
        preview.open()

    run_in_background(parent, parent.tr("正在生成打印文件……"), lambda state: work(state, target), done)
