"""Issue 12 §3, "paper a bank and the HR bureau accept": every form rendered for the longest realistic values
(four-character names, long addresses, 18-character codes, a 19-digit account, a long bank name) and read
back with ``pdftotext -layout``: no label or value is cut, no code, date or document number is broken
across lines; the loan form's declaration stays on the page of the signatures and of every opinion box; the
policy is cited by its document number; no raw identifier is on paper; a draft says 草稿."""

from __future__ import annotations

import base64
import re
import subprocess
import zlib
from datetime import date
from pathlib import Path

import pytest
from stdnum.cn import ric

from desktop.services.applications import (
    ApplicationInput,
    LoanInput,
    advance_application,
    create_application,
    get_application,
    print_application,
    set_document,
)
from desktop.services.entrepreneurs import create_entrepreneur
from desktop.services.training import print_training_roster
from models.applications import ApplicationStatus, FormDetails
from models.audit import Actor
from models.database import Database
from tests.unit.test_applications_forms import _completed_class

pytestmark = pytest.mark.pdf

DAY = date(2025, 11, 5)
NAME = "欧阳娜娜"
SPOUSE = "司马相如"
ADDRESS = (
    "新疆维吾尔自治区伊犁哈萨克自治州伊宁市经济合作区天山南路与斯大林街交叉口东北角兵团大厦B座18层1808室"
)
HOUSEHOLD = "新疆维吾尔自治区伊犁哈萨克自治州伊宁市巴彦岱镇巴彦岱村二组幸福路东三巷17号"
VENTURE = "伊宁市欧阳娜娜农副产品电子商务与冷链物流配送服务部"
VENTURE_ADDRESS = "新疆维吾尔自治区伊犁哈萨克自治州伊宁市经济合作区创业孵化基地综合楼三层302至306室"
CREDIT_CODE = "91654002MA7XKQ8L34"
PURPOSE = (
    "购置冷链运输车辆两台、冷库制冷设备一套，租赁仓储场地并支付首年租金，"
    "采购首批农副产品货款及电商平台推广费用"
)
SOURCE = "农副产品批发零售及电商平台销售收入，另有家庭经营性收入作补充"
BANK = "中国农业银行股份有限公司伊犁哈萨克自治州分行伊宁市经济合作区支行"
ACCOUNT = "6228480402564890018"
LENDER = "新疆伊宁农村商业银行股份有限公司经济合作区支行"


def _id_number(birth: date, *, want_x: bool = True) -> str:
    """A valid 18-character number of Yining (654002); one ending in X when asked."""
    for sequence in range(1, 999):
        body = f"654002{birth:%Y%m%d}{sequence:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number.endswith("X") == want_x:
            return number
    raise AssertionError("no sequence")


PERSON_ID = _id_number(date(1988, 12, 31))
SPOUSE_ID = _id_number(date(1987, 2, 28), want_x=False)


def _person(
    db: Database,
    actor: Actor,
    *,
    name: str = NAME,
    birth: date = date(1988, 12, 31),
    entity_type: str = "个体工商户",
) -> str:
    return create_entrepreneur(
        db,
        actor,
        person={
            "name": name,
            "id_number": _id_number(birth),
            "phone": "13999999999",
            "key_groups": "退役军人、就业困难人员",
            "address": ADDRESS,
            "household_region": "654002",
        },
        ventures=[
            {
                "name": VENTURE,
                "entity_type": entity_type,
                "credit_code": CREDIT_CODE,
                "stage": "初创",
                "registration_date": "2024-01-10",
                "jobs_created": 12,
                "industry": "F",
                "address": VENTURE_ADDRESS,
            }
        ],
        confirm_possible_duplicate=True,
    )


def _pages(path: Path, *, crop_bottom: float = 0.0) -> list[str]:
    """``pdftotext -layout`` per page; ``crop_bottom`` pt left off at the foot of each page."""
    crop = ["-x", "0", "-y", "0", "-W", "595", "-H", str(int(842 - crop_bottom))] if crop_bottom else []
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", *crop, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [page for page in out.split("\f") if page.strip()]


def _flat(text: str) -> str:
    return "".join(text.split())


def assert_intact(text: str, tokens: list[str]) -> None:
    """Each token (a label, a code, a date, a number) sits whole on one line of the page."""
    lines = [_flat(line) for line in text.splitlines()]
    for token in tokens:
        assert any(_flat(token) in line for line in lines), f"{token} is cut or broken across lines"


def assert_uncut(text: str, values: list[str], labels: list[str]) -> None:
    """Each long value (alone in its row beside its label) is printed whole: wrapped between
    characters, with no character lost."""
    flat = _flat(text)
    for label in sorted(labels, key=len, reverse=True):
        flat = flat.replace(label, "")
    for value in values:
        assert _flat(value) in flat, f"{value} is cut"


def _submit(db: Database, actor: Actor, app: str) -> None:
    for name, _ in get_application(db, actor, application_id=app).documents:
        set_document(db, actor, application_id=app, document=name, ticked=True)
    advance_application(db, actor, application_id=app, to=ApplicationStatus.SUBMITTED, on=DAY)


LOAN_DETAILS = FormDetails(
    marital_status="已婚",
    spouse_name=SPOUSE,
    spouse_id_number=SPOUSE_ID,
    household_address=HOUSEHOLD,
    loan_purpose=PURPOSE,
    repayment_method="按月付息、到期还本",
    repayment_source=SOURCE,
    business_income_fen=123_456_789,
)
LOAN_LABELS = [
    "姓名",
    "公民身份号码",
    "联系电话",
    "重点群体",
    "现居住地址",
    "婚姻状况",
    "配偶姓名",
    "配偶身份证号码",
    "户籍地址",
    "主体名称",
    "统一社会信用代码",
    "登记注册日期",
    "带动就业人数",
    "经营地址",
    "政策项目",
    "政策依据",
    "申请金额（小写）",
    "经办银行",
    "贷款金额",
    "金额大写",
    "贷款期限",
    "起贷日期",
    "无还本续贷",
    "贷款用途",
    "还款方式",
    "年经营收入",
    "还款来源",
    "材料清单",
]


def test_loan_form_keeps_the_declaration_with_every_box_and_breaks_no_token(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    person = _person(db, actor)
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="guaranteed_loan_individual",
        data=ApplicationInput(details=LOAN_DETAILS),
        loan=LoanInput(bank=LENDER, amount_fen=30_000_000, start_date=date(2025, 11, 15)),
        today=DAY,
    )
    _submit(db, actor, app)
    out = tmp_path / "loan.pdf"
    print_application(db, actor, application_id=app, out=out)
    pages = _pages(out)
    text = "\n".join(pages)
    assert_intact(
        text,
        [
            *LOAN_LABELS,
            NAME,
            SPOUSE,
            PERSON_ID,
            SPOUSE_ID,
            CREDIT_CODE,
            "13999999999",
            "2025年11月5日",
            "2025年11月15日",
            "2028年11月15日",
            "1988年12月31日",
            "2024年1月10日",
            "人社部发〔2025〕5号 (十六)",
            "¥300,000.00",
            "¥1,234,567.89",
            "叁拾万元整",
            "按月付息、到期还本",
        ],
    )
    assert_uncut(text, [ADDRESS, HOUSEHOLD, VENTURE_ADDRESS, PURPOSE, SOURCE], LOAN_LABELS)
    assert "5号文" not in text and "default" not in text and "第 1 版" not in text
    # the declaration, both signatures, the four opinion boxes and the copies line share one page
    foot = next(page for page in pages if "本人承诺" in page)
    for part in (
        "借款人签字",
        "配偶签字",
        "服务站推荐意见",
        "创业担保贷款资格审核意见（人社部门）",
        "担保机构意见",
        "经办银行意见",
        "本表一式四份，借款人、人社部门、担保机构、经办银行各留存一份",
    ):
        assert part in _flat(foot), part
    assert "稿" not in text  # submitted: no watermark


def test_startup_subsidy_form_prints_the_account_the_document_number_and_no_raw_code(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    person = _person(db, actor)
    details = FormDetails(bank_name=BANK, bank_account="6228 4804 0256 4890 018", account_name=NAME)
    app = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="startup_subsidy",
        data=ApplicationInput(details=details),
        today=DAY,
    )
    draft = tmp_path / "draft.pdf"
    pages = print_application(db, actor, application_id=app, out=draft)
    drawn = _pages(draft)
    assert len(drawn) == pages
    for page in drawn:  # a draft says so across every page (the two characters are drawn at a slant)
        assert "草" in page and "稿" in page
    _submit(db, actor, app)
    out = tmp_path / "startup.pdf"
    print_application(db, actor, application_id=app, out=out)
    text = _pages(out)[0]
    labels = ["开户银行", "银行账号", "户名", "政策依据", "统一社会信用代码", "现居住地址", "经营地址"]
    assert_intact(text, [*labels, ACCOUNT, NAME, PERSON_ID, CREDIT_CODE, "人社部发〔2025〕5号 (十五)"])
    assert_uncut(text, [ADDRESS, VENTURE_ADDRESS], labels)
    assert "稿" not in text
    assert "5号文" not in text and "default" not in text and "第 1 版" not in text
    # On paper: the QR code and its short 校验码 only, never the raw code with the record id (the code stays
    # in the text layer, unpainted, for `doorstep verify file.pdf`).
    visible = "\n".join(_pages(out, crop_bottom=40))
    assert "DOORSTEP" not in visible and app not in visible and "识别码" not in visible
    assert b"3 Tr" in _page_content(out)  # render mode 3: text that is not painted
    redacted = tmp_path / "redacted.pdf"
    print_application(db, actor, application_id=app, out=redacted, redacted=True)
    masked = "\n".join(_pages(redacted))
    assert ACCOUNT not in masked and PERSON_ID not in masked
    assert_intact(masked, ["6228***********0018"])  # the 脱敏件 masks the account too


def _page_content(path: Path) -> bytes:
    """The PDF's page content streams, decoded (reportlab writes them ASCII85 + Flate)."""
    found: list[bytes] = []
    pattern = rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream"
    for match in re.finditer(pattern, path.read_bytes(), re.S):
        data = match.group(1).strip()
        data = data.removeprefix(b"<~").removesuffix(b"~>")
        found.append(zlib.decompress(base64.a85decode(data)))
    return b"".join(found)


def test_training_roster_prints_the_standard_each_amount_and_the_total_in_capitals(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    people = [
        _person(db, actor),
        _person(db, actor, name="诸葛明远", birth=date(1990, 6, 30)),
        _person(db, actor, name="上官婉儿", birth=date(1992, 2, 29)),
    ]
    class_id = _completed_class(db, actor, people)
    app = create_application(
        db,
        actor,
        entrepreneur_id=people[0],
        item_code="training_subsidy",
        data=ApplicationInput(training_class_id=class_id),
        today=DAY,
    )
    _submit(db, actor, app)
    out = tmp_path / "training.pdf"
    assert print_application(db, actor, application_id=app, out=out) == 2
    roster = _pages(out)[1]
    headers = [
        "序号",
        "姓名",
        "性别",
        "公民身份号码",
        "联系电话",
        "重点群体",
        "学时",
        "结业证书编号",
        "补贴金额",
    ]
    assert_intact(
        roster, [*headers, "补贴标准", "每人 ¥1,000.00", "合计金额", "¥3,000.00", "金额大写", "叁仟元整"]
    )
    assert_intact(roster, [f"330106001-SYB-2025-0000{n}" for n in (1, 2, 3)])
    for name in ("欧阳娜娜", "诸葛明远", "上官婉儿"):
        line = next(line for line in roster.splitlines() if name in line)
        assert "¥1,000.00" in line and re.search(r"654002\d{11}[\dX]", line), line
    # the training area's own 花名册 says the same
    own = tmp_path / "roster.pdf"
    print_training_roster(db, actor, class_id=class_id, out=own)
    text = "\n".join(_pages(own))
    headers = ["序号", "身份证号码", "人员类别", "出勤学时", "出勤率", "成绩", "结业证书编号", "补贴金额"]
    assert_intact(text, [*headers, "补贴标准", "每人 ¥1,000.00", "补贴合计（小写）", "¥3,000.00", "叁仟元整"])
    for name in ("欧阳娜娜", "诸葛明远", "上官婉儿"):
        line = next(line for line in text.splitlines() if name in line)
        assert "¥1,000.00" in line, line


@pytest.mark.parametrize(
    ("item_code", "entity_type", "data", "foot"),
    [
        (
            "social_insurance_subsidy",
            "个体工商户",
            ApplicationInput(social_insurance_months=36),
            "申请人签字",
        ),
        ("incubator_space", "个体工商户", ApplicationInput(), "申请人签字"),
        (
            "guaranteed_loan_partnership",
            "其他",
            ApplicationInput(partners=5, amount_fen=150_000_000),
            "借款人签字",
        ),
        ("guaranteed_loan_small_firm", "小微企业", ApplicationInput(amount_fen=300_000_000), "借款人签字"),
    ],
)
def test_every_other_application_form_keeps_its_tokens_whole(  # noqa: PLR0917 (pytest passes by position)
    db: Database,
    actor: Actor,
    tmp_path: Path,
    item_code: str,
    entity_type: str,
    data: ApplicationInput,
    foot: str,
) -> None:
    person = _person(db, actor, entity_type=entity_type)
    loan = LoanInput(bank=LENDER, amount_fen=data.amount_fen) if item_code.startswith("guaranteed") else None
    app = create_application(
        db, actor, entrepreneur_id=person, item_code=item_code, data=data, loan=loan, today=DAY
    )
    _submit(db, actor, app)
    out = tmp_path / f"{item_code}.pdf"
    print_application(db, actor, application_id=app, out=out)
    pages = _pages(out)
    text = "\n".join(pages)
    labels = ["公民身份号码", "现居住地址", "政策依据", "材料清单"]
    tokens = [NAME, PERSON_ID, "2025年11月5日", "1988年12月31日", "人社部发〔2025〕5号"]
    values = [ADDRESS]
    if "创业主体情况" in text:  # the items whose rule looks at the venture print it
        labels += ["统一社会信用代码", "登记注册日期", "经营地址"]
        tokens += [CREDIT_CODE, "2024年1月10日"]
        values += [VENTURE_ADDRESS]
    else:
        assert item_code == "social_insurance_subsidy"
    assert_intact(text, [*labels, *tokens])
    assert_uncut(text, values, labels)
    assert "5号文" not in text and "default" not in text
    page = next(p for p in pages if "本人承诺" in p)
    assert foot in page and "（盖章）" in page and "留存一份" in _flat(page)
