"""The misconception writers' false-positive check (tests/scoring/strong_contradictions.py)
runs, reads one deck's strong answers, and finds no contradiction in them today."""

from __future__ import annotations

import re

import pytest

from tests.scoring import strong_contradictions


def test_no_strong_answer_to_a_recruiter_question_is_contradicted(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert strong_contradictions.main(["open_recruiter"]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    found = re.fullmatch(r"(\d+) strong answers; (\d+) with a contradiction", summary)
    assert found is not None, summary
    assert int(found.group(1)) >= 100 and found.group(2) == "0"


def test_only_strong_answers_are_read() -> None:
    kinds = {where for _item, _text, where in strong_contradictions.strong_answers()}
    assert not any("wrong" in where or "term" in where for where in kinds)
