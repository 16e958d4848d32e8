"""``tpm-drill grade``: one answer graded from the shell, every band reachable, JSON shaped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _grade(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "tui", "grade", *args, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("answer", "expected", "band"),
    [
        ("3.3 TB/s", "3.35 TB/s", "exact"),
        ("3.0 TB/s", "3.35 TB/s", "close"),
        ("900 GB/s", "450 GB/s", "off"),  # NVLink 4: 900 is both directions added
        ("3.35 TB", "3.35 TB/s", "unit_mismatch"),
        ("lots", "3.35 TB/s", "unparsed"),
        ("400 Gbps", "50 GB/s", "exact"),  # IB NDR: 400 Gb/s = 50 GB/s
    ],
)
def test_bands(answer: str, expected: str, band: str) -> None:
    data = _grade(answer, "--expected", expected)
    assert set(data) == {"band", "value", "unit", "rel_error", "log10_error", "rating",
                         "message", "interval"}
    assert data["band"] == band
    assert data["message"]
    if band in {"unit_mismatch", "unparsed"}:
        assert data["value"] is None and data["rating"] is None
    else:
        assert data["rating"] in {1, 2, 3, 4}


def test_value_is_in_the_expected_unit_and_intervals_are_recorded() -> None:
    data = _grade("32-50 days", "--expected", "40 day", "--tolerance", "log:1.25,2")
    assert data["unit"] == "day"
    assert data["value"] == pytest.approx((32 * 50) ** 0.5)
    assert data["interval"] == [32, 50]
    assert data["band"] == "exact"
    wide = _grade("30-50 days", "--expected", "40 day", "--tolerance", "log:1.25,2")
    assert wide["band"] == "close" and wide["interval"] == [30, 50]  # 1.67× > 1.5625×


def test_bad_expected_or_tolerance_exit_2() -> None:
    for args in (("1", "--expected", "fast"), ("1", "--expected", "1 GB", "--tolerance", "5%")):
        done = subprocess.run([sys.executable, "-m", "tui", "grade", *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr and done.stderr.startswith("tpm-drill:")
