"""Keys the training lists share (issue 12 §4): Delete on the current row however it was reached, and
Enter in an editable column moving down that column, as in a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QWidget

from ui.overrides import override


def chosen_rows(view: QAbstractItemView) -> list[int]:
    """The selected rows, or the current row when nothing is selected (a row reached with the keys,
    Ctrl+arrows or a search leaves the cursor on it without selecting it)."""
    rows = sorted({index.row() for index in view.selectionModel().selectedRows()})
    if rows:
        return rows
    current = view.currentIndex()
    return [current.row()] if current.isValid() else []


def on_delete(view: QAbstractItemView, slot: Callable[[], object]) -> QAction:
    """Delete (and Backspace, as on a Mac keyboard) on ``view`` runs ``slot``."""
    action = QAction(view)
    action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence(Qt.Key.Key_Backspace)])
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    view.addAction(action)
    return action


class EnterMovesDown(QTableView):
    """An editable table where Enter saves the cell and moves to the next row of the same column, and
    the cursor stays on that cell when the model is refilled after the save (the score column of 结业)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keep: tuple[int, int] | None = None

    @override
    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self.model().modelReset.connect(self._restore)

    @override
    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        current = self.currentIndex()
        super().closeEditor(editor, hint)
        if hint is QAbstractItemDelegate.EndEditHint.SubmitModelCache and current.isValid():
            row = min(current.row() + 1, self.model().rowCount() - 1)
            self._keep = (row, current.column())
            self._go(self.model().index(row, current.column()))

    def _go(self, target: QModelIndex) -> None:
        if target.isValid():
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.selectionModel().setCurrentIndex(target, flags)
            self.scrollTo(target)

    def _restore(self) -> None:
        if self._keep is None:
            return
        row, column = self._keep
        self._keep = None
        self._go(self.model().index(min(row, self.model().rowCount() - 1), column))
