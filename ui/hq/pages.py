"""The pages of the HQ workspace, in the same window as a station's (ui/main_window.py picks this list
when the database is HQ's). A page is built by ``factory(context, parent)`` as on a station."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext
from ui.pages import PageSpec, _planned


def _stations(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.hq.stations import StationsPage

    return StationsPage(context, parent)


def _review(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.hq.review import ReviewPage

    return ReviewPage(context, parent)


def _reference(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.hq.reference import ReferencePage

    return ReferencePage(context, parent)


def _quality(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.hq.quality import QualityPage

    return QualityPage(context, parent)


HQ_PAGES: list[PageSpec] = [
    PageSpec("hq_stations", "服务站", "mdi6.office-building-marker-outline", _stations),
    # built at the same time by another helper as ui.hq.duplicates.page.DuplicatesPage(context, parent):
    # the lead swaps it in when merging
    PageSpec(
        "hq_duplicates",
        "跨站重复",
        "mdi6.account-multiple-check-outline",
        _planned("跨站重复", "同一身份证号码在两个以上服务站建档、疑似同一人的档案：并排比对，合并或分开。"),
    ),
    PageSpec("hq_review", "冲突与隔离", "mdi6.call-split", _review),
    PageSpec("hq_reference", "参考数据", "mdi6.book-open-page-variant-outline", _reference),
    # built at the same time by another helper as ui.hq.statistics.page.CountyStatisticsPage(context,
    # parent): the lead swaps it in when merging
    PageSpec(
        "hq_statistics",
        "统计",
        "mdi6.chart-box-outline",
        _planned("统计", "全县各服务站的月报：合计、分站、分重点群体、分区县，近 12 个月趋势和冻结的月报。"),
    ),
    PageSpec("hq_quality", "数据质量", "mdi6.clipboard-check-outline", _quality),
]
