"""A flipped bit anywhere in a real station package (issue 13, "What bad packages get"): the real
apply at HQ refuses it with a clear message naming the file, and HQ's database is unchanged."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop.sync_package import PackageRefused
from tests.sync.exchange import content, make_county
from tests.unit.test_sync_package_attacks import flipped

STEP = 3  # every third byte: the unit sweep (test_sync_package_attacks) does every byte of every field


def test_every_third_byte_flipped_is_refused_by_the_apply_and_hq_is_unchanged(tmp_path: Path) -> None:
    county = make_county(tmp_path, codes=("330106001",))
    try:
        county.new_file()
        county.new_file()
        package = county.export()
        original = package.read_bytes()
        assert 1000 < len(original) < 12_000, len(original)
        hq_path = tmp_path / "hq.sqlite"
        before = content(hq_path)
        codes: dict[str, int] = {}
        started = time.monotonic()
        for number, offset in enumerate(range(0, len(original), STEP)):
            mask = 0x01 if number % 2 == 0 else 0xFF
            with (
                flipped(package, offset, original[offset] ^ mask, original[offset]),
                pytest.raises(PackageRefused) as error,
            ):
                county.to_hq(package)
            message = str(error.value)
            assert message.startswith(f"数据包「{package.name}」无法导入："), (offset, message)
            codes[error.value.code] = codes.get(error.value.code, 0) + 1
            if number % 50 == 0:
                assert content(hq_path) == before, offset
        assert content(hq_path) == before
        assert package.read_bytes() == original
        assert {"entry_corrupt", "local_header", "central_directory"} <= set(codes), codes
        assert time.monotonic() - started < 30
        # the very same file, unflipped, applies: the sweep could have failed
        receipt = county.to_hq(package)
        assert not receipt.already_applied
        assert content(hq_path) != before
    finally:
        county.close()
