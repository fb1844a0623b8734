"""Run a job off the GUI thread with a delayed, cancellable progress dialog (Anki's operations).

Only plain values cross threads. The result or the error is delivered back on the GUI thread; a
:class:`~models.errors.DoorstepError` is shown as its Chinese message, anything else as a bug report.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.jobs import JobState
from models.errors import Cancelled, DoorstepError

log = logging.getLogger(__name__)
T = TypeVar("T")

SHOW_AFTER_MS = 500


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[JobState], Any], signals: _Signals, state: JobState) -> None:
        super().__init__()
        self.work = work
        self.signals = signals
        self.state = state

    def run(self) -> None:
        try:
            result = self.work(self.state)
        except BaseException as error:  # delivered to the GUI thread, never lost in a worker
            with contextlib.suppress(RuntimeError):  # the window that asked is gone: nobody to tell
                self.signals.failed.emit(error, traceback.format_exc())
        else:
            with contextlib.suppress(RuntimeError):
                self.signals.finished.emit(result)


class Operation(Generic[T]):
    """One background job. Keep a reference (the parent widget does) until it finishes."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        work: Callable[[JobState], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.parent = parent
        self.signals = _Signals()
        self.state = JobState(on_progress=self.signals.progress.emit)
        self.dialog = QProgressDialog(title, "取消", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._cancel)
        self.dialog.reset()
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dialog.show)
        self.on_done = on_done
        self.on_error = on_error
        self.signals.progress.connect(self._progress)
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        self.work = work
        self.done = False

    def start(self) -> None:
        self._timer.start(SHOW_AFTER_MS)
        QThreadPool.globalInstance().start(_Runnable(self.work, self.signals, self.state))

    def _cancel(self) -> None:
        self.state.cancel()
        self.dialog.setLabelText("正在取消……")

    def _progress(self, done: int, total: int, message: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if message:
            self.dialog.setLabelText(message)

    def _close(self) -> None:
        self.done = True
        self._timer.stop()
        self.dialog.reset()
        self.dialog.hide()

    def _finished(self, result: T) -> None:
        self._close()
        self.on_done(result)

    def _failed(self, error: BaseException, details: str) -> None:
        self._close()
        if self.on_error is not None:
            self.on_error(error)
        elif isinstance(error, Cancelled):
            QMessageBox.information(self.parent, "已取消", str(error))
        elif isinstance(error, DoorstepError):
            QMessageBox.warning(self.parent, "无法完成", str(error))
        else:
            log.error("background job failed:\n%s", details)
            show_bug(self.parent, details)


def run_in_background(
    parent: QWidget,
    title: str,
    work: Callable[[JobState], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> Operation[T]:
    operation = Operation(parent, title, work, on_done, on_error)
    keep: list[Operation[Any]] = parent.property("_operations") or []
    keep = [op for op in keep if not op.done] + [operation]
    parent.setProperty("_operations", keep)
    operation.start()
    return operation


def show_bug(parent: QWidget | None, details: str) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("程序出错")
    box.setText(
        "程序遇到了意外错误，刚才的操作没有完成，已保存的数据不受影响。\n错误详情已写入日志，请联系技术支持。"
    )
    box.setDetailedText(details)
    box.exec()
