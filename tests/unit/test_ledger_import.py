"""Ledger import against real xlsx files and a real SQLite database: exact counts, what is stored,
idempotent re-import, updates, the errors workbook, remembered mappings, cancel, undo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, func, select

from desktop.jobs import JobState
from desktop.services import entrepreneurs as people
from desktop.services.entrepreneur_list import ListQuery, search_ids
from desktop.services.ledger.history import import_history, undo_import
from desktop.services.ledger.importing import apply_import, preview_import
from desktop.services.ledger.mapping import remember_mapping, suggest_mapping
from models.audit import AccessLog, Actor, Change
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import KeyGroup, Stage, key_groups_from_bits
from models.errors import Cancelled, ValidationError
from models.ledger.columns import LEDGER_FIELDS, guess_mapping
from models.ledger.plan import ImportOptions, ImportPlan, RowKind
from models.ledger.planner import validate_mapping
from reports.ledger.errors_workbook import write_errors_workbook
from reports.ledger.reading import open_ledger
from reports.ledger.template import write_import_template
from tests.data import ledgers as fx


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.reading() as session:
        return (
            session.exec(select(func.count()).select_from(Entrepreneur)).one(),
            session.exec(select(func.count()).select_from(Venture)).one(),
            session.exec(select(func.count()).select_from(Change)).one(),
            session.exec(select(func.count()).select_from(AccessLog)).one(),
        )


def person_by_id(db: Database, number: str) -> Entrepreneur:
    with db.reading() as session:
        return session.exec(select(Entrepreneur).where(Entrepreneur.id_number == number)).one()


def ventures_of(db: Database, entrepreneur_id: str) -> list[Venture]:
    with db.reading() as session:
        return list(
            session.exec(
                select(Venture)
                .where(Venture.entrepreneur_id == entrepreneur_id)
                .order_by(col(Venture.created_at))
            ).all()
        )


@pytest.fixture
def station_file(tmp_path: Path) -> Path:
    return fx.station_ledger(tmp_path / "文新街道台账.xlsx")


def run_import(db: Database, actor: Actor, path: Path, **kw: object) -> ImportPlan:
    table = open_ledger(path)
    mapping = suggest_mapping(db, actor, table).mapping
    return apply_import(db, actor, table=table, mapping=mapping, **kw)  # type: ignore[arg-type]


def test_header_found_under_titles_and_merged_cells(station_file: Path) -> None:
    table = open_ledger(station_file)
    assert table.sheet == "创业者台账"
    assert (table.header_first, table.header_last) == (3, 4)
    assert table.titles[:6] == ("序号", "姓名", "身份证号", "手机号", "人员类别", "创业项目信息/名称")
    mapping = guess_mapping(table.titles)
    assert mapping[1] == "name" and mapping[2] == "id_number" and mapping[5] == "venture.name"
    assert mapping[7] == "venture.registration_date" and mapping[8] == "venture.jobs_created"
    assert 0 not in mapping  # 序号 is not imported
    # 陈二's merged person cells are filled down into his second venture's row.
    row18 = next(row for row in table.rows if row.number == 18)
    assert row18.value(1) == "陈二" and row18.value(5) == "陈氏家庭农场"


def test_station_ledger_exact_counts(db: Database, actor: Actor, station_file: Path) -> None:
    table = open_ledger(station_file)
    mapping = suggest_mapping(db, actor, table).mapping
    preview = preview_import(db, actor, table=table, mapping=mapping)
    expected = fx.STATION_EXPECTED
    assert counts(db)[:3] == (0, 0, 0)  # the preview wrote nothing
    for plan in (preview, apply_import(db, actor, table=table, mapping=mapping)):
        assert (plan.created, plan.updated, plan.unchanged, plan.refused, plan.skipped) == (
            expected.created,
            expected.updated,
            expected.unchanged,
            expected.refused,
            expected.skipped,
        )
        assert plan.ventures_created == expected.ventures_created
        assert tuple(r.row for r in plan.rows if r.kind is RowKind.REFUSED) == expected.refused_rows
        assert tuple(r.row for r in plan.rows if r.kind is RowKind.SKIPPED) == expected.skipped_rows
        assert plan.summary(done=True).startswith("导入完成：新增 8 人，更新 0 人，4 行未导入")
    entrepreneurs, ventures, _changes, _access = counts(db)
    assert (entrepreneurs, ventures) == (8, 8)
    reasons = {row.row: row.reason for row in preview.rows}
    assert "已被表格软件转成数字" in reasons[8]
    assert "最后一位应为" in reasons[15]
    assert "有 10 位数字" in reasons[16]
    assert "与第 6 行是同一身份证号码" in reasons[19]
    assert reasons[14] == "与第 5 行重复，已跳过"
    assert reasons[22] == "合计行"


def test_values_go_through_the_form_validators(db: Database, actor: Actor, station_file: Path) -> None:
    run_import(db, actor, station_file)
    li_si = person_by_id(db, fx.LI)
    assert li_si.phone == "13912345678"  # stored as a number in the ledger: accepted
    wang = person_by_id(db, fx.WANG)  # full-width digits and an ideographic space
    assert wang.name == "王五" and wang.phone == "13712345678"
    assert key_groups_from_bits(wang.key_groups) == [KeyGroup.EMPLOYMENT_DIFFICULTY]
    zhang = person_by_id(db, fx.ZHANG)
    assert set(key_groups_from_bits(zhang.key_groups)) == {KeyGroup.VETERAN, KeyGroup.COLLEGE_GRADUATE}
    chu = person_by_id(db, fx.CHU)
    assert chu.name == "褚四" and chu.phone == "0571-88886666" and chu.current_stage is None
    # Every date form of the ledger is the same day.
    for number in (fx.ZHANG, fx.LI, fx.WANG, fx.SUN, fx.ZHOU, fx.WU, fx.CHEN):
        first = ventures_of(db, person_by_id(db, number).id)[0]
        assert first.registration_date == date(2024, 3, 5), number
    wang_shop = ventures_of(db, wang.id)[0]
    assert wang_shop.jobs_created == 5 and wang_shop.credit_code == fx.WANG_SHOP
    assert wang_shop.entity_type == "individual_business"  # 92… credit code
    chen = person_by_id(db, fx.CHEN)
    shops = ventures_of(db, chen.id)
    assert [v.name for v in shops] == ["陈记面馆", "陈氏家庭农场"]
    assert shops[1].registration_date == date(2022, 10, 1) and shops[1].jobs_created == 6
    assert chen.current_stage in (Stage.STARTUP.value, Stage.GROWTH.value)
    # Found by search like any other file.
    assert search_ids(db, actor, ListQuery(text="chener")) == [chen.id]


def test_every_created_record_is_in_the_change_log(db: Database, actor: Actor, station_file: Path) -> None:
    run_import(db, actor, station_file)
    with db.reading() as session:
        changes = session.exec(
            select(Change).where(col(Change.record_kind).in_(["entrepreneur", "venture"]))
        ).all()
        access = session.exec(select(AccessLog).where(AccessLog.action == "import")).all()
    assert len(changes) == 16  # 8 people and 8 ventures
    assert {c.action for c in changes} == {"create"}
    assert all(c.operation_label == "导入台账 文新街道台账.xlsx (8 人)" for c in changes)
    assert len({c.operation_id for c in changes}) == 1  # the whole import is one operation
    chen = person_by_id(db, fx.CHEN)
    own = [c for c in changes if c.subject_id == chen.id]
    assert len(own) == 3
    created = next(c for c in own if c.record_kind == "entrepreneur")
    assert created.changes["name"] == [None, "陈二"] and created.changes["id_number"] == [None, fx.CHEN]
    assert len(access) == 1 and "新增 8 人" in access[0].detail


def test_reimport_changes_nothing(db: Database, actor: Actor, station_file: Path) -> None:
    run_import(db, actor, station_file)
    before = counts(db)
    again = run_import(db, actor, station_file)
    assert (again.created, again.updated, again.unchanged, again.refused) == (0, 0, 8, 4)
    after = counts(db)
    assert after[:3] == before[:3]  # people, ventures and change rows: nothing written
    assert after[3] == before[3] + 1  # only the import itself is logged


def test_update_matched_by_id_number(db: Database, actor: Actor, station_file: Path, tmp_path: Path) -> None:
    run_import(db, actor, station_file)
    zhang = person_by_id(db, fx.ZHANG)
    version = zhang.version
    update = fx.simple_ledger(
        tmp_path / "更新.xlsx",
        [
            # a new phone; the blank key-group cell leaves the groups as they are; a second venture
            ["张三", fx.ZHANG, "15800001111", None, "向阳二号店", "2025-01-02", 2],
            # the same venture as on file, with more jobs now
            ["李四", fx.LI, None, None, "青禾餐饮店", None, 7],
            # exactly what is on file
            ["孙七", fx.SUN, "15912345678", "脱贫人口", None, None, None],
        ],
    )
    plan = run_import(db, actor, update)
    assert (plan.created, plan.updated, plan.unchanged, plan.refused) == (0, 2, 1, 0)
    assert (plan.ventures_created, plan.ventures_updated) == (1, 1)
    zhang = person_by_id(db, fx.ZHANG)
    assert zhang.phone == "15800001111" and zhang.version == version + 1
    assert set(key_groups_from_bits(zhang.key_groups)) == {KeyGroup.VETERAN, KeyGroup.COLLEGE_GRADUATE}
    assert [v.name for v in ventures_of(db, zhang.id)] == ["向阳便利店", "向阳二号店"]
    li_si = person_by_id(db, fx.LI)
    shop = ventures_of(db, li_si.id)[0]
    assert shop.jobs_created == 7 and shop.registration_date == date(2024, 3, 5)
    row = next(r for r in plan.rows if r.name == "张三")
    assert "联系电话：13812345678 → 15800001111" in row.detail and "新增创业项目“向阳二号店”" in row.detail
    history = people.file_history(db, actor, entrepreneur_id=zhang.id)
    assert history[0].label == "导入台账 更新.xlsx (2 人)"
    # The import is undone as one step: both files get back what they held.
    undone = undo_import(db, actor, operation_id=plan.operation_id)
    assert (undone.removed, undone.restored) == (0, 2)
    assert person_by_id(db, fx.ZHANG).phone == "13812345678"
    assert [v.name for v in ventures_of(db, zhang.id) if not v.deleted] == ["向阳便利店"]
    assert ventures_of(db, person_by_id(db, fx.LI).id)[0].jobs_created == 2


def test_errors_workbook_can_be_fixed_and_imported(
    db: Database, actor: Actor, station_file: Path, tmp_path: Path
) -> None:
    table = open_ledger(station_file)
    mapping = suggest_mapping(db, actor, table).mapping
    plan = apply_import(db, actor, table=table, mapping=mapping)
    out = tmp_path / "未导入.xlsx"
    assert write_errors_workbook(out, table=table, plan=plan) == 4
    book = load_workbook(out)
    rows = list(book["未导入的行"].iter_rows(values_only=True))
    assert rows[1][-2:] == ("原行号", "未导入原因")
    assert [r[-2] for r in rows[2:]] == [8, 15, 16, 19]
    details = list(book["问题明细"].iter_rows(values_only=True))
    assert details[0] == ("原行号", "列", "值", "原因")
    assert details[2][:3] == (15, "C 列“身份证号”", fx.ZHENG_BAD)
    # The worker fixes the ID number typed as a number and the short phone, then imports the file.
    sheet = book["未导入的行"]
    sheet.cell(row=3, column=3).value = fx.ZHAO
    sheet.cell(row=5, column=4).value = "13412345678"
    book.save(out)
    assert open_ledger(out).signature == table.signature  # the ledger's remembered mapping applies
    fixed = run_import(db, actor, out)
    assert (fixed.created, fixed.refused) == (2, 2)
    assert person_by_id(db, fx.ZHAO).name == "赵六"


def test_corrected_mapping_is_remembered(db: Database, actor: Actor, tmp_path: Path) -> None:
    headers = ["户主", "证件", "备用电话", "人员类别"]
    path = fx.simple_ledger(tmp_path / "a.xlsx", [["张三", fx.ZHANG, "13812345678", "退役军人"]], headers)
    with pytest.raises(ValidationError, match="没有找到表头"):
        open_ledger(path)
    table = open_ledger(path, header_row=1)
    suggestion = suggest_mapping(db, actor, table)
    assert not suggestion.remembered and "name" not in suggestion.mapping.values()
    with pytest.raises(ValidationError, match="姓名"):
        preview_import(db, actor, table=table, mapping=suggestion.mapping)
    corrected = {0: "name", 1: "id_number", 2: "phone", 3: "key_groups"}
    remember_mapping(db, actor, table=table, mapping=corrected)
    other = fx.simple_ledger(tmp_path / "b.xlsx", [["李四", fx.LI, "13912345678", "农民工"]], headers)
    again = suggest_mapping(db, actor, open_ledger(other, header_row=1))
    assert again.remembered and again.mapping == corrected


def test_mapping_must_be_usable(db: Database, station_file: Path) -> None:
    table = open_ledger(station_file)
    with pytest.raises(ValidationError, match="对应了两列"):
        validate_mapping(table, {1: "name", 2: "id_number", 3: "phone", 9: "phone"})
    with pytest.raises(ValidationError, match="创业项目/经营主体名称"):
        validate_mapping(table, {1: "name", 2: "id_number", 7: "venture.registration_date"})


def test_cancel_halfway_leaves_nothing(db: Database, actor: Actor, station_file: Path) -> None:
    before = counts(db)
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)
        if message.startswith("正在写入"):
            job.cancel()  # the worker asks to stop after the people are inserted

    job = JobState(progress)
    table = open_ledger(station_file)
    with pytest.raises(Cancelled):
        apply_import(db, actor, table=table, mapping=suggest_mapping(db, actor, table).mapping, job=job)
    assert any(m.startswith("正在写入") for m in seen)
    assert counts(db) == before


def test_same_name_and_birth_date_asks_first(db: Database, actor: Actor, tmp_path: Path) -> None:
    people.create_entrepreneur(db, actor, person={"name": "张三", "id_number": fx.ZHANG})
    twin = fx.id_number("330106", "19900307", 125)
    path = fx.simple_ledger(
        tmp_path / "t.xlsx", [["张三", twin, "13812345678", "退役军人", None, None, None]]
    )
    plan = run_import(db, actor, path)
    assert (plan.created, plan.refused) == (0, 1)
    assert "同名同出生日期" in plan.rows[0].reason
    allowed = run_import(db, actor, path, options=ImportOptions(allow_possible_duplicates=True))
    assert allowed.created == 1


def test_file_in_recycle_bin_is_not_overwritten(db: Database, actor: Actor, tmp_path: Path) -> None:
    person_id = people.create_entrepreneur(db, actor, person={"name": "张三", "id_number": fx.ZHANG})
    people.delete_entrepreneur(db, actor, entrepreneur_id=person_id)
    path = fx.simple_ledger(tmp_path / "t.xlsx", [["张三", fx.ZHANG, "13812345678", None, None, None, None]])
    plan = run_import(db, actor, path)
    assert plan.refused == 1 and "回收站" in plan.rows[0].reason


def test_template_round_trip(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = write_import_template(tmp_path / "模板.xlsx")
    table = open_ledger(path)
    mapping = suggest_mapping(db, actor, table).mapping
    assert set(mapping.values()) == {f.key for f in LEDGER_FIELDS}
    plan = preview_import(db, actor, table=table, mapping=mapping)
    assert (plan.created, plan.skipped, plan.refused) == (0, 1, 0)  # the example row is skipped
    book = load_workbook(path)
    assert book["创业者台账"]["B2"].number_format == "@"  # ID numbers typed as text
    assert book.sheetnames == ["创业者台账", "填写说明"]
    # The example row, once its "示例" name is replaced, is a valid row: the template teaches right.
    sheet = book["创业者台账"]
    sheet["A2"] = "张三"
    book.save(path)
    assert preview_import(db, actor, table=open_ledger(path), mapping=mapping).created == 1


def test_bulk_created_rows_log_what_the_form_logs(db: Database, actor: Actor, station_file: Path) -> None:
    """An imported file's change rows carry the same fields as a file made in the form, and undo works."""
    people.create_entrepreneur(
        db,
        actor,
        person={"name": "赵六", "id_number": fx.ZHAO, "phone": "13612345678", "key_groups": "退役军人"},
        ventures=[
            {
                "name": "启航物流服务部",
                "entity_type": "个体工商户",
                "stage": "初创",
                "registration_date": "2023-06-01",
            }
        ],
    )
    run_import(db, actor, station_file)
    with db.reading() as session:
        form = session.exec(select(Change).where(Change.operation_label == "新建 赵六 的档案")).all()
        imported = session.exec(
            select(Change).where(Change.subject_id == person_by_id(db, fx.ZHANG).id)
        ).all()
    by_kind = {c.record_kind: set(c.changes) for c in form}
    for change in imported:
        assert set(change.changes) <= by_kind[change.record_kind] | {
            "graduation_date",
            "household_region",
            "credit_code",
        }
        assert {"name", "case_number", "name_pinyin"} <= set(
            change.changes
        ) or change.record_kind == "venture"
    chen = person_by_id(db, fx.CHEN)
    record = import_history(db, actor)[0]
    assert undo_import(db, actor, operation_id=record.operation_id).removed == 8
    assert person_by_id(db, fx.CHEN).deleted and all(v.deleted for v in ventures_of(db, chen.id))
    assert not person_by_id(db, fx.ZHAO).deleted  # the file made in the form is not the import's
