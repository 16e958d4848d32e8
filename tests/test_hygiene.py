"""Layering, safety and lint: the rules that keep the project what DESIGN.md says it is."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEADLESS = ("engine", "grading", "content")


def _modules(package: str) -> list[str]:
    return [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


@pytest.mark.parametrize("package", HEADLESS)
def test_headless_packages_never_load_textual(package: str) -> None:
    """Importing every module of engine/grading/content in a fresh interpreter loads no Textual."""
    modules = _modules(package)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "", f"{package} loaded {result.stdout.strip()}"


def test_cli_and_session_start_without_heavy_imports() -> None:
    """The CLI module and the session import neither Textual nor pint nor scipy up front."""
    code = (
        "import sys, tui.__main__, engine.study.session, engine.bank\n"
        "heavy = [m for m in ('textual', 'pint', 'scipy', 'scipy.stats') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def test_no_eval_or_exec_in_source() -> None:
    """Content is data: nothing in the project evaluates strings as code."""
    pattern = re.compile(r"(^|[^_a-zA-Z.])(eval|exec)\(")
    offenders = []
    for package in ("engine", "grading", "content", "tui"):
        for path in (ROOT / package).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.fail("ruff is not installed: it is part of the test extra")
    result = subprocess.run([ruff, "check", "engine", "grading", "content", "tui", "tests"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
