"""统计报表 page: figures and charts load off the GUI thread, freeze a month, export 月报 and PNG."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services import monthly
from models.base import china_today
from models.ledger.months import month_start
from ui.statistics.page import StatisticsPage
from ui.widgets.dialogs import settle_minimum_size

from .conftest import Answers, check_model

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester


def last_month() -> date:
    first = month_start(china_today())
    return month_start(date.fromordinal(first.toordinal() - 1))


def loaded_page(qtbot: QtBot, context: AppContext) -> StatisticsPage:
    page = StatisticsPage(context)
    qtbot.addWidget(page)
    settle_minimum_size(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.refresh()
    return page


@pytest.mark.usefixtures("people")
def test_figures_charts_freeze_and_exports(
    qtbot: QtBot, context: AppContext, answers: Answers, qtmodeltester: ModelTester, tmp_path: Path
) -> None:
    page = loaded_page(qtbot, context)
    assert page.month == last_month()
    assert page.data is not None and page.data.month == last_month()
    check_model(qtmodeltester, page.figures)
    labels = [page.figures.figure(r).label for r in range(page.figures.rowCount())]  # type: ignore[union-attr]
    assert labels[:2] == ["新增创业者", "累计建档创业者（月末）"]
    assert "走访次数" in labels and "培训人数" in labels and "本月发放的申请金额" in labels
    # This month: the three people filed by the fixture today.
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.select_month(china_today())
    assert page.data.report.row("entrepreneurs.new").total == 3  # type: ignore[union-attr]
    assert page.cards["entrepreneurs.new"][1].text() == "3 人"
    assert len(page.data.trend) == 12
    assert page.status_text().endswith("未冻结")
    # Freeze last month, after the worker confirms.
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.select_month(last_month())
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.freeze()
    assert answers.asked and answers.asked[0].startswith("冻结报送|冻结")
    assert page.data.report.frozen and context.services(monthly.frozen_months) == [last_month()]
    assert page.state_chip.text().startswith("已报送")
    # A chart as PNG and the 月报 workbook.
    png = tmp_path / "趋势.png"
    assert page.trend_panel.save_png(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = tmp_path / "月报.xlsx"
    with qtbot.waitSignal(page.message, timeout=20000):
        page.export_report(out, last_month())
    assert out.exists()
