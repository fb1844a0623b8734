"""Search keys: a worker finds a person by pinyin, initials or the name itself."""

from __future__ import annotations

import pytest

from models.pinyin import (
    COMPOUND_SURNAMES,
    MAX_FULL_KEYS,
    MAX_INITIALS_KEYS,
    SURNAME_READINGS,
    build_search_blob,
    name_search_keys,
    normalise_query,
    text_search_key,
)


def finds(name: str, query: str) -> bool:
    """What the caller does: store the blob, search it with LIKE '%q%'."""
    return normalise_query(query) in build_search_blob(name, [])


def test_zhang_san() -> None:
    assert name_search_keys("张三") == ("zhangsan", "zs")


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("曾小明", "zengxiaoming", "zxm"),
        ("单田芳", "shantianfang", "stf"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("区志坚", "ouzhijian", "ozj"),
        ("查良镛", "zhaliangyong", "zly"),
        ("朴树", "piaoshu", "ps"),
        ("盖聂", "genie", "gn"),
        ("欧阳修", "ouyangxiu", "oyx"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟卨", "moqixie", "mqx"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("诸葛亮", "zhugeliang", "zgl"),
        ("乐嘉", "yuejia", "yj"),
        ("缪小红", "miaoxiaohong", "mxh"),
        ("覃海", "qinhai", "qh"),
    ],
)
def test_surname_reading_comes_first(name: str, full: str, initials: str) -> None:
    keys = name_search_keys(name)
    assert keys[0] == full
    full_keys = [k for k in keys if len(k) > len(name)]
    assert initials in keys
    assert full_keys[0] == full


@pytest.mark.parametrize(
    ("name", "everyday"),
    [
        ("曾小明", "cengxiaoming"),
        ("单田芳", "dantianfang"),
        ("解缙", "jiejin"),
        ("仇英", "chouying"),
        ("区志坚", "quzhijian"),
        ("查良镛", "chaliangyong"),
        ("朴树", "pushu"),
    ],
)
def test_everyday_reading_of_a_surname_is_not_used(name: str, everyday: str) -> None:
    # pypinyin alone reads these surnames the everyday way; the keys must not start with it.
    keys = name_search_keys(name)
    assert keys[0] != everyday
    assert everyday not in keys


def test_surnames_read_both_ways_keep_the_second_reading() -> None:
    assert name_search_keys("乐嘉")[:2] == ("yuejia", "lejia")
    assert {"yuchigong", "weichigong"} <= set(name_search_keys("尉迟恭"))
    assert {"yuliaozi", "weiliaozi"} <= set(name_search_keys("尉缭子"))
    assert name_search_keys("盖聂")[:2] == ("genie", "gainie")


def test_surname_table_only_applies_to_the_first_character() -> None:
    # 曾 in a given name is read ceng/zeng as pypinyin says, not forced to the surname reading.
    keys = name_search_keys("王曾")
    assert keys[0] == "wangceng"
    assert "wangzeng" in keys
    # 单 as a given name keeps its everyday reading first.
    assert name_search_keys("李单")[0] == "lidan"


def test_a_single_character_is_not_treated_as_a_surname() -> None:
    assert name_search_keys("曾")[0] == "ceng"


def test_compound_surname_needs_a_given_name() -> None:
    # 单于 alone is 单 (shan) + 于, a two-character name, not the compound surname.
    assert name_search_keys("单于")[0] == "shanyu"
    assert name_search_keys("单于某")[0] == "chanyumou"


def test_searching_as_a_worker_would() -> None:
    assert finds("曾小明", "zxm")
    assert finds("曾小明", "zengxiaoming")
    assert finds("曾小明", "zeng xiao ming")
    assert finds("曾小明", "ZXM")
    assert finds("曾小明", "ｚｘｍ")
    assert finds("曾小明", "小明")
    assert finds("曾小明", "zengx")  # prefix while typing
    assert finds("单田芳", "stf")
    assert finds("单田芳", "shantianfang")
    assert finds("解缙", "xiejin")
    assert finds("仇英", "qiuying")
    assert finds("区志坚", "ouzhijian")
    assert finds("查良镛", "zhaliangyong")
    assert finds("欧阳修", "oyx")
    assert finds("尉迟恭", "yuchigong")
    assert not finds("张三", "lisi")
    assert not finds("曾小明", "cxm")


def test_heteronyms_in_given_names_are_alternatives() -> None:
    keys = name_search_keys("张长乐")
    assert keys[0].startswith("zhang")
    assert any(k.startswith("zhangchang") for k in keys)
    assert any(k.startswith("zhangzhang") for k in keys)


def test_keys_are_lowercase_ascii_and_deduplicated() -> None:
    for name in ["张三", "曾小明", "阿依古丽·买买提", "张A", "重重重重重重重重重重", "Mary张"]:
        keys = name_search_keys(name)
        assert len(keys) == len(set(keys))
        for key in keys:
            assert key.isascii() and key.isalpha() and key == key.lower(), key


def test_combinations_are_capped() -> None:
    name = "阿依古丽·买买提·艾尼瓦尔"
    keys = name_search_keys(name)
    initials = [k for k in keys if len(k) <= 12]
    full = [k for k in keys if len(k) > 12]
    assert 1 < len(full) <= MAX_FULL_KEYS
    assert 1 < len(initials) <= MAX_INITIALS_KEYS
    assert len(keys) <= MAX_FULL_KEYS + MAX_INITIALS_KEYS


def test_long_name_of_heteronyms_is_still_capped() -> None:
    keys = name_search_keys("重" * 50)
    assert len(keys) <= MAX_FULL_KEYS + MAX_INITIALS_KEYS
    assert keys[0].startswith("chong")


def test_latin_letters_are_kept_lowercase() -> None:
    assert name_search_keys("张A") == ("zhanga", "za")
    assert name_search_keys("Mary Ann") == ("maryann", "ma")


def test_unknown_characters_are_skipped_in_keys_but_found_in_the_blob() -> None:
    keys = name_search_keys("𠮷野家")
    assert keys[0] == "yejia"
    assert all(k.isascii() for k in keys)
    blob = build_search_blob("𠮷野家", [])
    assert "𠮷野家" in blob
    assert normalise_query("𠮷") in blob


def test_only_unknown_characters_give_no_keys() -> None:
    assert name_search_keys("𠮷") == ()
    assert name_search_keys("") == ()


def test_middle_dot_and_spaces_are_ignored() -> None:
    assert name_search_keys("阿依古丽·买买提")[0] == "ayigulimaimaiti"


def test_tables_are_consistent() -> None:
    for surname, readings in COMPOUND_SURNAMES.items():
        assert len(surname) == 2
        assert len(readings) == 2
        assert all(r.isascii() and r.isalpha() for per_char in readings for r in per_char)
    for surname, single in SURNAME_READINGS.items():
        assert len(surname) == 1
        assert single and all(r.isascii() and r.isalpha() and r.islower() for r in single)
    assert SURNAME_READINGS["曾"] == ("zeng",)
    assert SURNAME_READINGS["尉"] == ("yu", "wei")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  杭州西湖 ABC 科技有限公司 ", "杭州西湖 abc 科技有限公司"),
        ("ＡＢＣ　ｃａｆé", "abc café"),
        ("a\t\nb", "a b"),
    ],
)
def test_text_search_key(text: str, key: str) -> None:
    assert text_search_key(text) == key


@pytest.mark.parametrize(
    ("query", "normalised"),
    [
        ("zhang san", "zhangsan"),
        ("  ZS ", "zs"),
        ("Ｚｈａｎｇ　Ｓａｎ", "zhangsan"),
        ("张 三", "张 三"),  # only spaces between Latin letters are removed
        ("002X", "002x"),
        ("138 1234", "138 1234"),
    ],
)
def test_normalise_query(query: str, normalised: str) -> None:
    assert normalise_query(query) == normalised


def test_blob_holds_name_keys_and_extras() -> None:
    blob = build_search_blob("张三", ["002X", "13812345678", "Sunny Day Cafe", "", "杭州 西湖"])
    assert blob == blob.lower()
    parts = blob.split(" ")
    assert parts[:3] == ["张三", "zhangsan", "zs"]
    for query in [
        "张三",
        "zs",
        "zhang san",
        "002x",
        "5678",
        "sunny day",
        "sunnyday",
        "day cafe",
        "杭州 西湖",
    ]:
        assert normalise_query(query) in blob, query
    assert len(parts) == len(set(parts))
