"""The eligibility panel of a file and the 政策与补贴 tab (pytest-qt, offscreen)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services.applications import create_application
from models.base import china_today
from models.policy import ItemCode, add_months
from tests.ui.conftest import Add, make_id
from ui.entrepreneurs.file_tabs import FILE_TABS
from ui.pages import PAGES
from ui.policy import register
from ui.policy.eligibility import CODE_ROLE, EligibilityPanel, PolicyFileTab
from ui.roles import TONE_ROLE


def venture(registered: date) -> dict[str, object]:
    return {
        "name": "青禾餐饮店",
        "entity_type": "个体工商户",
        "stage": "初创",
        "registration_date": registered.isoformat(),
        "jobs_created": 2,
    }


def top_item(panel: EligibilityPanel, code: ItemCode) -> QTreeWidgetItem:
    for index in range(panel.tree.topLevelItemCount()):
        item = panel.tree.topLevelItem(index)
        if item is not None and item.data(0, CODE_ROLE) == code.value:
            return item
    raise AssertionError(code)


def texts(item: QTreeWidgetItem) -> list[str]:
    found = []
    for index in range(item.childCount()):
        child = item.child(index)
        assert child is not None
        found.append(child.text(0))
        found.extend(texts(child))
    return found


def test_package_registers_page_and_file_tab() -> None:
    register()
    register()  # idempotent
    spec = next(s for s in PAGES if s.key == "policy")
    assert spec.factory.__module__ == "ui.policy"
    assert sum(1 for factory in FILE_TABS if factory.__module__ == "ui.policy") == 1


def test_panel_shows_each_item_with_its_conditions(
    qtbot: QtBot, context: AppContext, add_person: Add
) -> None:
    registered = china_today() - timedelta(days=400)
    person = add_person(
        "王芳",
        make_id("33010619950308002"),
        key_groups="高校毕业生",
        graduation_date="2019-06",
        ventures=[venture(registered)],
    )
    panel = EligibilityPanel(context, person)
    qtbot.addWidget(panel)
    assert panel.tree.topLevelItemCount() == len(ItemCode)
    assert "示例，请按当地政策确认" in panel.notice.text() and not panel.notice.isHidden()
    assert "第 1 版" in panel.policy_label.text() and "default" not in panel.policy_label.text()  # no ids
    startup = top_item(panel, ItemCode.STARTUP_SUBSIDY)
    assert startup.text(1) == "不符合条件"
    assert startup.data(1, TONE_ROLE) == "GREY"
    assert any("毕业时间 2019-06 距今" in text and "超过 24 个月" in text for text in texts(startup))
    space = top_item(panel, ItemCode.INCUBATOR_SPACE)
    assert space.text(1) == "符合条件" and space.data(1, TONE_ROLE) == "GREEN"
    assert space.text(2) == "免费"
    assert any(text.startswith("✔ 创业主体“青禾餐饮店”登记注册于") for text in texts(space))
    panel.tree.setCurrentItem(startup)
    assert not panel.apply_button.isEnabled()
    assert panel.help.text().startswith("不符合条件：毕业时间 2019-06")
    panel.tree.setCurrentItem(space)
    assert panel.apply_button.isEnabled()
    with qtbot.waitSignal(panel.apply_requested) as signal:
        panel.apply_button.click()
    assert signal.args is not None and signal.args[0] == "incubator_space"
    # asked as of the day after the third anniversary of registration, the free space is over
    later = add_months(registered, 36) + timedelta(days=1)
    panel.as_of.setDate(QDate(later.year, later.month, later.day))
    assert top_item(panel, ItemCode.INCUBATOR_SPACE).text(1) == "不符合条件"


def test_missing_data_is_amber_and_still_lets_one_apply(
    qtbot: QtBot, context: AppContext, add_person: Add
) -> None:
    person = add_person(
        "赵敏",
        make_id("33010619880808002"),
        key_groups="就业困难人员",
        ventures=[venture(china_today() - timedelta(days=90))],
    )
    panel = EligibilityPanel(context, person)
    qtbot.addWidget(panel)
    insurance = top_item(panel, ItemCode.SOCIAL_INSURANCE_SUBSIDY)
    assert insurance.text(1) == "缺少资料" and insurance.data(1, TONE_ROLE) == "AMBER"
    assert any("？ 未记录社会保险缴费月数" in text for text in texts(insurance))
    panel.select_item(ItemCode.SOCIAL_INSURANCE_SUBSIDY)
    assert panel.apply_button.isEnabled()
    assert panel.help.text().startswith("缺少资料：未记录社会保险缴费月数")


def test_file_tab_lists_the_persons_applications(qtbot: QtBot, context: AppContext, add_person: Add) -> None:
    person = add_person(
        "李雷",
        make_id("33010619900101003"),
        key_groups="退役军人",
        ventures=[venture(china_today() - timedelta(days=400))],
    )
    tab = PolicyFileTab(context, person)
    qtbot.addWidget(tab)
    assert tab.applications_label.text() == "本人还没有补贴或贷款申请"
    application = context.services(create_application, entrepreneur_id=person, item_code="startup_subsidy")
    tab.refresh()
    assert tab.model.rowCount() == 1
    assert tab.applications_label.text().startswith("本人的申请（1 份）")
    assert tab.view.isColumnHidden(1)  # the person's own name is not repeated
    panel = tab.panel
    panel.select_item(ItemCode.STARTUP_SUBSIDY)
    assert not panel.apply_button.isEnabled()
    assert not panel.open_button.isHidden()
    with qtbot.waitSignal(panel.open_requested) as signal:
        panel.open_button.click()
    assert signal.args == [application]
    item = top_item(panel, ItemCode.STARTUP_SUBSIDY)
    assert "［已有申请：草稿］" in item.text(0)
    assert item.toolTip(0).startswith("已有申请")
    assert item.flags() & Qt.ItemFlag.ItemIsEnabled
