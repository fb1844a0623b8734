"""The exchange workbook's column specification (docs/exchange.md): one sheet per record kind, one column
per stored field, each with a stable code (the field's name), a Chinese label, a type and its code table.

The types are derived from the tables themselves (a text column's length, a date, a whole number, a
reference to another kind) and sharpened where the field holds a standard code: GB/T 2260 regions,
GB/T 4754 industry sections, GB 11643 ID numbers, GB 32100 credit codes, the project's own code tables
(key groups, stages …, :mod:`models.enums`), or an amount in fen (分, :mod:`models.money`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import JSON

from models.applications import ApplicationStatus
from models.base import TravellingRecord
from models.enums import INDUSTRY_SECTIONS, Education, EntityType, KeyGroup, Labelled, Sex, Stage
from models.tables import travelling_tables
from models.training import AttendanceMark, CompletionResult, EnrolmentStatus, ExcusedPolicy, HalfDay
from models.visits.vocabulary import InstructorLevel, MentorKind, PoolOutcome, Topic, VisitMode

FORMAT_NAME = "doorstep-exchange"
FORMAT_VERSION = "1"
GUIDE_SHEET = "说明"
HEADER_ROWS = 2  # row 1: the column codes, row 2: the Chinese labels; data from row 3

# Kinds of column (docs/exchange.md "类型")
ID, REF, TEXT, INT, MONEY, DATE, BOOL = "id", "ref", "text", "int", "money", "date", "bool"
CODE, CODES, REGION, REGIONS, INDUSTRY = "code", "codes", "region", "regions", "industry"
ID_NUMBER, CREDIT_CODE, JSON_LIST, STATION = "id_number", "credit_code", "json", "station"

KIND_LABELS: dict[str, str] = {
    ID: "记录编号（UUID，36 位）",
    REF: "引用另一工作表的记录编号",
    TEXT: "文本",
    INT: "非负整数",
    MONEY: "金额，以分计的非负整数",
    DATE: "日期，ISO 8601（YYYY-MM-DD）",
    BOOL: "是否：1 是，0 否",
    CODE: "代码（见代码表）",
    CODES: "多个代码，以英文分号 ; 分隔（见代码表）",
    REGION: "行政区划代码，GB/T 2260，6 位",
    REGIONS: "多个行政区划代码，以英文逗号 , 分隔",
    INDUSTRY: "国民经济行业分类门类，GB/T 4754-2017，A–T 一个字母",
    ID_NUMBER: "公民身份号码，GB 11643，18 位",
    CREDIT_CODE: "统一社会信用代码，GB 32100，18 位",
    JSON_LIST: "文本列表，JSON 数组",
    STATION: "服务站编码（9 位；总部的参考数据为总部编码）",
}


@dataclass(frozen=True)
class ExchangeColumn:
    code: str  # the stored field's name: stable, what a receiving system maps
    label: str
    kind: str
    required: bool
    max_length: int | None = None
    ref: str | None = None  # the referenced table
    codes: type[Labelled] | None = None  # the code table of a CODE / CODES column
    personal: bool = False  # masked unless the exporting user may see personal data
    default: object = None  # what a blank optional cell stores


@dataclass(frozen=True)
class ExchangeSheet:
    title: str  # the sheet's Chinese name
    table: str
    model: type[TravellingRecord]
    columns: tuple[ExchangeColumn, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(column.code for column in self.columns)


# The sheets in the order they are written and read: every reference points to an earlier sheet.
SHEET_TABLES: tuple[tuple[str, str], ...] = (
    ("创业者", "entrepreneur"),
    ("创业项目", "venture"),
    ("导师", "mentor"),
    ("跟踪", "key_project"),
    ("走访", "visit"),
    ("课程", "course_type"),
    ("培训班", "training_class"),
    ("课次", "training_session"),
    ("学员", "training_enrolment"),
    ("考勤", "training_attendance"),
    ("申请", "application"),
    ("贷款", "loan"),
)

_COMMON = {"id": "记录编号", "station_code": "服务站编码"}
NOT_EXCHANGED = frozenset({("entrepreneur", "merged_into")})
"""Stored fields with no column: ``merged_into`` is set only on a file HQ merged away (跨站重复), which is
in the recycle bin and so never written; its survivor is."""
LABELS: dict[str, dict[str, str]] = {
    "entrepreneur": {
        "case_number": "档案编号",
        "name": "姓名",
        "name_pinyin": "姓名拼音（可空，导入时按姓名生成）",
        "id_number": "公民身份号码",
        "birth_date": "出生日期",
        "sex": "性别",
        "phone": "联系电话",
        "key_groups": "重点群体",
        "education": "文化程度",
        "graduation_date": "毕业时间",
        "household_region": "户籍地行政区划代码",
        "address": "现居住地址",
        "notes": "备注",
        "current_stage": "当前创业阶段",
    },
    "venture": {
        "entrepreneur_id": "创业者记录编号",
        "name": "项目/主体名称",
        "entity_type": "主体类型",
        "credit_code": "统一社会信用代码",
        "registration_date": "登记注册日期",
        "industry": "所属行业门类",
        "address": "经营地址",
        "jobs_created": "带动就业人数",
        "stage": "创业阶段",
    },
    "mentor": {
        "name": "导师姓名",
        "name_pinyin": "姓名拼音（可空，导入时按姓名生成）",
        "phone": "联系电话",
        "organisation": "所在单位",
        "kind": "导师类别",
        "instructor_level": "创业指导师等级",
        "expertise": "擅长领域",
        "service_regions": "服务区域行政区划代码",
        "active": "在库",
        "user_name": "登录名",
        "source": "来源（station 本站 / hq 总部）",
        "notes": "备注",
    },
    "key_project": {
        "venture_id": "创业项目记录编号",
        "entrepreneur_id": "创业者记录编号",
        "mentor_id": "跟踪导师记录编号",
        "reason": "入库理由",
        "entered_on": "入库日期",
        "period_months": "跟踪期（月）",
        "cadence_days": "走访间隔（天）",
        "cadence_months": "走访间隔（月）",
        "planned_end": "计划结束日期",
        "next_due": "下次应走访日期",
        "last_visit_date": "最近走访日期",
        "left_on": "出库日期",
        "outcome": "出库结果",
        "outcome_note": "出库说明",
    },
    "visit": {
        "entrepreneur_id": "创业者记录编号",
        "mentor_id": "导师记录编号",
        "venture_id": "创业项目记录编号",
        "key_project_id": "跟踪项目记录编号",
        "visit_date": "走访日期",
        "mode": "走访方式",
        "duration_minutes": "时长（分钟）",
        "topics": "走访主题",
        "problems": "发现的问题",
        "advice": "指导建议",
        "next_visit_date": "下次走访日期",
        "stage_before": "走访前阶段",
        "stage_after": "走访后阶段",
        "jobs_before": "走访前带动就业人数",
        "jobs_after": "走访后带动就业人数",
        "new_venture_id": "新登记的创业项目记录编号",
    },
    "course_type": {
        "code": "课程代码",
        "name": "课程名称",
        "standard_hours": "标准学时",
        "min_attendance_percent": "最低出勤率（%）",
        "exam_required": "需要考试",
        "pass_mark": "及格分",
        "excused_policy": "请假计算方式",
        "description": "课程说明",
        "sort_order": "排序",
        "active": "启用",
        "source": "来源（default 默认 / hq 总部 / local 本站）",
    },
    "training_class": {
        "course_id": "课程记录编号",
        "class_number": "班级编号",
        "title": "班级名称",
        "provider": "培训机构",
        "teachers": "授课教师",
        "venue": "培训地点",
        "start_date": "开班日期",
        "end_date": "结业日期",
        "capacity": "计划人数",
        "funded": "补贴性培训",
        "notes": "备注",
        "min_attendance_percent": "最低出勤率（%）",
        "exam_required": "需要考试",
        "pass_mark": "及格分",
        "excused_policy": "请假计算方式",
        "assessed_on": "结业评定日期",
    },
    "training_session": {
        "class_id": "培训班记录编号",
        "session_date": "上课日期",
        "half_day": "时段",
        "hours": "学时",
        "topic": "课程内容",
        "teacher": "授课教师",
    },
    "training_enrolment": {
        "class_id": "培训班记录编号",
        "entrepreneur_id": "创业者记录编号",
        "enrolled_on": "报名日期",
        "status": "学员状态",
        "exam_score": "考试成绩",
        "result": "结业结果",
        "completed_on": "结业日期",
        "certificate_number": "结业证书编号",
    },
    "training_attendance": {
        "enrolment_id": "学员记录编号",
        "session_id": "课次记录编号",
        "status": "考勤",
    },
    "application": {
        "number": "申请编号",
        "entrepreneur_id": "创业者记录编号",
        "venture_id": "创业项目记录编号",
        "item_code": "申请事项代码",
        "item_name": "申请事项",
        "policy_set_id": "政策参数集编号",
        "policy_set_version": "政策参数集版本",
        "policy_source": "政策依据",
        "status": "申请状态",
        "status_on": "状态日期",
        "status_by": "状态经办人",
        "applied_on": "申请日期",
        "submitted_on": "提交日期",
        "approved_on": "批准日期",
        "disbursed_on": "发放日期",
        "amount_fen": "申请金额（分）",
        "ceiling_fen": "金额上限（分）",
        "documents_required": "应交材料",
        "documents_ticked": "已收材料",
        "social_insurance_months": "社会保险缴费月数",
        "partners": "合伙人数",
        "training_class_id": "培训班记录编号",
        "returned_reason": "退回原因",
        "notes": "备注",
        "marital_status": "婚姻状况",
        "spouse_name": "配偶姓名",
        "spouse_id_number": "配偶公民身份号码",
        "household_address": "户籍地址",
        "loan_purpose": "贷款用途",
        "repayment_method": "还款方式",
        "repayment_source": "还款来源",
        "business_income_fen": "年经营收入（分）",
        "bank_name": "开户银行",
        "bank_account": "银行账号",
        "account_name": "账户户名",
    },
    "loan": {
        "application_id": "申请记录编号",
        "entrepreneur_id": "创业者记录编号",
        "bank": "经办银行",
        "amount_fen": "贷款金额（分）",
        "term_months": "贷款期限（月）",
        "annual_rate_bp": "年利率（基点，1 基点 = 0.01%）",
        "subsidy_share_pct": "贴息比例（%）",
        "start_date": "起贷日期",
        "due_date": "到期日期",
        "extension_months": "展期（月）",
        "final_due_date": "最终到期日",
        "renewals": "无还本续贷次数",
        "counter_guarantee_waived": "免除反担保",
        "repaid_on": "结清日期",
    },
}

# (table, field) -> (kind, code table) where the stored type alone does not say what the field holds
_SHARPER: dict[tuple[str, str], tuple[str, type[Labelled] | None]] = {
    ("entrepreneur", "id_number"): (ID_NUMBER, None),
    ("entrepreneur", "sex"): (CODE, Sex),
    ("entrepreneur", "key_groups"): (CODES, KeyGroup),
    ("entrepreneur", "education"): (CODE, Education),
    ("entrepreneur", "household_region"): (REGION, None),
    ("entrepreneur", "current_stage"): (CODE, Stage),
    ("venture", "entity_type"): (CODE, EntityType),
    ("venture", "credit_code"): (CREDIT_CODE, None),
    ("venture", "industry"): (INDUSTRY, None),
    ("venture", "stage"): (CODE, Stage),
    ("mentor", "kind"): (CODE, MentorKind),
    ("mentor", "instructor_level"): (CODE, InstructorLevel),
    ("mentor", "expertise"): (CODES, Topic),
    ("mentor", "service_regions"): (REGIONS, None),
    ("key_project", "outcome"): (CODE, PoolOutcome),
    ("visit", "mode"): (CODE, VisitMode),
    ("visit", "topics"): (CODES, Topic),
    ("visit", "stage_before"): (CODE, Stage),
    ("visit", "stage_after"): (CODE, Stage),
    ("course_type", "excused_policy"): (CODE, ExcusedPolicy),
    ("training_class", "excused_policy"): (CODE, ExcusedPolicy),
    ("training_session", "half_day"): (CODE, HalfDay),
    ("training_enrolment", "status"): (CODE, EnrolmentStatus),
    ("training_enrolment", "result"): (CODE, CompletionResult),
    ("training_attendance", "status"): (CODE, AttendanceMark),
    ("application", "status"): (CODE, ApplicationStatus),
    ("application", "spouse_id_number"): (ID_NUMBER, None),
}
# references without a foreign key in the schema (the training area's class, a visit's project)
_LOOSE_REFS: dict[tuple[str, str], str] = {
    ("visit", "key_project_id"): "key_project",
    ("visit", "new_venture_id"): "venture",
    ("application", "training_class_id"): "training_class",
}
# personal data besides what the areas name (models' RecordKind.personal_fields): masked on export
_ALSO_PERSONAL = frozenset({("application", "spouse_id_number"), ("application", "bank_account")})
# fields the import fills itself when blank
DERIVED_WHEN_BLANK = frozenset({("entrepreneur", "name_pinyin"), ("mentor", "name_pinyin")})

# Every code table of the workbook, in the order the guide sheet lists them.
CODE_TABLES: tuple[tuple[str, type[Labelled]], ...] = (
    ("重点群体", KeyGroup),
    ("性别", Sex),
    ("文化程度", Education),
    ("创业阶段", Stage),
    ("主体类型", EntityType),
    ("导师类别", MentorKind),
    ("创业指导师等级", InstructorLevel),
    ("擅长领域 / 走访主题", Topic),
    ("走访方式", VisitMode),
    ("出库结果", PoolOutcome),
    ("请假计算方式", ExcusedPolicy),
    ("时段", HalfDay),
    ("学员状态", EnrolmentStatus),
    ("结业结果", CompletionResult),
    ("考勤", AttendanceMark),
    ("申请状态", ApplicationStatus),
)
INDUSTRY_TABLE = ("国民经济行业分类门类（GB/T 4754-2017）", INDUSTRY_SECTIONS)


_PLAIN: dict[type, str] = {bool: BOOL, date: DATE, int: INT, str: TEXT}


def _python_type(stored: Any) -> type:
    """What a stored type holds (a TypeDecorator such as SQLModel's AutoString by the type it stores as)."""
    python: type = getattr(stored, "impl_instance", stored).python_type
    return python


def code_table_name(codes: type[Labelled]) -> str:
    return next(name for name, table in CODE_TABLES if table is codes)


def _column(table: str, model: type[TravellingRecord], key: str, personal: frozenset[str]) -> ExchangeColumn:
    column = model.__table__.c[key]  # type: ignore[attr-defined]
    field = model.model_fields[key]
    label = _COMMON.get(key) or LABELS[table][key]
    length = getattr(column.type, "length", None)
    kind: str
    codes: type[Labelled] | None = None
    ref: str | None = None
    if key == "id":
        kind = ID
    elif key == "station_code":
        kind = STATION
    elif (table, key) in _SHARPER:
        kind, codes = _SHARPER[(table, key)]
    elif column.foreign_keys or (table, key) in _LOOSE_REFS:
        kind = REF
        ref = _LOOSE_REFS.get((table, key)) or next(iter(column.foreign_keys)).column.table.name
    elif key.endswith("_fen"):
        kind = MONEY
    elif isinstance(column.type, JSON):
        kind = JSON_LIST
    elif _python_type(column.type) in _PLAIN:
        kind = _PLAIN[_python_type(column.type)]
    else:  # pragma: no cover - every stored type is named above (a test walks every sheet)
        raise TypeError(f"exchange: no kind for {table}.{key}")
    has_default = not field.is_required()
    required = key in ("id", "station_code") or (not has_default and not column.nullable)
    if (table, key) in DERIVED_WHEN_BLANK:
        required = False
    default = field.get_default(call_default_factory=True) if has_default else None
    return ExchangeColumn(
        code=key,
        label=label,
        kind=kind,
        required=required,
        max_length=length if isinstance(length, int) else None,
        ref=ref,
        codes=codes,
        personal=key in personal or (table, key) in _ALSO_PERSONAL,
        default=default,
    )


def _personal_fields() -> Mapping[str, frozenset[str]]:
    from desktop.services.areas import registry

    return {name: kind.personal_fields for name, kind in registry().record_kinds.items()}


@cache
def exchange_sheets() -> tuple[ExchangeSheet, ...]:
    """Every sheet of the workbook with its columns: ``id`` and ``station_code`` first, then the
    record's own fields in the table's order (bookkeeping — versions, times, who — does not travel)."""
    tables = travelling_tables()
    personal = _personal_fields()
    sheets = []
    for title, table in SHEET_TABLES:
        model = tables[table]
        stored = model.__table__.c  # type: ignore[attr-defined]
        own = [column.key for column in stored if column.key in LABELS[table]]
        keys = ["id", "station_code", *own]
        columns = tuple(_column(table, model, key, personal.get(table, frozenset())) for key in keys)
        sheets.append(ExchangeSheet(title, table, model, columns))
    return tuple(sheets)


def sheet_for(table: str) -> ExchangeSheet:
    return next(sheet for sheet in exchange_sheets() if sheet.table == table)
