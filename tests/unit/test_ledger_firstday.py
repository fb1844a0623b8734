"""Issue 12, "ledgers in their own words" and "a whole import is one operation": two district ledgers no
test had seen, imported through the services; the words, headers and cells as districts write them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select

from desktop.services import entrepreneurs as people
from desktop.services.ledger.history import import_history, undo_import
from desktop.services.ledger.importing import apply_import, import_ledger, preview_import
from desktop.services.ledger.mapping import suggest_mapping
from models.audit import Actor, Change
from models.database import Database
from models.entrepreneur import Entrepreneur, Venture
from models.enums import Education, EntityType, KeyGroup, Stage, key_groups_from_bits
from models.errors import Conflict, ValidationError
from models.ledger.cells import non_data_reason
from models.ledger.columns import MissingColumns, match_header
from models.ledger.options import ColumnOption, ValueOption
from models.ledger.plan import RowKind
from models.ledger.words import REFUSE, CategoryReader, UnknownValues, recognise_part
from reports.ledger.reading import open_ledger
from tests.data import ledgers as fx
from tests.data.ledgers import district as dx
from tests.unit.test_journal import assert_replay_rebuilds
from tests.unit.test_journal_invariant import derived_equal_their_rebuild


def person(db: Database, number: str) -> Entrepreneur:
    with db.reading() as session:
        return session.exec(select(Entrepreneur).where(Entrepreneur.id_number == number)).one()


def ventures(db: Database, entrepreneur_id: str) -> list[Venture]:
    with db.reading() as session:
        return list(session.exec(select(Venture).where(Venture.entrepreneur_id == entrepreneur_id)).all())


ANSWERS = {"key_groups": {"低保户": "other"}, "venture.entity_type": {"家庭农场": "farmer_cooperative"}}


def test_category_words_by_synonyms_and_key_words() -> None:
    groups = CategoryReader()
    assert groups.read("key_groups", "退役士兵") == frozenset({KeyGroup.VETERAN})
    assert groups.read("key_groups", "4050人员") == frozenset({KeyGroup.EMPLOYMENT_DIFFICULTY})
    assert groups.read("key_groups", "返乡创业大学生") == {
        KeyGroup.MIGRANT_RETURNEE,
        KeyGroup.COLLEGE_GRADUATE,
    }
    assert groups.read("key_groups", "退役军人+高校毕业生") == {KeyGroup.VETERAN, KeyGroup.COLLEGE_GRADUATE}
    assert groups.read("key_groups", "就业困难人员（4050、零就业家庭）") == {KeyGroup.EMPLOYMENT_DIFFICULTY}
    assert groups.read("key_groups", "无") == frozenset()
    assert groups.read("key_groups", "低保户") == "低保户"  # not recognised: asked, never guessed
    coded = CategoryReader({"education": {"4": "college"}, "key_groups": {"退役士兵": "other"}})
    assert coded.read("education", 4) is Education.COLLEGE  # a level typed as a code, answered once
    assert coded.read("key_groups", "退役士兵") == {KeyGroup.OTHER}  # the worker's answer wins
    assert recognise_part("education", "本科（学士）") == (Education.BACHELOR,)
    assert recognise_part("education", "博士研究生") == (Education.DOCTORATE,)
    assert recognise_part("education", "大专/本科") is None  # two levels for one value: asked
    assert recognise_part("venture.entity_type", "个人独资企业") == (EntityType.SMALL_FIRM,)
    assert recognise_part("venture.entity_type", "家庭农场") is None
    assert recognise_part("venture.stage", "初创期（3年内）") == (Stage.STARTUP,)
    assert recognise_part("venture.stage", "正常经营") is None


def test_ambiguous_headers_read_under_their_group() -> None:
    assert match_header("经营实体情况/名称") == "venture.name"
    assert match_header("经营实体情况/人数") == "venture.jobs_created"
    assert match_header("个体工商户信息/号码") == "venture.credit_code"
    assert match_header("创业者信息/号码") == "id_number"
    assert match_header("创业项目/地址") == "venture.address"
    assert match_header("创业项目/经营范围") is None  # the group's own name does not make it a name
    assert match_header("名称") is None and match_header("日期") is None
    assert match_header("公民身份\n号码") == "id_number" and match_header("联 系 电 话") == "phone"
    assert match_header("⼈员类别") == "key_groups"  # a Kangxi radical, as text copied from a PDF has it
    assert match_header("联系电话\n（⼿机）") == "phone"


def test_footers_are_skipped() -> None:
    assert non_data_reason([None, "合计：8人", None, 17]) == "合计行"
    assert non_data_reason(["负责人（签字）："]) == "签名行"
    assert non_data_reason([None, "　　年　　月　　日"]) == "签名行"
    assert non_data_reason(["审核人（签字）："]) == "签名行"
    assert non_data_reason([1, "计小明", "330106199003071236"]) is None


def test_chengdong_ledger_asks_its_two_words_then_imports_everyone(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    path = dx.chengdong_ledger(tmp_path / "城东街道创业人员台账.xlsx")
    table = open_ledger(path)
    assert (table.header_first, table.header_last) == (3, 4)
    assert table.titles[1:5] == ("姓名", "性别", "公民身份号码", "联系电话")  # line breaks, padding gone
    assert table.titles[7] == "经营实体情况/名称" and table.titles[12] == "备注"
    suggestion = suggest_mapping(db, actor, table)
    with pytest.raises(UnknownValues) as asked:
        preview_import(db, actor, table=table, mapping=suggestion.mapping)
    found = tuple((v.field_key, v.text, v.rows) for v in asked.value.values)
    assert found == dx.CHENGDONG_EXPECTED.unknown  # once per distinct word, with all its rows
    plan = apply_import(db, actor, table=table, mapping=suggestion.mapping, answers=ANSWERS)
    expected = dx.CHENGDONG_EXPECTED
    assert (plan.created, plan.refused, plan.skipped, plan.footers) == (
        expected.created,
        0,
        expected.skipped,
        expected.footers,
    )
    assert plan.ventures_created == expected.ventures
    assert "其中表尾合计、签名 4 行" in plan.summary(done=True)
    zhang = person(db, dx.CD_ZHANG)
    assert zhang.name == "张三" and key_groups_from_bits(zhang.key_groups) == [KeyGroup.VETERAN]
    assert zhang.education == Education.BACHELOR
    shop = ventures(db, zhang.id)[0]
    assert (shop.registration_date, shop.stage, shop.entity_type) == (
        date(2024, 3, 5),
        "startup",
        "individual_business",
    )
    li = person(db, dx.CD_LI)  # the 15-digit number converted, the padding gone
    assert li.name == "李四" and li.birth_date == date(1985, 5, 12)
    assert "15 位旧身份证号码已换算为 18 位" in next(r for r in plan.rows if r.row == 6).detail
    assert person(db, dx.CD_WU).name == "吴九"  # 15 digits stored as a number
    wang = person(db, dx.CD_WANG)
    assert set(key_groups_from_bits(wang.key_groups)) == {
        KeyGroup.MIGRANT_RETURNEE,
        KeyGroup.COLLEGE_GRADUATE,
    }
    assert ventures(db, wang.id)[0].registration_date == date(2022, 10, 1)
    zhao = person(db, dx.CD_ZHAO)
    assert key_groups_from_bits(zhao.key_groups) == [KeyGroup.OTHER]
    assert ventures(db, zhao.id)[0].entity_type == "farmer_cooperative"
    # The answers are remembered with the column mapping: the next such ledger asks nothing.
    again = suggest_mapping(db, actor, open_ledger(path))
    assert again.remembered and again.answers == ANSWERS
    assert preview_import(db, actor, table=table, mapping=again.mapping, answers=again.answers).unchanged == 8


def test_refusing_a_word_refuses_only_its_rows(db: Database, actor: Actor, tmp_path: Path) -> None:
    table = open_ledger(dx.chengdong_ledger(tmp_path / "台账.xlsx"))
    mapping = suggest_mapping(db, actor, table).mapping
    answers = {"key_groups": {"低保户": REFUSE}, "venture.entity_type": {"家庭农场": "other"}}
    plan = preview_import(db, actor, table=table, mapping=mapping, answers=answers)
    assert (plan.created, plan.refused) == (6, 2)
    assert [r.row for r in plan.refused_rows] == [8, 10]
    assert "不导入写有这个词的行" in plan.refused_rows[0].reason


def test_xihu_ledger_needs_its_name_column(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = dx.xihu_ledger(tmp_path / "西湖镇个体工商户台账.xlsx")
    with pytest.raises(MissingColumns) as missing:
        import_ledger(db, actor, path=path)
    assert missing.value.missing == ("姓名",)
    run = import_ledger(db, actor, path=path, told=[ColumnOption("业主", "姓名")])
    expected = dx.XIHU_EXPECTED
    assert (run.plan.created, run.plan.skipped, run.plan.footers) == (
        expected.created,
        expected.skipped,
        expected.footers,
    )
    assert run.plan.ventures_created == expected.ventures
    qian = person(db, dx.XH_QIAN)
    assert qian.name == "钱一"
    shop = ventures(db, qian.id)[0]
    assert (shop.credit_code, shop.jobs_created, shop.registration_date) == (
        dx.XH_QIAN_SHOP,
        2,
        date(2023, 10, 1),
    )
    assert person(db, dx.XH_SUN).name == "孙小梅" and person(db, dx.XH_OUYANG).name == "欧阳娜娜"
    assert ventures(db, person(db, dx.XH_OUYANG).id)[0].registration_date == date(2024, 2, 29)


def test_value_options_by_header_or_field(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = dx.chengdong_ledger(tmp_path / "台账.xlsx")
    told = [ValueOption("人员 类别", "低保户", "其他"), ValueOption("主体类型", "家庭农场", "农民专业合作社")]
    assert import_ledger(db, actor, path=path, told=told, dry_run=True).plan.created == 8
    with pytest.raises(ValidationError, match="不是人员类别（重点群体）的类别"):
        import_ledger(db, actor, path=path, told=[ValueOption("F", "低保户", "外星人")], dry_run=True)


def test_a_whole_import_is_one_operation_undone_as_one(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = dx.chengdong_ledger(tmp_path / "城东街道创业人员台账.xlsx")
    table = open_ledger(path)
    mapping = suggest_mapping(db, actor, table).mapping
    plan = apply_import(db, actor, table=table, mapping=mapping, answers=ANSWERS)
    with db.reading() as session:
        operations = session.exec(
            select(Change.operation_id, Change.operation_label).where(
                col(Change.record_kind).in_(["entrepreneur", "venture"])
            )
        ).all()
    assert set(operations) == {(plan.operation_id, "导入台账 城东街道创业人员台账.xlsx (8 人)")}
    history = people.file_history(db, actor, entrepreneur_id=person(db, dx.CD_ZHANG).id)
    assert history[0].label == "导入台账 城东街道创业人员台账.xlsx (8 人)"
    [record] = import_history(db, actor)
    assert (record.created, record.updated, record.undone) == (8, 0, False)
    # A file changed since the import (a later ledger gave 周八 a new phone): the whole undo is refused
    # by name and nothing changes; once the later import is undone, this one can be.
    later = fx.simple_ledger(
        tmp_path / "十一月.xlsx", [["周八", dx.CD_ZHOU, "18900000000", None, None, None, None]]
    )
    second = import_ledger(db, actor, path=later)
    assert second.plan.updated == 1
    with pytest.raises(Conflict, match="周八 的档案又改动过"):
        undo_import(db, actor, operation_id=record.operation_id)
    assert not person(db, dx.CD_ZHANG).deleted
    newest = import_history(db, actor)[0]
    assert newest.label == "导入台账 十一月.xlsx (1 人)" and (newest.created, newest.updated) == (0, 1)
    assert undo_import(db, actor, operation_id=newest.operation_id).restored == 1
    assert person(db, dx.CD_ZHOU).phone == "18966667777"
    undone = undo_import(db, actor, operation_id=record.operation_id)
    assert undone.removed == 8
    assert all(person(db, n).deleted for n in (dx.CD_ZHANG, dx.CD_LI, dx.CD_CHEN))
    assert import_history(db, actor)[1].undone
    derived_equal_their_rebuild(db)  # the search keys of the removed files lost their ventures
    assert_replay_rebuilds(db, tmp_path / "replayed.sqlite")  # the undo is in the log: replay agrees
    with pytest.raises(Conflict, match="已经撤销过了"):
        undo_import(db, actor, operation_id=record.operation_id)

    # Undone to be done again: the files the undo sent to the recycle bin come back with the import
    # (their ID numbers are theirs); a file a person deleted is still refused until restored by hand.
    zhou = person(db, dx.CD_ZHOU).id
    people.restore_entrepreneur(db, actor, entrepreneur_id=zhou)  # restored by hand, then deleted by hand
    people.delete_entrepreneur(db, actor, entrepreneur_id=zhou)
    redo = apply_import(db, actor, table=table, mapping=mapping, answers=ANSWERS)
    assert (redo.created, redo.refused) == (7, 1)
    assert "恢复撤销导入时移到回收站的档案" in next(r for r in redo.rows if r.row == 5).detail
    assert "回收站" in next(r for r in redo.rows if r.row == 10).reason
    zhang = person(db, dx.CD_ZHANG)
    assert not zhang.deleted and [v.name for v in ventures(db, zhang.id) if not v.deleted] == ["东升便利店"]
    derived_equal_their_rebuild(db)
    assert undo_import(db, actor, operation_id=redo.operation_id).restored == 7  # back to the bin
    assert person(db, dx.CD_ZHANG).deleted


def test_a_files_ctrl_z_never_takes_back_a_whole_import(db: Database, actor: Actor, tmp_path: Path) -> None:
    """Ctrl+Z in one imported file used to undo the whole import (every file of it gone, and only this
    file's search keys redone): it is refused by name, pointing to 导入记录, and nothing changes."""
    from models.errors import NotAllowed

    path = dx.chengdong_ledger(tmp_path / "城东街道创业人员台账.xlsx")
    table = open_ledger(path)
    apply_import(db, actor, table=table, mapping=suggest_mapping(db, actor, table).mapping, answers=ANSWERS)
    zhang = person(db, dx.CD_ZHANG).id
    for call in (people.undo_preview, people.undo_last_change):
        with pytest.raises(NotAllowed, match="导入记录"):
            call(db, actor, entrepreneur_id=zhang)
    assert not any(person(db, n).deleted for n in (dx.CD_ZHANG, dx.CD_LI, dx.CD_CHEN))
    [record] = import_history(db, actor)
    assert not record.undone


def test_plan_rows_of_a_fifteen_digit_id_match_the_file_on_record(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    path = dx.chengdong_ledger(tmp_path / "台账.xlsx")
    import_ledger(
        db, actor, path=path, told=[ValueOption("F", "低保户", "其他"), ValueOption("I", "家庭农场", "其他")]
    )
    again = import_ledger(db, actor, path=path, dry_run=True)
    assert again.plan.unchanged == 8 and all(r.kind is not RowKind.CREATE for r in again.plan.rows)
