"""The exchange workbook (docs/exchange.md): a demo station exported and imported into a fresh HQ database
gives the same records field by field; the file is a real xlsx with its guide sheet and code tables, no
formula cells, masked personal data for a user who may not see it; importing twice changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from desktop.jobs import JobState
from desktop.services import entrepreneurs as files
from desktop.services.hq.exchange import export_exchange, import_exchange
from desktop.services.hq.exchange.columns import GUIDE_SHEET, exchange_sheets
from desktop.services.station import default_actor
from models.audit import Change
from models.database import open_database
from models.entrepreneur import Entrepreneur, EntrepreneurSearch
from models.errors import Cancelled, NotAllowed
from models.permissions import Permission
from tests.sync.exchange import content
from tests.unit.test_entrepreneur_services import person
from tests.unit.test_exchange_workbook_support import (
    cell_of,
    copy_of,
    demo_station,
    edit_workbook,
    fresh_hq,
    records,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_station(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def workbook(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = open_database(demo)
    try:
        out = tmp_path_factory.mktemp("out") / "交换.xlsx"
        export_exchange(db, default_actor(db), out=out)
    finally:
        db.close()
    return out


def test_round_trip_into_a_fresh_hq_gives_the_same_records_field_by_field(
    demo: Path, workbook: Path, tmp_path: Path
) -> None:
    source = open_database(demo)
    expected = records(source)
    source.close()
    assert all(expected[kind] for kind in expected), "the demo has records of every kind"
    hq, actor = fresh_hq(tmp_path / "hq.sqlite")
    try:
        summary = import_exchange(hq, actor, path=workbook)
        assert records(hq) == expected
        assert sum(summary.created.values()) == sum(len(rows) for rows in expected.values())
        with hq.reading() as session:  # the derived search keys follow the records
            searchable = session.exec(select(EntrepreneurSearch.entrepreneur_id)).all()
            assert len(searchable) == len(expected["entrepreneur"])
            creates = session.exec(select(Change).where(col(Change.action) == "create")).all()
            assert len(creates) == sum(len(rows) for rows in expected.values())  # ordinary journal changes
    finally:
        hq.close()


def test_importing_the_same_workbook_twice_changes_nothing(workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "hq.sqlite"
    hq, actor = fresh_hq(path)
    try:
        first = import_exchange(hq, actor, path=workbook)
        before = content(path)
        again = import_exchange(hq, actor, path=workbook)
        assert again.changed == 0
        assert again.unchanged == first.created
        assert content(path) == before
    finally:
        hq.close()


def test_a_changed_cell_updates_only_that_field(workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "hq.sqlite"
    hq, actor = fresh_hq(path)
    try:
        import_exchange(hq, actor, path=workbook)
        _where, record_id = cell_of(workbook, "创业者", "id")
        address, _old = cell_of(workbook, "创业者", "address")
        edited = edit_workbook(workbook, tmp_path / "改.xlsx", {("创业者", address): "西湖区文三路 1 号"})
        summary = import_exchange(hq, actor, path=edited)
        assert summary.updated["创业者"] == 1 and summary.changed == 1
        with hq.reading() as session:
            change = session.exec(select(Change).where(col(Change.action) == "update")).one()
            assert change.record_id == record_id and list(change.changes) == ["address"]
            assert session.get(Entrepreneur, record_id).address == "西湖区文三路 1 号"  # type: ignore[union-attr]
    finally:
        hq.close()


def test_the_file_is_a_real_workbook_with_its_guide_codes_and_labels(workbook: Path) -> None:
    book = load_workbook(workbook)  # not read-only: every cell's type and style
    assert book.sheetnames == [GUIDE_SHEET, *(sheet.title for sheet in exchange_sheets())]
    guide = {row[0]: row[2] for row in book[GUIDE_SHEET].iter_rows(values_only=True) if len(row) >= 3}
    assert guide["format"] == "doorstep-exchange/1"
    assert guide["personal_data"] == "完整"
    assert guide["source"].startswith("服务站 ")
    codes = [row[1] for row in book[GUIDE_SHEET].iter_rows(values_only=True) if row[0] == "code"]
    assert {"college_graduate", "veteran", "startup", "F", "T"} <= set(codes)  # key groups, stages, GB/T 4754
    people = book["创业者"]
    header = [cell.value for cell in people[1]]
    assert header[:4] == ["id", "station_code", "case_number", "name"]
    assert [cell.value for cell in people[2]][header.index("id_number")] == "公民身份号码"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    loans = book["贷款"]
    amount = [cell.value for cell in loans[1]].index("amount_fen")
    assert loans[2][amount].value == "贷款金额（分）"
    assert isinstance(loans[3][amount].value, int)  # fen, as the project stores money
    dates = [cell.value for cell in people[1]].index("birth_date")
    assert isinstance(people[3][dates].value, str) and len(people[3][dates].value) == 10  # ISO 8601


def test_text_that_looks_like_a_formula_stays_text_and_comes_back(db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path)
    actor = default_actor(db)
    tricks = ['=HYPERLINK("http://x","点我")', "+86 138", "-1+2", "@SUM(A1)", "#N/A"]
    for index, text in enumerate(tricks):
        files.create_entrepreneur(
            db, actor, person=person(name=f"张{'一二三四五'[index]}", id_number=_id(index), notes=text)
        )
    out = tmp_path / "x.xlsx"
    export_exchange(db, actor, out=out)
    db.close()
    book = load_workbook(out)
    sheet = book["创业者"]
    notes = [cell.value for cell in sheet[1]].index("notes")
    cells = {row[notes].value: row[notes] for row in sheet.iter_rows(min_row=3)}
    assert set(cells) == set(tricks)
    for text in tricks[:4]:
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    hq, hq_actor = fresh_hq(tmp_path / "hq.sqlite")
    try:
        import_exchange(hq, hq_actor, path=out)
        with hq.reading() as session:
            assert set(session.exec(select(Entrepreneur.notes)).all()) == set(tricks)
    finally:
        hq.close()


def _id(serial: int) -> str:
    from tests.unit.test_backup import id_number

    return id_number(serial + 1)


def test_a_user_who_may_not_see_personal_data_gets_a_masked_workbook_that_import_refuses(
    demo: Path, tmp_path: Path
) -> None:
    source = open_database(copy_of(demo, tmp_path / "s.sqlite"))
    clerk = default_actor(source).restricted_to(Permission.EXPORT_DATA)
    out = tmp_path / "遮蔽.xlsx"
    summary = export_exchange(source, clerk, out=out)
    source.close()
    assert summary.masked
    _where, number = cell_of(out, "创业者", "id_number")
    assert isinstance(number, str) and "*" in number and len(number) == 18
    _where, phone = cell_of(out, "创业者", "phone")
    assert phone is None or "****" in str(phone)
    path = tmp_path / "hq.sqlite"
    hq, actor = fresh_hq(path)
    hq.close()
    before = content(path)
    hq = open_database(path)
    try:
        with pytest.raises(Exception, match="遮蔽") as refused:
            import_exchange(hq, actor, path=out)
        assert "遮蔽.xlsx" in str(refused.value)
    finally:
        hq.close()
    assert content(path) == before


def test_the_gate_and_cancelling(demo: Path, tmp_path: Path) -> None:
    source = open_database(copy_of(demo, tmp_path / "s.sqlite"))
    try:
        reader = default_actor(source).restricted_to(Permission.VIEW_FILES)
        with pytest.raises(NotAllowed):
            export_exchange(source, reader, out=tmp_path / "no.xlsx")
        with pytest.raises(NotAllowed):
            import_exchange(source, reader, path=tmp_path / "no.xlsx")
        job = JobState(lambda done, total, message: job.cancel() if done >= 100 else None)
        with pytest.raises(Cancelled):
            export_exchange(source, default_actor(source), out=tmp_path / "cut.xlsx", job=job)
        assert not list(tmp_path.glob("cut.xlsx*"))  # no file, not even a part
    finally:
        source.close()


def test_a_cancelled_import_writes_nothing(workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "hq.sqlite"
    hq, actor = fresh_hq(path)
    hq.close()
    before = content(path)
    hq = open_database(path)
    try:
        job = JobState(lambda done, total, message: job.cancel() if "走访" in message else None)
        with pytest.raises(Cancelled):
            import_exchange(hq, actor, path=workbook, job=job)
    finally:
        hq.close()
    assert content(path) == before
