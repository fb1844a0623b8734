"""A damaged or hostile exchange workbook is refused with a Chinese message that names the sheet, row and
column, and the database — already holding an earlier import — is left exactly as it was."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.services.hq.exchange import export_exchange, import_exchange
from desktop.services.station import default_actor
from models.actor import Actor
from models.database import Database, open_database
from models.errors import ValidationError
from tests.data import ledgers as fx
from tests.sync.exchange import content
from tests.unit.test_exchange_workbook_support import cell_of, demo_station, edit_workbook, fresh_hq


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("damaged")
    db = open_database(demo_station(folder))
    try:
        out = folder / "交换.xlsx"
        export_exchange(db, default_actor(db), out=out)
    finally:
        db.close()
    return out


@pytest.fixture(scope="module")
def loaded_hq(workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An HQ database that already holds the workbook's records (so a refused import has things to spoil)."""
    path = tmp_path_factory.mktemp("hq") / "hq.sqlite"
    db, actor = fresh_hq(path)
    try:
        import_exchange(db, actor, path=workbook)
    finally:
        db.close()
    return path


@pytest.fixture
def hq(loaded_hq: Path, tmp_path: Path) -> Iterator[tuple[Path, Database, Actor]]:
    from desktop.services.sync.hq_side import hq_actor

    path = tmp_path / "hq.sqlite"
    path.write_bytes(loaded_hq.read_bytes())
    db = open_database(path)
    yield path, db, hq_actor("HQ")
    db.close()


def refused(hq: tuple[Path, Database, Actor], bad: Path) -> str:
    path, db, actor = hq
    before = content(path)
    with pytest.raises(ValidationError) as error:
        import_exchange(db, actor, path=bad)
    assert content(path) == before, "a refused workbook changes nothing"
    message = str(error.value)
    assert "Traceback" not in message
    return message


def test_a_wrong_header_is_named_by_sheet_row_and_column(
    hq: tuple[Path, Database, Actor], workbook: Path, tmp_path: Path
) -> None:
    where, _value = cell_of(workbook, "走访", "visit_date", row=1)
    bad = edit_workbook(workbook, tmp_path / "表头.xlsx", {("走访", where): "date"})
    message = refused(hq, bad)
    assert f"工作表“走访”第 1 行 {where[:-1]} 列（visit_date）" in message
    assert "实为“date”" in message


def test_a_bad_id_number_is_refused_by_its_check_digit(
    hq: tuple[Path, Database, Actor], workbook: Path, tmp_path: Path
) -> None:
    where, number = cell_of(workbook, "创业者", "id_number", row=4)
    assert isinstance(number, str)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    bad = edit_workbook(workbook, tmp_path / "号码.xlsx", {("创业者", where): wrong})
    message = refused(hq, bad)
    assert f"工作表“创业者”第 4 行 {where[:-1]} 列（id_number）" in message
    assert "最后一位应为" in message and "公民身份号码：公民身份号码" not in message


def test_an_unknown_region_code_is_refused(
    hq: tuple[Path, Database, Actor], workbook: Path, tmp_path: Path
) -> None:
    where, _value = cell_of(workbook, "创业者", "household_region", row=3)
    bad = edit_workbook(workbook, tmp_path / "区划.xlsx", {("创业者", where): "990101"})
    message = refused(hq, bad)
    assert f"工作表“创业者”第 3 行 {where[:-1]} 列（household_region）" in message and "990101" in message


def test_an_industry_outside_gbt_4754_and_a_non_iso_date_are_refused(
    hq: tuple[Path, Database, Actor], workbook: Path, tmp_path: Path
) -> None:
    industry, _ = cell_of(workbook, "创业项目", "industry", row=3)
    registered, _ = cell_of(workbook, "创业项目", "name", row=4)
    day, _ = cell_of(workbook, "创业项目", "registration_date", row=5)
    bad = edit_workbook(
        workbook, tmp_path / "行业.xlsx", {("创业项目", industry): "Z", ("创业项目", day): "2024/3/5"}
    )
    message = refused(hq, bad)
    assert f"第 3 行 {industry[:-1]} 列（industry）" in message and "GB/T 4754" in message
    assert f"第 5 行 {day[:-1]} 列（registration_date）" in message and "YYYY-MM-DD" in message
    assert registered  # the rows in between were fine


def test_a_dangling_reference_is_refused(
    hq: tuple[Path, Database, Actor], workbook: Path, tmp_path: Path
) -> None:
    where, _value = cell_of(workbook, "走访", "entrepreneur_id", row=3)
    stranger = str(uuid.uuid4())
    bad = edit_workbook(workbook, tmp_path / "引用.xlsx", {("走访", where): stranger})
    message = refused(hq, bad)
    assert f"工作表“走访”第 3 行 {where[:-1]} 列（entrepreneur_id）" in message
    assert stranger in message and "既不在工作表“创业者”中，也不在数据库中" in message


def test_a_new_workbook_whose_people_are_missing_refuses_their_visits(workbook: Path, tmp_path: Path) -> None:
    """Into a fresh database a visit's person must be in the workbook: remove the people, keep visits."""
    book = load_workbook(workbook)
    people = book["创业者"]
    people.delete_rows(3, people.max_row)
    ventures = book["创业项目"]
    ventures.delete_rows(3, ventures.max_row)
    bad = tmp_path / "缺人.xlsx"
    book.save(bad)
    path = tmp_path / "fresh.sqlite"
    db, actor = fresh_hq(path)
    try:
        message = refused((path, db, actor), bad)
    finally:
        db.close()
    assert "工作表“导师”" not in message  # mentors are fine; the first refused sheet is the first with people
    assert "也不在数据库中" in message


@pytest.mark.parametrize(
    ("name", "damage", "words"),
    [
        (
            "文本.xlsx",
            lambda good, bad: bad.write_text("姓名,身份证\n张三,1\n", encoding="utf-8"),
            "不是 Excel 工作簿",
        ),
        (
            "截断.xlsx",
            lambda good, bad: bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2]),
            "损坏",
        ),
        ("空.xlsx", lambda good, bad: bad.write_bytes(b""), "空的"),
    ],
)
def test_a_file_that_is_not_a_sound_workbook_is_refused(  # noqa: PLR0917 (pytest passes by position)
    hq: tuple[Path, Database, Actor],
    workbook: Path,
    tmp_path: Path,
    name: str,
    damage: Callable[[Path, Path], object],
    words: str,
) -> None:
    bad = tmp_path / name
    damage(workbook, bad)
    message = refused(hq, bad)
    assert words in message and name in message


def test_a_workbook_that_is_not_an_exchange_workbook_is_refused(
    hq: tuple[Path, Database, Actor], workbook: Path, tmp_path: Path
) -> None:
    book = load_workbook(workbook)
    book["说明"].title = "Sheet1"
    other = tmp_path / "台账.xlsx"
    book.save(other)
    assert "不是交换工作簿" in refused(hq, other)
    book = load_workbook(workbook)
    del book["考勤"]
    missing = tmp_path / "少表.xlsx"
    book.save(missing)
    assert "缺少工作表：考勤" in refused(hq, missing)


def test_merged_cells_and_a_duplicated_id_are_refused(
    hq: tuple[Path, Database, Actor], workbook: Path, tmp_path: Path
) -> None:
    book = load_workbook(workbook)
    book["导师"].merge_cells("D3:D4")
    merged = tmp_path / "合并.xlsx"
    book.save(merged)
    assert "工作表“导师”：含有合并单元格" in refused(hq, merged)
    _where, first_id = cell_of(workbook, "课次", "id", row=3)
    twice = edit_workbook(workbook, tmp_path / "重复.xlsx", {("课次", "A4"): first_id})
    message = refused(hq, twice)
    assert "工作表“课次”第 4 行 A 列（id）" in message and "重复" in message


def test_the_ledger_importers_guards_refuse_a_hostile_workbook(
    hq: tuple[Path, Database, Actor], workbook: Path, tmp_path: Path
) -> None:
    """The same bounded reader as the ledger import: an XML bomb, a sheet claiming a billion cells."""
    assert "不安全的 XML" in refused(hq, fx.xml_bomb(tmp_path / "炸弹.xlsx", workbook))
    assert "超过单次导入上限" in refused(hq, fx.billion_cells(tmp_path / "十亿.xlsx", workbook))
