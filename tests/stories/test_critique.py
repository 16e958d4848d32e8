"""engine.stories.critique and key_numbers on hand-written stories."""

from __future__ import annotations

import pytest

from engine.stories import (
    CONSENSUS_WHY,
    MAX_KEY_NUMBERS,
    SPOKEN_WORDS_PER_MINUTE,
    TWO_MINUTES_SECONDS,
    critique,
    key_numbers,
    word_count,
)
from tests.stories._stories import (
    CONSENSUS,
    CONSENSUS_TITLE,
    STRONG,
    STRONG_TITLE,
    VAGUE,
    VAGUE_TITLE,
    words,
)


def test_strong_story_numbers_authority_and_mechanism() -> None:
    found = critique(STRONG_TITLE, STRONG)
    typed = [number.typed for number in found.numbers]
    assert typed[:4] == ["1,024-GPU", "40 s", "30 minutes", "2.2 %"]
    assert "1.8 %" in typed and "$40k" in typed
    kinds = {a.kind: a for a in found.authority}
    assert set(kinds) >= {"modelled", "simulated", "measured", "overrode"}
    assert "cost model" in kinds["modelled"].sentence
    assert "overrode the plan" in kinds["overrode"].sentence
    assert found.consensus == ()
    assert any(s.startswith("Because the save") for s in found.mechanisms)
    assert any("fell from 2.2 %" in s for s in found.causal_claims)
    assert found.fits_two_minutes
    # Baseline, counterfactual, cost, owner, opposition, mechanism, numbers: all there.
    assert found.probes == ()
    assert found.score > 0.5


def test_consensus_story_says_why_it_hurts() -> None:
    found = critique(CONSENSUS_TITLE, CONSENSUS)
    heard = {c.found.lower() for c in found.consensus}
    assert "got everyone on board" in heard
    assert any("facilitated" in h for h in heard)
    assert any(c.why == CONSENSUS_WHY for c in found.consensus)
    assert "alignment is unnecessary" in CONSENSUS_WHY
    assert found.authority == ()
    assert any(p.startswith('You say "') for p in found.probes)
    assert any("what model, simulation or measurement" in p for p in found.probes)
    assert any("Who made the call" in p for p in found.probes)
    assert any("33 % of what" in p for p in found.probes)


def test_vague_story_gets_the_missing_pieces_as_probes() -> None:
    found = critique(VAGUE_TITLE, VAGUE)
    assert found.numbers == ()
    assert found.unitless == ("40", "12")
    probes = " | ".join(found.probes)
    for expected in ("What moved, in numbers", "40 what?", "Name the mechanism",
                     "what model, simulation or measurement", "Who disagreed",
                     "Who made the call", "What would have happened otherwise",
                     "What did it cost"):
        assert expected in probes
    assert "baseline" not in probes  # no number to ask the baseline of


@pytest.mark.parametrize(("count", "fits"), [(299, True), (300, True), (301, False)])
def test_two_minute_edge(count: int, fits: bool) -> None:
    assert SPOKEN_WORDS_PER_MINUTE * TWO_MINUTES_SECONDS / 60 == 300
    text = words(count)
    assert word_count(text) == count
    found = critique("long", text)
    assert found.words == count
    assert found.spoken_seconds == pytest.approx(count * 60 / 150)
    assert found.fits_two_minutes is fits
    assert ("cut it to two minutes" in " ".join(found.probes)) is not fits
    assert ("fits two minutes" in found.length_line) is fits


def test_over_long_story_says_its_figure() -> None:
    found = critique("long", words(450))
    assert found.length_line == ("450 words ≈ 3:00 spoken at 150 words/min — over two "
                                 "minutes")
    assert any("It runs 3:00 spoken" in p for p in found.probes)


def test_key_numbers_distinct_in_order_and_capped() -> None:
    numbers = key_numbers("We cut 40 ms to 12 ms, then 12 ms again, on 64 GPUs for 3x.")
    assert [n.typed for n in numbers] == ["40 ms", "12 ms", "64 GPUs", "3x"]
    assert numbers[0].value == pytest.approx(0.040)
    assert numbers[0].kind == numbers[1].kind != numbers[2].kind
    many = " ".join(f"{n} GPUs," for n in range(10, 30))
    assert len(key_numbers(many)) == MAX_KEY_NUMBERS


def test_critique_never_raises_on_odd_text() -> None:
    for text in ("", "   ", "\x1b[2J 12 %% [@click=app.quit]", "1" * 5000, "5-3 ms"):
        found = critique("t", text)
        assert found.words == word_count(text)
    assert critique("t", None).words == 0  # type: ignore[arg-type]


def test_critique_to_dict_is_json_ready() -> None:
    import json

    data = critique(STRONG_TITLE, STRONG).to_dict()
    assert json.loads(json.dumps(data))["numbers"][0] == "1,024-GPU"
    assert data["fits_two_minutes"] is True


def test_authority_is_matched_exactly_and_negations_cancel_it() -> None:
    assert critique("t", "Things improved a lot and we approved it.").authority == ()
    found = critique("t", "We never simulated it. I modelled it and ran an A/B test.")
    assert [(a.kind, a.found) for a in found.authority] == [("modelled", "modelled"),
                                                            ("measured", "A/B test")]


def test_scored_against_the_behavioral_question() -> None:
    from engine.bank import load_content
    from engine.stories import STORY_QUESTION_ID

    question = load_content().get(STORY_QUESTION_ID)
    assert question is not None
    strong = critique(STRONG_TITLE, STRONG, question)
    weak = critique(CONSENSUS_TITLE, CONSENSUS, question)
    assert strong.score > weak.score
    assert strong.score > critique(STRONG_TITLE, STRONG).score  # key points count too


def test_a_times_sign_between_operands_is_no_factor() -> None:
    numbers = key_numbers("Young's interval is sqrt(2 x 160 s x 43,200 s) = 62 min; 2× (8 s) "
                          "beat a 3x speedup and 2 x 4 GPUs.")
    assert [n.typed for n in numbers] == ["160 s", "43,200 s", "62 min", "8 s", "3x", "4 GPUs"]


#: Nine distinct numbers: the set-up's five, then three results, one said again in a result.
OVERFULL_STORY = (
    "Our 1,024-GPU run spent 9% of its time in 2.1 TB saves every 30 minutes, 160 s each. "
    "I modelled it with a 12 h job MTBF. "
    "An async save cut the stall to 8 s. "
    "Goodput went from 86% to 93%, and the 9% was gone.")


def test_an_overfull_story_keeps_its_first_number_and_its_results() -> None:
    typed = [n.typed for n in key_numbers(OVERFULL_STORY)]
    # by hand: 9 distinct; results told last first: 9% (said again last), 93%, 86%, 8 s;
    # the first told (1,024-GPU) kept; three more in order told: 2.1 TB, 30 minutes, 160 s;
    # 12 h, the ninth, is left out; shown in the order told
    assert typed == ["1,024-GPU", "9%", "2.1 TB", "30 minutes", "160 s", "8 s", "86%", "93%"]
    assert len(typed) == MAX_KEY_NUMBERS


def test_a_story_at_the_cap_keeps_every_number_in_order() -> None:
    at_cap = OVERFULL_STORY.replace(" with a 12 h job MTBF", "")
    assert [n.typed for n in key_numbers(at_cap)] == [
        "1,024-GPU", "9%", "2.1 TB", "30 minutes", "160 s", "8 s", "86%", "93%"]
    one_over = at_cap.replace("I modelled it.", "I modelled it on 64 GPUs.")
    typed = [n.typed for n in key_numbers(one_over)]
    assert "64 GPUs" not in typed and typed[-3:] == ["8 s", "86%", "93%"]
