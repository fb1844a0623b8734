"""Choosing a person by typing: name, pinyin initials, ID tail or phone (the entrepreneur list's search).

The matches show in a short list under the box; ↓/↑ move, Enter takes the highlighted one (the first if
none is; Enter never closes the dialog around the box), Esc closes the list. The box keeps the
keyboard, so a worker types ``zs`` and Enter and goes on.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.services.entrepreneur_list import ListQuery, fetch_rows, search_ids
from desktop.services.gate import Services
from models.errors import DoorstepError
from ui.overrides import override

RESULT_LIMIT = 6
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PersonPicker(QWidget):
    chosen = Signal(str)  # the entrepreneur id ("" when the choice is cleared)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.entrepreneur_id = ""
        self.chosen_text = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText(self.tr("输入姓名、拼音首字母、身份证尾号或电话，回车选定"))
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.textEdited.connect(self.search)
        self.line_edit.installEventFilter(self)
        layout.addWidget(self.line_edit)
        # The matches float over the form under the box (a child of the window, outside the layout).
        self.results = QListWidget(self)
        self.results.setObjectName("searchPopup")
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setUniformItemSizes(True)
        self.results.itemClicked.connect(self._take)
        self.results.hide()
        self.setFocusProxy(self.line_edit)

    def search(self, text: str) -> None:
        """Matches for what was typed so far (the index answers per keystroke)."""
        if self.entrepreneur_id:
            self.entrepreneur_id = ""
            self.chosen.emit("")
        self.results.clear()
        needle = text.strip()
        if not needle:
            self.results.hide()
            return
        try:
            ids = self.services(search_ids, ListQuery(text=needle))
            rows = self.services(fetch_rows, ids[:RESULT_LIMIT])
        except DoorstepError:
            rows, ids = [], []
        for row in rows:
            parts = [row.name, row.id_number_masked, row.ventures, row.case_number]
            item = QListWidgetItem("　".join(p for p in parts if p))
            item.setData(ID_ROLE, row.id)
            item.setData(Qt.ItemDataRole.UserRole + 2, f"{row.name}（{row.case_number}）")
            self.results.addItem(item)
        if not rows:
            item = QListWidgetItem(self.tr("没有找到“{text}”").format(text=needle))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        elif len(ids) > RESULT_LIMIT:
            more = QListWidgetItem(self.tr("还有 {n} 人，请多输入几个字").format(n=len(ids) - RESULT_LIMIT))
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(more)
        self.results.setCurrentRow(0 if rows else -1)
        self._place()
        self.results.show()
        self.results.raise_()

    def _place(self) -> None:
        host = self.window()
        if self.results.parentWidget() is not host:
            self.results.setParent(host)
        origin = self.line_edit.mapTo(host, QPoint(0, self.line_edit.height() + 2))
        width = max(self.line_edit.width(), 560)
        left = max(min(origin.x(), host.width() - width - 4), 0)
        height = self.results.sizeHintForRow(0) * self.results.count() + 2 * self.results.frameWidth() + 6
        self.results.setGeometry(left, origin.y(), width, height)

    def set_person(self, entrepreneur_id: str, label: str) -> None:
        """Choose a person without typing (the dialog was opened from a file)."""
        self.entrepreneur_id = entrepreneur_id
        self.chosen_text = label
        self.line_edit.setText(label)
        self.results.hide()
        self.chosen.emit(entrepreneur_id)

    def _take(self, item: QListWidgetItem | None) -> None:
        if item is None or not item.data(ID_ROLE):
            return
        self.set_person(str(item.data(ID_ROLE)), str(item.data(Qt.ItemDataRole.UserRole + 2)))

    def _move(self, step: int) -> None:
        choosable = [i for i in range(self.results.count()) if self.results.item(i).data(ID_ROLE)]
        if not choosable:
            return
        current = self.results.currentRow()
        position = choosable.index(current) if current in choosable else -1
        self.results.setCurrentRow(choosable[(position + step) % len(choosable)])

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not getattr(self, "line_edit", None) or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        searching = self.results.isVisible()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and searching:
            self._move(1 if key == Qt.Key.Key_Down else -1)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Enter picks the match; it never reaches the dialog's default button (closing the dialog)
            if not searching and self.line_edit.text().strip() and not self.entrepreneur_id:
                self.search(self.line_edit.text())  # the list was closed (Esc) or never shown
            if self.results.isVisible():
                self._take(self.results.currentItem() or self.results.item(0))
            return True
        if key == Qt.Key.Key_Escape and searching:
            self.results.hide()
            return True
        return False

    def hide_results(self) -> None:
        self.results.hide()
