"""The pages of the HQ workspace, in the same window as a station's (ui/main_window.py picks this list
when the database is HQ's). A page is built by ``factory(context, parent)`` as on a station."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.context import AppContext
from ui.pages import PageSpec


def _stations(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.hq.stations import StationsPage

    return StationsPage(context, parent)


def _duplicates(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.hq.duplicates.page import DuplicatesPage

    return DuplicatesPage(context, parent)


def _statistics(context: AppContext, parent: QWidget | None) -> QWidget:
    from ui.hq.statistics.page import CountyStatisticsPage

    return CountyStatisticsPage(context, parent)


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
    PageSpec("hq_duplicates", "跨站重复", "mdi6.account-multiple-check-outline", _duplicates),
    PageSpec("hq_review", "冲突与隔离", "mdi6.call-split", _review),
    PageSpec("hq_reference", "参考数据", "mdi6.book-open-page-variant-outline", _reference),
    PageSpec("hq_statistics", "统计", "mdi6.chart-box-outline", _statistics),
    PageSpec("hq_quality", "数据质量", "mdi6.clipboard-check-outline", _quality),
]
