"""Closed vocabularies of the domain (DOMAIN.md glossary), stored by code, shown by Chinese label."""

from __future__ import annotations

import enum
from collections.abc import Iterable

_LABELS: dict[type[Labelled], dict[str, str]] = {}


class Labelled(enum.StrEnum):
    """A StrEnum whose members carry a Chinese label; values are stable codes stored in the database.

    Members are written ``NAME = "code", "标签"``; the label is kept aside so the value stays the code.
    """

    def __new__(cls, value: str, label: str = "") -> Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        _LABELS.setdefault(cls, {})[value] = label
        return member

    @property
    def label(self) -> str:
        return _LABELS[type(self)][self.value]

    @classmethod
    def from_label(cls, text: str) -> Labelled | None:
        text = text.strip()
        for member in cls:
            if text in (member.label, member.value):
                return member
        return None


class KeyGroup(Labelled):
    """重点群体. A person may belong to several; stored as a bit set (bit = position in this enum)."""

    COLLEGE_GRADUATE = "college_graduate", "高校毕业生"
    MIGRANT_RETURNEE = "migrant_returnee", "农民工/返乡入乡创业"
    VETERAN = "veteran", "退役军人"
    EMPLOYMENT_DIFFICULTY = "employment_difficulty", "就业困难人员"
    POVERTY_ALLEVIATED = "poverty_alleviated", "脱贫人口"
    REGISTERED_UNEMPLOYED = "registered_unemployed", "城镇登记失业人员"
    DISABLED = "disabled", "残疾人"
    OTHER = "other", "其他"

    @property
    def bit(self) -> int:
        return _KEY_GROUP_BITS[self]


_KEY_GROUP_BITS: dict[KeyGroup, int] = {group: 1 << index for index, group in enumerate(KeyGroup)}


def key_groups_to_bits(groups: Iterable[KeyGroup]) -> int:
    bits = 0
    for group in groups:
        bits |= group.bit
    return bits


def key_groups_from_bits(bits: int) -> list[KeyGroup]:
    return [group for group in KeyGroup if bits & group.bit]


class Stage(Labelled):
    """创业阶段; 初创 is within 3 years of registration."""

    INTENT = "intent", "意向"
    PREPARING = "preparing", "筹备"
    STARTUP = "startup", "初创"
    GROWTH = "growth", "成长"
    MATURE = "mature", "成熟"
    CLOSED = "closed", "歇业/注销"


class EntityType(Labelled):
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    SMALL_FIRM = "small_firm", "小微企业"
    FARMER_COOPERATIVE = "farmer_cooperative", "农民专业合作社"
    OTHER = "other", "其他"


class Education(Labelled):
    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "高中/中专/技校"
    JUNIOR = "junior", "初中及以下"


class Sex(Labelled):
    MALE = "male", "男"
    FEMALE = "female", "女"


# GB/T 4754-2017 国民经济行业分类, sections (门类).
INDUSTRY_SECTIONS: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
