"""Services for entrepreneur files against a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from desktop.services import entrepreneurs as svc
from desktop.services.entrepreneur_list import ListQuery, count_entrepreneurs, fetch_rows, search_ids
from models.audit import AccessLog, Actor, Change
from models.database import Database
from models.entrepreneur import Entrepreneur, InvalidRecord
from models.enums import KeyGroup, Stage
from models.errors import Conflict, NotFound

ZHANG_SAN = "33010619900101123X"  # valid GB 11643 check digit


def person(**over: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "张三",
        "id_number": ZHANG_SAN,
        "phone": "13812345678",
        "key_groups": "退役军人、高校毕业生",
        "graduation_date": "2012-06-30",
        "household_region": "330106",
    }
    values.update(over)
    return values


def venture(**over: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "向阳餐饮店",
        "entity_type": "个体工商户",
        "stage": "初创",
        "credit_code": "92330106MA2H4K5X1Y",
        "registration_date": "2024-03-05",
        "industry": "H",
        "jobs_created": "3",
    }
    values.update(over)
    return values


def make_id(body17: str) -> str:
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")


def valid_uscc(body17: str) -> str:
    from stdnum.cn import uscc

    return body17 + uscc.calc_check_digit(body17)


@pytest.fixture
def zhang(db: Database, actor: Actor) -> str:
    return svc.create_entrepreneur(
        db, actor, person=person(), ventures=[venture(credit_code=valid_uscc("92330106MA2H4K5X1"))]
    )


def test_create_stores_derived_fields_case_number_and_audit(db: Database, actor: Actor, zhang: str) -> None:
    file = svc.get_file(db, actor, entrepreneur_id=zhang)
    assert file.birth_date == date(1990, 1, 1)
    assert file.sex.label == "男"
    assert set(file.key_groups) == {KeyGroup.VETERAN, KeyGroup.COLLEGE_GRADUATE}
    assert file.case_number.startswith("330106001-")
    assert file.case_number.endswith("-00001")
    assert file.stage is Stage.STARTUP
    assert [v.name for v in file.ventures] == ["向阳餐饮店"]
    with db.reading() as session:
        kinds = sorted(c.record_kind for c in session.exec(select(Change)).all())
        assert kinds == ["entrepreneur", "venture"]
        # viewing the unmasked file is written to the access log
        assert session.exec(select(AccessLog).where(AccessLog.record_id == zhang)).first() is not None


def test_case_numbers_are_sequential_per_year(db: Database, actor: Actor, zhang: str) -> None:
    other = svc.create_entrepreneur(
        db, actor, person=person(name="李四", id_number=make_id("11010519800101002"))
    )
    assert svc.get_file(db, actor, entrepreneur_id=other).case_number.endswith("-00002")


def test_bad_input_names_every_field_and_stores_nothing(db: Database, actor: Actor) -> None:
    with pytest.raises(InvalidRecord) as caught:
        svc.create_entrepreneur(db, actor, person=person(id_number="36042619910102009X", phone="12345"))
    fields = {error.field for error in caught.value.errors}
    assert fields == {"身份证号码", "联系电话"}
    assert "36042619910102009X 的最后一位应为 3" in str(caught.value)
    assert count_entrepreneurs(db, actor) == 0


def test_bad_venture_refuses_the_whole_file(db: Database, actor: Actor) -> None:
    with pytest.raises(InvalidRecord, match="统一社会信用代码"):
        svc.create_entrepreneur(
            db, actor, person=person(), ventures=[venture(credit_code="91110000600037341O")]
        )
    assert count_entrepreneurs(db, actor) == 0


def test_duplicate_id_number_is_refused_with_the_existing_file(
    db: Database, actor: Actor, zhang: str
) -> None:
    with pytest.raises(Conflict) as caught:
        svc.create_entrepreneur(db, actor, person=person(name="张叁"))
    assert caught.value.existing_id == zhang
    assert "已有档案" in str(caught.value)
    assert svc.find_by_id_number(db, actor, id_number=ZHANG_SAN) is not None


def test_same_name_and_birth_date_is_a_possible_duplicate(db: Database, actor: Actor, zhang: str) -> None:
    twin = make_id("33010219900101005")
    with pytest.raises(svc.PossibleDuplicate) as caught:
        svc.create_entrepreneur(db, actor, person=person(id_number=twin))
    assert caught.value.matches[0].id == zhang
    created = svc.create_entrepreneur(
        db, actor, person=person(id_number=twin), confirm_possible_duplicate=True
    )
    assert created != zhang
    assert count_entrepreneurs(db, actor) == 2


def test_update_logs_only_changed_fields_and_undo_restores(db: Database, actor: Actor, zhang: str) -> None:
    file = svc.get_file(db, actor, entrepreneur_id=zhang)
    changed = svc.update_entrepreneur(
        db, actor, entrepreneur_id=zhang, person=person(phone="13900001111"), expected_version=file.version
    )
    assert changed
    with db.reading() as session:
        last = session.exec(select(Change).order_by(col(Change.id).desc())).first()
        assert last is not None
        assert last.changes == {"phone": ["13812345678", "13900001111"]}
        assert last.base_version == file.version
    assert svc.undo_last_change(db, actor, entrepreneur_id=zhang) == "修改 张三 的档案"
    assert svc.get_file(db, actor, entrepreneur_id=zhang).phone == "13812345678"
    # the next undo steps further back: the creation, which sends the file to the recycle bin
    assert svc.undo_last_change(db, actor, entrepreneur_id=zhang) == "新建 张三 的档案"
    assert svc.get_file(db, actor, entrepreneur_id=zhang).deleted
    assert svc.undo_last_change(db, actor, entrepreneur_id=zhang) is None


def test_saving_unchanged_file_changes_nothing(db: Database, actor: Actor, zhang: str) -> None:
    file = svc.get_file(db, actor, entrepreneur_id=zhang)
    ventures = [v.form_values() for v in file.ventures]
    assert not svc.update_entrepreneur(
        db, actor, entrepreneur_id=zhang, person=file.form_values(), ventures=ventures
    )
    assert svc.get_file(db, actor, entrepreneur_id=zhang).version == file.version


def test_stale_version_is_refused(db: Database, actor: Actor, zhang: str) -> None:
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=person(phone="13900001111"))
    with pytest.raises(Conflict, match="已被修改"):
        svc.update_entrepreneur(
            db, actor, entrepreneur_id=zhang, person=person(address="x"), expected_version=1
        )


def test_ventures_history_keeps_closed_and_adds_new(db: Database, actor: Actor, zhang: str) -> None:
    file = svc.get_file(db, actor, entrepreneur_id=zhang)
    old = dict(file.ventures[0].form_values(), stage="歇业/注销")
    new = venture(name="新农家庭农场", credit_code="", stage="筹备", registration_date=None, industry="A")
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=file.form_values(), ventures=[old, new])
    again = svc.get_file(db, actor, entrepreneur_id=zhang)
    assert [(v.name, v.stage) for v in again.ventures] == [
        ("向阳餐饮店", Stage.CLOSED),
        ("新农家庭农场", Stage.PREPARING),
    ]
    assert again.stage is Stage.PREPARING
    # the new venture's name is searchable
    assert search_ids(db, actor, ListQuery(text="新农")) == [zhang]
    # one save is one undo step, ventures included
    svc.undo_last_change(db, actor, entrepreneur_id=zhang)
    reverted = svc.get_file(db, actor, entrepreneur_id=zhang)
    assert [(v.name, v.stage) for v in reverted.ventures] == [("向阳餐饮店", Stage.STARTUP)]


def test_delete_is_soft_and_restore_brings_back(db: Database, actor: Actor, zhang: str) -> None:
    assert svc.delete_entrepreneur(db, actor, entrepreneur_id=zhang) == "张三"
    assert search_ids(db, actor, ListQuery()) == []
    assert search_ids(db, actor, ListQuery(recycle_bin=True)) == [zhang]
    with db.reading() as session:
        assert session.get(Entrepreneur, zhang) is not None  # a tombstone, not a hard delete
    with pytest.raises(Conflict, match="回收站"):
        svc.create_entrepreneur(db, actor, person=person())
    svc.restore_entrepreneur(db, actor, entrepreneur_id=zhang)
    assert search_ids(db, actor, ListQuery()) == [zhang]


def test_missing_file_is_not_found(db: Database, actor: Actor) -> None:
    with pytest.raises(NotFound):
        svc.get_file(db, actor, entrepreneur_id="nope")


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("张三", "zs"),
        ("张三", "zhangsan"),
        ("张三", "zhang san"),
        ("张三", "张"),
        ("曾小明", "zxm"),
        ("曾小明", "zengxiaoming"),
        ("单田芳", "stf"),
        ("解缙", "xiejin"),
        ("仇英", "qy"),
        ("区志坚", "ouzhijian"),
        ("查良镛", "zly"),
        ("欧阳修", "oyx"),
        ("王𠮷", "王𠮷"),
        ("李堃", "李堃"),
    ],
)
def test_search_by_name_and_pinyin(db: Database, actor: Actor, name: str, query: str) -> None:
    found = svc.create_entrepreneur(db, actor, person=person(name=name))
    other = svc.create_entrepreneur(
        db, actor, person=person(name="周八", id_number=make_id("11010519800101002"))
    )
    ids = search_ids(db, actor, ListQuery(text=query))
    assert found in ids
    assert other not in ids


def test_search_by_id_tail_phone_and_venture(db: Database, actor: Actor, zhang: str) -> None:
    assert search_ids(db, actor, ListQuery(text="123x")) == [zhang]
    assert search_ids(db, actor, ListQuery(text="5678")) == [zhang]
    assert search_ids(db, actor, ListQuery(text="向阳")) == [zhang]
    assert search_ids(db, actor, ListQuery(text="不存在的人")) == []


def test_filters_and_sort(db: Database, actor: Actor, zhang: str) -> None:
    li = svc.create_entrepreneur(
        db,
        actor,
        person=person(
            name="李四",
            id_number=make_id("11010519800101002"),
            key_groups="农民工",
            household_region="110105",
        ),
    )
    assert search_ids(db, actor, ListQuery(key_group=KeyGroup.VETERAN)) == [zhang]
    assert search_ids(db, actor, ListQuery(stage=Stage.STARTUP)) == [zhang]
    assert search_ids(db, actor, ListQuery(region_prefix="110000")) == [li]
    by_name = search_ids(db, actor, ListQuery(sort="name", descending=False))
    assert by_name == [li, zhang]  # lisi < zhangsan


def test_rows_are_masked(db: Database, actor: Actor, zhang: str) -> None:
    (row,) = fetch_rows(db, actor, [zhang])
    assert row.id_number_masked == "330***********123X"
    assert row.phone_masked == "138****5678"
    assert row.key_groups == "高校毕业生、退役军人"
    assert row.ventures == "向阳餐饮店"
    assert "西湖区" in row.region


def test_history_shows_field_labels(db: Database, actor: Actor, zhang: str) -> None:
    svc.update_entrepreneur(db, actor, entrepreneur_id=zhang, person=person(phone="13900001111"))
    history = svc.file_history(db, actor, entrepreneur_id=zhang)
    assert history[0].label == "修改 张三 的档案"
    assert ("联系电话", "13812345678", "13900001111") in history[0].fields
