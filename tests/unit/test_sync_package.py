"""Sync package files (issue 13): written signed and encrypted through a temporary name, read back
through the bounded reader, rows streamed in bounded memory. Real files, real keys, no mocks.

The helpers at the top (keys, a small package, ``forge`` for hand-made packages) are shared with
test_sync_package_attacks.py."""

from __future__ import annotations

import base64
import errno
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyrage
import pytest
import rfc8785

from desktop.jobs import JobState
from desktop.sync_package import (
    FORMAT,
    FORMAT_VERSION,
    Limits,
    NodeKeys,
    OpenedPackage,
    PackageRefused,
    PackageWriteError,
    PublicKeys,
    WrittenPackage,
    open_package,
    verify,
    write_package,
)
from desktop.sync_package.layout import entry_info
from models.errors import Cancelled

STATION = NodeKeys.generate()
HQ = NodeKeys.generate()
OTHER = NodeKeys.generate()

HEADER: dict[str, Any] = {"sender": "S01", "receiver": "HQ", "seq": 7, "previous": None, "epoch": 1}
ROWS_A: list[dict[str, Any]] = [
    {"kind": "person", "id": "p1", "name": "张三", "note": "拼音 zhāng"},
    {"kind": "visit", "n": 1},
]
ROWS_B: list[dict[str, Any]] = [{"kind": "person", "id": "p2", "name": "李四"}]


def station_signer(_manifest: Mapping[str, Any]) -> PublicKeys:
    return STATION.public()


def write(directory: Path, name: str, members: Iterable[Iterable[Any]], **options: Any) -> WrittenPackage:
    """write_package station -> HQ, encrypted, with HEADER, unless ``options`` say otherwise."""
    return write_package(
        directory,
        name,
        members=members,
        **{"header": HEADER, "sender": STATION, "recipient": HQ.public(), **options},
    )


def small_package(directory: Path, name: str = "small.zip", **header: Any) -> WrittenPackage:
    """A ~2 KB encrypted package of two members, station -> HQ."""
    return write(directory, name, [ROWS_A, ROWS_B], header={**HEADER, **header})


def open_as_hq(path: Path, **kwargs: Any) -> OpenedPackage:
    options: dict[str, Any] = {"receiver": "HQ", "resolve_signer": station_signer, "identity": HQ}
    options.update(kwargs)
    return open_package(path, **options)


def stored_entry(name: str, compress_type: int = zipfile.ZIP_STORED) -> zipfile.ZipInfo:
    """An entry as the writer makes it (written with ``writestr`` on a file: the exact layout)."""
    info = entry_info(name)
    info.compress_type = compress_type
    return info


def gz_lines(rows: Sequence[Mapping[str, Any]]) -> bytes:
    text = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)
    return gzip.compress(text.encode(), mtime=0)


def forge(
    path: Path,
    payloads: Sequence[bytes],
    *,
    signer: NodeKeys = STATION,
    encrypted: bool = True,
    header: Mapping[str, Any] | None = None,
    rows: Sequence[int] | None = None,
    manifest_bytes: bytes | None = None,
    compress_type: int = zipfile.ZIP_STORED,
    **overrides: Any,
) -> dict[str, Any]:
    """Write a package by hand from members' stored bytes: a correct manifest over them (``overrides``
    replace its fields), signed by ``signer``; ``manifest_bytes`` replaces the manifest's bytes."""
    suffix = ".age" if encrypted else ""
    listed: list[dict[str, Any]] = [
        {
            "name": f"data/{i:06d}.jsonl.gz{suffix}",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "rows": rows[i - 1] if rows is not None else 1,
        }
        for i, data in enumerate(payloads, start=1)
    ]
    manifest = {
        **(header if header is not None else HEADER),
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "encrypted": encrypted,
        "members": listed,
        **overrides,
    }
    body = manifest_bytes if manifest_bytes is not None else rfc8785.dumps(manifest)
    with zipfile.ZipFile(path, "w") as zf:
        for entry, data in zip(listed, payloads, strict=True):
            zf.writestr(stored_entry(entry["name"], compress_type), data)
        zf.writestr(stored_entry("manifest.json"), body)
        zf.writestr(stored_entry("manifest.sig"), signer.sign(body))
    return manifest


def encrypt_member(rows: Sequence[Mapping[str, Any]], to: NodeKeys = HQ) -> bytes:
    return pyrage.encrypt(gz_lines(rows), [to.public().recipient()])


def same_size(
    rows_x: Sequence[Mapping[str, Any]], rows_y: Sequence[Mapping[str, Any]]
) -> tuple[bytes, bytes]:
    """Two different ciphertexts of equal size, of ``rows_x`` and ``rows_y``: age adds random-length
    "grease" stanzas, so sizes vary; draw until one size comes up for both (a birthday draw, quick)."""
    seen: tuple[dict[int, bytes], dict[int, bytes]] = ({}, {})
    while True:
        for mine, other, rows in ((seen[0], seen[1], rows_x), (seen[1], seen[0], rows_y)):
            data = encrypt_member(rows)
            mine[len(data)] = data
            if len(data) in other and other[len(data)] != data:
                return seen[0][len(data)], seen[1][len(data)]


def refused(path: Path, code: str, text: str, **kwargs: Any) -> PackageRefused:
    with pytest.raises(PackageRefused) as error:
        open_as_hq(path, **kwargs)
    assert error.value.code == code, error.value
    assert text in str(error.value)
    assert path.name in str(error.value)
    return error.value


def rows_refused(path: Path, code: str, text: str, **kwargs: Any) -> PackageRefused:
    opened = open_as_hq(path, **kwargs)
    with pytest.raises(PackageRefused) as error:
        list(opened.all_rows())
    assert error.value.code == code, error.value
    assert text in str(error.value)
    return error.value


# --- round trip ---------------------------------------------------------------------------------------


def test_round_trip_many_members_with_chinese_text(tmp_path: Path) -> None:
    members = [
        [{"member": m, "row": r, "姓名": f"王{m}号", "地址": "浙江省杭州市"} for r in range(m)]
        for m in range(40)
    ]
    written = write(tmp_path, "s01-000007.zip", members)
    assert written.path == tmp_path / "s01-000007.zip"
    assert sorted(os.listdir(tmp_path)) == ["s01-000007.zip"]
    assert written.size == written.path.stat().st_size
    with zipfile.ZipFile(written.path) as zf:
        manifest_bytes = zf.read("manifest.json")
        assert zf.namelist()[-2:] == ["manifest.json", "manifest.sig"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
    assert written.package_id == hashlib.sha256(manifest_bytes).hexdigest()
    assert manifest_bytes == rfc8785.dumps(written.manifest)
    opened = open_as_hq(written.path)
    assert opened.package_id == written.package_id
    assert opened.manifest == written.manifest
    assert opened.signer == STATION.public()
    manifest = opened.manifest
    assert {k: manifest[k] for k in HEADER} == HEADER
    assert manifest["format"] == "doorstep-sync"
    assert manifest["format_version"] == 1
    assert manifest["encrypted"] is True
    assert [m["name"] for m in manifest["members"]] == [f"data/{i:06d}.jsonl.gz.age" for i in range(1, 41)]
    assert [m["rows"] for m in manifest["members"]] == list(range(40))
    for index, rows in enumerate(members, start=1):
        assert list(opened.rows(f"data/{index:06d}.jsonl.gz.age")) == rows
    expected = [(f"data/{i:06d}.jsonl.gz.age", row) for i, rows in enumerate(members, 1) for row in rows]
    assert list(opened.all_rows()) == expected
    # the stored bytes really are age ciphertext of gzip: no plaintext anywhere in the file
    raw = written.path.read_bytes()
    assert "浙江省".encode() not in raw
    assert b"age-encryption.org/v1" in raw


def test_a_large_member_streams_in_bounded_memory(tmp_path: Path) -> None:
    """200,000 rows (~16 MB of JSON lines, ~5 MB stored) in one member: the writer and the reader each
    stay far under the member's size (the rows exist before tracing starts; the reader drops them)."""
    count = 200_000
    rows = [
        {"id": f"{i:08d}-{hashlib.md5(str(i).encode()).hexdigest()}", "n": i, "名": "赵钱孙李"}
        for i in range(count)
    ]
    plaintext = sum(len(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()) + 1 for r in rows)
    tracemalloc.start()
    try:
        written = write(tmp_path, "big.zip", [iter(rows)])
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        opened = open_as_hq(written.path)
        seen = 0
        for row in opened.rows("data/000001.jsonl.gz.age"):
            assert row["n"] == seen
            seen += 1
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert written.manifest["members"][0]["rows"] == count
    assert written.manifest["members"][0]["size"] > 1024 * 1024  # above the in-memory threshold
    assert plaintext > 15_000_000
    assert write_peak < plaintext / 4, (write_peak, plaintext)
    assert read_peak < plaintext / 4, (read_peak, plaintext)


def test_enrolment_package_is_signed_but_not_encrypted(tmp_path: Path) -> None:
    reference = [{"kind": "region", "code": "330106", "name": "西湖区"}]
    written = write_package(
        tmp_path,
        "enrol.zip",
        header={"sender": "HQ", "receiver": "S02", "secret": "一次性"},
        members=[reference, []],
        sender=HQ,
        recipient=None,
    )
    assert written.manifest["encrypted"] is False
    assert [m["name"] for m in written.manifest["members"]] == [
        "data/000001.jsonl.gz",
        "data/000002.jsonl.gz",
    ]
    opened = open_package(written.path, receiver="S02", resolve_signer=lambda _m: HQ.public(), identity=None)
    assert list(opened.all_rows()) == [("data/000001.jsonl.gz", reference[0])]
    assert list(opened.rows("data/000002.jsonl.gz")) == []
    with zipfile.ZipFile(written.path) as zf:
        assert gzip.decompress(zf.read("data/000001.jsonl.gz")).decode() == (
            '{"kind":"region","code":"330106","name":"西湖区"}\n'
        )


def test_an_encrypted_member_needs_the_receivers_identity(tmp_path: Path) -> None:
    written = small_package(tmp_path)
    without = open_as_hq(written.path, identity=None)
    with pytest.raises(PackageRefused, match="没有解密私钥") as refused:
        list(without.rows("data/000001.jsonl.gz.age"))
    assert refused.value.code == "decrypt"
    wrong = open_as_hq(written.path, identity=OTHER)
    with pytest.raises(PackageRefused, match=r"无法解密数据块 data/000001\.jsonl\.gz\.age") as refused:
        list(wrong.all_rows())
    assert refused.value.code == "decrypt"
    with pytest.raises(PackageRefused, match="清单中没有数据块 data/000009") as refused:
        list(open_as_hq(written.path).rows("data/000009.jsonl.gz.age"))


def test_receiver_none_skips_the_receiver_check_and_the_same_name_is_replaced(tmp_path: Path) -> None:
    first = small_package(tmp_path, "p.zip", seq=1)
    second = small_package(tmp_path, "p.zip", seq=2)
    assert first.package_id != second.package_id
    opened = open_package(second.path, receiver=None, resolve_signer=station_signer, identity=HQ)
    assert opened.manifest["seq"] == 2
    assert os.listdir(tmp_path) == ["p.zip"]


# --- writing fails cleanly ----------------------------------------------------------------------------


def test_cancel_between_members_leaves_no_file(tmp_path: Path) -> None:
    reports: list[tuple[int, int, str]] = []

    def on_progress(done: int, total: int, message: str) -> None:
        reports.append((done, total, message))
        if done == 2:
            job.cancel()

    job = JobState(on_progress)
    with pytest.raises(Cancelled):
        write(tmp_path, "c.zip", [ROWS_A] * 5, job=job)
    assert reports[:2] == [(0, 5, "正在写入第 1 个数据块"), (1, 5, "正在写入第 2 个数据块")]
    assert os.listdir(tmp_path) == []


def test_cancel_inside_a_long_member_leaves_no_file(tmp_path: Path) -> None:
    job = JobState()

    def rows() -> Iterator[dict[str, int]]:
        for i in range(100_000):
            if i == 25_000:
                job.cancel()
            yield {"i": i}

    with pytest.raises(Cancelled):
        write(tmp_path, "c.zip", [rows()], job=job)
    assert os.listdir(tmp_path) == []


def test_a_missing_folder_or_a_file_as_folder_is_a_write_error(tmp_path: Path) -> None:
    missing = tmp_path / "没有这个U盘"
    with pytest.raises(PackageWriteError, match=r"没有这个U盘.*文件夹不存在"):
        small_package(missing)
    assert not missing.exists()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(PackageWriteError, match="不是文件夹"):
        small_package(a_file)
    assert sorted(os.listdir(tmp_path)) == ["file"]


def _make_read_only(folder: Path) -> Callable[[], object]:
    """Make ``folder`` unwritable; the undo. Root ignores permission bits, so for root the folder is
    made immutable (``chattr +i``, ext4 and friends)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        folder.chmod(0o500)
        return lambda: folder.chmod(0o700)
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], check=False).returncode != 0:
        pytest.skip("running as root without chattr +i: no way to make a folder read-only")
    return lambda: subprocess.run([chattr, "-i", str(folder)], check=True)


def test_a_read_only_folder_is_a_write_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    undo = _make_read_only(folder)
    try:
        with pytest.raises(PackageWriteError, match="没有写入权限"):
            small_package(folder)
        assert os.listdir(folder) == []
    finally:
        undo()


def test_a_full_disk_removes_the_part_file(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel refuse to grow a file past 64 KiB (EFBIG), as a full stick would."""
    resource = pytest.importorskip("resource")  # POSIX only
    import signal

    members = [[{"i": i, "blob": base64.b64encode(os.urandom(48)).decode()} for i in range(3000)]]
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(PackageWriteError, match=f"文件夹「{tmp_path}」.*文件超过磁盘允许的大小") as error:
            write(tmp_path, "full.zip", members)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    cause = error.value.__cause__
    assert isinstance(cause, OSError)
    assert cause.errno == errno.EFBIG
    assert os.listdir(tmp_path) == []


def test_a_member_over_the_cap_is_refused_by_the_writer(tmp_path: Path) -> None:
    members = [[{"blob": base64.b64encode(os.urandom(3000)).decode()} for _ in range(10)]]
    with pytest.raises(PackageWriteError, match=r"超过数据包上限.*存储后超过 8192 字节"):
        write(tmp_path, "cap.zip", members, limits=Limits(member_stored_bytes=8192))
    with pytest.raises(PackageWriteError, match="第 1 行超过 100 字节"):
        write(tmp_path, "line.zip", members, recipient=None, limits=Limits(line_bytes=100))
    with pytest.raises(PackageWriteError, match="数据块超过 2 个"):
        write(tmp_path, "n.zip", [[]] * 3, recipient=None, limits=Limits(members=2))
    assert os.listdir(tmp_path) == []


def test_a_row_that_is_not_json_is_a_write_error(tmp_path: Path) -> None:
    with pytest.raises(PackageWriteError, match=r"cap\.zip.*not JSON serializable"):
        write(tmp_path, "cap.zip", [[{"when": object()}]])
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ({**HEADER, "format": "x"}, "reserved"),
        ({**HEADER, "members": []}, "reserved"),
        ({**HEADER, "encrypted": False}, "reserved"),
        ({"sender": "S01"}, "receiver"),
        ({"receiver": "HQ", "sender": 5}, "sender"),
        ({**HEADER, "big": 2**60}, "exceeds safe integer"),
        ({**HEADER, "ratio": float("nan")}, "not representable"),
    ],
)
def test_a_bad_header_is_a_programming_error(tmp_path: Path, header: dict[str, Any], problem: str) -> None:
    with pytest.raises(Exception, match=problem) as error:
        write(tmp_path, "h.zip", [], header=header, recipient=None)
    assert not isinstance(error.value, PackageWriteError)
    assert os.listdir(tmp_path) == []


# --- bad input the sender can get wrong (attacks: test_sync_package_attacks.py) --------------------


@pytest.mark.parametrize("content", [b"", b"not a zip at all" * 10, os.urandom(4096), gzip.compress(b"{}")])
def test_not_a_zip_is_refused(tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "junk.zip"
    target.write_bytes(content)
    error = refused(target, "not_zip" if len(content) < 22 else "truncated", "junk.zip")
    assert "ZIP" in str(error)


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    refused(tmp_path / "gone.zip", "io", "无法读取文件")
    (tmp_path / "dir.zip").mkdir()
    refused(tmp_path / "dir.zip", "not_file", "不是普通文件")
    big = tmp_path / "big.zip"
    big.write_bytes(small_package(tmp_path).path.read_bytes())
    refused(big, "package_size", "文件过大", limits=Limits(package_bytes=1000))


def test_a_file_changed_after_opening_is_refused_by_rows(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    first, second = same_size(ROWS_A, ROWS_A)
    forge(path, [first, encrypt_member(ROWS_B)], rows=[2, 1])
    opened = open_as_hq(path)
    forge(path, [second, encrypt_member(ROWS_B)], rows=[2, 1])  # same names and sizes, other bytes
    with pytest.raises(PackageRefused, match="SHA-256 不符") as error:
        list(opened.all_rows())
    assert error.value.code == "hash"
    forge(path, [first + b"x", encrypt_member(ROWS_B)], rows=[2, 1])
    with pytest.raises(PackageRefused, match="在打开后被改动") as error:
        list(opened.all_rows())
    assert error.value.code == "changed"


def test_an_unencrypted_manifest_cannot_list_encrypted_names(tmp_path: Path) -> None:
    forge(tmp_path / "flag.zip", [encrypt_member(ROWS_A)], encrypted=False)
    # the names are data/000001.jsonl.gz, but the bytes are age: refused when read (no gzip)
    rows_refused(tmp_path / "flag.zip", "gzip", "压缩数据已损坏")


def test_a_deflated_member_is_refused_even_within_the_ratio(tmp_path: Path) -> None:
    """The writer stores every entry (ciphertext and gzip do not compress): DEFLATED is not our layout."""
    target = tmp_path / "deflated.zip"
    forge(target, [encrypt_member(ROWS_A)], compress_type=zipfile.ZIP_DEFLATED, rows=[2])
    refused(target, "compression", "条目 'data/000001.jsonl.gz.age' 的压缩方式不支持（只允许 STORED）")
    forge(target, [encrypt_member(ROWS_A)], rows=[2])
    assert list(open_as_hq(target).all_rows()) == [("data/000001.jsonl.gz.age", row) for row in ROWS_A]


def test_the_writer_writes_one_exact_layout(tmp_path: Path) -> None:
    """Every header field is fixed: the same rows written twice differ only in the age ciphertext (and
    so in the hashes and signature), never in a zip field; no data descriptor, no extra, no comment."""
    written = small_package(tmp_path)
    with zipfile.ZipFile(written.path) as zf:
        infos = zf.infolist()
        assert zf.comment == b""
    assert [i.filename for i in infos] == [
        "data/000001.jsonl.gz.age",
        "data/000002.jsonl.gz.age",
        "manifest.json",
        "manifest.sig",
    ]
    for info in infos:
        assert (info.date_time, info.create_system, info.create_version) == ((1980, 1, 1, 0, 0, 0), 3, 20)
        assert (info.extract_version, info.flag_bits, info.compress_type) == (20, 0, zipfile.ZIP_STORED)
        assert (info.external_attr, info.internal_attr, info.extra, info.comment) == (
            0o100644 << 16,
            0,
            b"",
            b"",
        )
    enrolment = write(tmp_path, "enrol.zip", [ROWS_A], recipient=None)
    again = write(tmp_path, "enrol2.zip", [ROWS_A], recipient=None)
    assert enrolment.path.read_bytes() == again.path.read_bytes()  # unencrypted: byte for byte the same


@pytest.mark.parametrize(
    ("plain", "rows", "code", "text"),
    [
        (b'{"a":1}\n[1]\n', 2, "json", "第 2 行不是 JSON 对象"),
        (b'{"a":1}\n{"a":\n', 2, "json", "第 2 行不是有效的 JSON"),
        (b'{"a":1,"a":2}\n', 1, "json", "重复的键 'a'"),
        (b'{"a":NaN}\n', 1, "json", "不是 JSON 值"),
        (b'{"a":"\xff"}\n', 1, "json", "不是有效的 JSON"),
        (b'{"a":1}', 1, "line", "最后一行不完整"),
        (b'{"a":1}\n{"a":2}\n', 1, "rows", "多于清单的 1 行"),
        (b'{"a":1}\n', 3, "rows", "有 1 行，清单写的是 3 行"),
        (b"\n", 1, "json", "第 1 行不是有效的 JSON"),
        (b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", 1, "json", "第 1 行不是有效的 JSON"),
    ],
)
def test_a_bad_row_is_refused_naming_the_member(
    tmp_path: Path, plain: bytes, rows: int, code: str, text: str
) -> None:
    target = tmp_path / "rows.zip"
    forge(target, [pyrage.encrypt(gzip.compress(plain), [HQ.public().recipient()])], rows=[rows])
    error = rows_refused(target, code, text)
    assert "data/000001.jsonl.gz.age" in str(error)


def test_a_long_line_and_a_broken_gzip_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "long.zip"
    forge(target, [gz_lines([{"a": "x" * 500}])], encrypted=False)
    rows_refused(target, "line", "第 1 行超过 100 字节", limits=Limits(line_bytes=100), identity=None)
    forge(target, [gz_lines([{"a": 1}])[:-4]], encrypted=False)
    rows_refused(target, "gzip", "data/000001.jsonl.gz 的压缩数据已损坏", identity=None)
    forge(target, [b"plain text, not gzip\n"], encrypted=False)
    rows_refused(target, "gzip", "压缩数据已损坏", identity=None)


def test_a_truncated_age_member_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "age.zip"
    forge(target, [encrypt_member(ROWS_A)[:-10]], rows=[2])
    rows_refused(target, "decrypt", "无法解密数据块 data/000001.jsonl.gz.age")
    forge(target, [encrypt_member(ROWS_A, to=OTHER)], rows=[2])
    rows_refused(target, "decrypt", "不是用本站的公钥加密的")


def _listed(**fields: Any) -> dict[str, Any]:
    entry = {"name": "data/000001.jsonl.gz.age", "size": 1, "sha256": "0" * 64, "rows": 1}
    return {"members": [{**entry, **fields}]}


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"members": {"a": 1}}, "清单缺少 members"),
        ({"members": [{"name": "data/000001.jsonl.gz.age"}]}, "记录格式不对"),
        (_listed(extra=1), "记录格式不对"),
        (_listed(name="x"), "应名为 data/000001.jsonl.gz.age"),
        (_listed(size=-1), "大小无效"),
        (_listed(size=True), "大小无效"),
        (_listed(sha256="0" * 63), "SHA-256 无效"),
        (_listed(sha256="A" * 64), "SHA-256 无效"),
        (_listed(rows=1.5), "行数无效"),
        ({"encrypted": "yes"}, "清单缺少 encrypted"),
        ({"sender": ""}, "清单缺少 sender"),
        ({"receiver": None}, "清单缺少 receiver"),
    ],
)
def test_a_manifest_with_bad_member_records_is_refused(
    tmp_path: Path, overrides: dict[str, Any], text: str
) -> None:
    forge(tmp_path / "m.zip", [encrypt_member(ROWS_A)], **overrides)
    with pytest.raises(PackageRefused, match=text) as error:
        open_as_hq(tmp_path / "m.zip")
    assert error.value.code in {"manifest", "size"}
    assert "m.zip" in str(error.value)


# --- keys ----------------------------------------------------------------------------------------------


def test_keys_fingerprint_is_stable_and_round_trips() -> None:
    keys = PublicKeys(
        sign=base64.b64encode(bytes(range(32))).decode(),
        box="age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    )
    expected = "9ab89e6d84bdeda1"  # first 16 hex of sha256(sign + box): pinned, never to change
    assert expected == hashlib.sha256((keys.sign + keys.box).encode()).hexdigest()[:16]
    assert keys.fingerprint() == expected
    assert len(expected) == 16
    assert PublicKeys.from_json(keys.as_json()) == keys
    assert PublicKeys.from_json(keys.as_json()).fingerprint() == expected
    generated = STATION.public()
    assert STATION.public() == generated
    assert PublicKeys.from_json(generated.as_json()) == generated
    assert generated.fingerprint() != HQ.public().fingerprint()
    assert "AGE-SECRET" not in repr(STATION)
    assert STATION.sign_private not in repr(STATION)


UPPER_BOX = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".upper()


@pytest.mark.parametrize(
    "value",
    [
        None,
        "age1...",
        {"sign": "AAAA", "box": "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"},
        {"sign": base64.b64encode(bytes(32)).decode().rstrip("="), "box": "age1x"},
        {"sign": base64.b64encode(bytes(32)).decode(), "box": "age1notakey"},
        {
            "sign": base64.b64encode(bytes(32)).decode(),
            "box": "AGE1QL3Z7HJY54PW3HYWW5AYYFG7ZQGVC7W3J2ELW8ZMRJ2KG5SFN9AQMCAC8P",
        },
        {"sign": base64.urlsafe_b64encode(b"\xff" * 32).decode(), "box": "age1x"},
        {"sign": 5, "box": "age1x"},
        {"sign": base64.b64encode(bytes(32)).decode(), "box": 7},
        {"sign": base64.b64encode(bytes(32)).decode(), "box": "age1x", "extra": "y"},
    ],
)
def test_bad_public_keys_are_refused(value: object) -> None:
    with pytest.raises(PackageRefused) as refused:
        PublicKeys.from_json(value)
    assert refused.value.code == "key"


def test_sign_and_verify() -> None:
    signature = STATION.sign(b"manifest")
    assert len(signature) == 64
    assert verify(STATION.public(), b"manifest", signature)
    assert not verify(STATION.public(), b"manifesT", signature)
    assert not verify(HQ.public(), b"manifest", signature)
    assert not verify(STATION.public(), b"manifest", signature[:-1])
    assert not verify(STATION.public(), b"manifest", bytes(64))
