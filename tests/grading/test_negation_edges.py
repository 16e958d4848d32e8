"""The negation window pinned at and just past its edge, as a table.

Issue #12's planted-bug check shortened the window from three words to two and no test
noticed: the only negation tests had the negation right before the phrase. Each row puts the
negation word a given number of words before the phrase (the oracle is the sentence itself:
count the words between them).
"""

from __future__ import annotations

import pytest

from grading._phrases import NEGATION_WINDOW, analyse, find_phrase

# (answer, matched?) — phrase "HBM3"; the distance is the count of words from the negation
# word to the phrase (1 = right before it).
CASES = [
    ("we used HBM3", True),
    ("not HBM3", False),  # distance 1
    ("not the HBM3", False),  # 2
    ("not the fast HBM3", False),  # 3: the edge of the window
    ("not the fast new HBM3", True),  # 4: just past it
    ("never really used any HBM3", True),  # 4
    ("it isn't HBM3", False),  # contractions count
    ("no, HBM3", True),  # "No, it's HBM3": a comma ends the clause the negation is in
    ("not HBM2e but HBM3", True),  # so does "but"
    ("not HBM2e. HBM3", True),  # nor does it cross a sentence
    ("without fast HBM3", False),
    ("HBM3, not HBM2e", True),  # a negation after the phrase does not deny it
]


def test_the_window_is_three_words() -> None:
    assert NEGATION_WINDOW == 3  # the table below is written for three


@pytest.mark.parametrize(("answer", "matched"), CASES)
def test_negation_window_edges(answer: str, matched: bool) -> None:
    assert (find_phrase(analyse(answer), "HBM3") is not None) is matched


# (answer, flagged?) — the default red flag "facilitated". Open answers are read with the
# rubric's clause-level window (grading._evidence.CLAUSE_NEGATION_WINDOW, six words), not the
# short-answer three: the negation 1, 2, 6 (the edge) and 7 words before.
RED_FLAG_CASES = [
    ("I facilitated the design review.", True),
    ("I never facilitated it.", False),  # 1
    ("I did not really facilitate it.", False),  # 2
    ("I did not once in that long week facilitate it.", False),  # 6: the edge
    ("I did not once in that very long week facilitate it.", True),  # 7: just past it
    ("No. I facilitated the review.", True),  # the negation's sentence has ended
    ("Not a meeting, but I facilitated it.", True),  # nor does it cross "but"
]


def test_the_rubric_window_is_six_words() -> None:
    from grading._evidence import CLAUSE_NEGATION_WINDOW

    assert CLAUSE_NEGATION_WINDOW == 6  # the red-flag table above is written for six


@pytest.mark.parametrize(("answer", "flagged"), RED_FLAG_CASES)
def test_red_flag_negation_window_edges(answer: str, flagged: bool) -> None:
    from grading.rubric import score_open

    heard = [hit.phrase for hit in score_open(answer, ()).red_flags]
    assert any(phrase.startswith("facilitat") for phrase in heard) is flagged, heard


# (answer, covered?) — a key point "HBM bandwidth" in an open answer. Negation reaches over
# the clause: 1, 6 (the edge) and 7 words back; a comma or "but" ends it; so does "instead of".
KEY_POINT_CASES = [
    ("The decode step is bound by HBM bandwidth here.", True),
    ("The decode step is not HBM bandwidth bound here.", False),  # 1
    ("It is not at all, in my view, HBM bandwidth here.", True),  # the commas end the clause
    ("The step is not really set by the raw HBM bandwidth here.", False),  # 6: the edge
    ("The step is not really set by the raw peak HBM bandwidth here.", True),  # 7: past it
    ("The step is not compute, but HBM bandwidth sets it here.", True),
    ("It reads the weights instead of HBM bandwidth here.", False),  # "instead" denies too
    # a rejected option: "skip" and "forgo" deny what follows as "instead" does
    ("I'd skip the HBM bandwidth upgrade here, it costs too much.", False),
    ("We could forgo the HBM bandwidth gain here for capacity.", False),
    ("Skipping the HBM bandwidth upgrade saved money here.", False),
    ("The step skips nothing, so HBM bandwidth sets it here.", True),  # the comma ends it
]


@pytest.mark.parametrize(("answer", "covered"), KEY_POINT_CASES)
def test_key_point_negation_window_edges(answer: str, covered: bool) -> None:
    from grading.rubric import score_open

    result = score_open(answer, [("decode reads weights from HBM", ("hbm bandwidth",))], (), ())
    assert result.key_points[0].covered is covered, result.key_points
