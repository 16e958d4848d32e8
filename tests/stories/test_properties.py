"""Whatever the text, critique and check_telling answer and keep their books straight."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.stories import check_telling, critique
from tests.stories._stories import HEARTBEAT, STRONG

#: Text made of story-like pieces (numbers, units, separators) and arbitrary characters.
PIECES = st.sampled_from(["18", "%", " ", "2,048", "GPU", "s", "ms", "-", "to", "$", "40k",
                          ".", "because", "I", "overrode", "facilitated", "\n", "1.5",
                          "x", "weeks", "from", "e9"])
TEXT = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=60).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_critique_never_raises(text: str) -> None:
    found = critique("t", text)
    assert found.words >= 0 and 0.0 <= found.score <= 1.0
    assert found.fits_two_minutes == (found.spoken_seconds <= 120)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from([HEARTBEAT, STRONG]))
def test_check_telling_accounts_for_every_number(text: str, body: str) -> None:
    check = check_telling(text, {"title": "t", "body": body, "id": 1})
    assert len(check.recalled) + len(check.changed) + len(check.missed) == check.total
    assert 0.0 <= check.score <= 1.0
    told_all = check_telling(body, {"title": "t", "body": body})
    assert told_all.score == 1.0  # the story told word for word recalls every number
