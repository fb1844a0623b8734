"""Issue 12 on the application form, typed as a worker types (pytest-qt, offscreen): the borrower block of a
loan and the bank account of a subsidy entered, checked and stored; a missing graduation date asked; the
loan amount typed, not the ceiling; no partnership loan for a 个体工商户; the list's count and the status
bar follow a change."""

from __future__ import annotations

import re
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services.applications import ApplicationInput, create_application, get_application
from models.base import china_today
from tests.ui.conftest import Add, Answers, make_id
from tests.ui.test_policy_form import new_form, person
from ui.areas import load_areas
from ui.main_window import MainWindow
from ui.policy.application_form import ApplicationDialog

SPOUSE_ID = make_id("33010619920304002")


def _type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text``: Latin letters and figures as key clicks, Chinese as an input method commits it."""
    for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if run.isascii():
            QTest.keyClicks(widget, run)
        else:
            widget.setFocus()
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def test_borrower_block_is_typed_checked_and_stored(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    dialog = new_form(qtbot, context, person(add_person), "guaranteed_loan_individual")
    details = dialog.details
    assert details is not None and details.title() == "借款人情况"
    assert dialog.fields.amount.text() == ""  # what the person asks for, typed below
    _type(qtbot, dialog.fields.amount, "200000")
    assert dialog.loan_box is not None
    _type(qtbot, dialog.loan_box.bank, "杭州联合农村商业银行")
    assert not details.spouse_name.isEnabled()  # 配偶 only for a married borrower
    details.marital.setCurrentIndex(details.marital.findData("已婚"))
    assert details.spouse_name.isEnabled()
    _type(qtbot, details.spouse_name, "韩梅梅")
    _type(qtbot, details.spouse_id, SPOUSE_ID[:-1] + ("1" if SPOUSE_ID[-1] == "0" else "0"))
    assert not dialog.save_button.isEnabled() and "配偶身份证号码" in dialog.fields.error.text()
    details.spouse_id.clear()
    _type(qtbot, details.spouse_id, SPOUSE_ID)
    assert dialog.save_button.isEnabled(), dialog.fields.error.text()
    details.household.clear()
    _type(qtbot, details.household, "浙江省杭州市西湖区文三路 90 号")
    _type(qtbot, details.purpose, "购置厨房设备")
    details.repayment.setCurrentIndex(details.repayment.findText("按月付息、到期还本"))
    _type(qtbot, details.source, "餐饮经营收入")
    _type(qtbot, details.income, "360000")
    assert dialog.save_button.isEnabled(), dialog.fields.error.text()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    QTest.keyClick(details.source, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S saves
    assert dialog.view is not None, answers.told
    stored = get_application(context.db, context.actor, application_id=dialog.view.id).details
    assert (stored.marital_status, stored.spouse_name, stored.spouse_id_number) == (
        "已婚",
        "韩梅梅",
        SPOUSE_ID,
    )
    assert stored.household_address == "浙江省杭州市西湖区文三路 90 号"
    assert (stored.loan_purpose, stored.repayment_method, stored.repayment_source) == (
        "购置厨房设备",
        "按月付息、到期还本",
        "餐饮经营收入",
    )
    assert stored.business_income_fen == 36_000_000
    assert dialog.view.amount_fen == 20_000_000
    again = ApplicationDialog.existing(context, dialog.view.id, parent=None)  # shown again as stored
    qtbot.addWidget(again)
    assert again.details is not None and again.details.spouse_id.text() == SPOUSE_ID
    assert again.details.income.text() == "360,000.00" and not again.isWindowModified()


def test_bank_account_of_a_subsidy_is_digits_only(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    dialog = new_form(qtbot, context, person(add_person), "startup_subsidy")
    details = dialog.details
    assert details is not None and details.title() == "收款账户"
    assert "default" not in dialog.source_label.text() and "第 1 版" not in dialog.source_label.text()
    assert details.account_name.text() == "李雷"  # the applicant's own account, by default
    assert details.marital.isHidden() and details.spouse_id.isHidden()
    _type(qtbot, details.bank_name, "中国农业银行杭州文三路支行")
    _type(qtbot, details.account, "6228 48O4")
    assert not dialog.save_button.isEnabled() and "只能由数字组成" in dialog.fields.error.text()
    details.account.clear()
    _type(qtbot, details.account, "6228 4804 0256 4890 018")
    assert dialog.save(), answers.told
    assert dialog.view is not None
    assert dialog.view.details.bank_account == "6228480402564890018"
    assert dialog.view.details.bank_name == "中国农业银行杭州文三路支行"


def test_a_missing_graduation_date_is_asked_on_the_form(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    graduate = person(add_person, groups="高校毕业生")
    dialog = new_form(qtbot, context, graduate, "startup_subsidy")
    assert not dialog.fields.graduation.isHidden()
    _type(qtbot, dialog.fields.graduation, "2099-13")
    assert not dialog.save_button.isEnabled() and "毕业时间" in dialog.fields.error.text()
    dialog.fields.graduation.clear()
    month = china_today() - timedelta(days=200)
    _type(qtbot, dialog.fields.graduation, f"{month.year}-{month.month:02d}")
    assert dialog.save(), answers.told
    with context.db.reading() as session:
        from models.entrepreneur import Entrepreneur

        filed = session.get(Entrepreneur, graduate)
    assert filed is not None and filed.graduation_date == date(month.year, month.month, 1)
    assert dialog.fields.graduation.isHidden()  # on file now: not asked again
    veteran = ApplicationDialog.new(
        context,
        person(add_person, number="33010619910202004"),
        "startup_subsidy",
        as_of=china_today(),
        parent=None,
    )
    assert veteran is not None
    qtbot.addWidget(veteran)
    assert veteran.fields.graduation.isHidden()  # the rule does not need it for a veteran


def test_no_partnership_loan_for_a_one_person_business(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    dialog = ApplicationDialog.new(
        context, person(add_person), "guaranteed_loan_partnership", as_of=china_today(), parent=None
    )
    assert dialog is None
    assert answers.told and "个体工商户为个人经营，不能申请合伙创业担保贷款" in answers.told[-1]


def test_the_list_count_and_the_status_bar_follow_a_change(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    load_areas()
    someone = person(add_person)
    first = create_application(
        context.db, context.actor, entrepreneur_id=someone, item_code="startup_subsidy"
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("policy")
    assert page.count_label.text() == "共 1 份申请"  # type: ignore[attr-defined]
    assert window.page_status.text().startswith("申请 1 份")
    second = create_application(
        context.db,
        context.actor,
        entrepreneur_id=someone,
        item_code="incubator_space",
        data=ApplicationInput(),
    )
    dialog = page.open_application(second)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ApplicationDialog)
    dialog._delete()  # 删除 (answered yes): the dialog tells the page, the page tells the status bar
    assert page.count_label.text() == "共 1 份申请"  # type: ignore[attr-defined]
    assert window.page_status.text().startswith("申请 1 份")
    dialog = page.open_application(first)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ApplicationDialog)
    dialog._delete()
    assert page.count_label.text() == "共 0 份申请"  # type: ignore[attr-defined]
    assert window.page_status.text().startswith("申请 0 份")
