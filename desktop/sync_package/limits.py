"""The reader's caps. Every cap is checked before the bytes it guards are read or decompressed."""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

# zipfile writes a member without ZIP64 headers when it is below this size (the writer never forces
# ZIP64 per member, so a member must stay under it).
_ZIP64_MEMBER_LIMIT = (1 << 31) - 1


@dataclass(frozen=True)
class Limits:
    """Caps of the bounded reader (and of the writer, so that it never writes what a reader refuses).

    See docs/packages.md for why each default is what it is.
    """

    package_bytes: int = 4 * GIB  # the whole file
    members: int = 20_000  # data members listed in the manifest (plus manifest.json, manifest.sig)
    manifest_bytes: int = 4 * MIB  # manifest.json
    member_stored_bytes: int = 512 * MIB  # one member as stored in the zip (ciphertext)
    member_plaintext_bytes: int = 2 * GIB  # one member's JSON lines after gunzip
    ratio: int = 200  # decompressed / compressed, for a DEFLATED zip entry and for a member's gzip
    ratio_floor_bytes: int = 1 * MIB  # the gzip ratio is not applied below this much output
    line_bytes: int = 16 * MIB  # one JSON line (one row)
    name_chars: int = 100  # one zip entry name

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")
        if self.member_stored_bytes > _ZIP64_MEMBER_LIMIT:
            raise ValueError("Limits.member_stored_bytes must stay below 2 GiB (no per-member ZIP64)")

    def plaintext_cap(self, compressed_size: int) -> int:
        """Most bytes a member of ``compressed_size`` gzip bytes may inflate to."""
        by_ratio = max(self.ratio * compressed_size, self.ratio_floor_bytes)
        return min(self.member_plaintext_bytes, by_ratio)


DEFAULT_LIMITS = Limits()
