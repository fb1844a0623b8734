"""Every item model passes qtmodeltester; the list model holds ids and fetches rows a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester

from desktop.services import entrepreneurs as svc
from desktop.services.entrepreneur_list import ListQuery, fetch_rows
from desktop.services.entrepreneurs import ChangeView
from desktop.services.gate import Services
from models.audit import Actor
from models.database import Database
from ui import roles
from ui.entrepreneurs.history_tab import history_model
from ui.entrepreneurs.list_model import ID_ROLE, EntrepreneurListModel
from ui.entrepreneurs.search_popup import SearchResultsModel
from ui.entrepreneurs.ventures_tab import RawVenture, raw_from_view, venture_columns
from ui.roles import TONE_ROLE
from ui.style import TEXT_MUTED
from ui.widgets.rows_model import RowsModel

from .conftest import ZHANG_SAN, check_model


def _column(model: EntrepreneurListModel, key: str) -> int:
    return next(i for i, column in enumerate(model.columns) if column.key == key)


def test_list_model_passes_modeltester_and_masks(
    qtmodeltester: ModelTester, db: Database, actor: Actor, people: dict[str, str]
) -> None:
    model = EntrepreneurListModel(Services(db, actor))
    model.set_query(ListQuery())
    check_model(qtmodeltester, model)
    assert model.rowCount() == 3
    row = model.row_of(people["张三"])
    assert model.index(row, _column(model, "name")).data() == "张三"
    assert model.index(row, _column(model, "id_number")).data() == "330***********123X"
    assert model.index(row, _column(model, "phone")).data() == "138****5678"
    assert model.index(row, _column(model, "key_groups")).data() == "退役军人"
    assert model.index(row, 0).data(ID_ROLE) == people["张三"]
    created = model.index(row, _column(model, "created_on")).data()
    assert len(created) == 10 and created[4] == "-" and created[7] == "-"
    li = model.row_of(people["李四"])
    stage = model.index(li, _column(model, "stage"))
    assert stage.data() == "初创"
    assert stage.data(TONE_ROLE) == "GREEN"
    assert model.index(li, _column(model, "ventures")).data() == "青禾餐饮店"
    assert model.index(li, _column(model, "region")).data() == "江西省九江市德安县"
    age = model.index(li, _column(model, "age"))
    assert age.data(Qt.ItemDataRole.TextAlignmentRole) == Qt.AlignmentFlag.AlignCenter
    assert (
        stage.data(Qt.ItemDataRole.TextAlignmentRole)
        == Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    )
    header = model.header_model(model)
    assert header.headerData(_column(model, "name"), Qt.Orientation.Horizontal) == "姓名"
    assert header.headerData(_column(model, "name"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert not header.headerData(
        _column(model, "sex"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )


def test_the_first_screens_integers_are_qts_values() -> None:
    """ui/roles.py names Qt's values as integers, so that the first screen paints without PySide's
    ``Qt`` namespace; they must stay Qt's."""
    assert Qt.ItemDataRole.DisplayRole.value == roles.DISPLAY_ROLE
    assert Qt.ItemDataRole.ToolTipRole.value == roles.TOOLTIP_ROLE
    assert Qt.ItemDataRole.TextAlignmentRole.value == roles.TEXT_ALIGNMENT_ROLE
    assert Qt.ItemDataRole.UserRole.value == roles.USER_ROLE
    assert (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value == roles.ALIGN_LEFT_MIDDLE
    assert Qt.AlignmentFlag.AlignCenter.value == roles.ALIGN_CENTER


def test_sorting_requeries_and_keeps_model_consistent(
    qtmodeltester: ModelTester, db: Database, actor: Actor, people: dict[str, str]
) -> None:
    model = EntrepreneurListModel(Services(db, actor))
    model.set_query(ListQuery())
    check_model(qtmodeltester, model)
    name = _column(model, "name")
    model.sort(name, Qt.SortOrder.AscendingOrder)
    # by pinyin: li si, zeng xiao hong, zhang san
    assert [model.index(r, name).data() for r in range(3)] == ["李四", "曾小红", "张三"]
    assert model.query.sort == "name" and not model.query.descending
    assert model.sort_section() == (name, Qt.SortOrder.AscendingOrder)
    age = _column(model, "age")
    model.sort(age, Qt.SortOrder.AscendingOrder)  # youngest first = latest birth date first
    assert model.index(0, name).data() == "曾小红"
    assert model.query.sort == "birth_date" and model.query.descending
    assert model.sort_section() == (age, Qt.SortOrder.AscendingOrder)
    model.sort(_column(model, "sex"), Qt.SortOrder.AscendingOrder)  # not sortable: nothing happens
    assert model.query.sort == "birth_date"


def test_rows_are_fetched_by_page_and_the_cache_is_bounded(
    db: Database, actor: Actor, people: dict[str, str]
) -> None:
    model = EntrepreneurListModel(Services(db, actor), page_size=1, cached_pages=2)
    model.set_query(ListQuery(sort="name", descending=False))
    assert model.pages.page_numbers() == []
    assert model.index(2, 1).data() == "张三"
    assert model.pages.page_numbers() == [2]
    model.index(0, 1).data()
    model.index(1, 1).data()
    assert model.pages.page_numbers() == [0, 1]
    assert model.index(3, 1).data() is None


def test_small_models_pass_modeltester(
    qtmodeltester: ModelTester, db: Database, actor: Actor, people: dict[str, str]
) -> None:
    file = svc.get_file(db, svc_actor(db), entrepreneur_id=people["李四"])
    ventures: RowsModel[RawVenture] = RowsModel(venture_columns())
    ventures.replace([raw_from_view(v) for v in file.ventures])
    check_model(qtmodeltester, ventures)
    assert ventures.index(0, 2).data() == "初创"
    assert ventures.index(0, 5).data() == "H 住宿和餐饮业"

    history = history_model()
    history.replace(
        [
            ChangeView(
                at=datetime(2025, 1, 5, 2, 3, tzinfo=UTC),
                user_name="服务站工作人员",
                label="修改 张三 的档案",
                action="update",
                record_kind="entrepreneur",
                fields=(("联系电话", "13812345678", "13900000000"),),
                undone=True,
            )
        ]
    )
    check_model(qtmodeltester, history)
    assert history.index(0, 0).data() == "2025-01-05 10:03"
    assert history.index(0, 2).data() == "修改 张三 的档案（已撤销）"
    assert history.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == QColor(TEXT_MUTED)  # undone: grey
    assert history.index(0, 3).data() == "联系电话：13812345678 → 13900000000"

    results = SearchResultsModel()
    check_model(qtmodeltester, results)
    rows = fetch_rows(db, actor, [people["张三"]])
    results.set_results("zs", rows, 1)
    check_model(qtmodeltester, results)
    assert results.rowCount() == 2
    assert "张三" in results.index(0, 0).data()
    assert ZHANG_SAN not in results.index(0, 0).data()
    assert results.index(0, 0).data(ID_ROLE) == people["张三"]
    assert "查看全部 1 人" in results.index(1, 0).data()
    results.set_results("nobody", [], 0)
    assert results.index(0, 0).data() == "没有找到“nobody”"
    assert not results.flags(results.index(0, 0)) & Qt.ItemFlag.ItemIsEnabled
    assert results.rowCount(results.index(0, 0)) == 0
    assert results.data(QModelIndex()) is None


def svc_actor(db: Database) -> Actor:
    from desktop.services.station import default_actor

    return default_actor(db)
