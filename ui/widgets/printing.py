"""One way to print (UI.md "Paper"): 打印预览 inside the application, then the system print dialog;
另存为 PDF… through the one save dialog (ui/widgets/saving.py).

The PDF is made by a service on a worker thread into a scratch file that is read into memory and
removed at once: nothing is left in a temporary folder, and nothing the worker keeps is written
anywhere they did not choose.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.jobs import JobState
from desktop.settings import Preferences
from ui.operations import run_in_background
from ui.style import icon
from ui.widgets import dialogs
from ui.widgets.dialogs import settle_minimum_size
from ui.widgets.saving import ask_save_path, offer_open


class PrintPreview(QDialog):
    """A PDF (its bytes) as it will print; 打印… opens the system print dialog, 另存为 PDF… saves it."""

    def __init__(
        self,
        pdf: bytes,
        title: str,
        preferences: Preferences,
        parent: QWidget | None = None,
        *,
        suggested_name: str,
    ) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.preferences = preferences
        self.suggested_name = suggested_name
        self.setWindowTitle(self.tr("打印预览 — {0}").format(title))
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self.buffer)
        layout = QVBoxLayout(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.pages_label = QLabel(self.tr("共 {0} 页").format(self.page_count), self)
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

    def save_copy(self) -> Path | None:
        path = ask_save_path(
            self,
            self.preferences,
            title=self.tr("另存为 PDF"),
            name=self.suggested_name,
            file_filter=self.tr("PDF 文件 (*.pdf)"),
        )
        if path is None:
            return None
        return self.save_to(path)

    def save_to(self, path: Path) -> Path | None:
        try:
            path.write_bytes(self.pdf)
        except OSError as error:
            dialogs.tell(
                self, self.tr("无法保存"), self.tr("无法写入 {0}：{1}").format(path, error.strerror or error)
            )
            return None
        offer_open(self, path, title=self.tr("已保存"), text=self.tr("已保存 {0}。").format(path.name))
        return path

    def print_document(self) -> int:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        return print_pdf(self.document, printer)


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint each page of ``document`` on ``printer`` at the printer's resolution; returns pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        start, end = printer.fromPage(), printer.toPage()
        for page in range(document.pageCount()):
            if start and end and not start - 1 <= page <= end - 1:
                continue
            if printed:
                printer.newPage()
            target = painter.viewport()
            points = document.pagePointSize(page)
            scale = min(target.width() / points.width(), target.height() / points.height())
            image = document.render(page, QSize(int(points.width() * scale), int(points.height() * scale)))
            painter.drawImage(QPointF(0, 0), image)
            printed += 1
    finally:
        painter.end()
    return printed


def make_pdf(work: Callable[[Path], object]) -> bytes:
    """Run a service that writes a PDF to a path; its bytes, with no file left behind."""
    with tempfile.TemporaryDirectory(prefix="doorstep-print-") as scratch:
        target = Path(scratch) / "form.pdf"
        work(target)
        return target.read_bytes() if target.exists() else b""


def make_and_preview(
    parent: QWidget,
    preferences: Preferences,
    title: str,
    work: Callable[[JobState, Path], object],
    *,
    suggested_name: str,
    on_shown: Callable[[PrintPreview], None] | None = None,
) -> None:
    """Make a PDF off the GUI thread (progress and 取消 after half a second), then preview it."""

    def make(state: JobState) -> bytes:
        return make_pdf(lambda target: work(state, target))

    def done(pdf: bytes) -> None:
        if not pdf:
            dialogs.tell(parent, title, parent.tr("没有生成打印文件。"))
            return
        preview = PrintPreview(pdf, title, preferences, parent, suggested_name=suggested_name)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_shown is not None:
            on_shown(preview)
        preview.open()

    run_in_background(parent, parent.tr("正在生成打印文件……"), make, done)
