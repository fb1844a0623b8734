"""Bad packages (issue 13, "What bad packages get"): each is refused by open_package (or rows()) with a
PackageRefused whose ``code`` names the check and whose Chinese message names the problem and the file —
and nothing else. Malformed zips are built with zipfile plus byte-level edits (struct) where zipfile
cannot make them. Real files, real keys."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import stat
import struct
import tracemalloc
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyrage
import pytest
import rfc8785

from desktop.sync_package import Limits, PackageRefused, PublicKeys, layout
from tests.unit.test_sync_package import (
    HQ,
    OTHER,
    ROWS_A,
    ROWS_B,
    STATION,
    encrypt_member,
    forge,
    open_as_hq,
    refused,
    same_size,
    small_package,
    stored_entry,
)

LOCAL = struct.Struct("<4s5H3L2H")  # 30 bytes
CENTRAL = struct.Struct("<4s6H3L5H2L")  # 46 bytes
EOCD = struct.Struct("<4s4H2LH")  # 22 bytes

LOCAL_FIELDS = [("sig", 4), ("version", 2), ("flags", 2), ("method", 2), ("time", 2), ("date", 2)]
LOCAL_FIELDS += [("crc", 4), ("csize", 4), ("usize", 4), ("nlen", 2), ("xlen", 2)]
CENTRAL_FIELDS = [("sig", 4), ("made_by", 2), ("version", 2), ("flags", 2), ("method", 2), ("time", 2)]
CENTRAL_FIELDS += [("date", 2), ("crc", 4), ("csize", 4), ("usize", 4), ("nlen", 2), ("xlen", 2)]
CENTRAL_FIELDS += [("clen", 2), ("disk", 2), ("iattr", 2), ("eattr", 4), ("offset", 4)]
EOCD_FIELDS = [("sig", 4), ("disk", 2), ("cd_disk", 2), ("on_disk", 2), ("total", 2), ("cd_size", 4)]
EOCD_FIELDS += [("cd_offset", 4), ("clen", 2)]


def byte_fields(data: bytes) -> list[str]:
    """The zip field each byte of one of our packages belongs to (no extra fields, no comments)."""
    labels = [""] * len(data)

    def mark(start: int, fields: list[tuple[str, int]], prefix: str) -> int:
        for name, width in fields:
            for i in range(start, start + width):
                labels[i] = f"{prefix}.{name}"
            start += width
        return start

    end = len(data) - EOCD.size
    _sig, _d, _cd, _n, total, cd_size, cd_offset, _c = EOCD.unpack(data[end:])
    mark(end, EOCD_FIELDS, "eocd")
    at = cd_offset
    for index in range(total):
        fields = CENTRAL.unpack(data[at : at + CENTRAL.size])
        nlen, offset = fields[10], fields[16]
        name_at = mark(at, CENTRAL_FIELDS, "central")
        if index == total - 1:
            for i in range(at + 28, at + 34):
                labels[i] = labels[i].replace("central.", "central.last.")
        assert fields[11] == fields[12] == 0  # no extra field, no comment
        labels[name_at : name_at + nlen] = ["central.name"] * nlen
        at = name_at + nlen
        local = LOCAL.unpack(data[offset : offset + LOCAL.size])
        name = data[offset + LOCAL.size : offset + LOCAL.size + nlen].decode()
        data_at = mark(offset, LOCAL_FIELDS, "local")
        assert local[10] == 0  # no extra field
        labels[data_at : data_at + nlen] = ["local.name"] * nlen
        data_at += nlen
        size = fields[8]
        labels[data_at : data_at + size] = [f"data:{name}"] * size
    assert at == cd_offset + cd_size == end
    assert "" not in labels
    return labels


def rewrite(source: Path, target: Path, replace: Mapping[str, bytes | None] | None = None) -> None:
    """Copy a package entry by entry, with ``replace[name]`` for an entry's bytes (None: drop the entry)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = (replace or {}).get(info.filename, src.read(info))
            if data is not None:
                dst.writestr(stored_entry(info.filename), data)


# --- a flipped bit anywhere, truncated, padded ------------------------------------------------------------


@contextlib.contextmanager
def flipped(path: Path, offset: int, value: int, original: int) -> Iterator[None]:
    """``path`` with the byte at ``offset`` set to ``value`` (in place, then restored): rewriting the
    whole file thousands of times costs a forced writeback each on ext4."""
    with path.open("r+b") as f:
        os.pwrite(f.fileno(), bytes([value]), offset)
    try:
        yield
    finally:
        with path.open("r+b") as f:
            os.pwrite(f.fileno(), bytes([original]), offset)


def sweep_codes(path: Path, original: bytes) -> dict[str, dict[str, int]]:
    """Each byte of ``path`` XOR 0x01 and XOR 0xFF, one at a time: every flip must be refused by
    open_package, naming the file. The refusals' codes, by the field the byte belongs to."""
    labels = byte_fields(original)
    codes: dict[str, dict[str, int]] = {}
    for mask, offset in ((mask, offset) for mask in (0x01, 0xFF) for offset in range(len(original))):
        with flipped(path, offset, original[offset] ^ mask, original[offset]):
            try:
                open_as_hq(path)
            except PackageRefused as error:
                assert str(error).startswith(f"数据包「{path.name}」无法导入："), error
                assert "Traceback" not in str(error)
                label = labels[offset].split(":")[0]
                by_code = codes.setdefault(label, {})
                by_code[error.code] = by_code.get(error.code, 0) + 1
                if label.startswith("local.") and error.code == "local_header":
                    assert re.search(r"第 \d 个成员（[a-z0-9./]+）的本地文件头被改动：", str(error)), error
                continue
        pytest.fail(f"a flip at byte {offset} (XOR {mask:#04x}, field {labels[offset]}) was accepted")
    assert path.read_bytes() == original
    return codes


def test_every_flipped_byte_is_refused(tmp_path: Path) -> None:
    """No field is left out: a flip in a field zipfile reads past (the local headers' version, flags,
    time, CRC, sizes; the directory's "made by", attributes; the end record's counts) is refused by
    the layout check, naming the record, the member and the field."""
    written = small_package(tmp_path)
    original = written.path.read_bytes()
    assert 1000 < len(original) < 2500
    target = tmp_path / "flipped.zip"
    target.write_bytes(original)
    codes = sweep_codes(target, original)
    fields_of = {label: set(by_code) for label, by_code in codes.items()}
    assert fields_of["data"] == {"entry_corrupt"}  # the CRC: bytes of a member, the manifest, the signature
    local = [label for label in fields_of if label.startswith("local.")]
    assert len(local) == 12 and all(fields_of[label] == {"local_header"} for label in local)
    for field in ("made_by", "time", "date", "iattr", "last.nlen", "last.xlen", "last.clen"):
        assert fields_of[f"central.{field}"] == {"central_directory"}, field
    assert fields_of["central.version"] <= {"central_directory", "not_zip"}  # a version zipfile refuses
    assert fields_of["central.eattr"] == {"central_directory", "entry_directory", "entry_kind"}
    assert fields_of["central.crc"] == {"local_header"}  # "与中央目录记录不一致"
    assert set().union(*(fields_of[label] for label in fields_of if label.startswith("eocd."))) <= {
        "zip_structure",
        "end_record",
        "truncated",
    }


def test_a_flip_names_the_field_and_the_member(tmp_path: Path) -> None:
    path = small_package(tmp_path).path
    original = path.read_bytes()
    labels = byte_fields(original)
    second = labels.index("data:data/000002.jsonl.gz.age") - LOCAL.size - len("data/000002.jsonl.gz.age")
    cases = [
        (
            second + 4,
            "local_header",
            "第 2 个成员（data/000002.jsonl.gz.age）的本地文件头被改动：所需版本应为 20，实为 21",
        ),
        (
            second + 10,
            "local_header",
            "第 2 个成员（data/000002.jsonl.gz.age）的本地文件头被改动：修改时间应为 0，实为 1",
        ),
        (
            labels.index("central.time"),
            "central_directory",
            "第 1 个成员（data/000001.jsonl.gz.age）的中央目录记录被改动：修改时间应为 0，实为 1",
        ),
        (
            labels.index("central.made_by"),
            "central_directory",
            "的中央目录记录被改动：创建版本应为 20，实为 21",
        ),
        (len(original) - 2, "end_record", "ZIP 结尾记录被改动：注释长度应为 0，实为 1"),
        (labels.index("central.crc"), "local_header", "本地文件头被改动：CRC-32与中央目录记录不一致（本地为"),
        (
            labels.index("central.name"),
            "local_header",
            "文件名与中央目录记录不一致（本地为 'data/000001.jsonl.gz.age'，"
            "中央目录为 'eata/000001.jsonl.gz.age'）",
        ),
        (
            labels.index("central.eattr") + 2,
            "central_directory",
            "外部属性应为 0x81a40000，实为 0x81a50000",
        ),
        (labels.index("eocd.total"), "end_record", "本卷条目数（4）与条目总数（5）不一致"),
    ]
    for offset, code, text in cases:
        with flipped(path, offset, original[offset] ^ 0x01, original[offset]):
            refused(path, code, text)


def _fix_crc(data: bytearray, labels: list[str], name: str) -> None:
    """Rewrite ``name``'s CRC-32 (central and local) to match its (edited) bytes, as an attacker would."""
    start = labels.index(f"data:{name}")
    end = len(labels) - labels[::-1].index(f"data:{name}")
    crc = zlib.crc32(data[start:end])
    local = start - LOCAL.size - len(name)
    struct.pack_into("<L", data, local + 14, crc)
    at = bytes(data).index(b"PK\x01\x02", end)
    while data[at + CENTRAL.size : at + CENTRAL.size + len(name)] != name.encode():
        at += CENTRAL.size + struct.unpack_from("<H", data, at + 28)[0]
    struct.pack_into("<L", data, at + 16, crc)


def test_every_flipped_content_byte_with_its_crc_fixed_is_refused(tmp_path: Path) -> None:
    """zipfile's CRC check refuses most flips above; an attacker who also fixes the CRC meets the
    manifest's hashes and the signature."""
    written = small_package(tmp_path)
    original = written.path.read_bytes()
    labels = byte_fields(original)
    target = tmp_path / "recrc.zip"
    target.write_bytes(original)
    codes: dict[str, set[str]] = {}
    for offset, label in enumerate(labels):
        if not label.startswith("data:"):
            continue
        data = bytearray(original)
        data[offset] ^= 0x01
        _fix_crc(data, labels, label.removeprefix("data:"))
        with target.open("r+b") as f:  # in place, same length (see flipped)
            f.write(data)
        with pytest.raises(PackageRefused) as error:
            open_as_hq(target)
        assert target.name in str(error.value)
        codes.setdefault(label, set()).add(error.value.code)
    assert codes["data:data/000001.jsonl.gz.age"] == {"hash"}
    assert codes["data:data/000002.jsonl.gz.age"] == {"hash"}
    assert codes["data:manifest.sig"] == {"signature"}
    assert {"manifest", "manifest_canonical", "signature"} <= codes["data:manifest.json"]


def test_truncated_at_every_length_is_refused(tmp_path: Path) -> None:
    original = small_package(tmp_path).path.read_bytes()
    target = tmp_path / "cut.zip"
    target.write_bytes(original)
    codes: set[str] = set()
    for length in reversed(range(len(original))):
        os.truncate(target, length)
        with pytest.raises(PackageRefused) as error:
            open_as_hq(target)
        assert "cut.zip" in str(error.value)
        codes.add(error.value.code)
    assert codes == {"not_zip", "truncated"}
    target.write_bytes(original[:-1])
    refused(target, "truncated", "文件不完整（可能被截断）")


@pytest.mark.parametrize("extra", [b"\x00", b"PK", b"x" * 1000, b"PK\x05\x06" + bytes(10)])
def test_padded_is_refused(tmp_path: Path, extra: bytes) -> None:
    target = tmp_path / "pad.zip"
    target.write_bytes(small_package(tmp_path).path.read_bytes() + extra)
    refused(target, "padded", f"数据包末尾多出 {len(extra)} 字节")


def test_a_whole_package_or_a_fake_end_record_appended_or_a_prefix_is_refused(tmp_path: Path) -> None:
    one = small_package(tmp_path, "one.zip").path.read_bytes()
    two = small_package(tmp_path, "two.zip", seq=8).path.read_bytes()
    target = tmp_path / "double.zip"
    target.write_bytes(one + b"PK\x05\x06" + bytes(18))
    refused(target, "zip_structure", "ZIP 目录的位置不对")
    target.write_bytes(one + two)  # zipfile alone would read the second one
    refused(target, "zip_structure", "ZIP 目录的位置不对")
    target.write_bytes(b"MZ" + bytes(100) + one)  # a self-extractor style prefix
    refused(target, "zip_structure", "ZIP 目录的位置不对")


def test_a_comment_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "comment.zip"
    rewrite(small_package(tmp_path).path, target)
    with zipfile.ZipFile(target, "a") as zf:
        zf.comment = b"hello"
    refused(target, "padded", "带有注释")


# --- members added, removed, swapped, replaced --------------------------------------------------------


def test_a_member_added_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "added.zip"
    rewrite(small_package(tmp_path).path, target)
    with zipfile.ZipFile(target, "a") as zf:
        zf.writestr(stored_entry("data/000003.jsonl.gz.age"), encrypt_member([{"evil": 1}]))
    refused(target, "extra_entry", "数据包中有清单未列出的条目：data/000003.jsonl.gz.age")
    # also when the manifest is rewritten to list it: then the signature no longer matches
    members = [encrypt_member(ROWS_A), encrypt_member(ROWS_B), encrypt_member([{"evil": 1}])]
    manifest = forge(target, members)
    signed = forge(tmp_path / "b.zip", members[:2])
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        old_sig = zf.read("manifest.sig")
    rewrite(target, tmp_path / "c.zip", {"manifest.sig": old_sig})
    assert manifest != signed
    refused(tmp_path / "c.zip", "signature", "签名不符：数据包已被改动，或不是 S01")


def test_a_member_removed_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "removed.zip"
    rewrite(small_package(tmp_path).path, target, {"data/000002.jsonl.gz.age": None})
    refused(target, "missing_entry", "数据包缺少清单列出的条目：data/000002.jsonl.gz.age")


def test_two_members_swapped_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "same-size.zip"
    first, second = same_size([{"v": 1}], [{"v": 2}])
    forge(source, [first, second])
    target = tmp_path / "swapped.zip"
    rewrite(source, target, {"data/000001.jsonl.gz.age": second, "data/000002.jsonl.gz.age": first})
    refused(target, "hash", "数据块 data/000001.jsonl.gz.age 的内容与清单的 SHA-256 不符")


def test_entries_in_another_order_are_refused(tmp_path: Path) -> None:
    source = small_package(tmp_path).path
    with zipfile.ZipFile(source) as zf:
        entries = [(info.filename, zf.read(info)) for info in zf.infolist()]
    for order in ([1, 0, 2, 3], [0, 1, 3, 2], [2, 3, 0, 1]):
        target = tmp_path / "reordered.zip"
        with zipfile.ZipFile(target, "w") as dst:
            for index in order:
                dst.writestr(stored_entry(entries[index][0]), entries[index][1])
        first = next(i for i, index in enumerate(order) if index != i)
        refused(target, "entry_order", f"条目的顺序不对：第 {first + 1} 个条目应为 {entries[first][0]}，实为")


def test_a_member_from_another_package_of_the_same_sender_is_refused(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours.zip", tmp_path / "theirs.zip"
    b_ours, b_theirs = same_size(ROWS_B, ROWS_B)  # the same rows, encrypted twice: same size, other bytes
    forge(ours, [encrypt_member(ROWS_A), b_ours], rows=[2, 1])
    forge(theirs, [encrypt_member(ROWS_A), b_theirs], rows=[2, 1], seq=8)
    assert list(open_as_hq(theirs).rows("data/000002.jsonl.gz.age")) == ROWS_B
    target = tmp_path / "mixed.zip"
    rewrite(ours, target, {"data/000002.jsonl.gz.age": b_theirs})
    refused(target, "hash", "data/000002.jsonl.gz.age 的内容与清单的 SHA-256 不符")
    # a member of another size is refused by its size before anything is hashed
    rewrite(ours, target, {"data/000002.jsonl.gz.age": b_theirs + b"\x00"})
    refused(target, "size", "条目 data/000002.jsonl.gz.age 的大小")


# --- receiver, signer, signature, manifest ----------------------------------------------------------------


def test_for_another_receiver_is_refused(tmp_path: Path) -> None:
    path = small_package(tmp_path).path
    error = refused(path, "receiver", "此数据包是发给 HQ 的，不是本站（S02）", receiver="S02")
    assert str(error).startswith("数据包「small.zip」无法导入：")


def test_an_unknown_or_revoked_signer_is_refused(tmp_path: Path) -> None:
    path = small_package(tmp_path).path
    seen: list[dict[str, Any]] = []

    def unknown(manifest: dict[str, Any]) -> PublicKeys:
        seen.append(manifest)
        raise PackageRefused(f"未知的发送方 {manifest['sender']}", code="signer")

    with pytest.raises(PackageRefused, match="未知的发送方 S01") as error:
        open_as_hq(path, resolve_signer=unknown)
    assert error.value.code == "signer"
    assert seen[0]["seq"] == 7


def test_signed_by_the_right_key_over_another_manifest_is_refused(tmp_path: Path) -> None:
    a = small_package(tmp_path, "a.zip").path
    b = small_package(tmp_path, "b.zip", seq=8).path
    with zipfile.ZipFile(b) as zf:
        signature_b = zf.read("manifest.sig")
    target = tmp_path / "a-with-b-sig.zip"
    rewrite(a, target, {"manifest.sig": signature_b})
    refused(target, "signature", "签名不符：数据包已被改动，或不是 S01")


def test_re_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "resigned.zip"
    forge(target, [encrypt_member(ROWS_A)], signer=OTHER)
    error = refused(target, "signature", f"不是 S01（密钥 {STATION.public().fingerprint()}）签发的")
    assert "签名不符" in str(error)
    # the same file is accepted by whoever pins OTHER's key: only the pinning decides
    assert open_as_hq(target, resolve_signer=lambda _m: OTHER.public()).signer == OTHER.public()


def test_a_manifest_that_is_not_canonical_is_refused(tmp_path: Path) -> None:
    members = [encrypt_member(ROWS_A)]
    good = forge(tmp_path / "good.zip", members)
    import json

    for index, body in enumerate(
        [
            json.dumps(good, indent=1).encode(),
            json.dumps(good, sort_keys=False, separators=(",", ":")).encode(),
            rfc8785.dumps(good) + b"\n",
            b"\xef\xbb\xbf" + rfc8785.dumps(good),
        ]
    ):
        target = tmp_path / f"loose{index}.zip"
        forge(target, members, manifest_bytes=body)
        with pytest.raises(PackageRefused) as error:
            open_as_hq(target)
        assert error.value.code in {"manifest_canonical", "manifest"}, error.value
        assert "manifest.json" in str(error.value)
    forge(tmp_path / "loose.zip", members, manifest_bytes=json.dumps(good, indent=1).encode())
    refused(tmp_path / "loose.zip", "manifest_canonical", "不是规范的 JSON（RFC 8785）")


def test_duplicate_json_keys_in_the_manifest_are_refused(tmp_path: Path) -> None:
    members = [encrypt_member(ROWS_A)]
    good = rfc8785.dumps(forge(tmp_path / "good.zip", members))
    twice = good.replace(b'"receiver":"HQ"', b'"receiver":"HQ","receiver":"S02"')
    assert twice != good
    forge(tmp_path / "dup.zip", members, manifest_bytes=twice)
    refused(tmp_path / "dup.zip", "manifest", "重复的键 'receiver'")


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (b"\xff\xfe{}", "不是有效的 UTF-8"),
        (b"[1,2]", "不是 JSON 对象"),
        (b'{"a":NaN}', "不是有效的 JSON"),
        (b"{", "不是有效的 JSON"),
        (b"[" * 200_000 + b"]" * 200_000, "不是有效的 JSON"),
        (b'{"a":1e400}', "无法规范化"),
    ],
)
def test_a_manifest_that_is_not_a_json_object_is_refused(tmp_path: Path, body: bytes, text: str) -> None:
    forge(tmp_path / "bad.zip", [encrypt_member(ROWS_A)], manifest_bytes=body)
    refused(tmp_path / "bad.zip", "manifest", text)


def test_a_newer_format_version_is_refused(tmp_path: Path) -> None:
    forge(tmp_path / "v2.zip", [encrypt_member(ROWS_A)], format_version=2)
    refused(
        tmp_path / "v2.zip",
        "format_version",
        "此数据包由更新版本的 Doorstep 生成（格式版本 2），请先升级本程序",
    )
    forge(tmp_path / "v0.zip", [encrypt_member(ROWS_A)], format_version=True)
    refused(tmp_path / "v0.zip", "format_version", "格式版本无效")
    forge(tmp_path / "other.zip", [encrypt_member(ROWS_A)], format="something-else")
    refused(tmp_path / "other.zip", "format", "不是 Doorstep 同步数据包")


# --- archive attacks ------------------------------------------------------------------------------------


def _with_entry(tmp_path: Path, info: zipfile.ZipInfo) -> Path:
    target = tmp_path / "attack.zip"
    rewrite(small_package(tmp_path).path, target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name
        with zipfile.ZipFile(target, "a") as zf:
            zf.writestr(info, b"payload")
    return target


def _entry(name: str, mode: int = stat.S_IFREG | 0o644) -> zipfile.ZipInfo:
    info = stored_entry(name)
    info.external_attr = mode << 16
    return info


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("../x", "含 .. 或空的路径段"),
        ("data/../../x", "含 .. 或空的路径段"),
        ("data//x", "含 .. 或空的路径段"),
        ("./x", "含 .. 或空的路径段"),
        ("/abs", "是绝对路径"),
        ("/etc/passwd", "是绝对路径"),
        ("C:/x", "含盘符"),
        ("c:x", "含盘符"),
        ("\\\\host\\share", "含反斜杠"),
        ("data\\x", "含反斜杠"),
        ("CON", "含 Windows 保留名 CON"),
        ("data/nul.txt", "含 Windows 保留名 nul.txt"),
        ("com1", "含 Windows 保留名 com1"),
        ("lpt9.jsonl.gz", "含 Windows 保留名 lpt9.jsonl.gz"),
        ("data/aux", "含 Windows 保留名 aux"),
        ("数据/x", "含不允许的字符"),
        ("data/x y", "含不允许的字符"),
        ("data/x:stream", "含不允许的字符"),
        ("data/x.", "以点结尾"),
        ("a" * 101, "过长"),
    ],
)
def test_an_unsafe_entry_name_is_refused(tmp_path: Path, name: str, text: str) -> None:
    refused(_with_entry(tmp_path, _entry(name)), "entry_name", text)


def test_a_symlink_entry_is_refused(tmp_path: Path) -> None:
    refused(_with_entry(tmp_path, _entry("data/link", stat.S_IFLNK | 0o777)), "entry_link", "是符号链接")


def test_a_directory_entry_is_refused(tmp_path: Path) -> None:
    refused(_with_entry(tmp_path, _entry("data/", stat.S_IFDIR | 0o755)), "entry_directory", "是目录")
    refused(_with_entry(tmp_path, _entry("data", stat.S_IFDIR | 0o755)), "entry_directory", "是目录")
    msdos = _entry("folder", 0)
    msdos.external_attr = 0x10
    refused(_with_entry(tmp_path, msdos), "entry_directory", "是目录")
    refused(_with_entry(tmp_path, _entry("fifo", stat.S_IFIFO | 0o644)), "entry_kind", "不是普通文件")


@pytest.mark.parametrize(
    "name", ["manifest.json", "data/000001.jsonl.gz.age", "MANIFEST.JSON", "Data/000002.jsonl.gz.age"]
)
def test_a_duplicate_entry_name_is_refused(tmp_path: Path, name: str) -> None:
    refused(_with_entry(tmp_path, _entry(name)), "entry_duplicate", "重复出现")


def test_an_entry_name_with_a_nul_byte_is_refused(tmp_path: Path) -> None:
    target = _with_entry(tmp_path, _entry("data/evilXtail"))
    data = target.read_bytes().replace(b"data/evilXtail", b"data/evil\x00tail")
    target.write_bytes(data)
    refused(target, "entry_name", "含空字符")


def test_an_encrypted_zip_entry_or_an_unknown_compression_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "flags.zip"
    forge(target, [encrypt_member(ROWS_A)])
    data = bytearray(target.read_bytes())
    cd = struct.unpack("<L", data[-6:-2])[0]
    data[cd + 8] |= 0x01  # central flags: "encrypted"
    target.write_bytes(data)
    refused(target, "entry_flags", "不支持的标志")
    data[cd + 8] &= ~0x01
    data[cd + 10] = 14  # LZMA
    target.write_bytes(data)
    refused(target, "compression", "压缩方式不支持")


# --- zip bombs -------------------------------------------------------------------------------------------


def test_a_zip_bomb_by_ratio_is_refused_before_inflating(tmp_path: Path) -> None:
    zeros = bytes(50 * 1024 * 1024)
    target = tmp_path / "bomb.zip"
    forge(target, [zeros], compress_type=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(target) as zf:
        info = zf.getinfo("data/000001.jsonl.gz.age")
        assert info.file_size / info.compress_size > 200
    tracemalloc.start()
    try:
        refused(target, "ratio", "压缩比过高")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_zip64_end_records_are_read_and_checked(tmp_path: Path) -> None:
    """More than 65,535 entries (or a package over 2 GiB) makes zipfile write ZIP64 end records."""
    path = tmp_path / "z64.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(66_000):
            zf.writestr(stored_entry(f"e{i}"), b"")
    data = bytearray(path.read_bytes())
    assert data[-42:-38] == b"PK\x06\x07"  # the ZIP64 locator
    refused(path, "missing_entry", "缺少 manifest.json", limits=Limits(members=70_000))
    refused(path, "member_count", "条目过多（66000 个", limits=Limits(members=60_000))
    data[-42] ^= 0x01
    path.write_bytes(data)
    refused(path, "zip_structure", "ZIP64 结尾记录损坏", limits=Limits(members=70_000))


def test_a_zip_bomb_by_member_count_is_refused(tmp_path: Path) -> None:
    members = [[{"i": i}] for i in range(6)]
    path = tmp_path / "many.zip"
    forge(path, [encrypt_member(rows) for rows in members])
    refused(path, "member_count", "条目过多（8 个，上限 7）", limits=Limits(members=5))
    # a manifest listing more members than allowed, in an archive that has few entries
    two = [{"name": f"data/00000{i}.jsonl.gz.age", "size": 1, "sha256": "0" * 64, "rows": 1} for i in (1, 2)]
    forge(path, [encrypt_member(members[0])], members=two)
    refused(path, "member_count", "数据块过多（2 个，上限 1）", limits=Limits(members=1))
    # many tiny entries: refused from the end record, before zipfile reads the directory
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(3000):
            zf.writestr(stored_entry(f"e{i}"), b"")
    refused(path, "member_count", "条目过多（3000 个", limits=Limits(members=1000))


def _patch_central_size(path: Path, name: str, size: int, *, local: bool = True) -> None:
    """Edit the uncompressed size of ``name`` in the central directory (and its local header)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
        cd = zf.start_dir
    at = data.index(b"PK\x01\x02" + data[cd + 4 : cd + 4], cd)
    while True:
        fields = CENTRAL.unpack(data[at : at + CENTRAL.size])
        if data[at + CENTRAL.size : at + CENTRAL.size + fields[10]].decode() == name:
            break
        at += CENTRAL.size + fields[10] + fields[11] + fields[12]
    struct.pack_into("<L", data, at + 24, size)
    if local:
        struct.pack_into("<L", data, info.header_offset + 22, size)
    path.write_bytes(data)


def test_declared_size_edited_in_the_central_directory_is_refused(tmp_path: Path) -> None:
    path = small_package(tmp_path).path
    with zipfile.ZipFile(path) as zf:
        real = zf.getinfo("data/000001.jsonl.gz.age").file_size
    for declared in (real - 1, real + 1, 0, 2**32 - 2):
        _patch_central_size(path, "data/000001.jsonl.gz.age", declared)
        with pytest.raises(PackageRefused, match=r"data/000001\.jsonl\.gz\.age") as error:
            open_as_hq(path)
        assert error.value.code == "size"


def test_declared_size_agreeing_with_a_lying_manifest_is_refused(tmp_path: Path) -> None:
    """A sender whose key we pin but whose sizes lie (the manifest, the directory's record and the local
    header all agree): the next record is not where such a size puts it."""
    payload = os.urandom(5000)
    for declared in (6000, 1000):
        path = tmp_path / f"lying-{declared}.zip"
        listed = forge(path, [payload])
        listed["members"][0].update(size=declared, sha256=hashlib.sha256(payload[:declared]).hexdigest())
        forge(path, [payload], manifest_bytes=rfc8785.dumps(listed))
        data = bytearray(path.read_bytes())
        cd = struct.unpack("<L", data[-6:-2])[0]
        struct.pack_into("<2L", data, cd + 20, declared, declared)  # the directory's sizes
        struct.pack_into("<2L", data, 18, declared, declared)  # the local header's
        path.write_bytes(data)
        refused(
            path,
            "central_directory",
            f"第 2 个成员（manifest.json）的中央目录记录被改动：本地文件头位置应为 {54 + declared}，"
            "实为 5054",
        )


def test_a_gzip_bomb_inside_an_encrypted_member_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    line = b'{"a":"' + b"0" * 65536 + b'"}\n'
    bomb = b"".join(compressor.compress(line) for _ in range(500)) + compressor.flush()  # 32 MiB inflated
    assert len(bomb) < 100 * 1024
    target = tmp_path / "gzbomb.zip"
    forge(target, [pyrage.encrypt(bomb, [HQ.public().recipient()])], rows=[10**9])
    opened = open_as_hq(target)  # the package itself is well-formed and signed
    tracemalloc.start()
    try:
        with pytest.raises(PackageRefused, match=r"data/000001\.jsonl\.gz\.age 解压后超过") as error:
            for _row in opened.all_rows():
                pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.code == "ratio"
    assert peak < 8 * 1024 * 1024


class _Shifted(io.BytesIO):
    """A file that says it starts at byte ``shift``: zipfile then writes the records of a package whose
    entries lie past 2 GiB (ZIP64 header offsets, ZIP64 end records) without writing 2 GiB."""

    def __init__(self, shift: int) -> None:
        super().__init__()
        self.shift = shift

    def tell(self) -> int:
        return super().tell() + self.shift

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 0:
            return super().seek(offset - self.shift) + self.shift
        return super().seek(offset, whence) + self.shift

    def seekable(self) -> bool:
        return True


def test_the_expected_records_past_2_gib_are_what_zipfile_writes() -> None:
    shift = 3 * 1024**3
    f = _Shifted(shift)
    payloads = {"data/000001.jsonl.gz.age": b"abc", "manifest.json": b"{}", "manifest.sig": bytes(64)}
    with zipfile.ZipFile(f, "w", allowZip64=True) as zf:
        for name, data in payloads.items():
            zf.writestr(stored_entry(name), data)
    written = f.getvalue()
    expected, offset = b"", shift
    for name, data in payloads.items():
        local = layout.expected_local(name.encode(), zlib.crc32(data), len(data))
        assert written[offset - shift : offset - shift + len(local)] == local
        expected += layout.expected_central(name.encode(), zlib.crc32(data), len(data), offset)
        offset += len(local) + len(data)
    assert b"\x01\x00\x08\x00" in expected  # a ZIP64 extra field: the header offset
    end = layout.expected_end(len(payloads), len(expected), offset)
    assert written[offset - shift :] == expected + end
    assert end[:4] == b"PK\x06\x06" and len(end) == 56 + 20 + 22
