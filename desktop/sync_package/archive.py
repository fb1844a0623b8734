"""The zip container's checks: the tail records, the entry names and kinds, the declared sizes.

The archive is parsed by the stdlib ``zipfile`` only. Before handing it the file, :func:`check_tail`
reads the two fixed-size end records (22 bytes, and the 20 + 56 bytes of ZIP64 when present) to cap the
central directory's size and entry count — ``zipfile`` reads the whole central directory into memory —
and to refuse bytes after the end record (padding) or before the first entry (a prefix).
"""

from __future__ import annotations

import hashlib
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from desktop.sync_package.errors import PackageRefused
from desktop.sync_package.limits import Limits

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"

_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIG = b"PK\x05\x06"
_LOCATOR = struct.Struct("<4sLQL")
_LOCATOR_SIG = b"PK\x06\x07"
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_EOCD64_SIG = b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF
_CENTRAL_FIXED = 46  # a central directory entry without its name and extra field
_CENTRAL_EXTRA_MAX = 64  # our entries carry at most a ZIP64 extra field (4 + 24 bytes)
_ALLOWED_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800  # deflate options, data descriptor, UTF-8 name
_MSDOS_DIRECTORY = 0x10
_NAME_RE = re.compile(r"[A-Za-z0-9._/-]+")
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)
CHUNK = 1024 * 1024


def refuse(label: str, problem: str, code: str) -> PackageRefused:
    """The refusal of the package file ``label``, naming the problem."""
    return PackageRefused(f"数据包「{label}」无法导入：{problem}", code=code)


@dataclass(frozen=True)
class Tail:
    entries: int
    cd_offset: int
    cd_size: int


def check_tail(f: BinaryIO, size: int, limits: Limits, label: str) -> Tail:
    """The end records, read and checked: at the very end, no comment, no prefix, within the caps."""
    if size < _EOCD.size:
        raise refuse(label, "文件太短，不是 Doorstep 数据包（文件不完整或不是 ZIP）", "not_zip")
    f.seek(size - _EOCD.size)
    record = f.read(_EOCD.size)
    if record[:4] == _EOCD_SIG and record[-2:] != b"\x00\x00":
        length = struct.unpack("<H", record[-2:])[0]
        raise refuse(label, f"ZIP 结尾记录被改动：注释长度应为 0，实为 {length}", "end_record")
    if record[:4] != _EOCD_SIG:
        back = min(size, _EOCD.size + _MAX_COMMENT + 64 * 1024)
        f.seek(size - back)
        data = f.read(back)
        where = data.rfind(_EOCD_SIG, 0, back - _EOCD.size + len(_EOCD_SIG))  # the last whole record
        if where < 0:
            if data.rfind(_EOCD_SIG) >= 0:
                raise refuse(label, "文件不完整（可能被截断）", "truncated")
            raise refuse(label, "文件不完整（可能被截断）或不是 ZIP 文件", "truncated")
        extra = back - where - _EOCD.size
        raise refuse(label, f"数据包末尾多出 {extra} 字节（文件被追加了数据或带有注释）", "padded")
    _sig, disk, cd_disk, on_disk, total, cd_size, cd_offset, _comment = _EOCD.unpack(record)
    end = size - _EOCD.size  # where the central directory must end
    if 0xFFFF in (on_disk, total) or 0xFFFFFFFF in (cd_size, cd_offset):
        start64 = size - _EOCD.size - _LOCATOR.size - _EOCD64.size
        if start64 < 0:
            raise refuse(label, "ZIP64 结尾记录缺失（文件不完整）", "truncated")
        f.seek(start64)
        data = f.read(_EOCD64.size + _LOCATOR.size)
        record64, locator = data[: _EOCD64.size], data[_EOCD64.size :]
        loc_sig, loc_disk, loc_offset, loc_disks = _LOCATOR.unpack(locator)
        fields64 = _EOCD64.unpack(record64)
        if (
            loc_sig != _LOCATOR_SIG
            or fields64[0] != _EOCD64_SIG
            or loc_offset != start64
            or loc_disk != 0
            or loc_disks != 1
            or fields64[1] != _EOCD64.size - 12
        ):
            raise refuse(label, "ZIP64 结尾记录损坏", "zip_structure")
        disk, cd_disk, on_disk, total, cd_size, cd_offset = fields64[4:10]
        end = start64
    if disk != 0 or cd_disk != 0:
        raise refuse(label, "ZIP 结尾记录的分卷信息不对（不支持分卷压缩包）", "zip_structure")
    if on_disk != total:
        raise refuse(
            label, f"ZIP 结尾记录被改动：本卷条目数（{on_disk}）与条目总数（{total}）不一致", "end_record"
        )
    if total > limits.members + 2:
        raise refuse(label, f"条目过多（{total} 个，上限 {limits.members + 2}）", "member_count")
    if cd_size > total * (_CENTRAL_FIXED + limits.name_chars + _CENTRAL_EXTRA_MAX):
        raise refuse(label, f"ZIP 目录过大（{cd_size} 字节，{total} 个条目）", "zip_structure")
    if cd_offset + cd_size != end:
        raise refuse(label, "ZIP 目录的位置不对（文件前面或中间被插入或删去了数据）", "zip_structure")
    return Tail(entries=total, cd_offset=cd_offset, cd_size=cd_size)


def entry_name_problem(name: str, limits: Limits) -> str | None:
    """Why ``name`` is not a safe entry name, or None."""
    if "\\" in name:
        return "含反斜杠"
    if name.startswith("/"):
        return "是绝对路径"
    if re.match(r"[A-Za-z]:", name):
        return "含盘符"
    if len(name) > limits.name_chars:
        return f"过长（超过 {limits.name_chars} 个字符）"
    if not _NAME_RE.fullmatch(name):
        return "含不允许的字符（只允许字母、数字和 . _ / -）"
    for part in name.split("/"):
        if part in ("", ".", ".."):
            return "含 .. 或空的路径段"
        if part.endswith("."):
            return "有以点结尾的路径段"
        if part.split(".")[0].upper() in _RESERVED:
            return f"含 Windows 保留名 {part}"
    return None


def check_entries(zf: zipfile.ZipFile, tail: Tail, limits: Limits, label: str) -> dict[str, zipfile.ZipInfo]:
    """Every entry's name, kind, flags and compression; no duplicates. The entries by name."""
    infos = zf.infolist()
    if len(infos) != tail.entries:
        raise refuse(label, "ZIP 目录的条目数与结尾记录不符", "zip_structure")
    by_name: dict[str, zipfile.ZipInfo] = {}
    folded: set[str] = set()
    for info in infos:
        name = info.orig_filename
        shown = ascii(name)
        mode = info.external_attr >> 16
        if stat.S_IFMT(mode) == stat.S_IFLNK:
            raise refuse(label, f"条目 {shown} 是符号链接", "entry_link")
        if stat.S_IFMT(mode) == stat.S_IFDIR or info.external_attr & _MSDOS_DIRECTORY or name.endswith("/"):
            raise refuse(label, f"条目 {shown} 是目录", "entry_directory")
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            raise refuse(label, f"条目 {shown} 不是普通文件", "entry_kind")
        if name != info.filename:
            raise refuse(label, f"条目名 {shown} 含空字符", "entry_name")
        problem = entry_name_problem(name, limits)
        if problem is not None:
            raise refuse(label, f"条目名 {shown} {problem}", "entry_name")
        if name in by_name or name.lower() in folded:
            raise refuse(label, f"条目名 {shown} 重复出现", "entry_duplicate")
        if info.flag_bits & ~_ALLOWED_FLAGS or info.volume != 0:
            raise refuse(label, f"条目 {shown} 带有不支持的标志（加密或分卷）", "entry_flags")
        check_sizes(info, limits.member_stored_bytes, limits, label)  # a zip bomb by ratio is named so
        if info.compress_type != zipfile.ZIP_STORED:
            raise refuse(label, f"条目 {shown} 的压缩方式不支持（只允许 STORED）", "compression")
        by_name[name] = info
        folded.add(name.lower())
    if infos and min(info.header_offset for info in infos) != 0:
        raise refuse(label, "ZIP 文件前面有多余的数据", "zip_structure")
    return by_name


def check_sizes(info: zipfile.ZipInfo, cap: int, limits: Limits, label: str) -> None:
    """Declared sizes within ``cap`` and, for DEFLATED, within the ratio (a zip bomb by ratio)."""
    shown = info.filename
    if info.file_size > cap:
        raise refuse(label, f"条目 {shown} 过大（声明 {info.file_size} 字节，上限 {cap}）", "size")
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise refuse(
                label,
                f"条目 {shown} 的声明大小前后不一致"
                f"（压缩后 {info.compress_size} 字节，原始 {info.file_size} 字节）",
                "size",
            )
    elif info.file_size > limits.ratio * max(info.compress_size, 1) or (
        info.compress_size == 0 and info.file_size > 0
    ):
        raise refuse(
            label,
            f"条目 {shown} 的压缩比过高（{info.file_size} / {info.compress_size}，上限 {limits.ratio}），"
            "疑似压缩炸弹",
            "ratio",
        )


def iter_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> Iterator[bytes]:
    """The entry's bytes in chunks, never more than declared + 1; its real size must be the declared one."""
    name = info.filename
    seen = 0
    crc = 0
    try:
        with zf.open(info) as src:
            while True:
                chunk = src.read(min(CHUNK, info.file_size + 1 - seen))
                if not chunk:
                    break
                seen += len(chunk)
                crc = zlib.crc32(chunk, crc)
                if seen > info.file_size:
                    raise refuse(label, f"条目 {name} 的实际大小超过声明的 {info.file_size} 字节", "size")
                yield chunk
                if seen == info.file_size:
                    if src.read(1):
                        raise refuse(label, f"条目 {name} 的实际大小超过声明的 {info.file_size} 字节", "size")
                    break
    except PackageRefused:
        raise
    except Exception as exc:  # zipfile's BadZipFile (CRC), zlib.error, OSError, NotImplementedError...
        raise refuse(label, f"条目 {name} 已损坏（{type(exc).__name__}: {exc}）", "entry_corrupt") from exc
    if seen != info.file_size:
        raise refuse(label, f"条目 {name} 的实际大小（{seen}）与声明的 {info.file_size} 字节不符", "size")
    if crc != info.CRC:  # zipfile checks it too; the layout check made both headers carry this one
        raise refuse(label, f"条目 {name} 的 CRC-32 与文件头不符（已被改动）", "entry_corrupt")


def read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    """A small entry's bytes (its declared size was capped before)."""
    return b"".join(iter_entry(zf, info, label))


def hash_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> str:
    """The sha256 hex of the entry's bytes, streamed."""
    digest = hashlib.sha256()
    for chunk in iter_entry(zf, info, label):
        digest.update(chunk)
    return digest.hexdigest()
