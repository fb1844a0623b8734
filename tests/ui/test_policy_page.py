"""The 政策与补贴 page: the lazy applications model (qtmodeltester), filters, the empty state, opening from
the workbench; the print preview (QtPdf) and printing its pages."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services.applications import (
    ApplicationQuery,
    advance_application,
    create_application,
    get_application,
    print_application,
    set_document,
)
from models.applications import ApplicationStatus
from models.base import china_today
from models.policy import ItemCode
from tests.ui.conftest import Add, check_model, make_id
from ui.policy.application_form import ApplicationDialog
from ui.policy.dialogs import PolicySetsDialog, VerifyDialog
from ui.policy.models import ApplicationListModel
from ui.policy.page import PolicyPage
from ui.widgets.printing import PrintPreview, print_pdf

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester


def three_applications(context: AppContext, add_person: Add) -> list[str]:
    registered = (china_today() - timedelta(days=400)).isoformat()
    venture = {
        "name": "青禾餐饮店",
        "entity_type": "个体工商户",
        "stage": "初创",
        "registration_date": registered,
    }
    ids = []
    for index, (name, item) in enumerate(
        (("张三", "startup_subsidy"), ("李四", "incubator_space"), ("王五", "guaranteed_loan_individual"))
    ):
        person = add_person(
            name, make_id(f"3301061990010100{index}"), key_groups="退役军人", ventures=[venture]
        )
        ids.append(context.services(create_application, entrepreneur_id=person, item_code=item))
    first = ids[0]
    for document, _ in context.services(get_application, application_id=first).documents:
        context.services(set_document, application_id=first, document=document, ticked=True)
    context.services(advance_application, application_id=first, to=ApplicationStatus.SUBMITTED)
    return ids


def test_model_passes_the_model_tester(
    qtmodeltester: ModelTester, context: AppContext, add_person: Add
) -> None:
    three_applications(context, add_person)
    model = ApplicationListModel(context.services, page_size=2)
    model.set_query(ApplicationQuery())
    check_model(qtmodeltester, model)
    assert model.rowCount() == 3
    texts = {model.data(model.index(row, 3)) for row in range(3)}
    assert texts == {"一次性创业补贴", "孵化场地免费入驻", "创业担保贷款（个人）"}
    amounts = {model.data(model.index(row, 5)) for row in range(3)}
    assert "免费" in amounts and "¥5,000.00" in amounts
    masked = model.data(model.index(0, 2))
    assert isinstance(masked, str) and "*" in masked


def test_page_filters_counts_and_opens(qtbot: QtBot, context: AppContext, add_person: Add) -> None:
    ids = three_applications(context, add_person)
    page = PolicyPage(context)
    qtbot.addWidget(page)
    assert page.count_label.text() == "共 3 份申请"
    assert page.status_text() == "申请 3 份：审核中 1，待发放 0，已发放 0"
    page.status.setCurrentIndex(page.status.findData(ApplicationStatus.SUBMITTED))
    assert page.model.rowCount() == 1 and page.count_label.text() == "共 1 份申请（已筛选）"
    page.reset()
    page.item.setCurrentIndex(page.item.findData(ItemCode.INCUBATOR_SPACE))
    assert page.model.rowCount() == 1 and page.model.application_id(0) == ids[1]
    page.reset()
    page.search.setText("王五")
    page.run_query()
    assert page.model.rowCount() == 1 and page.model.application_id(0) == ids[2]
    page.search.setText("没有这个人")
    page.run_query()
    assert page.stack.currentWidget() is page.empty
    assert page.empty.title.text() == "没有符合条件的申请"
    page.reset()
    dialog = page.open_application(ids[2])
    assert isinstance(dialog, ApplicationDialog)
    qtbot.addWidget(dialog)
    assert dialog.loan_box is not None
    dialog.reject()
    page.open_record("application", ids[0])  # what the workbench's 申请待办 line does


def test_empty_page_offers_the_first_step(qtbot: QtBot, context: AppContext) -> None:
    page = PolicyPage(context)
    qtbot.addWidget(page)
    assert page.stack.currentWidget() is page.empty
    assert page.empty.title.text() == "还没有补贴或贷款申请"
    assert page.empty.button.text() == "新增申请"
    assert not page.print_button.isEnabled()


def test_preview_shows_the_pdf_and_prints_every_page(
    qtbot: QtBot, context: AppContext, add_person: Add, tmp_path: Path
) -> None:
    ids = three_applications(context, add_person)
    pdf = tmp_path / "form.pdf"
    pages = context.services(print_application, application_id=ids[2], out=pdf)
    preview = PrintPreview(
        pdf.read_bytes(), "创业担保贷款申请表", context.preferences, suggested_name=pdf.name
    )
    qtbot.addWidget(preview)
    assert preview.page_count == pages
    assert preview.pages_label.text() == f"共 {pages} 页"
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert print_pdf(preview.document, printer) == pages
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"^Pages:\s+{pages}$", info, re.MULTILINE), info


def test_verify_and_policy_dialogs(
    qtbot: QtBot, context: AppContext, add_person: Add, tmp_path: Path
) -> None:
    ids = three_applications(context, add_person)
    pdf = tmp_path / "form.pdf"
    context.services(print_application, application_id=ids[0], out=pdf)
    verify = VerifyDialog(context)
    qtbot.addWidget(verify)
    verify.check_pdf(pdf)
    assert verify.results.toPlainText().startswith("✔ 一致")
    verify.payload.setText("nonsense")
    verify.check_payload()
    assert "不是本系统打印的表格编码" in verify.results.toPlainText()
    sets = PolicySetsDialog(context)
    qtbot.addWidget(sets)
    assert "今天有效：默认政策参数（示例，请按当地政策确认）" in sets.text.toPlainText()
