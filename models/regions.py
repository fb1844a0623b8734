"""Names of GB/T 2260 region codes for display (330106 → 浙江省杭州市西湖区).

The names come from the location database that python-stdnum ships for ``stdnum.cn.ric`` (``cn/loc.dat``),
so no list of our own has to be kept up to date. That database records every code that ever existed with
the years it was in use; a code that was retired keeps its last name, because old records and old ID
numbers still carry it. The database is read on first use and flattened into a dict, so a lookup after
that is one dict access. Reading it takes about 100 ms; the GUI, which names regions in the window's
first paint, keeps the flattened dict in its cache folder (:func:`use_cache`), keyed by the size and
time of the table it came from.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Province-level names, with the names of Hong Kong and Macao in simplified characters (the database has
# them in traditional characters).
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}

# Prefecture-level entries that are groupings, not places, and are left out of a full name
# (北京市 + 市辖区 + 东城区 is shown as 北京市东城区).
_NOT_A_PLACE = re.compile(r"^(市辖区|县|市|林区|.*直辖.*)$")
_CODE = re.compile(r"^\d{6}$")


def _latest_name(entry: str) -> str:
    """``"[-1991]东郊区,[1992-]东丽区"`` → ``"东丽区"``: the name of the latest period."""
    return re.sub(r"^\[[^\]]*\]", "", entry.rsplit(",", maxsplit=1)[-1])


_cache_folder: list[Path] = []  # set once by the GUI at start-up


def use_cache(folder: Path) -> None:
    """Keep the flattened table in ``folder``: read from there when it was made from this version of
    python-stdnum's table, written there otherwise (best effort: a read-only folder only costs the time)."""
    _cache_folder[:] = [folder]


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every 6-digit code in stdnum's database → its own (short) name."""
    if not _cache_folder:
        return _read_names()
    cached = _cache_folder[0] / f"regions-{_database_stamp()}.json"
    try:
        names: dict[str, str] = json.loads(cached.read_text(encoding="utf-8"))
        if isinstance(names, dict) and names:
            return names
    except (OSError, ValueError):
        pass
    names = _read_names()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, cached)
    except OSError as error:
        log.info("region names not cached: %s", error)
    return names


def _database_stamp() -> str:
    """Size and time of stdnum's ``cn/loc.dat``, found without importing stdnum (its package imports
    ssl and pydoc): a new python-stdnum with a new table makes a new cache file."""
    spec = importlib.util.find_spec("stdnum")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    try:
        stat = (Path(folders[0]) / "cn" / "loc.dat").stat()
    except (IndexError, OSError):
        return "unknown"
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def _read_names() -> dict[str, str]:
    from stdnum import numdb

    database: Any = numdb.get("cn/loc")
    names: dict[str, str] = {}
    for _length, low, high, _props, children in database.prefixes:
        if low != high or low not in PROVINCES:  # pragma: no cover - the file lists provinces one by one
            continue
        for _child_length, child_low, child_high, child_props, _grandchildren in children:
            if "county" not in child_props:  # pragma: no cover - every entry names its county
                continue
            name = _latest_name(child_props["county"])
            for suffix in range(int(child_low), int(child_high) + 1):
                names[f"{low}{suffix:04d}"] = name
        names[f"{low}0000"] = PROVINCES[low]
    return names


def province_name(code: str) -> str | None:
    """The province-level name for a region code (or anything starting with its 2-digit prefix)."""
    return PROVINCES.get(code[:2])


@lru_cache(maxsize=4096)
def region_name(code: str) -> str | None:
    """Full name of a 6-digit region code: province + prefecture + county where the database knows them.

    ``"330106"`` → ``"浙江省杭州市西湖区"``, ``"330100"`` → ``"浙江省杭州市"``, ``"330000"`` → ``"浙江省"``,
    ``"110101"`` → ``"北京市东城区"``. ``None`` when the province is unknown or the code is not in the
    database at all.
    """
    if not _CODE.match(code):
        return None
    province = PROVINCES.get(code[:2])
    if province is None:
        return None
    names = _names()
    if code.endswith("0000"):
        return province
    parts = [province]
    prefecture_code = code[:4] + "00"
    prefecture = names.get(prefecture_code)
    if prefecture is not None and not _NOT_A_PLACE.match(prefecture) and prefecture != province:
        parts.append(prefecture)
    if code != prefecture_code:
        county = names.get(code)
        if county is None:
            return None
        if not _NOT_A_PLACE.match(county):
            parts.append(county)
    elif prefecture is None:
        return None
    return "".join(parts)
