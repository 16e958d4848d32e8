"""grading is a leaf that starts fast: pint (~0.3 s) loads only when a unit is first used."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter (so sys.modules starts empty)."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


@pytest.mark.parametrize(
    "module",
    [
        "grading",
        "grading.numeric",
        "grading.quantity",
        "grading.units",
        "grading.rating",
        "grading.text",
        "grading.rubric",
        "grading.calibration",
    ],
)
def test_import_loads_neither_pint_nor_textual(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "heavy = [m for m in ('pint', 'textual', 'rapidfuzz', 'engine', 'content', 'tui') "
        "if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    assert _fresh_python(code) == ""


def test_grading_loads_pint_on_first_use_only() -> None:
    code = (
        "import sys; from grading.numeric import grade_numeric; "
        "assert 'pint' not in sys.modules; "
        "grade_numeric('3.35 TB/s', 3.35e12, 'byte/s', 'TB/s'); "
        "print('pint' in sys.modules)"
    )
    assert _fresh_python(code) == "True"


def test_text_and_rubric_load_rapidfuzz_only_for_a_typo_and_toml_only_when_scoring() -> None:
    code = (
        "import sys; from grading.text import grade_text; from grading.rubric import score_open; "
        "assert 'tomllib' not in sys.modules; "
        "assert grade_text('HBM3', ['HBM3']).band == 'exact'; "
        "assert 'rapidfuzz' not in sys.modules; "
        "assert grade_text('all-redcue', ['all-reduce']).band == 'exact'; "
        "print('rapidfuzz' in sys.modules, 'pint' in sys.modules, end=' '); "
        "score_open('RACI', ()); print('tomllib' in sys.modules)"
    )
    assert _fresh_python(code) == "True False True"
