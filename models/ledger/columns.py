"""The columns of an Excel ledger (台账): the fields they can be mapped to, and how a header names one.

Stations keep their history in spreadsheets that nobody designed for import, with local column names
(身份证号 / 公民身份号码 / 证件号码). This module knows those names; like the rest of ``models.ledger`` it
is pure (no database session, no files) so that the import service and its tests share one set of rules.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.errors import ValidationError
from models.validators import normalise_text

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


def _signature_key(text: object) -> str:
    """A header as signatures compare it (kept as it was, so remembered mappings still match)."""
    folded = normalise_text(text)
    folded = _NOTE_IN_BRACKETS.sub("", folded)
    return _HEADER_NOISE.sub("", folded)


def normalise_header(text: object) -> str:
    """A header as it is compared: NFKC-folded (full-width letters, digits and punctuation), without
    spaces or line breaks, required-marks, notes in brackets ("身份证号码（必填）" → "身份证号码") or
    separators."""
    return _signature_key(unicodedata.normalize("NFKC", normalise_text(text)))


def _contained(key: str, outside: str = "") -> str | None:
    """The field of the longest synonym ``key`` contains that is not wholly inside ``outside``."""
    if len(key) > 24:  # a title or a note, not a column name
        return None
    for word in _SYNONYMS_BY_LENGTH:
        if len(word) >= 2 and word in key and not (outside and word in outside):
            return _SYNONYMS[word]
    return None


def match_header(text: object) -> str | None:
    """The field a header names, or None. Exact synonyms first, then the longest synonym the header
    contains (户籍所在地行政区划代码 → 行政区划代码), so local decorations do not defeat the match.

    A two-level header ("创业项目信息/名称", as :mod:`models.ledger.header` joins a merged group header
    and the title under it) is read in its group's terms: a title that is ambiguous alone (名称, 时间,
    日期, 人数, 号码, 地址, 类型 …) names the field its group gives it (:func:`match_in_group`)."""
    raw = normalise_text(text)
    key = normalise_header(raw)
    if not key:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    if "/" in raw:
        parent, _, sub = raw.rpartition("/")
        return match_in_group(parent, sub)
    return _contained(key)


_VENTURE_GROUP = ("项目", "主体", "企业", "实体", "个体", "公司", "经营", "营业执照", "工商", "商户", "店铺")
_PERSON_GROUP = ("创业者", "创业人", "负责人", "经营者", "法定代表人", "申请人", "个人", "人员", "本人")
# An ambiguous title → the field it names in a venture's group, in a person's group, or by its group's
# own words (parent word → field).
_AMBIGUOUS: dict[str, tuple[str | None, str | None, tuple[tuple[str, str], ...]]] = {
    "名称": ("venture.name", None, ()),
    "时间": (
        "venture.registration_date",
        None,
        (
            ("毕业", "graduation_date"),
            ("注册", "venture.registration_date"),
            ("成立", "venture.registration_date"),
        ),
    ),
    "人数": (
        "venture.jobs_created",
        None,
        (("带动", "venture.jobs_created"), ("吸纳", "venture.jobs_created")),
    ),
    "号码": (
        "venture.credit_code",
        "id_number",
        (
            ("身份证", "id_number"),
            ("证件", "id_number"),
            ("电话", "phone"),
            ("手机", "phone"),
            ("联系", "phone"),
            ("信用代码", "venture.credit_code"),
            ("营业执照", "venture.credit_code"),
        ),
    ),
    "地址": ("venture.address", "address", (("户籍", "address"), ("居住", "address"))),
    "类型": ("venture.entity_type", "key_groups", ()),
    "阶段": ("venture.stage", None, ()),
    "代码": ("venture.credit_code", None, (("户籍", "household_region"), ("区划", "household_region"))),
    "行业": ("venture.industry", None, ()),
}
_AMBIGUOUS["日期"] = _AMBIGUOUS["时间"]
_AMBIGUOUS["成立时间"] = _AMBIGUOUS["时间"]
_AMBIGUOUS["人员数"] = _AMBIGUOUS["人数"]
_AMBIGUOUS["类别"] = _AMBIGUOUS["类型"]
_AMBIGUOUS["性质"] = ("venture.entity_type", None, ())
_AMBIGUOUS["住址"] = _AMBIGUOUS["地址"]
_AMBIGUOUS["地点"] = ("venture.address", None, ())
_AMBIGUOUS["场所"] = ("venture.address", None, ())
_AMBIGUOUS["电话"] = ("phone", "phone", ())
_AMBIGUOUS["号"] = _AMBIGUOUS["号码"]
_AMBIGUOUS["状态"] = ("venture.stage", None, ())


def match_in_group(parent: object, sub: object) -> str | None:
    """The field a title names under a merged group header: the title's own name if it has one, else
    an ambiguous title read in its group's terms, else a synonym the two make together (身份证 over 号码)
    that is not the group's own name alone."""
    parent_key, sub_key = normalise_header(parent), normalise_header(sub)
    if not sub_key:
        return match_header(parent) if parent_key else None
    if sub_key in _SYNONYMS:
        return _SYNONYMS[sub_key]
    ambiguous = _AMBIGUOUS.get(sub_key)
    if ambiguous is not None:
        in_venture, in_person, by_word = ambiguous
        for word, key in by_word:
            if word in parent_key:
                return key
        if any(word in parent_key for word in _PERSON_GROUP) and in_person:
            return in_person
        if any(word in parent_key for word in _VENTURE_GROUP) and in_venture:
            return in_venture
    joined = parent_key + sub_key
    if joined in _SYNONYMS:
        return _SYNONYMS[joined]
    found = _contained(joined, parent_key)
    if found is not None:
        return found
    return _contained(sub_key)


def is_derived_header(text: object) -> bool:
    return normalise_header(text) in DERIVED_HEADERS


def header_signature(headers: Sequence[str]) -> str:
    """Identifies "a file with the same headers" so a corrected mapping is offered again next time."""
    joined = "\x1f".join(_signature_key(h) for h in headers)
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
        raise MissingColumns(missing)


class MissingColumns(ValidationError):
    """A required field no column was mapped to: the wizard asks for it, the CLI names it (--column)."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            "列对应关系",
            None,
            f"请为“{'”“'.join(missing)}”选择对应的列：没有它们无法建档或找到已有档案",
        )


def form_label(field_key: str) -> str:
    """The label the form's validator uses in its messages for this ledger field."""
    from models.entrepreneur import PERSON_LABELS, VENTURE_LABELS

    spec = FIELDS_BY_KEY[field_key]
    labels = PERSON_LABELS if spec.group == PERSON else VENTURE_LABELS
    return labels[spec.form_key]


def field_choices() -> list[tuple[str, str]]:
    """(key, label) of every field a column can be mapped to, for the mapping step; "" is 不导入."""
    return [(IGNORED, "（不导入）")] + [
        (f.key, f.label + ("（必填）" if f.required else "")) for f in LEDGER_FIELDS
    ]
