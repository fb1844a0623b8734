"""Region names from the GB/T 2260 database shipped with python-stdnum."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import regions
from models.regions import PROVINCES, province_name, region_name
from models.validators import PROVINCE_PREFIXES


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("330106", "浙江省杭州市西湖区"),
        ("330100", "浙江省杭州市"),
        ("330000", "浙江省"),
        ("110101", "北京市东城区"),  # municipality: no 市辖区 in between
        ("110103", "北京市崇文区"),  # retired in 2010, still named for old records
        ("120110", "天津市东丽区"),  # renamed from 东郊区: the latest name
        ("500229", "重庆市城口县"),
        ("440305", "广东省深圳市南山区"),
        ("429004", "湖北省仙桃市"),  # under 省直辖县级行政单位, which is not a place
        ("429021", "湖北省神农架林区"),
        ("469001", "海南省五指山市"),
        ("232721", "黑龙江省大兴安岭地区呼玛县"),
        ("330101", "浙江省杭州市"),  # 市辖区 itself adds nothing
        ("810000", "香港特别行政区"),
        ("820000", "澳门特别行政区"),
        ("710000", "台湾省"),
    ],
)
def test_region_name(code: str, name: str) -> None:
    assert region_name(code) == name


@pytest.mark.parametrize("code", ["990000", "339999", "33010", "3301060", "abcdef", ""])
def test_unknown_codes(code: str) -> None:
    assert region_name(code) is None


def test_province_name() -> None:
    assert province_name("330106") == "浙江省"
    assert province_name("33") == "浙江省"
    assert province_name("82") == "澳门特别行政区"
    assert province_name("99") is None


def test_provinces_match_the_validator() -> None:
    assert set(PROVINCES) == PROVINCE_PREFIXES
    assert len(PROVINCES) == 34


def test_every_province_code_has_a_name() -> None:
    for prefix, name in PROVINCES.items():
        assert region_name(prefix + "0000") == name


def test_lookup_is_cached() -> None:
    region_name("330106")
    before = region_name.cache_info().hits
    assert region_name("330106") == "浙江省杭州市西湖区"
    assert region_name.cache_info().hits == before + 1


def test_the_region_table_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The GUI keeps the flattened table in its cache folder; a second start reads it from there, and a
    cache that cannot be read is rebuilt from python-stdnum instead of failing."""
    monkeypatch.setattr(regions, "_cache_folder", [tmp_path])
    regions._names.cache_clear()
    try:
        first = regions._names()
        (cached,) = tmp_path.glob("regions-*.json")
        assert first["330106"] == "西湖区"
        regions._names.cache_clear()
        cached.write_text('{"330106": "从缓存读到的名字"}', encoding="utf-8")
        assert regions._names()["330106"] == "从缓存读到的名字"  # read from the cache, not rebuilt
        regions._names.cache_clear()
        cached.write_text("{broken", encoding="utf-8")
        assert regions._names()["330106"] == "西湖区"
    finally:
        regions._names.cache_clear()
