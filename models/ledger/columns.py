"""The columns of an Excel ledger (台账): the fields they can be mapped to, and how a header names one.

Stations keep their history in spreadsheets that nobody designed for import, with local column names
(身份证号 / 公民身份号码 / 证件号码). This module knows those names; like the rest of ``models.ledger`` it
is pure (no database session, no files) so that the import service and its tests share one set of rules.
"""

from __future__ import annotations

import hashlib
import re
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
