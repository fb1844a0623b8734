"""The vocabulary of mentors and visits: mentor kinds and levels, topics (as bit sets), visit modes,
how a project leaves the key project pool and where it stands, and the tracking constants."""

from __future__ import annotations

from collections.abc import Iterable

from models.enums import Labelled


class MentorKind(Labelled):
    """导师类别 (5号文 (五): 知名企业家、创业投资人、专家学者, and 创业指导师 with a skill level)."""

    ENTREPRENEUR = "entrepreneur", "企业家"
    INVESTOR = "investor", "投资人"
    SCHOLAR = "scholar", "专家学者"
    INSTRUCTOR = "instructor", "创业指导师"


class InstructorLevel(Labelled):
    """创业指导师职业技能等级 (5号文 (五) "深入实施创业指导师职业技能等级制度")."""

    LEVEL5 = "level5", "五级/初级工"
    LEVEL4 = "level4", "四级/中级工"
    LEVEL3 = "level3", "三级/高级工"
    LEVEL2 = "level2", "二级/技师"
    LEVEL1 = "level1", "一级/高级技师"


class Topic(Labelled):
    """Areas of expertise of a mentor and topics of a visit — one vocabulary, so they can be matched.

    Stored as a bit set (bit = position in this enum), like key groups.
    """

    FINANCING = "financing", "融资"
    MARKETING = "marketing", "营销"
    TAX = "tax", "财税"
    LEGAL = "legal", "法律"
    HIRING = "hiring", "用工"
    TECHNOLOGY = "technology", "技术"
    ECOMMERCE = "ecommerce", "电商"
    POLICY = "policy", "政策"
    MANAGEMENT = "management", "经营管理"
    PREMISES = "premises", "场地"

    @property
    def bit(self) -> int:
        return _TOPIC_BITS[self]


_TOPIC_BITS: dict[Topic, int] = {topic: 1 << index for index, topic in enumerate(Topic)}


def topics_to_bits(topics: Iterable[Topic]) -> int:
    bits = 0
    for topic in topics:
        bits |= topic.bit
    return bits


def topics_from_bits(bits: int) -> list[Topic]:
    return [topic for topic in Topic if bits & topic.bit]


def topics_label(bits: int) -> str:
    return "、".join(topic.label for topic in topics_from_bits(bits))


class VisitMode(Labelled):
    """走访方式: 推进行动 计划3 (上门服务、定期走访) and 5号文 (五) (预约服务、集中服务)."""

    ONSITE = "onsite", "上门走访"
    PHONE = "phone", "电话"
    ONLINE = "online", "线上"
    GROUP = "group", "集中服务"
    APPOINTMENT = "appointment", "预约"


class PoolOutcome(Labelled):
    """How a project leaves the key project pool (5号文 (十): 帮助项目转化落地)."""

    LANDED = "landed", "转化落地"
    GROWING = "growing", "期满，持续成长"
    WITHDRAWN = "withdrawn", "主动退出"
    CLOSED = "closed", "歇业/注销"
    TRANSFERRED = "transferred", "迁出/转交"


class TrackingState(Labelled):
    """Where a project in the pool stands on a given day."""

    OVERDUE = "overdue", "逾期"
    DUE_SOON = "due_soon", "即将到期"
    ON_TRACK = "on_track", "正常"
    PERIOD_ENDED = "period_ended", "期满待出库"
    LEFT = "left", "已出库"


DUE_SOON_DAYS = 7
DEFAULT_NEXT_VISIT_DAYS = 30
MAX_DURATION_MINUTES = 12 * 60
