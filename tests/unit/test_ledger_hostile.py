"""Broken, encrypted and hostile files are refused with a Chinese message before they cost anything,
and the database is not touched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.services.ledger.importing import import_ledger
from models.audit import Actor
from models.database import Database
from models.errors import ValidationError
from reports.ledger.limits import ReadLimits
from reports.ledger.reading import open_ledger
from tests.data import ledgers as fx


def refused(path: Path, **kw: object) -> str:
    with pytest.raises(ValidationError) as caught:
        open_ledger(path, **kw)  # type: ignore[arg-type]
    assert caught.value.field == "台账文件"
    return caught.value.message


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return fx.plain_workbook(tmp_path / "base.xlsx")


@pytest.mark.parametrize(
    ("maker", "words"),
    [
        (fx.renamed_xls, "旧版 Excel 97-2003 格式（.xls）"),
        (fx.encrypted_xlsx, "设置了打开密码"),
        (fx.zip_not_xlsx, "是一个压缩包（zip），不是 Excel 工作簿"),
        (fx.html_as_xlsx, "网页（HTML）格式"),
    ],
)
def test_not_a_workbook(tmp_path: Path, maker: Callable[[Path], Path], words: str) -> None:
    message = refused(maker(tmp_path / "台账.xlsx"))
    assert words in message and "台账.xlsx" in message


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    assert "是空的" in refused(empty)
    assert "找不到文件" in refused(tmp_path / "没有.xlsx")


def test_truncated_workbook(tmp_path: Path, base: Path) -> None:
    message = refused(fx.truncated_xlsx(tmp_path / "半个.xlsx", base))
    assert "损坏" in message


def test_xml_bomb_is_refused(tmp_path: Path, base: Path) -> None:
    message = refused(fx.xml_bomb(tmp_path / "炸弹.xlsx", base))
    assert "不安全的 XML 内容" in message


def test_a_billion_cells_are_refused_unread(tmp_path: Path, base: Path) -> None:
    message = refused(fx.billion_cells(tmp_path / "十亿.xlsx", base))
    assert "1,048,576 行" in message and "超过单次导入上限" in message


def test_rows_are_counted_while_reading(tmp_path: Path, base: Path) -> None:
    path = fx.many_rows_without_dimension(tmp_path / "多.xlsx", base, 3000)
    message = refused(path, limits=ReadLimits(max_rows=1000))
    assert "超过 1,000 行" in message
    cells = refused(path, limits=ReadLimits(max_cells=1000))
    assert "单元格超过 1,000 个" in cells


def test_oversized_parts_are_refused(tmp_path: Path, base: Path) -> None:
    message = refused(base, limits=ReadLimits(max_part_bytes=200))
    assert "解压后有" in message


def test_hostile_file_leaves_the_database_alone(
    db: Database, actor: Actor, tmp_path: Path, base: Path
) -> None:
    with pytest.raises(ValidationError):
        import_ledger(db, actor, path=fx.xml_bomb(tmp_path / "炸弹.xlsx", base))
    from desktop.services.entrepreneur_list import count_entrepreneurs

    assert count_entrepreneurs(db, actor) == 0


def test_defusedxml_is_what_openpyxl_uses() -> None:
    import openpyxl
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_collector_is_back_on_after_a_refused_file(tmp_path: Path, base: Path) -> None:
    import gc

    assert gc.isenabled()
    refused(fx.xml_bomb(tmp_path / "炸弹.xlsx", base))
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that switched it off keeps it off
        refused(fx.renamed_xls(tmp_path / "旧.xlsx"))
        assert not gc.isenabled()
    finally:
        gc.enable()
