"""What a ledger file may be: checked before openpyxl parses any of it (a .xls renamed .xlsx, an encrypted
workbook, a zip that is not a workbook, parts that decompress to hundreds of megabytes), and the Chinese
message for a file openpyxl or the XML parser could not read (an XML bomb among them)."""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

from models.errors import ValidationError

log = logging.getLogger(__name__)

FILE_FIELD = "台账文件"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class ReadLimits:
    """What a ledger may be. Generous for real ledgers (a county's is some tens of thousands of rows),
    small enough that a hostile file is refused before it costs minutes or gigabytes."""

    max_rows: int = 100_000  # non-blank rows in the sheet
    max_columns: int = 100  # columns read; cells further right are ignored
    max_cells: int = 5_000_000  # cells parsed, including those ignored
    max_part_bytes: int = 300 * 1024 * 1024  # one part of the xlsx, uncompressed
    max_total_bytes: int = 600 * 1024 * 1024  # the whole xlsx, uncompressed
    max_parts: int = 10_000
    max_blank_run: int = 2_000  # stop reading after this many blank rows in a row
    max_merged_fill: int = 1_000_000  # cells filled from merged ranges


DEFAULT_LIMITS = ReadLimits()


def refused(path: Path, message: str) -> ValidationError:
    return ValidationError(FILE_FIELD, path.name, message)


# ------------------------------------------------------------------------------------------- the file
def check_file(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse what is not a sound .xlsx before any XML is parsed."""
    if not path.exists():
        raise refused(path, f"找不到文件 {path}")
    if path.is_dir():
        raise refused(path, f"{path.name} 是文件夹，请选择 .xlsx 台账文件")
    size = path.stat().st_size
    if size == 0:
        raise refused(path, f"文件 {path.name} 是空的（0 字节），请重新导出或另存后再导入")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(OLE2_MAGIC):
        if _contains(path, ENCRYPTED_MARK):
            raise refused(
                path,
                f"文件 {path.name} 设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开，"
                "取消密码（文件→信息→保护工作簿/用密码进行加密，清空密码）后另存为 .xlsx 再导入",
            )
        raise refused(
            path,
            f"文件 {path.name} 是旧版 Excel 97-2003 格式（.xls），只是扩展名改成了 .xlsx。"
            "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后再导入",
        )
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise refused(
                path,
                f"文件 {path.name} 已损坏或不完整（可能没有下载或复制完），无法打开；"
                "请重新导出或复制后再导入",
            )
        lowered = head.lower()
        if b"<html" in lowered or b"<table" in lowered or b"<!doctype" in lowered:
            kind = "网页（HTML）格式，常见于从业务系统“导出 Excel”得到的文件"
        elif b"<?xml" in lowered:
            kind = "XML 表格（Excel 2003 XML）格式"
        elif b"," in head and b"\n" in head:
            kind = "文本（CSV）格式"
        else:
            kind = "无法识别的格式，可能已损坏或不完整"
        raise refused(
            path,
            f"文件 {path.name} 不是 Excel 工作簿（.xlsx），而是{kind}。"
            "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后再导入",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise refused(
            path, f"文件 {path.name} 已损坏，无法打开（{error}），请重新导出或另存后再导入"
        ) from error
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise refused(
            path,
            f"文件 {path.name} 是一个压缩包（zip），不是 Excel 工作簿。如果台账在压缩包里，请先解压，"
            "再选择其中的 .xlsx 文件",
        )
    if len(infos) > limits.max_parts:
        raise refused(path, f"文件 {path.name} 内含 {len(infos):,} 个部件，不像正常的台账，已拒绝")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_part_bytes:
            raise refused(
                path,
                f"文件 {path.name} 中的 {info.filename} 解压后有 {info.file_size / 1048576:,.0f} MB，"
                f"超过上限 {limits.max_part_bytes // 1048576} MB：可能是恶意构造的文件，已拒绝；"
                "正常的台账请拆分成几个文件再导入",
            )
    if total > limits.max_total_bytes:
        raise refused(
            path,
            f"文件 {path.name} 解压后共有 {total / 1048576:,.0f} MB，超过上限 "
            f"{limits.max_total_bytes // 1048576} MB，已拒绝；请拆分成几个文件再导入",
        )


def _contains(path: Path, needle: bytes) -> bool:
    overlap = len(needle)
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def _unsafe_xml(error: BaseException) -> bool:
    """Whether defusedxml refused the XML (openpyxl may wrap its exception in another)."""
    from defusedxml import DefusedXmlException

    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def read_failure(path: Path, error: BaseException) -> ValidationError:
    if isinstance(error, ValidationError):
        return error
    if _unsafe_xml(error):
        return refused(
            path,
            f"文件 {path.name} 含有不安全的 XML 内容（实体定义或外部引用，常见于恶意构造的“XML 炸弹”），"
            "已拒绝，未做任何更改",
        )
    log.warning("ledger %s unreadable: %r", path, error)
    return refused(
        path,
        f"文件 {path.name} 已损坏或不是标准的 Excel 工作簿，无法读取"
        f"（{type(error).__name__}）。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入",
    )
