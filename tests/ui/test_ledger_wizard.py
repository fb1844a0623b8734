"""The import wizard driven like a worker: choose a file, correct the mapping, preview, import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services.entrepreneur_list import count_entrepreneurs
from models.ledger.plan import RowKind
from tests.data import ledgers as fx
from ui.ledger.import_wizard import DONE, FILE, MAPPING, PREVIEW, ImportWizard
from ui.widgets.dialogs import settle_minimum_size

from .conftest import Answers, check_model

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

HEADERS = ["户主", "证件号码", "联系电话", "人员类别", "经营主体名称"]


def wizard_on(qtbot: QtBot, context: AppContext) -> ImportWizard:
    wizard = ImportWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def wait_step(qtbot: QtBot, wizard: ImportWizard, step: int) -> None:
    qtbot.waitUntil(lambda: not wizard.busy and wizard.step == step, timeout=20000)


def test_mapping_step_corrects_and_remembers(
    qtbot: QtBot, context: AppContext, qtmodeltester: ModelTester, tmp_path: Path
) -> None:
    ledger = fx.simple_ledger(
        tmp_path / "社区台账.xlsx", [["张三", fx.ZHANG, "13812345678", "退役军人", "向阳便利店"]], HEADERS
    )
    wizard = wizard_on(qtbot, context)
    assert wizard.step == FILE and not wizard.next_button.isEnabled()
    wizard.choose_file(ledger)
    qtbot.waitUntil(wizard.next_button.isEnabled, timeout=20000)
    wizard.next_button.click()
    wait_step(qtbot, wizard, MAPPING)
    # 户主 is not a column name the program knows: the worker must say it is the name.
    assert wizard.mapping_combo(0).currentData() == ""
    assert wizard.mapping_combo(1).currentData() == "id_number"
    assert wizard.mapping_combo(4).currentData() == "venture.name"
    assert "姓名" in wizard.error_label.text() and not wizard.next_button.isEnabled()
    combo = wizard.mapping_combo(0)
    combo.setCurrentIndex(combo.findData("name"))
    assert wizard.error_label.text() == "" and wizard.next_button.isEnabled()
    # Mapping two columns to the same field is refused on the spot.
    combo.setCurrentIndex(combo.findData("id_number"))
    assert "对应了两列" in wizard.error_label.text() and not wizard.next_button.isEnabled()
    combo.setCurrentIndex(combo.findData("name"))
    wizard.next_button.click()
    wait_step(qtbot, wizard, PREVIEW)
    assert wizard.preview_summary.text().startswith("预览（尚未写入）：将新增 1 人")
    check_model(qtmodeltester, wizard.rows_model)
    assert wizard.rows_model.row_at(0) is not None and wizard.rows_model.row_at(0).kind is RowKind.CREATE  # type: ignore[union-attr]
    assert count_entrepreneurs(context.db, context.actor) == 0  # the preview writes nothing
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        wizard.next_button.click()
    wait_step(qtbot, wizard, DONE)
    assert "导入完成：新增 1 人" in wizard.done_label.text()
    assert count_entrepreneurs(context.db, context.actor) == 1

    # The next ledger with the same headers gets the corrected mapping.
    other = fx.simple_ledger(
        tmp_path / "下月台账.xlsx", [["李四", fx.LI, "13912345678", "农民工", None]], HEADERS
    )
    again = wizard_on(qtbot, context)
    again.choose_file(other)
    qtbot.waitUntil(again.next_button.isEnabled, timeout=20000)
    again.next_button.click()
    wait_step(qtbot, again, MAPPING)
    assert again.mapping_combo(0).currentData() == "name"
    assert "上次确认" in again.mapping_info.text() and again.next_button.isEnabled()


def test_esc_half_way_asks_before_the_choices_go(
    qtbot: QtBot, context: AppContext, answers: Answers, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    ledger = fx.simple_ledger(
        tmp_path / "社区台账.xlsx", [["张三", fx.ZHANG, "13812345678", "退役军人", "向阳便利店"]], HEADERS
    )
    wizard = wizard_on(qtbot, context)
    QTest.keyClick(wizard, Qt.Key.Key_Escape)  # nothing chosen yet: closes without a question
    assert not wizard.isVisible() and not answers.asked
    wizard = wizard_on(qtbot, context)
    wizard.choose_file(ledger)
    qtbot.waitUntil(wizard.next_button.isEnabled, timeout=20000)
    wizard.next_button.click()
    wait_step(qtbot, wizard, MAPPING)
    combo = wizard.mapping_combo(0)
    combo.setCurrentIndex(combo.findData("name"))
    answers.reply = False  # 继续核对
    QTest.keyClick(wizard, Qt.Key.Key_Escape)
    assert answers.asked[-1].startswith("放弃这次导入|") and wizard.isVisible()
    assert wizard.mapping_combo(0).currentData() == "name"  # the choice is still there
    answers.reply = True  # 放弃导入
    wizard.close_button.click()
    assert not wizard.isVisible() and len(answers.asked) == 2
    assert count_entrepreneurs(context.db, context.actor) == 0


def test_refused_rows_are_shown_and_saved(qtbot: QtBot, context: AppContext, tmp_path: Path) -> None:
    wizard = wizard_on(qtbot, context)
    wizard.choose_file(fx.station_ledger(tmp_path / "台账.xlsx"))
    qtbot.waitUntil(wizard.next_button.isEnabled, timeout=20000)
    wizard.next_button.click()
    wait_step(qtbot, wizard, MAPPING)
    assert wizard.mapping_info.text().startswith("工作表“创业者台账”，表头在第 3–4 行")
    wizard.next_button.click()
    wait_step(qtbot, wizard, PREVIEW)
    # The preview opens on the refused rows, with their reasons.
    assert wizard.rows_model.rowCount() == 4
    assert all(wizard.rows_model.row_at(r).kind is RowKind.REFUSED for r in range(4))  # type: ignore[union-attr]
    errors = tmp_path / "未导入.xlsx"
    assert wizard.save_errors(errors) and errors.exists()
    wizard.kind_filter.setCurrentIndex(0)
    assert wizard.rows_model.rowCount() == 16


def test_a_hostile_file_is_refused_in_place(qtbot: QtBot, context: AppContext, tmp_path: Path) -> None:
    wizard = wizard_on(qtbot, context)
    wizard.choose_file(fx.renamed_xls(tmp_path / "旧台账.xlsx"))
    qtbot.waitUntil(lambda: not wizard.busy, timeout=20000)
    assert "旧版 Excel 97-2003 格式" in wizard.error_label.text()
    assert not wizard.next_button.isEnabled()
    template = tmp_path / "模板.xlsx"
    wizard.save_template(template)
    assert template.exists()


def test_list_toolbar_import_and_export(
    qtbot: QtBot, context: AppContext, people: dict[str, str], answers: Answers, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop.services.entrepreneur_list import ListQuery
    from ui.entrepreneurs.list_page import EntrepreneurListPage
    from ui.ledger import ExportDialog

    page = EntrepreneurListPage(context)
    qtbot.addWidget(page)
    settle_minimum_size(page)  # a page shown as its own window in this test
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    assert list(page.buttons)[:3] == ["new", "import", "export"]  # 新增, 导入, 导出 (UI.md)
    assert [page.buttons[k].text() for k in ("new", "import", "export")] == ["新增", "导入", "导出"]
    page.query_bar.search.setText("zs")
    page.query_bar.flush()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.export_list()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog) and w.isVisible())
    assert dialog.query == page.model.query and dialog.query != ListQuery()
    assert dialog.path_edit.text().endswith(".xlsx") and "330106001_创业者名单_" in dialog.path_edit.text()
    out = tmp_path / "名单.xlsx"
    dialog.path_edit.setText(str(out))
    answers.reply = False  # do not open the folder
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20000)
    assert dialog.outcome is not None and dialog.outcome.rows == 1 and out.exists()
    assert answers.asked and "已导出 1 人" in answers.asked[-1]
    page.import_ledger()
    wizard = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImportWizard) and w.isVisible())
    wizard.choose_file(
        fx.simple_ledger(
            tmp_path / "新台账.xlsx", [["王五", fx.WANG, "13712345678", "农民工", None, None, None]]
        )
    )
    qtbot.waitUntil(wizard.next_button.isEnabled, timeout=20000)
    wizard.next_button.click()
    wait_step(qtbot, wizard, MAPPING)
    wizard.next_button.click()
    wait_step(qtbot, wizard, PREVIEW)
    wizard.next_button.click()
    wait_step(qtbot, wizard, DONE)
    qtbot.waitUntil(lambda: page.total == 4, timeout=20000)  # the list shows the imported file
    wizard.close()
