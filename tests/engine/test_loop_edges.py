"""The onsite bars pinned at and just past every edge, against a table written out by hand.

Issue #12's planted-bug check found that making the Strong-Yes bar exclusive (``>=`` → ``>``)
went unnoticed: no test scored a round exactly on a bar. The table below is the oracle: the
bars the loop rates rounds by (L4 0.75 / 0.55 / 0.35,
+0.04 a level, Strong Yes capped at 0.95), written as decimals rather than computed.
"""

from __future__ import annotations

import pytest

from engine.loop.rules import NO, STRONG_NO, STRONG_YES, YES, committee_verdict, round_rating

#: level -> (Strong Yes, Yes, No) minimum scores, by hand.
BARS = {
    "L4": (0.75, 0.55, 0.35),
    "L5": (0.79, 0.59, 0.39),
    "L6": (0.83, 0.63, 0.43),
    "L7": (0.87, 0.67, 0.47),
    "L8": (0.91, 0.71, 0.51),
}
#: Just under a bar: well above float noise, well below any real difference in a score.
JUST_UNDER = 1e-6

EDGES = [(level, bar, rating, below)
         for level, bars in BARS.items()
         for bar, rating, below in zip(bars, (STRONG_YES, YES, NO), (YES, NO, STRONG_NO),
                                       strict=True)]


@pytest.mark.parametrize(("level", "bar", "rating", "below"), EDGES)
def test_a_score_on_the_bar_earns_it_and_just_under_does_not(level: str, bar: float,
                                                             rating: str, below: str) -> None:
    assert round_rating(bar, level) == rating
    assert round_rating(bar - JUST_UNDER, level) == below


def test_the_ends_of_the_scale() -> None:
    for level in BARS:
        assert round_rating(1.0, level) == STRONG_YES
        assert round_rating(0.0, level) == STRONG_NO


# (ratings, advances?) — two Strong Yes and nothing below Yes, exactly at each edge.
COMMITTEE = [
    ([STRONG_YES, STRONG_YES, YES, YES], True),
    ([STRONG_YES, STRONG_YES, STRONG_YES, STRONG_YES], True),
    ([STRONG_YES, YES, YES, YES], False),  # one Strong Yes short
    ([STRONG_YES, STRONG_YES, YES, NO], False),  # one No blocks
    ([STRONG_YES, STRONG_YES, STRONG_YES, STRONG_NO], False),
    ([YES, YES, YES, YES], False),  # "Yes is a rejection"
]


@pytest.mark.parametrize(("ratings", "advances"), COMMITTEE)
def test_committee_rule_at_its_edges(ratings: list[str], advances: bool) -> None:
    assert committee_verdict(ratings).advance is advances
