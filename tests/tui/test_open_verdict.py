"""The open-answer verdict shows why (issue #15): each key point with the sentence that earned
it, each contradiction and each wrong number, escaped, at 80×24."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Static, TextArea

from engine.bank import load_content
from engine.clock import FakeClock
from tui.app import TpmDrillApp

DECK = '''
[deck]
id = "t-verdict"

[[open]]
id = "t.open.flash"
topic = "inference.attention"
level = "L6"
rounds = ["technical_depth"]
prompt = "Why is FlashAttention faster?"
explanation = "IO-awareness."
model_answer = "Standard attention is memory-bound; FlashAttention tiles in SRAM."
[[open.key_points]]
point = "Standard attention is memory-bound"
phrasings = ["memory bound"]
misconceptions = ["fewer flops"]
[[open.key_points]]
point = "Tiles in on-chip SRAM"
phrasings = ["tiles & sram"]
[[open.key_points.figures]]
name = "H100 BF16 dense peak"
value = 989
unit = "TFLOP/s"
tolerance = "rel:5%"
phrasings = ["bf16"]
'''


def _plain(app, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


async def test_the_verdict_names_evidence_contradictions_and_wrong_numbers(
        tmp_path: Path, clock: FakeClock) -> None:
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "open.toml").write_text(DECK)
    bank = load_content([tmp_path / "decks"], include_builtin=False)
    assert bank.errors == []
    app = TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, start="drill")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        essay = app.screen.query_one("#drill-essay", TextArea)
        essay.text = ("FlashAttention tiles the [b]work[/b] into on-chip SRAM blocks. It does "
                      "fewer FLOPs than standard attention on an H100 at 1,979 TFLOP/s in BF16.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        body = " ".join(_plain(app, "#feedback-body").split())
        # The sentence that earned the point, with the player's markup shown, not applied.
        assert '"FlashAttention tiles the [b]work[/b] into on-chip SRAM blocks."' in body
        assert '"fewer FLOPs" contradicts: Standard attention is memory-bound' in body
        assert "1,979 TFLOP/s — H100 BF16 dense peak is 989 TFLOP/s" in body
        [row] = app.store.reviews()
        assert row["auto_score"] < 0.5


async def _verdict_of(tmp_path: Path, clock: FakeClock, answer: str) -> tuple[str, float]:
    """The verdict's text and the recorded automatic score for ``answer`` to the test deck's
    question, submitted in a drill at 80×24."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "open.toml").write_text(DECK)
    bank = load_content([tmp_path / "decks"], include_builtin=False)
    app = TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, start="drill")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#drill-essay", TextArea).text = answer
        await pilot.press("ctrl+s")
        await pilot.pause()
        body = " ".join(_plain(app, "#feedback-body").split())
        [row] = app.store.reviews()
        return body, row["auto_score"]


async def test_the_verdict_says_where_a_point_was_named_but_not_claimed(
        tmp_path: Path, clock: FakeClock) -> None:
    """A term list earns nothing; the verdict shows the line that named each point and why it
    did not count, so the player learns what to say instead (deck text and the answer's markup
    escaped)."""
    body, score = await _verdict_of(
        tmp_path, clock,
        "Memory bound, [i]tiles[/i], SRAM, HBM traffic, online softmax, recompute.")
    assert ('✗ Standard attention is memory-bound — named, not claimed: "Memory bound, '
            '[i]tiles[/i], SRAM, HBM traffic, online softmax, recompute."') in body
    assert "Named, not claimed: a term in a list" in body
    assert score <= 0.35


async def test_the_verdict_says_when_an_answer_worked_nothing_out(
        tmp_path: Path, clock: FakeClock) -> None:
    """Fluent claims with no number of their own are capped at the term-list bar, and the
    verdict says why, at 80×24."""
    body, score = await _verdict_of(
        tmp_path, clock,
        "Standard attention is memory bound because the score matrix goes out to HBM and back. "
        "FlashAttention tiles the work into on-chip SRAM blocks, so the scores never leave the "
        "chip.")
    assert "Capped at 35%: no number of your own" in body
    assert score == 0.35
