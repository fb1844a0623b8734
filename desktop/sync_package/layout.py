"""The exact byte layout of a package file, as the writer writes it, and its check.

``zipfile`` reads a package's members, but it reads past many header fields without using them (the
local headers' version, flags, method, time, date, CRC and sizes; the directory's "made by", times and
attributes; …). So a flipped bit there would go unnoticed. The writer makes every field of every
record one fixed value (or the one value the layout implies), and :func:`check_layout` compares each
record field by field against those values before the reader trusts anything in the file:

- entry *i* (from 0) is a 30-byte local header + its name (no extra field), then its stored bytes;
  the first starts at byte 0 and each next one right after the previous one's bytes;
- then the central directory: one 46-byte record + the name per entry, in the same order, no extra
  field (except ZIP64's header offset for an entry past 2 GiB, as ``zipfile`` writes it), no comment;
- then (more than 65,535 entries, or a directory past 2 GiB) the ZIP64 end record and its locator,
  and the end-of-central-directory record, ending exactly at the end of the file.

This is not a zip reader: the names, CRCs and sizes come from ``zipfile``'s own parse of the directory;
only the bytes around them are compared with what the writer would have written.
"""

from __future__ import annotations

import stat
import struct
import zipfile
from collections.abc import Sequence
from typing import BinaryIO

from desktop.sync_package.errors import PackageRefused

DATE_TIME = (1980, 1, 1, 0, 0, 0)
DOS_TIME = 0
DOS_DATE = (1 << 5) | 1  # 1980-01-01
CREATE_SYSTEM = 3  # Unix, on every platform (zipfile's default is 0 on Windows)
VERSION = 20  # zipfile's default "made by" and "needed to extract" versions
ZIP64_VERSION = 45
EXTERNAL_ATTR = (stat.S_IFREG | 0o644) << 16
ZIP64_LIMIT = (1 << 31) - 1  # zipfile's: past this an offset or size goes into ZIP64 fields
FILECOUNT_LIMIT = 0xFFFF

LOCAL = struct.Struct("<4s5H3L2H")  # 30 bytes
LOCAL_SIG = b"PK\x03\x04"
LOCAL_FIELDS: tuple[str, ...] = ("签名", "所需版本", "标志位", "压缩方式", "修改时间", "修改日期", "CRC-32")
LOCAL_FIELDS += ("压缩后大小", "原始大小", "文件名长度", "扩展字段长度")
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # 46 bytes
CENTRAL_SIG = b"PK\x01\x02"
CENTRAL_FIELDS: tuple[str, ...] = (
    "签名",
    "创建版本",
    "创建系统",
    "所需版本",
    "保留字节",
    "标志位",
    "压缩方式",
)
CENTRAL_FIELDS += ("修改时间", "修改日期", "CRC-32", "压缩后大小", "原始大小", "文件名长度")
CENTRAL_FIELDS += ("扩展字段长度", "注释长度", "起始分卷", "内部属性", "外部属性", "本地文件头位置")
EOCD = struct.Struct("<4s4H2LH")  # 22 bytes
EOCD_SIG = b"PK\x05\x06"
EOCD_FIELDS: tuple[str, ...] = (
    "签名",
    "分卷号",
    "目录所在分卷",
    "本卷条目数",
    "条目总数",
    "目录大小",
    "目录位置",
)
EOCD_FIELDS += ("注释长度",)
EOCD64 = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
EOCD64_SIG = b"PK\x06\x06"
EOCD64_FIELDS: tuple[str, ...] = (
    "签名",
    "记录长度",
    "创建版本",
    "所需版本",
    "分卷号",
    "目录所在分卷",
    "本卷条目数",
)
EOCD64_FIELDS += ("条目总数", "目录大小", "目录位置")
LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
LOCATOR_SIG = b"PK\x06\x07"
LOCATOR_FIELDS = ("签名", "ZIP64 结尾记录所在分卷", "ZIP64 结尾记录位置", "分卷总数")


def entry_info(name: str) -> zipfile.ZipInfo:
    """The ZipInfo of an entry as the writer writes it (``ZipFile.open(info, "w")`` or ``writestr``
    on a seekable file: no data descriptor, the CRC and sizes in the local header)."""
    info = zipfile.ZipInfo(name, date_time=DATE_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = CREATE_SYSTEM
    info.create_version = VERSION
    info.extract_version = VERSION
    info.external_attr = EXTERNAL_ATTR
    return info


def expected_local(name: bytes, crc: int, size: int) -> bytes:
    return LOCAL.pack(LOCAL_SIG, VERSION, 0, 0, DOS_TIME, DOS_DATE, crc, size, size, len(name), 0) + name


def expected_central(name: bytes, crc: int, size: int, offset: int) -> bytes:
    version, extra, field = VERSION, b"", offset
    if offset > ZIP64_LIMIT:  # as zipfile writes it: the offset in a ZIP64 extra field
        version, extra, field = ZIP64_VERSION, struct.pack("<HHQ", 1, 8, offset), 0xFFFFFFFF
    fixed = CENTRAL.pack(
        CENTRAL_SIG, version, CREATE_SYSTEM, version, 0, 0, 0, DOS_TIME, DOS_DATE, crc, size, size,
        len(name), len(extra), 0, 0, 0, EXTERNAL_ATTR, field,
    )  # fmt: skip
    return fixed + name + extra


def expected_end(count: int, cd_size: int, cd_offset: int) -> bytes:
    """The end records after a directory of ``count`` entries, ``cd_size`` bytes at ``cd_offset``."""
    records = b""
    if count > FILECOUNT_LIMIT or cd_offset > ZIP64_LIMIT or cd_size > ZIP64_LIMIT:
        fields = (44, ZIP64_VERSION, ZIP64_VERSION, 0, 0, count, count, cd_size, cd_offset)
        records += EOCD64.pack(EOCD64_SIG, *fields)
        records += LOCATOR.pack(LOCATOR_SIG, 0, cd_offset + cd_size, 1)
        count, cd_size, cd_offset = min(count, 0xFFFF), min(cd_size, 0xFFFFFFFF), min(cd_offset, 0xFFFFFFFF)
    return records + EOCD.pack(EOCD_SIG, 0, 0, count, count, cd_size, cd_offset, 0)


def _show(value: int | bytes, field: str = "") -> str:
    if isinstance(value, bytes):
        return value.hex(" ") if value else "（空）"
    return f"{value:#010x}" if field == "外部属性" else str(value)


def _name(raw: bytes) -> str:
    return ascii(raw.decode("utf-8", "replace"))


def _difference(
    fixed: struct.Struct, names: Sequence[str], expected: bytes, actual: bytes, name_length: int = 0
) -> str | None:
    """The first field where ``actual`` differs from ``expected`` ("压缩方式应为 0，实为 8"), or None."""
    if actual == expected:
        return None
    if len(actual) < fixed.size:
        return "记录不完整"
    wanted, found = fixed.unpack(expected[: fixed.size]), fixed.unpack(actual[: fixed.size])
    for field, want, got in zip(names, wanted, found, strict=True):
        if want != got:
            return f"{field}应为 {_show(want, field)}，实为 {_show(got, field)}"
    at = fixed.size
    if name_length and actual[at : at + name_length] != expected[at : at + name_length]:
        want_name, got_name = expected[at : at + name_length], actual[at : at + name_length]
        return f"文件名应为 {_name(want_name)}，实为 {_name(got_name)}"
    return f"扩展字段应为 {_show(expected[at + name_length :])}，实为 {_show(actual[at + name_length :])}"


def _read(f: BinaryIO, offset: int, length: int) -> bytes:
    f.seek(offset)
    return f.read(length)


def check_layout(
    f: BinaryIO, infos: Sequence[zipfile.ZipInfo], *, cd_offset: int, cd_size: int, size: int, label: str
) -> None:
    """Every byte of the file outside the members' stored bytes is what the writer writes. ``infos``:
    ``zipfile``'s parse of the directory, in directory order; ``cd_offset``/``cd_size``: the end
    record's (already checked to end where the end records start)."""

    def refuse(problem: str, code: str) -> PackageRefused:
        return PackageRefused(f"数据包「{label}」无法导入：{problem}", code=code)

    # 1. The central directory: each record at the place and with the values the layout implies.
    directory = _read(f, cd_offset, cd_size)
    at = 0
    offset = 0  # where the entry's local header must start
    names: list[bytes] = []
    for number, info in enumerate(infos, start=1):
        name = info.orig_filename.encode("utf-8")
        names.append(name)
        member = f"第 {number} 个成员（{info.orig_filename}）"
        want = expected_central(name, info.CRC, info.file_size, offset)
        problem = _difference(CENTRAL, CENTRAL_FIELDS, want, directory[at : at + len(want)], len(name))
        if problem is not None:
            raise refuse(f"{member}的中央目录记录被改动：{problem}", "central_directory")
        at += len(want)
        offset += LOCAL.size + len(name) + info.file_size
    if at != cd_size:
        raise refuse(f"中央目录的长度应为 {at} 字节，实为 {cd_size} 字节", "central_directory")
    # 2. The end records: exactly what follows such a directory, ending at the end of the file.
    want_end = expected_end(len(infos), cd_size, offset)
    got_end = _read(f, offset + cd_size, len(want_end) + 1)
    if offset + cd_size + len(want_end) != size or got_end != want_end:
        kinds = [(EOCD64, EOCD64_FIELDS, "ZIP64 结尾记录"), (LOCATOR, LOCATOR_FIELDS, "ZIP64 结尾定位记录")]
        kinds = (kinds if len(want_end) > EOCD.size else []) + [(EOCD, EOCD_FIELDS, "结尾记录")]
        start = 0
        for fixed, fields, what in kinds:
            problem = _difference(
                fixed, fields, want_end[start : start + fixed.size], got_end[start : start + fixed.size]
            )
            if problem is not None:
                raise refuse(f"ZIP {what}被改动：{problem}（或前面的成员大小被改动）", "end_record")
            start += fixed.size
        raise refuse(
            f"ZIP 目录的位置不对：目录应从第 {offset} 字节开始、文件应为"
            f" {offset + cd_size + len(want_end)} 字节（实为 {size} 字节；成员的大小或位置被改动）",
            "zip_structure",
        )
    # 3. The local headers: fixed values, and the CRC and sizes of the directory's record.
    offset = 0
    for number, (info, name) in enumerate(zip(infos, names, strict=True), start=1):
        member = f"第 {number} 个成员（{info.orig_filename}）"
        want = expected_local(name, info.CRC, info.file_size)
        got = _read(f, offset, len(want))
        problem = _difference(LOCAL, LOCAL_FIELDS, want, got, len(name))
        if problem is not None and len(got) >= LOCAL.size:
            # the CRC, sizes and name are the directory's: say which two records disagree
            for field in (6, 7, 8):
                central, local = (
                    LOCAL.unpack(want[: LOCAL.size])[field],
                    LOCAL.unpack(got[: LOCAL.size])[field],
                )
                if central != local and problem.startswith(LOCAL_FIELDS[field]):
                    problem = (
                        f"{LOCAL_FIELDS[field]}与中央目录记录不一致（本地为 {local}，中央目录为 {central}）"
                    )
            if problem.startswith("文件名应为"):
                local_name = _name(got[LOCAL.size : LOCAL.size + len(name)])
                problem = f"文件名与中央目录记录不一致（本地为 {local_name}，中央目录为 {_name(name)}）"
        if problem is not None:
            raise refuse(f"{member}的本地文件头被改动：{problem}", "local_header")
        offset += len(want) + info.file_size
