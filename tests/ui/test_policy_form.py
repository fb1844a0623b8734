"""The application form (pytest-qt, offscreen): pre-filled, amount within the ceiling, checklist ticking,
workflow buttons, loan terms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services.applications import get_application, search_application_ids
from models.applications import ApplicationStatus
from models.base import china_today
from tests.ui.conftest import Add, Answers, make_id
from ui.policy.application_form import ApplicationDialog
from ui.widgets import dialogs


def person(add_person: Add, *, groups: str = "退役军人", number: str = "33010619900101003") -> str:
    registered = china_today() - timedelta(days=400)
    return add_person(
        "李雷",
        make_id(number),
        key_groups=groups,
        ventures=[
            {
                "name": "青禾餐饮店",
                "entity_type": "个体工商户",
                "stage": "初创",
                "registration_date": registered.isoformat(),
                "jobs_created": 2,
            }
        ],
    )


def step_button(dialog: ApplicationDialog, text: str) -> QPushButton:
    button = dialog.workflow.button(text)
    assert button is not None, text
    return button


def new_form(qtbot: QtBot, context: AppContext, entrepreneur_id: str, item_code: str) -> ApplicationDialog:
    """A new application's form for the person, as of today, owned by the test."""
    dialog = ApplicationDialog.new(context, entrepreneur_id, item_code, as_of=china_today(), parent=None)
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def test_new_form_is_prefilled_and_the_amount_checked(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    dialog = new_form(qtbot, context, person(add_person), "startup_subsidy")
    assert dialog.header.text() == "李雷 — 一次性创业补贴"
    assert dialog.fields.amount.text() == "5,000.00"
    hint = dialog.fields.amount_hint.text()
    assert "上限 ¥5,000.00" in hint and "伍仟元整" in hint
    assert dialog.fields.venture.currentText().startswith("青禾餐饮店（个体工商户，初创")
    assert dialog.checklist.documents.count() == 6
    assert dialog.save_button.text() == "创建申请" and dialog.save_button.isEnabled()
    QTest.keyClicks(dialog.fields.amount, "5")  # 5,000.005: a fraction of a fen
    assert "小数超过两位" in dialog.fields.error.text() and not dialog.save_button.isEnabled()
    dialog.fields.amount.setText("6000")
    dialog.fields.amount.textEdited.emit("6000")
    assert dialog.fields.error.text() == "金额 ¥6,000.00 超过上限 ¥5,000.00"
    assert not dialog.save_button.isEnabled()
    dialog.fields.amount.setText("3,000")
    dialog.fields.amount.textEdited.emit("3,000")
    assert dialog.fields.error.isHidden() and "叁仟元整" in dialog.fields.amount_hint.text()
    for row in (0, 1):
        item = dialog.checklist.documents.item(row)
        assert item is not None
        item.setCheckState(Qt.CheckState.Checked)
    assert dialog.checklist.summary.text() == "已收 2 / 6 项"
    assert dialog.save()
    assert dialog.view is not None and dialog.save_button.text() == "保存"
    stored = context.services(get_application, application_id=dialog.view.id)
    assert stored.amount_fen == 300_000
    assert [ticked for _, ticked in stored.documents] == [True, True, False, False, False, False]
    assert answers.told == []


def test_workflow_buttons_refuse_then_take_the_step(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    dialog = new_form(qtbot, context, person(add_person), "startup_subsidy")
    assert dialog.save()
    step_button(dialog, "提交").click()
    assert (
        answers.told
        and answers.told[-1].startswith("无法办理|申请")
        and "材料清单中还有 6 项未收到" in answers.told[-1]
    )
    for row in range(dialog.checklist.documents.count()):
        item = dialog.checklist.documents.item(row)
        assert item is not None
        item.setCheckState(Qt.CheckState.Checked)  # each tick is stored at once
    assert dialog.view is not None and all(ticked for _, ticked in dialog.view.documents)
    step_button(dialog, "提交").click()
    assert dialog.view.status is ApplicationStatus.SUBMITTED
    assert dialog.status_chip.text() == "已提交"
    steps = dialog.workflow.steps
    second = steps.item(1)
    assert steps.count() == 2 and second is not None and "提交（已提交）" in second.text()
    assert not dialog.fields.amount.isEnabled()  # submitted: no longer editable
    assert dialog.advance(ApplicationStatus.RETURNED, note="缺营业执照")
    returned = dialog.workflow.returned
    assert "退回原因：缺营业执照" in returned.text() and not returned.isHidden()
    assert dialog.fields.amount.isEnabled()
    assert not dialog.delete_button.isHidden()


def test_unsaved_changes_are_asked_about(
    qtbot: QtBot, context: AppContext, add_person: Add, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc with unsaved typing asks 保存 / 不保存 / 取消: 取消 keeps the typing, 保存 stores it and closes."""
    asked: list[str] = []
    replies = [dialogs.CANCEL, dialogs.SAVE]

    def ask_unsaved(_parent: object, title: str, text: str) -> str:
        asked.append(f"{title}|{text}")
        return replies.pop(0)

    monkeypatch.setattr(dialogs, "ask_unsaved", ask_unsaved)
    dialog = new_form(qtbot, context, person(add_person), "incubator_space")
    dialog.show()
    assert dialog.fields.amount_hint.text() == "免费入驻"
    assert dialog.save()
    dialog.fields.notes.setPlainText("希望入驻二楼")
    assert dialog.isWindowModified()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # 取消: back to the typing
    assert asked and asked[-1].startswith("尚未保存|")
    assert dialog.isVisible() and dialog.isWindowModified()
    assert dialog.fields.notes.toPlainText() == "希望入驻二楼"
    dialog.reject()  # 保存: stored, then closed
    assert len(asked) == 2 and not dialog.isVisible()
    assert dialog.view is not None and dialog.view.notes == "希望入驻二楼"


def test_loan_form_records_the_terms(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    dialog = new_form(qtbot, context, person(add_person), "guaranteed_loan_individual")
    box = dialog.loan_box
    assert box is not None
    # the amount is what the person asks for: empty until typed, not the ceiling (issue 12)
    assert dialog.fields.amount.text() == "" and "上限 ¥300,000.00" in dialog.fields.amount_hint.text()
    assert not dialog.save_button.isEnabled() and "请填写贷款金额" in dialog.fields.error.text()
    QTest.keyClicks(dialog.fields.amount, "150000")
    assert box.term.value() == 36 and box.rate.text() == "3.95" and box.share.value() == 50
    assert box.waived.isChecked()  # veterans: counter-guarantee waived in the default set
    assert box.extend_button.isHidden()
    box.rate.setText("3.955")
    box.rate.textEdited.emit("3.955")
    assert not dialog.save_button.isEnabled() and "最多两位小数" in dialog.fields.error.text()
    box.rate.setText("3.45")
    box.rate.textEdited.emit("3.45")
    box.bank.setText("中国农业银行")
    box.term.setValue(24)
    dialog.fields.amount.setText("150000")
    dialog.fields.amount.textEdited.emit("150000")
    assert dialog.save(), answers.told
    assert dialog.view is not None and dialog.view.loan is not None
    loan = dialog.view.loan
    assert (loan.bank, loan.amount_fen, loan.term_months, loan.annual_rate_bp) == (
        "中国农业银行",
        15_000_000,
        24,
        345,
    )
    assert context.services(search_application_ids) == [dialog.view.id]


def test_social_insurance_months_propose_the_amount(
    qtbot: QtBot, context: AppContext, add_person: Add, answers: Answers
) -> None:
    dialog = ApplicationDialog.new(
        context,
        person(add_person, groups="就业困难人员"),
        "social_insurance_subsidy",
        as_of=china_today(),
        parent=None,
    )
    assert dialog is not None, answers.told
    qtbot.addWidget(dialog)
    item = dialog.item
    assert item.per_month_fen is not None and item.max_months is not None
    assert not dialog.fields.insured.isHidden() and dialog.fields.partners.isHidden()
    dialog.fields.insured.setValue(6)
    assert dialog.fields.amount.text() == f"{min(item.per_month_fen * 6, item.ceiling_fen) / 100:,.2f}"
    dialog.fields.insured.setValue(item.max_months + 24)  # paid longer than the subsidy lasts
    most = min(item.per_month_fen * item.max_months, item.ceiling_fen)
    assert dialog.fields.amount.text() == f"{most / 100:,.2f}" and dialog.isWindowModified()
    assert dialog.save(), answers.told
    assert dialog.view is not None and dialog.view.social_insurance_months == item.max_months + 24
    assert dialog.view.amount_fen == most
