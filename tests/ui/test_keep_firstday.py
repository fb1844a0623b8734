"""Issue 12 §1 and §4 as the worker met them: Ctrl+Z twice after creating a file, Esc in the quick visit,
a closed window's typing offered back, Enter in a dialog's search box, Delete on a row reached by Tab,
the change history's words, a field's message, the dialog's first field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services import entrepreneurs as svc
from desktop.services.drafts import find_draft
from desktop.services.entrepreneur_list import count_entrepreneurs
from desktop.services.visits import mentors as mentor_svc
from desktop.services.visits import visits_of
from ui.entrepreneurs.file_dialog import FileDialog, open_file
from ui.entrepreneurs.list_page import EntrepreneurListPage
from ui.entrepreneurs.ventures_tab import VentureDialog
from ui.policy.dialogs import NewApplicationDialog
from ui.visits.dialogs import MentorDialog, PoolEntryDialog
from ui.visits.page import VisitsPage
from ui.visits.quick_entry import QuickVisitDialog
from ui.widgets import dialogs
from ui.widgets.dialogs import settle_minimum_size

from .conftest import Answers, make_id
from .test_visits_quick_entry import press, show, type_text

CTRL = Qt.KeyboardModifier.ControlModifier
WANG_WU = make_id("33010619880808123")


class Unsaved:
    """Answers 保存 / 不保存 / 取消 (the modal box itself is not shown) and records the questions."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.replies: list[str] = []

    def __call__(self, _parent: object, title: str, text: str) -> str:
        self.asked.append(f"{title}|{text}")
        return self.replies.pop(0) if self.replies else dialogs.CANCEL


@pytest.fixture
def unsaved(monkeypatch: pytest.MonkeyPatch) -> Iterator[Unsaved]:
    recorder = Unsaved()
    monkeypatch.setattr(dialogs, "ask_unsaved", recorder)
    yield recorder


def _host(qtbot: QtBot) -> QWidget:
    host = QWidget()
    qtbot.addWidget(host)
    settle_minimum_size(host)
    host.show()
    return host


def _shown(qtbot: QtBot, dialog: QWidget) -> None:
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def _new_file(qtbot: QtBot, context: AppContext, host: QWidget) -> FileDialog:
    dialog = open_file(context, host, None)
    assert dialog is not None
    _shown(qtbot, dialog)
    qtbot.wait(10)  # the offer of a draft comes right after the dialog shows
    return dialog


# ------------------------------------------------------------------------------------- §1 undo
def test_ctrl_z_twice_after_creating_asks_before_the_file_goes(
    qtbot: QtBot, context: AppContext, answers: Answers
) -> None:
    host = _host(qtbot)
    dialog = _new_file(qtbot, context, host)
    assert QApplication.focusWidget() is dialog.form.name.line_edit  # a new file starts in 姓名
    type_text(dialog.form.name.line_edit, "王五")
    press(Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.form.id_number.line_edit, WANG_WU)
    press(Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.form.phone.line_edit, "13800138000")
    press(Qt.Key.Key_S, CTRL)
    assert dialog.entrepreneur_id is not None
    person = dialog.entrepreneur_id
    phone = dialog.form.phone.line_edit
    phone.setFocus()
    phone.selectAll()
    QTest.keyClicks(phone, "13900001111")
    press(Qt.Key.Key_S, CTRL)
    press(Qt.Key.Key_Z, CTRL)  # the phone comes back, without a question
    assert not answers.asked and dialog.form.phone.value() == "13800138000"
    answers.reply = False
    press(Qt.Key.Key_Z, CTRL)  # the creation: asked first, naming what would go
    assert len(answers.asked) == 1
    _title, text, yes, no = answers.asked[0].split("|")
    assert (yes, no) == ("确认", "取消")
    assert "撤销“新建 王五 的档案”会把以下内容移到回收站：王五 的档案" in text
    assert not context.services(svc.get_file, entrepreneur_id=person).deleted
    assert count_entrepreneurs(context.db, context.actor) == 1
    answers.reply = True
    press(Qt.Key.Key_Z, CTRL)
    assert context.services(svc.get_file, entrepreneur_id=person).deleted
    assert dialog.restore_button.isVisible()  # and the way back is right there
    dialog.restore_button.click()
    assert not context.services(svc.get_file, entrepreneur_id=person).deleted


# ------------------------------------------------------------------------------- §1 Esc and drafts
def test_esc_in_the_quick_visit_asks_and_the_typing_survives_a_closed_window(
    qtbot: QtBot, context: AppContext, people: dict[str, str], unsaved: Unsaved, answers: Answers
) -> None:
    dialog = QuickVisitDialog(context)
    show(qtbot, dialog)
    QTest.keyClicks(dialog.picker.line_edit, "zs")
    press(Qt.Key.Key_Return)
    type_text(dialog.problems, "资金周转紧张，想了解贷款")
    unsaved.replies = [dialogs.CANCEL]
    press(Qt.Key.Key_Escape)
    assert unsaved.asked and "这次走访还没有保存" in unsaved.asked[-1]
    assert dialog.isVisible() and dialog.problems.toPlainText() == "资金周转紧张，想了解贷款"
    # a moment after the last keystroke the draft is kept; then the window goes without a word
    qtbot.waitUntil(lambda: context.services(find_draft, kind="visit") is not None, timeout=3000)
    dialog.close()  # closed by the program (shutting down): no question, the draft stays
    assert context.services(find_draft, kind="visit") is not None

    again = QuickVisitDialog(context)
    show(qtbot, again)
    qtbot.waitUntil(lambda: bool(answers.asked))
    _title, text, yes, no = answers.asked[-1].split("|")
    assert (yes, no) == ("恢复草稿", "丢弃") and "张三" in text
    assert again.picker.entrepreneur_id == people["张三"]
    assert again.problems.toPlainText() == "资金周转紧张，想了解贷款"
    press(Qt.Key.Key_S, CTRL)
    assert not again.isVisible()
    assert [v.problems for v in context.services(visits_of, entrepreneur_id=people["张三"])] == [
        "资金周转紧张，想了解贷款"
    ]
    assert context.services(find_draft, kind="visit") is None  # saved: the draft is gone


def test_esc_then_discard_throws_the_typing_and_its_draft_away(
    qtbot: QtBot, context: AppContext, people: dict[str, str], unsaved: Unsaved, answers: Answers
) -> None:
    dialog = QuickVisitDialog(context, entrepreneur_id=people["李四"])
    show(qtbot, dialog)
    dialog.advice.setFocus()
    type_text(dialog.advice, "推荐参加网创培训")
    qtbot.waitUntil(lambda: context.services(find_draft, kind="visit", key=people["李四"]) is not None)
    unsaved.replies = [dialogs.DISCARD]
    press(Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert context.services(find_draft, kind="visit", key=people["李四"]) is None
    assert context.services(visits_of, entrepreneur_id=people["李四"]) == []
    # and 保存 in the same question stores the visit
    second = QuickVisitDialog(context, entrepreneur_id=people["李四"])
    show(qtbot, second)
    second.advice.setFocus()
    type_text(second.advice, "建议申请场地补贴")
    unsaved.replies = [dialogs.SAVE]
    press(Qt.Key.Key_Escape)
    assert not second.isVisible()
    assert [v.advice for v in context.services(visits_of, entrepreneur_id=people["李四"])] == [
        "建议申请场地补贴"
    ]
    assert not answers.asked  # no draft was offered: none was left


def test_a_half_typed_new_file_is_offered_back(
    qtbot: QtBot, context: AppContext, unsaved: Unsaved, answers: Answers
) -> None:
    host = _host(qtbot)
    dialog = _new_file(qtbot, context, host)
    type_text(dialog.form.name.line_edit, "王五")
    press(Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.form.id_number.line_edit, WANG_WU[:10])
    qtbot.waitUntil(lambda: context.services(find_draft, kind="file") is not None, timeout=3000)
    dialog.close()  # the program closes it: no question, the typing is kept as a draft
    assert not unsaved.asked
    qtbot.waitUntil(lambda: not _visible(host))

    again = _new_file(qtbot, context, host)
    qtbot.waitUntil(lambda: bool(answers.asked))
    assert "王五 的档案" in answers.asked[-1] and "恢复草稿" in answers.asked[-1]
    assert again.form.name.value() == "王五" and again.form.id_number.value() == WANG_WU[:10]
    assert again.dirty  # 保存 stays what it was: the draft is not on file yet
    unsaved.replies = [dialogs.DISCARD]
    press(Qt.Key.Key_Escape)
    assert context.services(find_draft, kind="file") is None


def _visible(host: QWidget) -> list[FileDialog]:
    return [d for d in host.findChildren(FileDialog) if d.isVisible()]


def test_a_venture_and_a_mentor_being_typed_are_not_lost_to_esc(
    qtbot: QtBot, context: AppContext, unsaved: Unsaved
) -> None:
    venture = VentureDialog(None)
    qtbot.addWidget(venture)
    venture.show()
    _shown(qtbot, venture)
    name = venture.form.fields["name"].editor
    name.setFocus()
    type_text(name, "向阳便利店")
    press(Qt.Key.Key_Escape)
    assert venture.isVisible() and "创业项目" in unsaved.asked[-1]
    mentor = MentorDialog(context, None)
    qtbot.addWidget(mentor)
    mentor.show()
    _shown(qtbot, mentor)
    assert QApplication.focusWidget() is mentor.name  # a new mentor starts in 姓名
    type_text(mentor.name, "王芳")
    press(Qt.Key.Key_Escape)
    assert mentor.isVisible() and len(unsaved.asked) == 2


# ------------------------------------------------------------------------------------ §4 keyboard
@pytest.mark.parametrize("kind", ["application", "pool"])
def test_enter_in_a_dialogs_search_box_picks_instead_of_closing(
    qtbot: QtBot, context: AppContext, people: dict[str, str], kind: str
) -> None:
    dialog = NewApplicationDialog(context) if kind == "application" else PoolEntryDialog(context)
    show(qtbot, dialog)
    picker = dialog.picker
    picker.line_edit.setFocus()
    QTest.keyClicks(picker.line_edit, "zs")
    QTest.keyClick(picker.line_edit, Qt.Key.Key_Return)
    assert picker.entrepreneur_id == people["张三"]
    QTest.keyClick(picker.line_edit, Qt.Key.Key_Return)  # a second Enter: the dialog stays
    assert dialog.isVisible()
    picker.line_edit.setFocus()  # back into the search box (the second Enter may have moved on)
    picker.line_edit.clear()
    QTest.keyClicks(picker.line_edit, "ls")
    QTest.keyClick(picker.line_edit, Qt.Key.Key_Escape)  # the list closes, the typing stays
    QTest.keyClick(picker.line_edit, Qt.Key.Key_Return)  # Enter still picks the match
    assert dialog.isVisible() and picker.entrepreneur_id == people["李四"]
    dialog.done(0)


def test_delete_works_on_the_row_reached_by_tab(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers
) -> None:
    page = EntrepreneurListPage(context)
    qtbot.addWidget(page)
    settle_minimum_size(page)
    page.resize(1200, 700)
    page.show()
    _shown(qtbot, page)
    qtbot.waitUntil(page.table.horizontalHeader().isSortIndicatorShown)
    page.refresh()
    page.query_bar.search.setFocus()
    QTest.keyClicks(page.query_bar.search, "zs")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.setFocus(Qt.FocusReason.TabFocusReason)  # Tab from the search box into the list
    assert page.table.currentIndex().isValid()
    press(Qt.Key.Key_Delete)
    assert answers.asked and "删除 张三 的档案？" in answers.asked[-1]
    assert context.services(svc.get_file, entrepreneur_id=people["张三"]).deleted


def test_delete_in_the_mentor_pool_deactivates_the_current_mentor(
    qtbot: QtBot, context: AppContext, answers: Answers
) -> None:
    context.services(mentor_svc.create_mentor, mentor={"name": "李明", "kind": "企业家", "expertise": "融资"})
    page = VisitsPage(context)
    qtbot.addWidget(page)
    page.setMinimumSize(1300, 720)
    page.show()
    _shown(qtbot, page)
    page.refresh()
    page.tabs.setCurrentWidget(page.mentors)
    tab = page.mentors
    tab.refresh()
    tab.table.setFocus(Qt.FocusReason.TabFocusReason)
    tab.table.setCurrentIndex(tab.model.index(0, 0))  # reached by the arrows, not clicked
    press(Qt.Key.Key_Delete)
    assert answers.asked and "停用导师 李明？" in answers.asked[-1]
    assert not context.services(mentor_svc.list_mentors, active_only=True)


# ------------------------------------------------------------------------- §4 words and layout
def test_the_change_history_speaks_the_domains_words(
    qtbot: QtBot, context: AppContext, people: dict[str, str]
) -> None:
    mentor = context.services(
        mentor_svc.create_mentor, mentor={"name": "李明", "kind": "企业家", "expertise": "融资"}
    )
    context.services(mentor_svc.assign_entrepreneurs, mentor_id=mentor, entrepreneur_ids=[people["李四"]])
    host = _host(qtbot)
    dialog = open_file(context, host, people["李四"])
    assert dialog is not None and dialog.history is not None
    model = dialog.history.model
    texts = [model.index(row, 3).data() for row in range(model.rowCount())]
    whole = "\n".join(texts)
    assert "新增 导师分配（李明）：分配日期：" in whole  # names, not ids (the name said once)
    assert "主体类型：个体工商户" in whole and "创业阶段：初创" in whole and "重点群体：高校毕业生" in whole
    assert "所属行业：H 住宿和餐饮业" in whole and "户籍地区划代码：360426" in whole
    for raw in ("individual_business", "startup", "mentor_id", "entrepreneur_id", mentor, "（空） → （空）"):
        assert raw not in whole
    assert "备注" not in whole  # empty on both sides: no line at all


def test_a_fields_message_never_squeezes_the_field_and_waits_for_an_edit(
    qtbot: QtBot, context: AppContext
) -> None:
    editor = VentureDialog(None)
    qtbot.addWidget(editor)
    editor.show()
    _shown(qtbot, editor)
    credit = editor.form.fields["credit_code"]
    height = credit.editor.height()
    credit.editor.setFocus()
    QTest.keyClicks(credit.editor, "91330106MA2H4K5X1I")
    press(Qt.Key.Key_Tab)
    qtbot.wait(20)
    assert "含有字母 I" in credit.error
    assert credit.editor.height() == height  # the message takes its reserved line, not the field's
    label = credit.error_label
    assert label.height() >= label.heightForWidth(label.width())  # every line of it readable
    editor.grab().save("/tmp/keep-credit-code.png")
    # tabbing past a field never touched says nothing; a field edited and left empty says it
    host = _host(qtbot)
    dialog = _new_file(qtbot, context, host)
    name = dialog.form.name
    press(Qt.Key.Key_Tab)
    assert not name.error
    name.line_edit.setFocus()
    QTest.keyClicks(name.line_edit, "x")
    QTest.keyClick(name.line_edit, Qt.Key.Key_Backspace)
    press(Qt.Key.Key_Tab)
    assert name.error
