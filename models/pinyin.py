"""Search keys for search-as-you-type over Chinese names.

A worker finds 张三 by typing ``zs``, ``zhangsan`` or ``张``. The caller stores :func:`build_search_blob`
in a column and searches it with ``LIKE '%q%'`` after :func:`normalise_query`; nothing here touches the
database.

Surnames are read as surnames: 曾 is zeng, 单 shan, 解 xie, 仇 qiu, 区 ou, 查 zha, 朴 piao, whatever
pypinyin's everyday reading says. Other characters use pypinyin's reading in context first, then its
other readings (heteronyms), so that a name is still found when the worker guesses another reading. The
number of spellings is capped so that a long name full of heteronyms cannot blow up the blob.
"""

from __future__ import annotations

import heapq
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

MAX_FULL_KEYS = 8
MAX_INITIALS_KEYS = 8

# Compound surnames (复姓) and their readings, one list of readings per character. 单于 and 尉迟 also
# keep the reading of the single surname (单 shan, 尉 wei) because people write them both ways.
COMPOUND_SURNAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "欧阳": (("ou",), ("yang",)),
    "司马": (("si",), ("ma",)),
    "诸葛": (("zhu",), ("ge",)),
    "上官": (("shang",), ("guan",)),
    "尉迟": (("yu", "wei"), ("chi",)),
    "万俟": (("mo",), ("qi",)),
    "单于": (("chan", "shan"), ("yu",)),
    "长孙": (("zhang",), ("sun",)),
    "令狐": (("ling",), ("hu",)),
    "皇甫": (("huang",), ("fu",)),
    "澹台": (("tan",), ("tai",)),
    "公孙": (("gong",), ("sun",)),
    "宇文": (("yu",), ("wen",)),
    "慕容": (("mu",), ("rong",)),
    "夏侯": (("xia",), ("hou",)),
    "东方": (("dong",), ("fang",)),
    "端木": (("duan",), ("mu",)),
    "钟离": (("zhong",), ("li",)),
    "呼延": (("hu",), ("yan",)),
    "独孤": (("du",), ("gu",)),
    "南宫": (("nan",), ("gong",)),
    "百里": (("bai",), ("li",)),
    "东郭": (("dong",), ("guo",)),
    "西门": (("xi",), ("men",)),
    "第五": (("di",), ("wu",)),
    "闻人": (("wen",), ("ren",)),
    "申屠": (("shen",), ("tu",)),
    "拓跋": (("tuo",), ("ba",)),
    "乐正": (("yue", "le"), ("zheng",)),
    "亓官": (("qi",), ("guan",)),
    "公冶": (("gong",), ("ye",)),
    "太史": (("tai",), ("shi",)),
    "轩辕": (("xuan",), ("yuan",)),
    "赫连": (("he",), ("lian",)),
    "司徒": (("si",), ("tu",)),
    "司空": (("si",), ("kong",)),
    "仲孙": (("zhong",), ("sun",)),
    "左丘": (("zuo",), ("qiu",)),
    "公羊": (("gong",), ("yang",)),
    "濮阳": (("pu",), ("yang",)),
    "淳于": (("chun",), ("yu",)),
    "羊舌": (("yang",), ("she",)),
    "梁丘": (("liang",), ("qiu",)),
    "谷梁": (("gu",), ("liang",)),
    "宰父": (("zai",), ("fu",)),
    "巫马": (("wu",), ("ma",)),
}

# Single surnames whose surname reading differs from pypinyin's everyday reading, surname reading first.
# A second reading is kept only where both are really used for the surname (乐 yue/le, 尉 yu/wei, 盖
# ge/gai, 覃 qin/tan …); for 曾 单 解 仇 区 查 朴 缪 the everyday reading is simply wrong for a surname.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "查": ("zha",),
    "朴": ("piao",),
    "盖": ("ge", "gai"),
    "繁": ("po",),
    "缪": ("miao",),
    "乐": ("yue", "le"),
    "翟": ("zhai",),
    "华": ("hua",),
    "纪": ("ji",),
    "任": ("ren",),
    "员": ("yun",),
    "黑": ("he", "hei"),
    "覃": ("qin", "tan"),
    "沈": ("shen",),
    "秘": ("bi",),
    "种": ("chong",),
    "过": ("guo",),
    "能": ("nai",),
    "隗": ("wei",),
    "靳": ("jin",),
    "召": ("shao",),
    "逄": ("pang",),
    "句": ("gou",),
    "宁": ("ning",),
    "那": ("na",),
    "尉": ("yu", "wei"),
    "车": ("che",),
    "折": ("she",),
    "燕": ("yan",),
    "长": ("chang",),
    "重": ("chong",),
    "薄": ("bo",),
    "柏": ("bai",),
    "贲": ("ben",),
    "郇": ("huan", "xun"),
    "阚": ("kan",),
    "佴": ("nai",),
    "宓": ("mi", "fu"),
    "藉": ("ji",),
    "禚": ("zhuo",),
    "冼": ("xian",),
    "洗": ("xian",),
    "相": ("xiang",),
    "谌": ("chen", "shen"),
    "蕃": ("pi",),
    "粘": ("nian",),
    "叶": ("ye",),
    "石": ("shi",),
    "曲": ("qu",),
    "朝": ("chao",),
    "都": ("du",),
    "应": ("ying",),
    "万": ("wan",),
    "占": ("zhan",),
    "行": ("xing", "hang"),
}

_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_TOKEN = re.compile(f"[{_CJK}]+|[A-Za-z]+")
_SYLLABLE = re.compile(r"^[a-z]+$")
_SPACE_BETWEEN_LATIN = re.compile(r"(?<=[a-z])\s+(?=[a-z])")
_UNKNOWN = "\0"


def _mark_unknown(chars: str) -> Any:
    """One marker per character pypinyin does not know, so its output stays aligned with the input.

    pypinyin accepts a list here although its stubs only name ``str``.
    """
    return [_UNKNOWN] * len(chars)


@lru_cache(maxsize=16384)
def _readings_of(ch: str) -> list[str]:
    """Every toneless reading pypinyin knows for one character, most common first."""
    from pypinyin import Style, pinyin  # its phrase dictionaries take ~0.25 s: only when keys are made

    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=_mark_unknown)
    readings = found[0] if found else []
    return [r for r in dict.fromkeys(readings) if _SYLLABLE.match(r)]


@lru_cache(maxsize=65536)
def _run_readings(run: str) -> list[list[str]]:
    """Readings for a run of Chinese characters: pypinyin's reading in context first, then heteronyms."""
    from pypinyin import Style, lazy_pinyin

    in_context = lazy_pinyin(run, style=Style.NORMAL, errors=_mark_unknown)
    if len(in_context) != len(run):  # pragma: no cover - pypinyin keeps one item per character
        in_context = [_UNKNOWN] * len(run)
    result = []
    for ch, first in zip(run, in_context, strict=True):
        readings = [first] if _SYLLABLE.match(first) else []
        readings += [r for r in _readings_of(ch) if r not in readings]
        result.append(readings)
    return result


def _syllables(name: str) -> list[list[str]]:
    """One list of alternative spellings per syllable of ``name``; unknown characters are left out."""
    text = unicodedata.normalize("NFKC", name).strip()
    slots: list[list[str]] = []
    surname_done = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if not token.isascii():
            start = 0
            if not surname_done and match.start() == 0:
                compound = COMPOUND_SURNAMES.get(token[:2]) if len(token) >= 3 else None
                if compound is not None:
                    slots.extend(list(readings) for readings in compound)
                    start = 2
                elif token[0] in SURNAME_READINGS and len(token) >= 2:
                    slots.append(list(SURNAME_READINGS[token[0]]))
                    start = 1
            slots.extend(readings for readings in _run_readings(token[start:]) if readings)
        else:
            slots.append([token.lower()])
        surname_done = True
    return slots


def _best_first(slots: Sequence[Sequence[str]]) -> Iterable[tuple[str, ...]]:
    """Combinations of one spelling per slot, the most usual first (fewest and earliest alternatives)."""
    if not slots:
        return
    start = (0,) * len(slots)
    heap = [(0, start)]
    seen = {start}
    while heap:
        _, choice = heapq.heappop(heap)
        yield tuple(slots[i][k] for i, k in enumerate(choice))
        for i, k in enumerate(choice):
            if k + 1 < len(slots[i]):
                following = (*choice[:i], k + 1, *choice[i + 1 :])
                if following not in seen:
                    seen.add(following)
                    heapq.heappush(heap, (sum(following), following))


@lru_cache(maxsize=65536)
def name_search_keys(name: str) -> tuple[str, ...]:
    """Full-pinyin spellings (``zhangsan``) then initials strings (``zs``) of a name, lowercase ASCII.

    At most :data:`MAX_FULL_KEYS` full spellings and :data:`MAX_INITIALS_KEYS` initials strings, without
    duplicates, the most usual reading first. Latin letters are kept lowercased; characters pypinyin does
    not know (𠮷) are left out here, the name itself is searched by :func:`build_search_blob`.
    """
    slots = _syllables(name)
    full: list[str] = []
    initials: list[str] = []
    # Looking at a bounded number of combinations keeps a 50-character name of heteronyms cheap.
    for combination in itertools.islice(_best_first(slots), 256):
        spelled = "".join(combination)
        if len(full) < MAX_FULL_KEYS and spelled not in full:
            full.append(spelled)
        short = "".join(s[0] for s in combination)
        if len(initials) < MAX_INITIALS_KEYS and short not in initials:
            initials.append(short)
        if len(full) >= MAX_FULL_KEYS and len(initials) >= MAX_INITIALS_KEYS:
            break
    return tuple(dict.fromkeys(full + initials))


def text_search_key(text: str) -> str:
    """Text for substring matching (venture names, addresses): NFKC, lowercase, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def normalise_query(q: str) -> str:
    """What the worker typed, made comparable with a search blob.

    NFKC (full-width letters), lowercase, stripped, and spaces between Latin letters removed so that
    ``zhang san`` finds ``zhangsan``.
    """
    return _SPACE_BETWEEN_LATIN.sub("", text_search_key(q))


def build_search_blob(name: str, extra: Iterable[str]) -> str:
    """One lowercase, space-separated string to store and search with ``LIKE '%q%'``.

    It holds the name, every key from :func:`name_search_keys` and the extra strings (ID tail, phone,
    venture names …). An extra with spaces between Latin words is also stored without them, because
    :func:`normalise_query` removes such spaces from the query.
    """
    parts: list[str] = []
    name_key = text_search_key(name)
    if name_key:
        parts.append(name_key)
        parts.append(name_key.replace(" ", ""))
    parts.extend(name_search_keys(name))
    for item in extra:
        key = text_search_key(item)
        if key:
            parts.append(key)
            parts.append(_SPACE_BETWEEN_LATIN.sub("", key))
    return " ".join(dict.fromkeys(parts))
