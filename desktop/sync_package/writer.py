"""Writing a package: members streamed through gzip (and age) into the zip, then the signed manifest.

Memory stays bounded whatever the package's size: rows are pulled from the caller's iterables in
batches of about 64 KiB, compressed by zlib, encrypted by ``pyrage.encrypt_io`` straight into the zip
entry, and hashed on the way. The file is written as ``.NAME.part`` in the target folder, fsynced, read
back through :func:`open_package` (structure, signature, hashes; an unencrypted package's rows too —
the sender cannot decrypt what it encrypted to the receiver), and only then renamed to ``NAME``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyrage
import rfc8785

from desktop.jobs import UNWATCHED, JobState
from desktop.sync_package.archive import MANIFEST, SIGNATURE
from desktop.sync_package.errors import PackageRefused, PackageWriteError
from desktop.sync_package.keys import NodeKeys, PublicKeys
from desktop.sync_package.layout import entry_info
from desktop.sync_package.limits import DEFAULT_LIMITS, Limits
from desktop.sync_package.reader import FORMAT, FORMAT_VERSION, member_name, open_package
from models.errors import Cancelled

__all__ = ["RESERVED_HEADER_KEYS", "PackageWriteError", "WrittenPackage", "write_package"]

RESERVED_HEADER_KEYS = frozenset({"format", "format_version", "encrypted", "members"})
_BATCH_BYTES = 64 * 1024
_CHECK_EVERY_ROWS = 10_000
_GZIP_LEVEL = 6
# one encoder, built once (json.dumps with options builds a new one per call)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class WrittenPackage:
    path: Path
    package_id: str  # sha256 hex of the manifest bytes
    manifest: dict[str, Any]
    size: int  # bytes of the file


class _MemberTooLarge(Exception):
    """A member grew past a cap while it was written (turned into PackageWriteError)."""


class _GzipRows:
    """A readable stream of the gzip bytes of rows as JSON lines (what ``pyrage.encrypt_io`` reads).

    An exception raised while pulling rows is kept in ``error``: pyrage would wrap it in its own."""

    def __init__(self, rows: Iterable[Mapping[str, Any]], limits: Limits, job: JobState) -> None:
        self._rows: Iterator[Mapping[str, Any]] = iter(rows)
        self._limits = limits
        self._job = job
        self._zlib = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip framing, mtime 0
        self._buffer = bytearray()
        self._done = False
        self.rows = 0
        self.plaintext = 0
        self.compressed = 0
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            while not self._done and (size < 0 or len(self._buffer) < size):
                self._fill()
        except BaseException as exc:
            self.error = exc
            raise
        if size < 0:
            size = len(self._buffer)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _fill(self) -> None:
        lines: list[bytes] = []
        batch = 0
        for row in self._rows:
            line = _ENCODER.encode(row).encode() + b"\n"
            if len(line) - 1 > self._limits.line_bytes:
                raise _MemberTooLarge(f"第 {self.rows + 1} 行超过 {self._limits.line_bytes} 字节")
            self.rows += 1
            if self.rows % _CHECK_EVERY_ROWS == 0:
                self._job.check()
            lines.append(line)
            batch += len(line)
            if batch >= _BATCH_BYTES:
                break
        else:
            self._done = True
        self.plaintext += batch
        if self.plaintext > self._limits.member_plaintext_bytes:
            raise _MemberTooLarge(f"解压后超过 {self._limits.member_plaintext_bytes} 字节")
        out = self._zlib.compress(b"".join(lines))
        if self._done:
            out += self._zlib.flush()
        self.compressed += len(out)
        self._buffer += out


class _HashingWriter:
    """Writes to the zip entry, hashing and counting; refuses to grow past the stored-size cap."""

    def __init__(self, target: IO[bytes], cap: int) -> None:
        self._target = target
        self._cap = cap
        self._digest = hashlib.sha256()
        self.size = 0
        self.error: BaseException | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        try:
            if self.size + len(data) > self._cap:
                raise _MemberTooLarge(f"存储后超过 {self._cap} 字节")
            self._target.write(data)
        except BaseException as exc:
            self.error = exc
            raise
        self._digest.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _write_member(
    zf: zipfile.ZipFile,
    *,
    name: str,
    rows: Iterable[Mapping[str, Any]],
    recipient: PublicKeys | None,
    limits: Limits,
    job: JobState,
) -> dict[str, Any]:
    source = _GzipRows(rows, limits, job)
    with zf.open(entry_info(name), "w") as target:
        sink = _HashingWriter(target, limits.member_stored_bytes)
        if recipient is None:
            while chunk := source.read(_BATCH_BYTES):
                sink.write(chunk)
        else:
            try:
                pyrage.encrypt_io(source, sink, [recipient.recipient()])  # type: ignore[arg-type]
            except Exception as exc:
                raise (source.error or sink.error or exc) from exc
    if source.plaintext > limits.plaintext_cap(source.compressed):
        raise _MemberTooLarge(f"压缩比高于读取方允许的 {limits.ratio}")
    return {"name": name, "size": sink.size, "sha256": sink.hexdigest(), "rows": source.rows}


def _check_header(header: Mapping[str, Any], file_name: str) -> dict[str, Any]:
    clash = sorted(RESERVED_HEADER_KEYS & set(header))
    if clash:
        raise ValueError(f"header keys reserved by the package format: {clash}")
    for key in ("sender", "receiver"):
        if not isinstance(header.get(key), str) or not header[key]:
            raise ValueError(f"header needs a non-empty str {key!r}")
    if not file_name or file_name.startswith(".") or "/" in file_name or "\\" in file_name:
        raise ValueError(f"not a plain file name: {file_name!r}")
    result = dict(header)
    rfc8785.dumps(result)  # raises on what canonical JSON cannot carry
    return result


def _os_reason(exc: OSError) -> str:
    reasons = {
        errno.ENOSPC: "磁盘已满",
        errno.EFBIG: "文件超过磁盘允许的大小",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.EROFS: "磁盘是只读的",
        errno.ENOENT: "文件夹不存在",
        errno.ENOTDIR: "不是文件夹",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def write_package(
    target_dir: Path,
    file_name: str,
    *,
    header: Mapping[str, Any],
    members: Iterable[Iterable[Mapping[str, Any]]],
    sender: NodeKeys,
    recipient: PublicKeys | None,
    job: JobState = UNWATCHED,
    limits: Limits = DEFAULT_LIMITS,
) -> WrittenPackage:
    """Write ``members`` (each an iterable of JSON-able rows) as ``target_dir/file_name``, signed by
    ``sender`` and encrypted to ``recipient`` (None: an unencrypted enrolment package)."""
    base = _check_header(header, file_name)
    final = target_dir / file_name
    part = target_dir / f".{file_name}.part"
    total = len(members) if isinstance(members, Sized) else 0
    encrypted = recipient is not None
    try:
        with part.open("wb") as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
                listed: list[dict[str, Any]] = []
                for index, rows in enumerate(members, start=1):
                    job.report(index - 1, total, f"正在写入第 {index} 个数据块")
                    if index > limits.members:
                        raise _MemberTooLarge(f"数据块超过 {limits.members} 个")
                    name = member_name(index, encrypted=encrypted)
                    listed.append(
                        _write_member(zf, name=name, rows=rows, recipient=recipient, limits=limits, job=job)
                    )
                job.check()
                manifest = {
                    **base,
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "encrypted": encrypted,
                    "members": listed,
                }
                manifest_bytes = rfc8785.dumps(manifest)
                if len(manifest_bytes) > limits.manifest_bytes:
                    raise _MemberTooLarge(f"清单超过 {limits.manifest_bytes} 字节")
                zf.writestr(entry_info(MANIFEST), manifest_bytes)
                zf.writestr(entry_info(SIGNATURE), sender.sign(manifest_bytes))
            f.flush()
            os.fsync(f.fileno())
        job.report(total, total, "正在校验数据包")
        opened = open_package(
            part,
            receiver=base["receiver"],
            resolve_signer=lambda _m: sender.public(),
            identity=None,
            limits=limits,
        )
        if not encrypted:
            for _row in opened.all_rows():
                job.check()
        size = part.stat().st_size
        os.replace(part, final)
        _fsync_dir(target_dir)
    except Cancelled:
        _remove(part)
        raise
    except OSError as exc:
        _remove(part)
        raise PackageWriteError(
            f"无法在文件夹「{target_dir}」写出数据包 {file_name}：{_os_reason(exc)}"
        ) from exc
    except PackageRefused as exc:
        _remove(part)
        raise PackageWriteError(f"文件夹「{target_dir}」中写出的数据包回读校验失败：{exc}") from exc
    except _MemberTooLarge as exc:
        _remove(part)
        raise PackageWriteError(
            f"无法在文件夹「{target_dir}」写出数据包 {file_name}：超过数据包上限（{exc}），请分成更小的数据块"
        ) from exc
    except Exception as exc:
        _remove(part)
        raise PackageWriteError(f"无法在文件夹「{target_dir}」写出数据包 {file_name}：{exc}") from exc
    except BaseException:  # KeyboardInterrupt, SystemExit: no part file left behind either
        _remove(part)
        raise
    return WrittenPackage(path=final, package_id=opened.package_id, manifest=opened.manifest, size=size)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
