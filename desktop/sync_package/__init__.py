"""Sync package files: signed (Ed25519), encrypted (age) zip files, read through a bounded reader.

The format is described in docs/packages.md; the sync layer (desktop/services/sync) decides what goes
into the header and the members.
"""

from __future__ import annotations

from desktop.sync_package.errors import PackageRefused, PackageWriteError
from desktop.sync_package.keys import NodeKeys, PublicKeys, verify
from desktop.sync_package.limits import DEFAULT_LIMITS, Limits
from desktop.sync_package.reader import FORMAT, FORMAT_VERSION, MemberEntry, OpenedPackage, open_package
from desktop.sync_package.writer import RESERVED_HEADER_KEYS, WrittenPackage, write_package

__all__ = [
    "DEFAULT_LIMITS",
    "FORMAT",
    "FORMAT_VERSION",
    "RESERVED_HEADER_KEYS",
    "Limits",
    "MemberEntry",
    "NodeKeys",
    "OpenedPackage",
    "PackageRefused",
    "PackageWriteError",
    "PublicKeys",
    "WrittenPackage",
    "open_package",
    "verify",
    "write_package",
]
