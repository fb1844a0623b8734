"""The demo's one copy of its name lists: people, mentors, streets and shops (all invented)."""

from __future__ import annotations

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
SPECIAL_SURNAMES = ("曾", "单", "解", "仇", "区", "查", "欧阳", "司马", "诸葛", "尉迟")
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰云飞鹏波斌宇浩凯雪琳晨欣怡子轩梓涵一诺宁"
)
RARE = "堃喆玥昇珺𠮷"
REGIONS = ("330106", "330102", "330105", "330108", "330110", "330127", "360426", "410105", "510107", "440305")
STREETS = ("文三路", "古墩路", "学院路", "天目山路", "文一西路", "教工路", "莫干山路", "紫金港路")
SHOP_WORDS = (
    "小当家",
    "乡味",
    "青禾",
    "向阳",
    "匠心",
    "启航",
    "好邻居",
    "山里红",
    "新农",
    "云帆",
    "创客",
    "阿婆",
)
SHOP_KINDS = (
    ("H", "餐饮店"),
    ("F", "便利店"),
    ("I", "网络科技工作室"),
    ("A", "家庭农场"),
    ("O", "家政服务部"),
    ("F", "电商商行"),
    ("C", "手工坊"),
    ("P", "培训中心"),
    ("O", "美发店"),
    ("G", "物流服务部"),
)

# Demo mentors are named from the first part of the same lists.
MENTOR_SURNAMES = SURNAMES[:48]
MENTOR_GIVEN = GIVEN[:45]
