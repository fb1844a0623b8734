"""The form toolkit, checked on real PDFs with poppler's pdftotext, pdffonts and pdftoppm."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import segno

from models.errors import Cancelled, ValidationError
from reports.font_files import SANS
from reports.fonts import text_width
from reports.pdf import (
    BLANK_DATE,
    Cell,
    CheckItem,
    Column,
    FormBatch,
    SealBox,
    SignLine,
    amount_in_capitals,
    form_digest,
    format_amount,
    format_date_cn,
    markup_literal,
    parse_qr_payload,
    qr_payload,
    single_form,
    wrap_text,
)
from reports.pdf.form import PAGE_HEIGHT, QR_SIZE, RIGHT, TOP

RECORD_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
NAME = "\U00020bb7堃"  # 𠮷堃
FIELDS = {"姓名": NAME, "身份证号码": "110101199001011234", "贷款金额": "150,000.00"}
MARKUP = "<b>粗体</b> & <font size=40>x</font> &amp;"


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is needed for the PDF tests: apt-get install poppler-utils"
    return path


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, laid out as printed."""
    out = subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True)
    pages = out.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_font_rows(path: Path) -> list[list[str]]:
    out = subprocess.run([_tool("pdffonts"), str(path)], check=True, capture_output=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def roster(count: int) -> list[list[str]]:
    names = ["喆玥", "昇珺", "王小明", "\U00020bb7田"]
    return [[str(i), names[i % 4], f"1101011990010{i:05d}", f"138{i:08d}", ""] for i in range(1, count + 1)]


def build_sample(target: Path | io.BytesIO) -> str:
    """A loan application with a 60-person roster; returns the digest it should print."""
    with single_form(
        target,
        title="创业担保贷款申请表",
        kind="loan_application",
        record_id=RECORD_ID,
        fields=FIELDS,
        subtitle="（个人）",
        invariant=True,
    ) as form:
        form.meta_line("申请服务站：朝阳区家门口创业服务站", "填表日期：" + format_date_cn(date(2025, 1, 5)))
        form.heading("一、申请人基本情况")
        form.grid(
            [
                [Cell("姓名", NAME), Cell("性别", "男"), Cell("出生日期", format_date_cn(date(1990, 1, 1)))],
                [Cell("身份证号码", "110101199001011234", span=2), Cell("联系电话", "13800138000")],
                [
                    Cell(
                        "贷款金额",
                        f"{format_amount(15_000_000)} 元（大写：{amount_in_capitals(15_000_000)}）",
                        span=3,
                    )
                ],
                [Cell("备注", MARKUP, span=3)],
                [
                    Cell(
                        "项目简介",
                        "在社区开办一家便民早餐店，主营包子、豆浆、油条等早点。" * 4,
                        span=3,
                        lines=3,
                    )
                ],
            ]
        )
        form.heading("二、带动就业人员花名册")
        form.table(
            [
                Column("序号", 0.6),
                Column("姓名", 1.2),
                Column("身份证号码", 2.6),
                Column("联系电话", 1.8),
                Column("签名", 1.5),
            ],
            roster(60),
        )
        form.checklist(
            [CheckItem("身份证复印件", True), CheckItem("营业执照副本复印件"), CheckItem("创业项目计划书")],
            columns=2,
        )
        form.signatures([SignLine("申请人签字", name=NAME), SignLine("经办人签字", date=date(2025, 1, 5))])
        form.seal_boxes([SealBox("服务站意见", "同意推荐。"), SealBox("人社部门意见", signer="审核人")])
        form.note("注：本表一式三份，申请人、服务站、人社部门各留存一份。")
        return form.digest


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("pdf") / "loan.pdf"
    digest = build_sample(path)
    return path, digest


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- the sample form -------------------------------------------------------------------------------


@pytest.mark.pdf
def test_sample_form_prints_title_values_and_page_numbers(sample: tuple[Path, str]) -> None:
    path, _ = sample
    pages = pdf_pages(path)
    total = len(pages)
    assert total >= 2, "60 roster rows must continue on another page"
    assert "创业担保贷款申请表" in pages[0]
    assert "（续）" not in pages[0] and all("创业担保贷款申请表（续）" in page for page in pages[1:])
    everything = "\n".join(pages)
    for value in (NAME, "110101199001011234", "1990年1月1日", "2025年1月5日", "壹拾伍万元整", "150,000.00"):
        assert value in everything, value
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {total} 页" in page
    assert "本表一式三份" in pages[-1] and "（盖章）" in pages[-1]
    assert "☑ 1. 身份证复印件" in everything and "☐ 2. 营业执照副本复印件" in everything


@pytest.mark.pdf
def test_roster_continues_with_its_header_on_every_page(sample: tuple[Path, str]) -> None:
    path, _ = sample
    pages = pdf_pages(path)
    for row in roster(60):
        assert sum(page.count(row[2]) for page in pages) == 1, row[2]
    for page in pages:
        if "110101199001000" in page:
            assert re.search(r"序号\s+姓名\s+身份证号码\s+联系电话\s+签名", page)


@pytest.mark.pdf
def test_values_wrap_between_cjk_characters(sample: tuple[Path, str]) -> None:
    path, _ = sample
    text = squeeze(pdf_pages(path)[0].replace("项目简介", ""))
    assert squeeze("在社区开办一家便民早餐店，主营包子、豆浆、油条等早点。" * 4) in text


@pytest.mark.pdf
def test_digest_is_printed_under_the_qr_code_and_in_the_footer(sample: tuple[Path, str]) -> None:
    path, digest = sample
    assert digest == form_digest(RECORD_ID, FIELDS)
    pages = pdf_pages(path)
    assert digest in pages[0].split("申请服务站")[0], "digest under the QR code, above the grid"
    assert all(f"校验码：{digest}" in page for page in pages)


@pytest.mark.pdf
def test_every_font_is_embedded(sample: tuple[Path, str]) -> None:
    rows = pdf_font_rows(sample[0])
    assert rows
    for row in rows:
        assert row[-5] == "yes", f"font not embedded: {row}"
    assert not any("Helvetica" in row[0] for row in rows)


@pytest.mark.pdf
def test_qr_code_on_the_page_carries_the_payload(sample: tuple[Path, str]) -> None:
    """Rasterise the QR corner and compare every module with the symbol segno makes for the payload."""
    path, digest = sample
    payload = qr_payload("loan_application", RECORD_ID, digest)
    matrix = segno.make(payload, error="m", micro=False, mask=2).matrix  # the mask reports/pdf/qr.py fixes
    dpi = 300
    scale = dpi / 72
    x0, y0 = (RIGHT - QR_SIZE) * scale, (PAGE_HEIGHT - TOP) * scale  # pixels from the top-left corner
    out = subprocess.run(
        [_tool("pdftoppm"), "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(path)],
        check=True,
        capture_output=True,
    ).stdout
    width, _height, pixels = _parse_pgm(out)
    module = QR_SIZE * scale / len(matrix)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            px = int(x0 + (c + 0.5) * module)
            py = int(y0 + (r + 0.5) * module)
            assert (pixels[py * width + px] < 128) == bool(dark), (r, c)


def _parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert match, "pdftoppm -gray should write a binary PGM"
    width, height = int(match.group(1)), int(match.group(2))
    return width, height, data[match.end() : match.end() + width * height]


def test_output_is_reproducible_with_invariant() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    build_sample(first)
    build_sample(second)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().startswith(b"%PDF-")


# -- literal text ----------------------------------------------------------------------------------


@pytest.mark.pdf
def test_markup_in_values_prints_literally(sample: tuple[Path, str]) -> None:
    assert MARKUP in "\n".join(pdf_pages(sample[0]))


@pytest.mark.pdf
def test_markup_literal_makes_paragraph_print_literally(tmp_path: Path) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    path = tmp_path / "para.pdf"
    style = ParagraphStyle("body", fontName=SANS, fontSize=10.5, leading=15)
    doc = SimpleDocTemplate(str(path), initialFontName=SANS)
    doc.build([Paragraph(markup_literal(f"{MARKUP} {NAME}"), style)])
    assert f"{MARKUP} {NAME}" in "\n".join(pdf_pages(path))
    assert markup_literal("a<b>&") == "a&lt;b&gt;&amp;"
    assert markup_literal(NAME) == '<font face="DoorstepExtA">\U00020bb7</font>堃'


# -- layout across pages and batches ---------------------------------------------------------------


@pytest.mark.pdf
def test_long_value_continues_on_the_next_page_with_its_label(tmp_path: Path) -> None:
    path = tmp_path / "visit.pdf"
    notes = "".join(f"第{i}次回访：店铺经营正常，营业额稳定增长，已带动三人就业。" for i in range(1, 201))
    with single_form(
        path, title="走访记录表", kind="visit_record", record_id="v-1", fields={"走访情况": notes}
    ) as form:
        form.grid(
            [[Cell("走访对象", NAME), Cell("走访日期", "2025年1月5日")], [Cell("走访情况", notes, span=2)]]
        )
        form.signatures([SignLine("走访人签字")])
    pages = pdf_pages(path)
    assert len(pages) >= 3
    assert squeeze(notes) in squeeze("".join(_content_lines(page) for page in pages))
    assert all("走访情况" in page for page in pages)
    assert f"第 {len(pages)} 页 共 {len(pages)} 页" in pages[-1]


def _content_lines(page: str) -> str:
    """The page's text without the labels and footer, so that the notes read continuously."""
    lines = [
        line.replace("走访情况", "")
        for line in page.splitlines()
        if "页 共" not in line and "（续）" not in line and "DOORSTEP:" not in line
    ]
    return "".join(lines)


@pytest.mark.pdf
def test_batch_numbers_pages_per_form_and_starts_each_form_on_a_new_page(tmp_path: Path) -> None:
    path = tmp_path / "batch.pdf"
    with FormBatch(path, title="签到表") as batch:
        for i, rows in enumerate((5, 60, 5), start=1):
            form = batch.form(
                title=f"培训签到表{i}", kind="sign_in", record_id=f"class-{i}", fields={"班次": str(i)}
            )
            form.table([Column("序号"), Column("姓名", 2), Column("签到", 2)], roster(rows), row_height=28)
    assert (batch.form_count, path.exists()) == (3, True)
    pages = pdf_pages(path)
    assert batch.page_count == len(pages) >= 4
    markers = [re.search(r"第 (\d+) 页 共 (\d+) 页", page) for page in pages]
    numbers = [(int(m.group(1)), int(m.group(2))) for m in markers if m]
    assert numbers[0] == (1, 1) and numbers[-1] == (1, 1)
    middle = numbers[1:-1]
    assert middle == [(n, len(middle)) for n in range(1, len(middle) + 1)]
    assert "培训签到表1" in pages[0] and "培训签到表2" in pages[1] and "培训签到表3" in pages[-1]
    assert not list(tmp_path.glob(".*.part"))


def test_cancelled_batch_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled), FormBatch(path, title="走访记录表") as batch:
        batch.form(title="走访记录表", kind="visit_record", record_id="v-1", fields={}).grid(
            [[Cell("姓名", "张三")]]
        )
        raise Cancelled()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.pdf
def test_redacted_copy_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "redacted.pdf"
    with single_form(
        path, title="走访记录表", kind="visit_record", record_id="v-1", fields={}, redacted=True
    ) as form:
        form.grid([[Cell("身份证号码", "110***********123X")]])
    page = pdf_pages(path)[0]
    assert "脱敏件" in page and "110***********123X" in page


def test_toolkit_does_not_load_qt() -> None:
    code = (
        "import sys, reports.pdf, reports.fonts; sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], check=False, cwd=Path(__file__).parents[2]).returncode
        == 0
    )


# -- integrity code --------------------------------------------------------------------------------


def test_qr_payload_round_trips() -> None:
    digest = form_digest(RECORD_ID, FIELDS)
    payload = qr_payload("loan_application", RECORD_ID, digest)
    assert payload == f"DOORSTEP:1:loan_application:{RECORD_ID}:{digest}"
    kind, record_id, parsed_digest = parse_qr_payload(payload)
    assert (kind, record_id, parsed_digest) == ("loan_application", RECORD_ID, digest)
    assert parse_qr_payload(f"  {payload.lower().replace('doorstep', 'DOORSTEP')}\n").digest == digest


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "hello",
        "https://example.com/x",
        "DOORSTEP:1:loan_application:abc",
        "DOORSTEP:2:loan_application:abc:0123456789ABCDEF",
        "DOORSTEP:1:Loan Application:abc:0123456789ABCDEF",
        "DOORSTEP:1:loan_application:abc:0123456789ABCDEG",
        "DOORSTEP:1:loan_application:abc:0123456789ABCDE",
        "DOORSTEP:1:loan_application::0123456789ABCDEF",
        "DOORSTEP:1:loan_application:a:b:0123456789ABCDEF",
        "doorstep:1:loan_application:abc:0123456789ABCDEF",
    ],
)
def test_parse_qr_payload_rejects_garbage(garbage: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_qr_payload(garbage)
    assert info.value.field in ("二维码", "表格类型", "记录编号", "校验码")
    assert re.search(r"[\u4e00-\u9fff]", str(info.value)), "the message is Chinese"


def test_qr_payload_refuses_parts_that_would_not_parse() -> None:
    with pytest.raises(ValidationError):
        qr_payload("loan:application", RECORD_ID, form_digest(RECORD_ID, FIELDS))


def test_digest_changes_with_any_printed_character() -> None:
    digest = form_digest(RECORD_ID, FIELDS)
    assert re.fullmatch(r"[0-9A-F]{16}", digest)
    assert form_digest(RECORD_ID, {**FIELDS, "贷款金额": "160,000.00"}) != digest
    assert form_digest(RECORD_ID, {**FIELDS, "姓名": "吉堃"}) != digest
    assert form_digest(RECORD_ID, {**FIELDS, "备注": ""}) != digest
    assert form_digest("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", FIELDS) != digest
    assert form_digest(RECORD_ID, dict(reversed(list(FIELDS.items())))) == digest
    decomposed = {"姓名": unicodedata.normalize("NFD", "Zoë"), "地址": " 北京 "}
    assert form_digest(RECORD_ID, decomposed) == form_digest(RECORD_ID, {"姓名": "Zoë", "地址": "北京"})


# -- Chinese conventions ---------------------------------------------------------------------------


def test_dates_on_paper() -> None:
    assert format_date_cn(date(2025, 1, 5)) == "2025年1月5日"
    assert format_date_cn(None) == BLANK_DATE == "\u3000\u3000年\u3000\u3000月\u3000\u3000日"


@pytest.mark.parametrize(
    ("fen", "capitals"),
    [
        (0, "零元整"),
        (5, "伍分"),
        (50, "伍角"),
        (105, "壹元零伍分"),
        (168_032, "壹仟陆佰捌拾元零叁角贰分"),
        (1_000_500, "壹万零伍元整"),
        (10_005_000, "壹拾万零伍拾元整"),
        (100_000_000, "壹佰万元整"),
        (10_000_100_000, "壹亿零壹仟元整"),
        (12_000_000_000, "壹亿贰仟万元整"),
    ],
)
def test_amount_in_capitals(fen: int, capitals: str) -> None:
    assert amount_in_capitals(fen) == capitals


def test_amount_in_figures_and_bad_amounts() -> None:
    assert format_amount(1_234_567) == "12,345.67"
    for bad in (-1, 10**14):
        with pytest.raises(ValidationError):
            amount_in_capitals(bad)


def test_wrap_text_breaks_the_chinese_way() -> None:
    size = 10.0
    text = "申请人身份证号码110101199001011234，联系电话13800138000。（以上信息须真实有效）"
    lines = wrap_text(text, 10 * size, size)
    assert "".join(lines) == text
    assert all(text_width(line, size) <= 11 * size for line in lines)  # at most one hanging mark over
    assert not any(line[0] in "，。）" for line in lines)
    assert not any(line[-1] == "（" for line in lines)
    assert "110101199001011234，" in lines  # the ID number moves to a line of its own, unbroken
    assert wrap_text("甲\n\n乙", 100, size) == ["甲", "", "乙"]
    assert wrap_text("", 100, size) == []
    assert "".join(wrap_text("1" * 40, 50, size)) == "1" * 40
