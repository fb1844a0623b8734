"""HQ's intake page (docs/intake.md) with a real HTTP client against the real ``doorstep hq serve``
on a free localhost port, on a county from tests/sync/exchange.py: sign in by a signed challenge,
upload, see the receipt, download the reply, import it at the station; and every refusal said in
Chinese with HQ's database unchanged."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from desktop.services import sync
from desktop.sync_package import NodeKeys
from tests.sync.exchange import County, content, hq_record, make_county
from tests.web.intake import LOOPBACK, Server, answer, challenge_in, serving

CODES = ("330106001", "330106002", "330106003")
CAP_MB = "0.0625"  # 64 KiB: the county's packages are a few KiB


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    found = make_county(tmp_path_factory.mktemp("county"), CODES)
    yield found
    found.close()


@pytest.fixture(scope="module")
def server(county: County) -> Iterator[Server]:
    with serving(county.root / "hq.sqlite", county.root / "home", "--max-upload-mb", CAP_MB) as running:
        yield running


def client(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.url, trust_env=False, timeout=60)


def hq(county: County) -> dict[str, list[tuple[object, ...]]]:
    return content(county.root / "hq.sqlite")


def signed_in(server: Server, county: County, code: str) -> httpx.Client:
    """A client holding a bearer token, signed in as ``code`` by the API."""
    web = client(server)
    challenge = web.post("/api/challenge").json()["challenge"]
    reply = web.post("/api/sign-in", json={"challenge": challenge, "answer": answer(county, code, challenge)})
    assert reply.status_code == 200, reply.text
    web.headers["Authorization"] = f"Bearer {reply.json()['token']}"
    return web


def test_a_worker_signs_in_uploads_sees_the_receipt_and_the_station_imports_the_reply(
    county: County, server: Server, tmp_path: Path
) -> None:
    code = CODES[0]
    new = county.new_file(code)
    with client(server) as web:
        page = web.get("/")
        assert page.status_code == 200 and "挑战码" in page.text
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        shown, nonce = challenge_in(page.text)
        assert shown == f"{nonce}@{server.url}"  # bound to this server's origin
        signed = web.post("/sign-in", data={"challenge": nonce, "answer": answer(county, code, shown)})
        assert signed.status_code == 303 and signed.headers["location"] == "/station"
        assert "httponly" in signed.headers["set-cookie"].lower()
        assert "samesite=strict" in signed.headers["set-cookie"].lower()
        station = web.get("/station")
        assert f"服务站 <strong>{code}</strong>" in station.text and "已登录" in station.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', station.text)
        assert csrf is not None
        package = county.export(code)
        with package.open("rb") as handle:
            receipt = web.post(
                "/upload",
                data={"csrf": csrf.group(1)},
                files={"package": (package.name, handle, "application/octet-stream")},
            )
        assert receipt.status_code == 200, receipt.text
        seq = int(package.stem.rsplit("-", 1)[1])
        assert f"已导入第 {seq} 号包（来自 {code}）：应用 1 条变更" in receipt.text
        assert hq_record(county, "entrepreneur", new)["id"] == new  # applied at HQ
        link = re.search(r'href="(/reply/[^"]+)"', receipt.text)
        assert link is not None
        download = web.get(link.group(1))
        assert download.status_code == 200
        assert "attachment" in download.headers["content-disposition"]
    reply = tmp_path / link.group(1).rsplit("/", 1)[1]
    reply.write_bytes(download.content)
    lines = county.to_station(reply, code).lines()
    assert lines[0].startswith("已导入第 ") and "来自 HQ" in lines[0]
    assert county.agree(code)
    log = [json.loads(line) for line in server.access_log.read_text(encoding="utf-8").splitlines()]
    upload = next(entry for entry in log if entry["action"] == "upload" and entry["result"] == "ok")
    assert upload["station"] == code and upload["seq"] == seq and upload["status"] == 200
    assert set(upload) == {"at", "client", "station", "action", "result", "status", "bytes", "reply"} | {
        "seq"
    }


def test_the_station_program_uploads_and_imports_by_itself(county: County, server: Server) -> None:
    code = CODES[1]
    new = county.new_file(code)
    county.station(code).db.close()  # the command opens the station's database itself
    station_db = str(county.root / f"{code}.sqlite")
    done = subprocess.run(
        [sys.executable, "-m", "desktop.app", "sync", "upload", "--db", station_db, "--url", server.url],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **LOOPBACK, "DOORSTEP_HOME": str(county.root / "home")},
    )
    assert done.returncode == 0, done.stderr
    assert "已把第 2 号同步包上传到总部" in done.stdout
    assert f"总部：已导入第 2 号包（来自 {code}）：应用 1 条变更" in done.stdout
    assert "来自 HQ" in done.stdout.splitlines()[-1]
    assert hq_record(county, "entrepreneur", new)["id"] == new
    # reopened, the station agrees with HQ: the reply was imported
    from desktop.services.station import default_actor
    from models.database import open_database

    db = open_database(county.root / f"{code}.sqlite")
    county.stations[code].db, county.stations[code].actor = db, default_actor(db)
    assert county.agree(code)


def test_a_wrong_signature_is_refused(county: County, server: Server) -> None:
    before = hq(county)
    with client(server) as web:
        first, _ = challenge_in(web.get("/").text)
        shown, nonce = challenge_in(web.get("/").text)
        signed_other = web.post(
            "/sign-in", data={"challenge": nonce, "answer": answer(county, CODES[0], first)}
        )
        assert signed_other.status_code == 403
        assert "应答码不符" in signed_other.text and "挑战码" in signed_other.text  # a new challenge beside
        assert "set-cookie" not in signed_other.headers
        stranger = NodeKeys.generate().sign(b"anything")
        forged = f"{CODES[0]}.{base64.urlsafe_b64encode(stranger).decode().rstrip('=')}"
        shown, _ = challenge_in(web.get("/").text)
        refused = web.post("/api/sign-in", json={"challenge": shown, "answer": forged})
        assert refused.status_code == 403 and "应答码不符" in refused.json()["error"]
        garbled = web.post("/api/sign-in", json={"challenge": shown, "answer": "乱码"})
        assert garbled.status_code == 403  # that challenge was spent by the forged attempt
        assert web.get("/station", follow_redirects=False).headers["location"] == "/"
        assert web.put("/api/package", content=b"x").status_code == 401
    assert hq(county) == before


def test_a_replayed_challenge_is_refused(county: County, server: Server) -> None:
    before = hq(county)
    with client(server) as web:
        challenge = web.post("/api/challenge").json()["challenge"]
        given = answer(county, CODES[0], challenge)
        assert web.post("/api/sign-in", json={"challenge": challenge, "answer": given}).status_code == 200
        again = web.post("/api/sign-in", json={"challenge": challenge, "answer": given})
    assert again.status_code == 403
    assert "已经用过" in again.json()["error"]
    assert hq(county) == before


def test_a_revoked_station_is_refused(county: County, server: Server) -> None:
    code = CODES[2]
    web = signed_in(server, county, code)  # signed in before HQ revokes it
    package = county.export(code)
    sync.revoke_station(county.hq.db, county.hq.actor, code=code)
    before = hq(county)
    with closing(web):
        upload = web.put("/api/package", content=package.read_bytes())
        assert upload.status_code == 403 and "已被总部吊销" in upload.json()["error"]
        challenge = web.post("/api/challenge").json()["challenge"]
        again = web.post(
            "/api/sign-in", json={"challenge": challenge, "answer": answer(county, code, challenge)}
        )
        assert again.status_code == 403 and "已被总部吊销" in again.json()["error"]
    assert hq(county) == before


def test_an_oversize_upload_is_refused_before_it_is_read(county: County, server: Server) -> None:
    before = hq(county)
    big = b"\0" * (96 * 1024)
    with closing(signed_in(server, county, CODES[0])) as web:
        declared = web.put("/api/package", content=big)
        assert declared.status_code == 413 and "数据包太大" in declared.json()["error"]
        streamed = web.put("/api/package", content=iter([big[:32768]] * 3))  # chunked: no length given
        assert streamed.status_code == 413 and "64 KB" in streamed.json()["error"]
    assert hq(county) == before
    assert list((server.folder / "uploads").iterdir()) == []  # nothing left behind


def test_a_tampered_package_and_another_stations_package_are_refused(
    county: County, server: Server, tmp_path: Path
) -> None:
    package = county.export(CODES[0])
    tampered = tmp_path / package.name
    shutil.copyfile(package, tampered)
    with zipfile.ZipFile(package) as archive:
        first = archive.infolist()[0]
    data = bytearray(tampered.read_bytes())
    data[first.header_offset + 30 + len(first.filename) + 5] ^= 0x01  # one bit of the first member
    tampered.write_bytes(bytes(data))
    other = county.export(CODES[1])
    before = hq(county)
    with closing(signed_in(server, county, CODES[0])) as web:
        refused = web.put(
            "/api/package", content=tampered.read_bytes(), headers={"X-Package-Name": package.name}
        )
        assert refused.status_code == 422
        assert f"数据包「{package.name}」无法导入" in refused.json()["error"]
        foreign = web.put("/api/package", content=other.read_bytes())
        assert foreign.status_code == 422
        assert f"不是已登录的服务站 {CODES[0]} 的" in foreign.json()["error"]
    assert hq(county) == before


def test_too_many_requests_are_refused(county: County, tmp_path: Path) -> None:
    home = county.root / "home"
    options = ("--requests-per-minute", "5", "--uploads-per-hour", "2")
    with serving(county.root / "hq.sqlite", home, *options) as limited:
        web = signed_in(limited, county, CODES[0])  # 2 requests; the station's first token
        with closing(web):
            county.new_file(CODES[0])
            first = web.put("/api/package", content=county.export(CODES[0]).read_bytes())
            assert first.status_code == 200, first.text  # the station's second token
            before = hq(county)
            second = web.put("/api/package", content=county.export(CODES[0]).read_bytes())
            assert second.status_code == 429 and "请求太频繁" in second.json()["error"]
            assert int(second.headers["retry-after"]) > 0
            assert hq(county) == before
            assert web.post("/api/challenge").status_code == 200  # the address's fifth
            page = web.get("/")
            assert page.status_code == 429 and "请求太频繁：请" in page.text
    assert hq(county) == before
