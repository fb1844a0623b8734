"""The bounded reader: a package is checked whole before anything of it is used.

:func:`open_package` reads only the zip's directory, the manifest, its signature and each member's
stored bytes (to hash them); it writes nothing anywhere. :meth:`OpenedPackage.rows` then streams one
member: its stored bytes are hashed again while they are read (a file changed after opening is
refused), decrypted — in memory up to 1 MiB of ciphertext, else by ``pyrage.decrypt_io`` into an
anonymous temporary file — and only once the whole member decrypted and matched its hash is it
gunzipped (output bounded) and parsed line by line.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

import pyrage
import rfc8785

from desktop.sync_package import archive, layout
from desktop.sync_package.archive import MANIFEST, SIGNATURE, refuse
from desktop.sync_package.errors import PackageRefused
from desktop.sync_package.keys import SIGNATURE_BYTES, NodeKeys, PublicKeys, verify
from desktop.sync_package.limits import DEFAULT_LIMITS, MIB, Limits

__all__ = ["FORMAT", "FORMAT_VERSION", "MemberEntry", "OpenedPackage", "PackageRefused", "open_package"]

FORMAT = "doorstep-sync"
FORMAT_VERSION = 1
IN_MEMORY_MEMBER_BYTES = 1 * MIB
_PARSE_CHUNK = 256 * 1024  # gunzipped bytes parsed at a time
_MEMBER_KEYS = frozenset({"name", "size", "sha256", "rows"})
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


def member_name(index: int, *, encrypted: bool) -> str:
    """The name of the ``index``-th member (1-based): ``data/000001.jsonl.gz[.age]``."""
    return f"data/{index:06d}.jsonl.gz" + (".age" if encrypted else "")


@dataclass(frozen=True)
class MemberEntry:
    """One member as the manifest lists it."""

    name: str
    size: int  # bytes as stored in the zip
    sha256: str  # of the stored bytes
    rows: int


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(f"重复的键 {key!r}")
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} 不是 JSON 值")


# Strict JSON: no duplicate keys, no NaN/Infinity. One decoder, built once (json.loads with options
# builds a new one per call).
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


def _load_json(text: str) -> Any:
    return _DECODER.decode(text)


def _parse_manifest(data: bytes, label: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(label, "清单 manifest.json 不是有效的 UTF-8 文本", "manifest") from exc
    try:
        value = _load_json(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and duplicate keys are ValueErrors
        raise refuse(label, f"清单 manifest.json 不是有效的 JSON（{exc}）", "manifest") from exc
    if not isinstance(value, dict):
        raise refuse(label, "清单 manifest.json 不是 JSON 对象", "manifest")
    try:
        canonical = rfc8785.dumps(value)
    except Exception as exc:  # rfc8785's own errors (integer or float out of range)
        raise refuse(label, f"清单 manifest.json 含无法规范化的值（{exc}）", "manifest") from exc
    if canonical != data:
        raise refuse(label, "清单 manifest.json 不是规范的 JSON（RFC 8785），已被改动", "manifest_canonical")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_manifest(manifest: dict[str, Any], receiver: str | None, label: str, limits: Limits) -> None:
    """Format, version, receiver and the shape of the fields this layer owns."""
    if manifest.get("format") != FORMAT:
        raise refuse(label, "不是 Doorstep 同步数据包（清单格式标记不对）", "format")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise refuse(label, "清单的格式版本无效", "format_version")
    if version > FORMAT_VERSION:
        raise refuse(
            label,
            f"此数据包由更新版本的 Doorstep 生成（格式版本 {version}），请先升级本程序",
            "format_version",
        )
    for key in ("sender", "receiver"):
        if not isinstance(manifest.get(key), str) or not manifest[key]:
            raise refuse(label, f"清单缺少 {key}", "manifest")
    if not isinstance(manifest.get("encrypted"), bool):
        raise refuse(label, "清单缺少 encrypted", "manifest")
    if receiver is not None and manifest["receiver"] != receiver:
        raise refuse(label, f"此数据包是发给 {manifest['receiver']} 的，不是本站（{receiver}）", "receiver")


def _member_entries(manifest: dict[str, Any], label: str, limits: Limits) -> list[MemberEntry]:
    members = manifest.get("members")
    if not isinstance(members, list):
        raise refuse(label, "清单缺少 members 列表", "manifest")
    if len(members) > limits.members:
        raise refuse(label, f"数据块过多（{len(members)} 个，上限 {limits.members}）", "member_count")
    entries: list[MemberEntry] = []
    for index, item in enumerate(members, start=1):
        expected = member_name(index, encrypted=manifest["encrypted"])
        if not isinstance(item, dict) or set(item) != _MEMBER_KEYS:
            raise refuse(label, f"清单第 {index} 个数据块的记录格式不对", "manifest")
        name, size, sha, rows = item["name"], item["size"], item["sha256"], item["rows"]
        if name != expected:
            raise refuse(label, f"清单第 {index} 个数据块应名为 {expected}，而不是 {name!r}", "manifest")
        if not _is_int(size) or not 0 <= size <= limits.member_stored_bytes:
            raise refuse(label, f"清单中数据块 {name} 的大小无效或超过上限", "size")
        if not isinstance(sha, str) or not _SHA256_RE.fullmatch(sha):
            raise refuse(label, f"清单中数据块 {name} 的 SHA-256 无效", "manifest")
        if not _is_int(rows) or rows < 0:
            raise refuse(label, f"清单中数据块 {name} 的行数无效", "manifest")
        entries.append(MemberEntry(name=name, size=size, sha256=sha, rows=rows))
    return entries


def _open_zip(f: BinaryIO, label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(f)
    except Exception as exc:  # BadZipFile, NotImplementedError, ValueError, UnicodeDecodeError...
        raise refuse(label, f"不是有效的 ZIP 数据包（{exc}）", "not_zip") from exc


@dataclass
class _Archive:
    """The checked directory of an open package file."""

    zf: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]
    size: int


def _open_archive(f: BinaryIO, size: int, limits: Limits, label: str) -> _Archive:
    tail = archive.check_tail(f, size, limits, label)
    zf = _open_zip(f, label)
    try:
        entries = archive.check_entries(zf, tail, limits, label)
        layout.check_layout(
            f, zf.infolist(), cd_offset=tail.cd_offset, cd_size=tail.cd_size, size=size, label=label
        )
    except BaseException:
        zf.close()
        raise
    return _Archive(zf=zf, entries=entries, size=size)


def _check_listing(arch: _Archive, members: list[MemberEntry], limits: Limits, label: str) -> None:
    """The entries are exactly manifest.json, manifest.sig and the listed members, of the listed sizes."""
    expected = {MANIFEST, SIGNATURE} | {m.name for m in members}
    extra = sorted(set(arch.entries) - expected)
    if extra:
        raise refuse(label, f"数据包中有清单未列出的条目：{', '.join(extra[:5])}", "extra_entry")
    missing = sorted(expected - set(arch.entries))
    if missing:
        raise refuse(label, f"数据包缺少清单列出的条目：{', '.join(missing[:5])}", "missing_entry")
    order = [*(m.name for m in members), MANIFEST, SIGNATURE]
    for number, (want, info) in enumerate(zip(order, arch.entries.values(), strict=True), start=1):
        if info.filename != want:
            raise refuse(
                label, f"条目的顺序不对：第 {number} 个条目应为 {want}，实为 {info.filename}", "entry_order"
            )
    for member in members:
        info = arch.entries[member.name]
        archive.check_sizes(info, limits.member_stored_bytes, limits, label)
        if info.file_size != member.size:
            raise refuse(
                label,
                f"条目 {member.name} 的大小（{info.file_size}）与清单（{member.size}）不符",
                "size",
            )


@dataclass
class OpenedPackage:
    """A package whose structure, signature and every member's hash were verified."""

    path: Path
    manifest: dict[str, Any]
    package_id: str  # sha256 hex of the manifest bytes
    signer: PublicKeys
    identity: NodeKeys | None = field(default=None, repr=False)
    limits: Limits = field(default=DEFAULT_LIMITS, repr=False)
    members: list[MemberEntry] = field(default_factory=list)

    @property
    def encrypted(self) -> bool:
        return bool(self.manifest["encrypted"])

    @property
    def label(self) -> str:
        return self.path.name

    def rows(self, member: str) -> Iterator[dict[str, Any]]:
        """One member's rows, streamed. A problem raises PackageRefused naming the member — possibly
        after some rows were yielded, so apply a package in one transaction."""
        entry = next((m for m in self.members if m.name == member), None)
        if entry is None:
            raise refuse(self.label, f"清单中没有数据块 {member}", "missing_entry")
        with self._reopen() as arch, arch.zf:
            yield from self._member_rows(arch, entry)

    def all_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every member's rows in manifest order, as (member name, row)."""
        with self._reopen() as arch, arch.zf:
            for entry in self.members:
                for row in self._member_rows(arch, entry):
                    yield entry.name, row

    def _reopen(self) -> _Reopened:
        return _Reopened(self)

    def _member_rows(self, arch: _Archive, entry: MemberEntry) -> Iterator[dict[str, Any]]:
        info = arch.entries.get(entry.name)
        if info is None or info.file_size != entry.size:
            raise refuse(self.label, f"数据块 {entry.name} 在打开后被改动", "changed")
        stream = self._stage(arch, info, entry)
        try:
            yield from _parse_rows(stream, entry, self.label, self.limits)
        finally:
            stream.close()

    def _stage(self, arch: _Archive, info: zipfile.ZipInfo, entry: MemberEntry) -> IO[bytes]:
        """The member's gzip bytes, hash-verified (and decrypted when the package is encrypted)."""
        identity = None
        if self.encrypted:
            if self.identity is None:
                raise refuse(self.label, f"数据块 {entry.name} 已加密，但本站没有解密私钥", "decrypt")
            identity = self.identity.identity()
        source = _HashingReader(archive.iter_entry(arch.zf, info, self.label))
        out: IO[bytes]
        try:
            if entry.size <= IN_MEMORY_MEMBER_BYTES:
                data = source.read()
                source.check(entry, self.label)
                out = io.BytesIO(pyrage.decrypt(data, [identity]) if identity is not None else data)
            else:
                out = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller, who closes it
                try:
                    if identity is not None:
                        pyrage.decrypt_io(source, out, [identity])
                    else:
                        while chunk := source.read(archive.CHUNK):
                            out.write(chunk)
                    source.check(entry, self.label)
                    out.seek(0)
                except BaseException:
                    out.close()
                    raise
        except PackageRefused:
            raise
        except Exception as exc:  # pyrage.DecryptError / OSError (truncated or wrong key)
            if source.error is not None:
                raise source.error from exc
            raise refuse(
                self.label, f"无法解密数据块 {entry.name}（不是用本站的公钥加密的，或已损坏）", "decrypt"
            ) from exc
        return out


class _Reopened:
    """Context manager: the package file opened again and its directory checked again."""

    def __init__(self, package: OpenedPackage) -> None:
        self._package = package
        self._file: BinaryIO | None = None

    def __enter__(self) -> _Archive:
        package = self._package
        try:
            self._file = package.path.open("rb")
            size = os.fstat(self._file.fileno()).st_size
        except OSError as exc:
            raise refuse(package.label, f"无法读取文件（{exc.strerror}）", "io") from exc
        try:
            return _open_archive(self._file, size, package.limits, package.label)
        except BaseException:
            self._file.close()
            raise

    def __exit__(self, *_exc: object) -> None:
        if self._file is not None:
            self._file.close()


class _HashingReader(io.BufferedIOBase):
    """A readable stream over an entry's chunks that hashes and counts what passes through; an error
    raised while pyrage reads from it is kept in ``error`` (pyrage wraps it in its own)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._buffer = b""
        self._digest = hashlib.sha256()
        self.count = 0
        self.error: PackageRefused | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1, /) -> bytes:
        try:
            while size is None or size < 0 or len(self._buffer) < size:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._buffer += chunk
        except PackageRefused as exc:
            self.error = exc
            raise
        if size is None or size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        self._digest.update(data)
        self.count += len(data)
        return data

    def check(self, entry: MemberEntry, label: str) -> None:
        if self.read(1):
            raise refuse(label, f"数据块 {entry.name} 读取不完整", "changed")
        if self.count != entry.size or self._digest.hexdigest() != entry.sha256:
            raise refuse(label, f"数据块 {entry.name} 的内容与清单的 SHA-256 不符（已被改动）", "hash")


def _parse_rows(
    stream: IO[bytes], entry: MemberEntry, label: str, limits: Limits
) -> Iterator[dict[str, Any]]:
    """Gunzip with a bounded output, split JSON lines, each a JSON object within the line cap."""
    stream.seek(0, io.SEEK_END)
    compressed = stream.tell()
    stream.seek(0)
    cap = limits.plaintext_cap(compressed)
    total = 0
    rows = 0
    pending = b""
    name = entry.name
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as gz:
            while True:
                chunk = gz.read(_PARSE_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > cap:
                    raise refuse(
                        label, f"数据块 {name} 解压后超过 {cap} 字节（压缩比过高，疑似压缩炸弹）", "ratio"
                    )
                pending += chunk
                lines = pending.split(b"\n")
                pending = lines.pop()
                if len(pending) > limits.line_bytes:
                    raise refuse(
                        label, f"数据块 {name} 第 {rows + 1} 行超过 {limits.line_bytes} 字节", "line"
                    )
                for line in lines:
                    rows += 1
                    if rows > entry.rows:
                        raise refuse(label, f"数据块 {name} 的行数多于清单的 {entry.rows} 行", "rows")
                    yield _parse_line(line, rows, name, label, limits)
    except PackageRefused:
        raise
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise refuse(label, f"数据块 {name} 的压缩数据已损坏（{exc}）", "gzip") from exc
    if pending:
        raise refuse(label, f"数据块 {name} 最后一行不完整", "line")
    if rows != entry.rows:
        raise refuse(label, f"数据块 {name} 有 {rows} 行，清单写的是 {entry.rows} 行", "rows")


def _parse_line(line: bytes, number: int, name: str, label: str, limits: Limits) -> dict[str, Any]:
    if len(line) > limits.line_bytes:
        raise refuse(label, f"数据块 {name} 第 {number} 行超过 {limits.line_bytes} 字节", "line")
    try:
        value = _load_json(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise refuse(label, f"数据块 {name} 第 {number} 行不是有效的 JSON（{exc}）", "json") from exc
    if not isinstance(value, dict):
        raise refuse(label, f"数据块 {name} 第 {number} 行不是 JSON 对象", "json")
    return value


def open_package(
    path: Path,
    *,
    receiver: str | None,
    resolve_signer: Callable[[dict[str, Any]], PublicKeys],
    identity: NodeKeys | None,
    limits: Limits = DEFAULT_LIMITS,
) -> OpenedPackage:
    """The package at ``path``, verified whole (see docs/packages.md for the order of the checks);
    PackageRefused otherwise. Nothing is written anywhere."""
    label = path.name
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before open: opening a FIFO would block
            raise refuse(label, "不是普通文件", "not_file")
        with path.open("rb") as f:
            st = os.fstat(f.fileno())  # the size of the file actually opened
            if not stat.S_ISREG(st.st_mode):
                raise refuse(label, "不是普通文件", "not_file")
            if st.st_size > limits.package_bytes:
                raise refuse(
                    label, f"文件过大（{st.st_size} 字节，上限 {limits.package_bytes}）", "package_size"
                )
            arch = _open_archive(f, st.st_size, limits, label)
            with arch.zf:
                return _verify(
                    arch,
                    path=path,
                    receiver=receiver,
                    resolve_signer=resolve_signer,
                    identity=identity,
                    limits=limits,
                )
    except OSError as exc:
        raise refuse(label, f"无法读取文件（{exc.strerror or exc}）", "io") from exc


def _verify(
    arch: _Archive,
    *,
    path: Path,
    receiver: str | None,
    resolve_signer: Callable[[dict[str, Any]], PublicKeys],
    identity: NodeKeys | None,
    limits: Limits,
) -> OpenedPackage:
    label = path.name
    for name in (MANIFEST, SIGNATURE):
        if name not in arch.entries:
            raise refuse(label, f"缺少 {name}", "missing_entry")
    archive.check_sizes(arch.entries[MANIFEST], limits.manifest_bytes, limits, label)
    archive.check_sizes(arch.entries[SIGNATURE], SIGNATURE_BYTES, limits, label)
    total = sum(info.compress_size for info in arch.entries.values())
    if total > arch.size:
        raise refuse(label, "条目的大小之和超过文件大小（条目相互重叠）", "zip_structure")
    manifest_bytes = archive.read_entry(arch.zf, arch.entries[MANIFEST], label)
    signature = archive.read_entry(arch.zf, arch.entries[SIGNATURE], label)
    if len(signature) != SIGNATURE_BYTES:
        raise refuse(label, "签名 manifest.sig 长度不对", "signature")
    manifest = _parse_manifest(manifest_bytes, label)
    _check_manifest(manifest, receiver, label, limits)
    members = _member_entries(manifest, label, limits)
    _check_listing(arch, members, limits, label)
    signer = resolve_signer(manifest)
    if not verify(signer, manifest_bytes, signature):
        raise refuse(
            label,
            f"签名不符：数据包已被改动，或不是 {manifest['sender']}（密钥 {signer.fingerprint()}）签发的",
            "signature",
        )
    for member in members:
        if archive.hash_entry(arch.zf, arch.entries[member.name], label) != member.sha256:
            raise refuse(label, f"数据块 {member.name} 的内容与清单的 SHA-256 不符（已被改动）", "hash")
    return OpenedPackage(
        path=path,
        manifest=manifest,
        package_id=hashlib.sha256(manifest_bytes).hexdigest(),
        signer=signer,
        identity=identity,
        limits=limits,
        members=members,
    )
