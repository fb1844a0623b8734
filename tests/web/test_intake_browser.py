"""The intake page in headless Chromium from Debian's packages, driven by Playwright (never its own
browser download): sign in with the station's answer, upload the package, see the receipt, download
the reply; the station imports it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.exchange import County, hq_record, make_county
from tests.web.intake import answer, serving

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    found = make_county(tmp_path, ("330106001",))
    yield found
    found.close()


def test_a_worker_uploads_in_chromium_sees_the_receipt_and_downloads_the_reply(
    county: County, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    code = "330106001"
    new = county.new_file(code)
    package = county.export(code)
    with serving(county.root / "hq.sqlite", tmp_path / "home") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            page = browser.new_context(accept_downloads=True, locale="zh-CN").new_page()
            page.goto(server.url + "/")
            assert page.title() == "登录 - 总部数据接收页"
            challenge = page.locator("#challenge").input_value()
            page.fill("#answer", answer(county, code, challenge))
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(server.url + "/station")
            assert "已登录" in page.inner_text("main")
            page.set_input_files("#package", str(package))
            page.get_by_role("button", name="上传并导入").click()
            page.wait_for_selector("section.ok")
            receipt = page.inner_text("main")
            assert f"总部已收下服务站 {code} 的第" in receipt
            assert f"（来自 {code}）：应用 1 条变更" in receipt
            page.screenshot(path=str(os.environ.get("DOORSTEP_INTAKE_SHOT") or tmp_path / "intake.png"))
            with page.expect_download() as event:
                page.get_by_role("link", name="下载回复包").click()
            download = event.value
            reply = tmp_path / download.suggested_filename
            download.save_as(reply)
        finally:
            browser.close()
    assert hq_record(county, "entrepreneur", new)["id"] == new
    assert reply.name.startswith(f"HQ-to-{code}-")
    assert "来自 HQ" in county.to_station(reply, code).lines()[0]
    assert county.agree(code)
