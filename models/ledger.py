"""Excel ledgers (台账): what their columns are called, where their header is, what their cells mean.

Stations keep their history in spreadsheets that nobody designed for import: a title row or two above
the header, merged group headers (创业项目 over 名称 / 统一社会信用代码 / 注册日期), local column names
(身份证号 / 公民身份号码 / 证件号码), a 合计 row at the bottom. This module knows those habits; it is pure
(no database session, no files) so that the import service and its tests share one set of rules.

Every value still goes through the validators the form uses (:func:`models.entrepreneur.validate_person`,
:func:`models.entrepreneur.validate_venture`): here a ledger's wording of a choice ("个体户", "初创期",
"本科") is only translated into the form's wording before that, and a venture's type and stage are
inferred when the ledger has no such column (see :func:`prepare_venture`).

It also holds the two tables of the ledger area: the remembered column mappings (by header signature)
and the frozen monthly report snapshots (月报报送快照).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.base import TravellingRecord, UTCDateTime, china_today, utcnow
from models.enums import EntityType, Stage
from models.errors import ValidationError
from models.validators import normalise_text, parse_date

PERSON = "person"
VENTURE = "venture"
IGNORED = ""  # mapping value meaning "不导入"


@dataclass(frozen=True)
class LedgerField:
    """A field a ledger column can be mapped to. ``form_key`` is the key of the form's validator."""

    key: str
    label: str
    group: str  # PERSON | VENTURE
    form_key: str
    synonyms: tuple[str, ...]
    required: bool = False
    hint: str = ""


LEDGER_FIELDS: tuple[LedgerField, ...] = (
    LedgerField(
        "name",
        "姓名",
        PERSON,
        "name",
        ("姓名", "创业者姓名", "创业人姓名", "负责人姓名", "经营者姓名", "申请人姓名", "名字", "创业者"),
        required=True,
    ),
    LedgerField(
        "id_number",
        "身份证号码",
        PERSON,
        "id_number",
        (
            "身份证号码",
            "身份证号",
            "公民身份号码",
            "证件号码",
            "证件号",
            "身份证",
            "身份证件号码",
            "居民身份证号码",
            "身份证件号",
        ),
        required=True,
        hint="18 位，请按文本录入（数字格式会丢失末几位）",
    ),
    LedgerField(
        "phone",
        "联系电话",
        PERSON,
        "phone",
        ("联系电话", "手机号", "手机号码", "手机", "电话", "电话号码", "联系方式", "联系手机"),
    ),
    LedgerField(
        "key_groups",
        "人员类别（重点群体）",
        PERSON,
        "key_groups",
        (
            "人员类别",
            "重点群体",
            "人员类型",
            "群体类别",
            "重点群体类别",
            "人员身份",
            "身份类别",
            "创业者类别",
            "人员类别重点群体",
        ),
        hint="可填多个，用顿号分隔，如：退役军人、高校毕业生",
    ),
    LedgerField("education", "文化程度", PERSON, "education", ("文化程度", "学历", "最高学历")),
    LedgerField(
        "graduation_date", "毕业时间", PERSON, "graduation_date", ("毕业时间", "毕业日期", "毕业年月")
    ),
    LedgerField(
        "household_region",
        "户籍地区划代码",
        PERSON,
        "household_region",
        ("户籍地区划代码", "户籍地行政区划代码", "户籍区划代码", "户籍地代码", "行政区划代码"),
    ),
    LedgerField(
        "address",
        "现居住地址",
        PERSON,
        "address",
        ("现居住地址", "居住地址", "现住址", "家庭住址", "住址", "联系地址", "家庭地址", "现居住地"),
    ),
    LedgerField("notes", "备注", PERSON, "notes", ("备注", "备注说明")),
    LedgerField(
        "venture.name",
        "创业项目/经营主体名称",
        VENTURE,
        "name",
        (
            "创业项目",
            "经营主体名称",
            "创业项目名称",
            "项目名称",
            "主体名称",
            "企业名称",
            "个体工商户名称",
            "字号名称",
            "经营实体名称",
            "创业实体名称",
            "市场主体名称",
            "创业主体名称",
            "项目主体名称",
            "创业项目经营主体名称",
            "创业项目名称经营主体名称",
        ),
    ),
    LedgerField(
        "venture.entity_type",
        "主体类型",
        VENTURE,
        "entity_type",
        ("主体类型", "经营主体类型", "企业类型", "市场主体类型", "创业主体类型", "组织形式"),
        hint="个体工商户、小微企业、农民专业合作社、其他；不填时按信用代码或名称推断",
    ),
    LedgerField(
        "venture.credit_code",
        "统一社会信用代码",
        VENTURE,
        "credit_code",
        ("统一社会信用代码", "社会信用代码", "信用代码", "营业执照号码", "营业执照号", "统一代码"),
    ),
    LedgerField(
        "venture.registration_date",
        "注册日期",
        VENTURE,
        "registration_date",
        (
            "注册日期",
            "成立日期",
            "登记注册日期",
            "注册时间",
            "成立时间",
            "登记日期",
            "开业日期",
            "开业时间",
            "营业执照登记日期",
            "注册登记日期",
        ),
    ),
    LedgerField(
        "venture.industry",
        "所属行业",
        VENTURE,
        "industry",
        ("所属行业", "行业", "行业类别", "行业门类", "经营行业", "所属行业门类"),
        hint="国民经济行业分类门类，如 F 或 批发和零售业",
    ),
    LedgerField(
        "venture.address",
        "经营地址",
        VENTURE,
        "address",
        ("经营地址", "经营场所", "注册地址", "经营场所地址", "生产经营地址", "经营地点"),
    ),
    LedgerField(
        "venture.jobs_created",
        "带动就业人数",
        VENTURE,
        "jobs_created",
        ("带动就业人数", "带动就业", "吸纳就业人数", "吸纳就业", "带动人数", "带动就业人员数"),
    ),
    LedgerField(
        "venture.stage",
        "创业阶段",
        VENTURE,
        "stage",
        ("创业阶段", "阶段", "所处阶段", "发展阶段"),
        hint="意向、筹备、初创、成长、成熟、歇业/注销；不填时按注册日期推断",
    ),
)

FIELDS_BY_KEY: dict[str, LedgerField] = {f.key: f for f in LEDGER_FIELDS}

# Headers that are recognised (they make a row look like a header) but not imported: sex and birth date
# come from the ID number, a 序号 is the ledger's own.
DERIVED_HEADERS: dict[str, str] = {
    "序号": "序号（不导入）",
    "编号": "编号（不导入）",
    "性别": "性别（由身份证号码得出）",
    "出生日期": "出生日期（由身份证号码得出）",
    "出生年月": "出生日期（由身份证号码得出）",
    "年龄": "年龄（由身份证号码得出）",
    "民族": "民族（不导入）",
}

_SYNONYMS: dict[str, str] = {}
for _spec in LEDGER_FIELDS:
    for _synonym in _spec.synonyms:
        _SYNONYMS.setdefault(_synonym, _spec.key)
_SYNONYMS_BY_LENGTH = sorted(_SYNONYMS, key=len, reverse=True)

_NOTE_IN_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_HEADER_NOISE = re.compile(r"[\s*＊:：/、\\|·.。,，_\-—]+")


def normalise_header(text: object) -> str:
    """A header as it is compared: full-width folded, without spaces, required-marks, notes in brackets
    ("身份证号码（必填）" → "身份证号码") or separators."""
    folded = normalise_text(text)
    folded = _NOTE_IN_BRACKETS.sub("", folded)
    return _HEADER_NOISE.sub("", folded)


def match_header(text: object) -> str | None:
    """The field a header names, or None. Exact synonyms first, then the longest synonym the header
    contains (户籍所在地行政区划代码 → 行政区划代码), so local decorations do not defeat the match."""
    key = normalise_header(text)
    if not key:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    if len(key) > 24:  # a title or a note, not a column name
        return None
    for word in _SYNONYMS_BY_LENGTH:
        if len(word) >= 2 and word in key:
            return _SYNONYMS[word]
    return None


def is_derived_header(text: object) -> bool:
    return normalise_header(text) in DERIVED_HEADERS


def header_signature(headers: Sequence[str]) -> str:
    """Identifies "a file with the same headers" so a corrected mapping is offered again next time."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def guess_mapping(headers: Sequence[str]) -> dict[int, str]:
    """Column index → field key for the headers that name a field; the first column naming a field wins."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = match_header(header)
        if key is not None and key not in taken:
            mapping[index] = key
            taken.add(key)
    return mapping


def check_mapping(mapping: Mapping[int, str]) -> None:
    """A mapping the import can run with: name and ID number mapped, no field mapped twice."""
    seen: dict[str, int] = {}
    for index, key in mapping.items():
        if not key:
            continue
        if key not in FIELDS_BY_KEY:
            raise ValidationError("列对应关系", key, f"没有名为“{key}”的导入字段")
        if key in seen:
            label = FIELDS_BY_KEY[key].label
            raise ValidationError(
                "列对应关系",
                key,
                f"“{label}”对应了两列（第 {seen[key] + 1} 列和第 {index + 1} 列），请只保留一列",
            )
        seen[key] = index
    missing = [f.label for f in LEDGER_FIELDS if f.required and f.key not in seen]
    if missing:
        raise ValidationError(
            "列对应关系", None, f"请为“{'”“'.join(missing)}”选择对应的列：没有它们无法建档或找到已有档案"
        )


# --------------------------------------------------------------------------------------------- the header
@dataclass(frozen=True)
class HeaderGuess:
    """Where the header is: its first and last row (1-based, as Excel numbers them) and column titles."""

    first_row: int
    last_row: int
    titles: tuple[str, ...]
    matched: int


HEADER_SCAN_ROWS = 30


def _cell_words(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return ""
    return normalise_text(value)


def _score(titles: Sequence[str]) -> tuple[int, bool]:
    keys = {match_header(t) for t in titles if t}
    keys.discard(None)
    derived = sum(1 for t in titles if t and is_derived_header(t))
    essential = "name" in keys or "id_number" in keys
    return len(keys) + derived, essential


def _combined_titles(upper: Sequence[str], lower: Sequence[str]) -> tuple[str, ...]:
    """Titles of a two-row header: a cell merged down keeps its one title; a group title over several
    sub-titles is joined to each (创业项目 + 名称 → "创业项目/名称") unless the sub-title names a field
    alone."""
    width = max(len(upper), len(lower))
    titles = []
    for index in range(width):
        top = upper[index] if index < len(upper) else ""
        bottom = lower[index] if index < len(lower) else ""
        if not bottom or top == bottom:
            titles.append(top)
        elif not top or match_header(bottom) is not None or is_derived_header(bottom):
            titles.append(bottom)
        else:
            titles.append(f"{top}/{bottom}")
    return tuple(titles)


def detect_header(rows: Sequence[tuple[int, Sequence[object]]]) -> HeaderGuess | None:
    """Find the header among the first rows: the row (or pair of rows, for merged group headers) whose
    cells name the most known fields, and at least 姓名 or 身份证号码. Title rows above it and the data
    below score low: a title is one long cell, data cells are not column names."""
    found: list[HeaderGuess] = []
    scan = [(number, tuple(_cell_words(v) for v in values)) for number, values in rows[:HEADER_SCAN_ROWS]]
    for position, (number, titles) in enumerate(scan):
        candidates = [(number, titles)]
        if position + 1 < len(scan) and scan[position + 1][0] == number + 1:
            candidates.append((scan[position + 1][0], _combined_titles(titles, scan[position + 1][1])))
        for last, combined in candidates:
            score, essential = _score(combined)
            if essential and score >= 2:
                found.append(HeaderGuess(number, last, tuple(combined), score))
    if not found:
        return None
    # The most named fields; on a tie one row rather than two (a title row over the header adds nothing).
    return max(found, key=lambda guess: (guess.matched, guess.first_row == guess.last_row, -guess.first_row))


# --------------------------------------------------------------------------------------------- the rows
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "合计数", "总数", "累计"})
NOTE_PREFIXES = ("注：", "注:", "说明：", "说明:", "填表人", "制表人", "审核人", "填报人", "负责人：", "示例")


_INVISIBLE = "\u200b\ufeff"


def is_blank(value: object) -> bool:
    """No value: None, or text of nothing but spaces (any kind, full-width too) and zero-width marks.

    Called for every cell of a ledger, so it avoids the full :func:`normalise_text`."""
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return not stripped or not stripped.strip(_INVISIBLE).strip()
    return False


def non_data_reason(values: Sequence[object]) -> str | None:
    """Why a row is not a person at all (a 合计 row, a footnote, the template's example row), else None."""
    first: object = None
    for value in values:
        if is_blank(value):
            continue
        if first is None:
            first = value
        if isinstance(value, str) and len(value) <= 12 and re.sub(r"\s", "", value) in TOTAL_WORDS:
            return "合计行"
    if isinstance(first, str):
        text = normalise_text(first)
        if text.startswith(NOTE_PREFIXES):
            return "示例行" if text.startswith("示例") else "说明行"
    return None


def cell_text(value: object) -> str:
    """A cell as a worker reads it in a preview or a message."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e15 else str(int(value))
    return str(value)


# ------------------------------------------------------------------------- a ledger's wording of choices
_STAGE_WORDS: dict[str, Stage] = {
    "意向": Stage.INTENT,
    "意向期": Stage.INTENT,
    "有意向": Stage.INTENT,
    "筹备": Stage.PREPARING,
    "筹备期": Stage.PREPARING,
    "筹建": Stage.PREPARING,
    "初创": Stage.STARTUP,
    "初创期": Stage.STARTUP,
    "起步": Stage.STARTUP,
    "成长": Stage.GROWTH,
    "成长期": Stage.GROWTH,
    "发展期": Stage.GROWTH,
    "成熟": Stage.MATURE,
    "成熟期": Stage.MATURE,
    "稳定期": Stage.MATURE,
    "歇业": Stage.CLOSED,
    "注销": Stage.CLOSED,
    "已注销": Stage.CLOSED,
    "已歇业": Stage.CLOSED,
    "停业": Stage.CLOSED,
    "歇业注销": Stage.CLOSED,
}

_ENTITY_WORDS: dict[str, EntityType] = {
    "个体": EntityType.INDIVIDUAL_BUSINESS,
    "个体户": EntityType.INDIVIDUAL_BUSINESS,
    "个体工商户": EntityType.INDIVIDUAL_BUSINESS,
    "企业": EntityType.SMALL_FIRM,
    "公司": EntityType.SMALL_FIRM,
    "有限公司": EntityType.SMALL_FIRM,
    "有限责任公司": EntityType.SMALL_FIRM,
    "小微企业": EntityType.SMALL_FIRM,
    "小型企业": EntityType.SMALL_FIRM,
    "微型企业": EntityType.SMALL_FIRM,
    "合作社": EntityType.FARMER_COOPERATIVE,
    "农民专业合作社": EntityType.FARMER_COOPERATIVE,
    "专业合作社": EntityType.FARMER_COOPERATIVE,
}

_EDUCATION_WORDS: dict[str, str] = {
    "博士": "博士研究生",
    "博士研究生": "博士研究生",
    "硕士": "硕士研究生",
    "研究生": "硕士研究生",
    "硕士研究生": "硕士研究生",
    "本科": "大学本科",
    "大学本科": "大学本科",
    "大本": "大学本科",
    "专科": "大学专科",
    "大专": "大学专科",
    "大学专科": "大学专科",
    "高职": "大学专科",
    "高中": "高中/中专/技校",
    "中专": "高中/中专/技校",
    "技校": "高中/中专/技校",
    "职高": "高中/中专/技校",
    "中职": "高中/中专/技校",
    "初中": "初中及以下",
    "小学": "初中及以下",
    "初中及以下": "初中及以下",
}

START_UP_YEARS = 3  # 初创: within 3 years of registration (DOMAIN.md glossary)


def _word(value: object) -> str:
    return re.sub(r"[\s/、]", "", normalise_text(value))


_CHOICE_FIELDS = frozenset({"venture.stage", "venture.entity_type", "education"})


def translate_choice(field_key: str, value: object) -> object:
    """A ledger's wording of a choice in the form's wording; anything unknown is passed on unchanged so
    that the form's validator names it and lists the choices."""
    if field_key not in _CHOICE_FIELDS or is_blank(value) or not isinstance(value, str):
        return value
    word = _word(value)
    if field_key == "venture.stage" and word in _STAGE_WORDS:
        return _STAGE_WORDS[word].label
    if field_key == "venture.entity_type" and word in _ENTITY_WORDS:
        return _ENTITY_WORDS[word].label
    if field_key == "education" and word in _EDUCATION_WORDS:
        return _EDUCATION_WORDS[word]
    return value


def infer_entity_type(credit_code: object, name: object) -> EntityType:
    """A venture's type when the ledger has no such column: the 2nd character of a 市场监管-issued credit
    code (91 企业, 92 个体工商户, 93 农民专业合作社), else words in the name, else 其他."""
    code = normalise_text(credit_code).upper()
    if len(code) == 18 and code[0] == "9":
        by_code = {"1": EntityType.SMALL_FIRM, "2": EntityType.INDIVIDUAL_BUSINESS}
        if code[1] in by_code:
            return by_code[code[1]]
        if code[1] == "3":
            return EntityType.FARMER_COOPERATIVE
    text = normalise_text(name)
    if "合作社" in text:
        return EntityType.FARMER_COOPERATIVE
    if "公司" in text or "企业" in text:
        return EntityType.SMALL_FIRM
    if re.search(r"(店|部|馆|坊|行|铺|厂|场|室|中心|超市)$", text):
        return EntityType.INDIVIDUAL_BUSINESS
    return EntityType.OTHER


def infer_stage(registration: object, today: date | None = None) -> Stage:
    """A venture's stage when the ledger has no such column: not registered → 筹备; registered within
    three years → 初创; earlier → 成长 (the worker refines it on the file)."""
    if is_blank(registration):
        return Stage.PREPARING
    try:
        registered = parse_date(registration, field="注册日期")
    except ValidationError:
        return Stage.STARTUP  # the date's own validator reports the problem
    today = today or china_today()
    years = today.year - registered.year - ((today.month, today.day) < (registered.month, registered.day))
    return Stage.STARTUP if years < START_UP_YEARS else Stage.GROWTH


def person_raw(values: Mapping[str, object]) -> dict[str, object]:
    """The person's part of a row in the shape :func:`validate_person` takes (blank cells left out)."""
    raw: dict[str, object] = {}
    for key, value in values.items():
        spec = FIELDS_BY_KEY[key]
        if spec.group == PERSON and not is_blank(value):
            raw[spec.form_key] = translate_choice(key, value)
    return raw


def venture_raw(values: Mapping[str, object]) -> dict[str, object]:
    """The venture's part of a row in the shape :func:`validate_venture` takes (blank cells left out)."""
    raw: dict[str, object] = {}
    for key, value in values.items():
        spec = FIELDS_BY_KEY[key]
        if spec.group == VENTURE and not is_blank(value):
            raw[spec.form_key] = translate_choice(key, value)
    return raw


def prepare_venture(raw: Mapping[str, object], today: date | None = None) -> dict[str, object]:
    """A new venture from a ledger row, with its type and stage inferred when the ledger has none."""
    prepared = dict(raw)
    if is_blank(prepared.get("entity_type")):
        prepared["entity_type"] = infer_entity_type(prepared.get("credit_code"), prepared.get("name"))
    if is_blank(prepared.get("stage")):
        prepared["stage"] = infer_stage(prepared.get("registration_date"), today)
    return prepared


def form_label(field_key: str) -> str:
    """The label the form's validator uses in its messages for this ledger field."""
    from models.entrepreneur import PERSON_LABELS, VENTURE_LABELS

    spec = FIELDS_BY_KEY[field_key]
    labels = PERSON_LABELS if spec.group == PERSON else VENTURE_LABELS
    return labels[spec.form_key]


# -------------------------------------------------------------------------------------------- the tables
class LedgerMapping(SQLModel, table=True):
    """A column mapping the worker confirmed, offered again for a file with the same headers.

    Station-local (it does not travel): it is a working preference, not a record of a person.
    """

    __tablename__ = "ledger_mapping"

    signature: str = Field(primary_key=True, max_length=64)
    headers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    mapping: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: str = Field(default="", max_length=64)
    uses: int = 0


class MonthlySnapshot(TravellingRecord, table=True):
    """The figures of a month as they were reported (冻结/报送). Later edits to old records show as
    differences from these, never as a silent change of what was sent. One per station and month; a
    month frozen again is an update, so every version sent stays in the change log."""

    __tablename__ = "monthly_snapshot"
    __table_args__ = (Index("ix_monthly_snapshot_station_month", "station_code", "month", unique=True),)

    month: date  # the first day of the month
    frozen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    frozen_by: str = Field(default="", max_length=64)
    figures: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=500)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months_back(end: date, count: int) -> list[date]:
    """``count`` month starts ending with ``end``'s month, oldest first."""
    months = [month_start(end)]
    while len(months) < count:
        first = months[0]
        months.insert(0, date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1))
    return months


def parse_month(value: object, field: str = "月份") -> date:
    """``2025-03`` / ``2025年3月`` / a date → the first day of that month."""
    return parse_date(value, field=field, allow_month=True).replace(day=1)


def dedupe_keep_order(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
