"""The drill's follow-up probes, headless at 80×24 with a fake clock and a real store: after
an open answer's self-check the interviewer asks each probe in the one-line box, grades it on
Enter (reference and verdict shown, ``?`` reveals, an unreadable answer re-entered with the
reason), then the rating keys work as before with the probes weighed in; Esc skips them and
the written rating stands (issue 14 item 4)."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Static, TextArea

from engine.bank import load_content
from engine.cases.probes import probed_rating
from engine.clock import FakeClock
from tests.cases.probe_helpers import GOOD
from tui.app import TpmDrillApp
from tui.screens.drill import DrillScreen

#: Covers both key points ("6ND", "MFU"); the deck's hostile-looking markup must show as text.
ESSAY = ("Compute is 6ND for the whole run. Time is compute over the achieved throughput, "
         "peak times MFU, so MFU decides the budget.")


def _plain(app: TpmDrillApp, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


def _app(tmp_path: Path, clock: FakeClock, deck: str = GOOD) -> TpmDrillApp:
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "t.toml").write_text(deck, encoding="utf-8")
    bank = load_content([tmp_path / "decks"], include_builtin=False)
    assert bank.errors == []
    return TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, start="drill")


async def _write_and_self_check(app: TpmDrillApp, pilot) -> DrillScreen:
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DrillScreen) and screen.long_form
    screen.query_one("#drill-essay", TextArea).text = ESSAY
    await pilot.press("ctrl+s")  # submit the essay
    await pilot.pause()
    assert screen.checking
    await pilot.press("ctrl+s")  # confirm the self-check as heard
    await pilot.pause()
    return screen


async def test_probes_are_asked_graded_and_weighed_into_the_rating(
        tmp_path: Path, clock: FakeClock) -> None:
    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _write_and_self_check(app, pilot)
        assert screen.probing is not None
        prompt = _plain(app, "#drill-prompt")
        assert "The interviewer follows up (1 of 2): It trains on 15T tokens" in prompt
        answer = screen.query_one("#drill-answer", Input)
        assert answer.display and answer.has_focus
        assert not screen.query_one("#drill-essay", TextArea).display  # room for the probe
        [written] = app.store.reviews()
        assert app.store.graded_steps() == []
        # The rating keys wait: a "1" goes into the box, not to the rating.
        await pilot.press("1", "backspace")
        assert [r["rating"] for r in app.store.reviews()] == [written["rating"]]
        # An unreadable answer stays in the box with the reason.
        await pilot.press(*"banana", "enter")
        await pilot.pause()
        assert "follow-up 1 (compute): could not read 'banana'" in _plain(app, "#drill-message")
        assert answer.value == "banana"
        # Twice the reference: off, and the next probe is asked.
        answer.value = "1.26e25 FLOP"
        await pilot.press("enter")
        await pilot.pause()
        assert "Follow-up 1 of 2: Off · reference 6.3e+24 FLOP" in _plain(app, "#verdict-head")
        assert "Off by 2.0×" in _plain(app, "#feedback-body")
        assert "(2 of 2): On 4,096 H100 SXM at 40% MFU" in _plain(app, "#drill-prompt")
        assert answer.value == ""
        # 90 days follows from the player's own 1.26e25 (2 × 45): consistent.
        answer.value = "90 days"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.probing is None
        feedback = screen.session.feedback
        assert feedback is not None and feedback.probes is not None
        assert [g.status for g in feedback.probes.steps] == ["off", "consistent"]
        written_score = feedback.self_score
        assert written_score is not None
        assert feedback.rating == probed_rating(written_score, feedback.probes)
        body = _plain(app, "#feedback-body")
        assert "consistent with your follow-up 1 (compute)" in body.lower()
        assert "What the grader heard" in body  # the open answer's verdict is still there
        tail = _plain(app, "#feedback-tail")
        assert "follow-ups 40%" in tail and "Enter:" in tail
        rows = app.store.graded_steps()
        assert [(r["kind"], r["step_id"], r["status"]) for r in rows] == [
            ("probe", "compute", "off"), ("probe", "days", "consistent")]
        assert screen.query_one("#drill-essay", TextArea).display  # back
        await pilot.press("enter")  # accept the rating and go on
        await pilot.pause()
        [review] = app.store.reviews()
        assert review["rating"] == feedback.rating and review["override"] == 0


async def test_question_mark_reveals_a_probe(tmp_path: Path, clock: FakeClock) -> None:
    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _write_and_self_check(app, pilot)
        await pilot.press("question_mark")  # a lone ? in the box: revealed
        await pilot.pause()
        assert "Follow-up 1 of 2: Revealed · reference 6.3e+24 FLOP" in \
            _plain(app, "#verdict-head")
        # The chain goes on from the reference: 45 days is right.
        screen.query_one("#drill-answer", Input).value = "45 days"
        await pilot.press("enter")
        await pilot.pause()
        assert [r["status"] for r in app.store.graded_steps()] == ["revealed", "exact"]
        assert screen.session.feedback.probes.score == 0.5


async def test_esc_skips_the_probes_and_the_written_rating_stands(
        tmp_path: Path, clock: FakeClock) -> None:
    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _write_and_self_check(app, pilot)
        written = screen.session.feedback
        assert written is not None and screen.probing is not None
        screen.query_one("#drill-answer", Input).value = "6.3e24 FLOP"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert screen.probing is None and isinstance(app.screen, DrillScreen)
        assert app.store.graded_steps() == []
        assert "Self-check" in _plain(app, "#feedback-tail")  # the written rating line
        await pilot.press("enter")
        await pilot.pause()
        [review] = app.store.reviews()
        assert review["rating"] == written.rating


async def test_undo_after_the_probes_takes_them_along(tmp_path: Path,
                                                     clock: FakeClock) -> None:
    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _write_and_self_check(app, pilot)
        answer = screen.query_one("#drill-answer", Input)
        for typed in ("6.3e24 FLOP", "45 days"):
            answer.value = typed
            await pilot.press("enter")
            await pilot.pause()
        assert len(app.store.graded_steps()) == 2
        screen.query_one("#drill-feedback").focus()
        await pilot.press("u")
        await pilot.pause()
        assert app.store.graded_steps() == [] and app.store.reviews() == []
        assert screen.answering and screen.probing is None


async def test_deck_text_in_a_probe_is_shown_not_run(tmp_path: Path, clock: FakeClock) -> None:
    deck = GOOD.replace("What is the training compute in FLOP?",
                        "What is the [b]training[/b] compute [@click=app.quit]?")
    app = _app(tmp_path, clock, deck)
    async with app.run_test(size=(80, 24)) as pilot:
        await _write_and_self_check(app, pilot)
        assert "[b]training[/b] compute [@click=app.quit]?" in _plain(app, "#drill-prompt")


async def test_the_longest_built_in_probes_keep_their_verdict_and_rating_in_view(
        tmp_path: Path, clock: FakeClock) -> None:
    """At 80×24, the built-in question with the longest probe prompts: each probe, its
    hint and the last verdict line are on screen above the footer, and so is the rating
    line once they are answered."""
    from content.loader import OpenQuestion
    from engine.study.session import StudySession

    bank = load_content()
    probed = [q for q in bank.items.values() if isinstance(q, OpenQuestion) and q.probes]
    question = max(probed, key=lambda q: len(q.prompt) + max(len(p.prompt) for p in q.probes))

    class OneCard:
        def pick(self, session: StudySession) -> str | None:
            return question.id if session.answered == 0 else None

    app = TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, start="home")

    def in_view(*texts: str) -> None:
        footer_row = app.screen.query_one("Footer").region.y
        lines = [strip.text for strip in app.screen._compositor.render_strips()][:footer_row]
        for text in texts:
            assert any(text in line for line in lines), (text, "\n".join(lines))

    async with app.run_test(size=(80, 24)) as pilot:
        session = StudySession(app.store, bank, app.scheduler, clock, picker=OneCard(),
                               seed=1)
        screen = DrillScreen(session)
        app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#drill-essay", TextArea).text = question.model_answer[:400]
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        posed = session.answer_probes()
        assert posed is not None and screen.probing is not None
        for index, step in enumerate(posed.steps):
            in_view(f"follows up ({index + 1} of {len(posed.steps)})", "Enter grades")
            screen.query_one("#drill-answer", Input).value = \
                f"{step.reference_display:.6g} {step.unit}".strip()
            await pilot.press("enter")
            await pilot.pause()
            if index + 1 < len(posed.steps):
                in_view(f"Follow-up {index + 1} of {len(posed.steps)}: Right")
        assert screen.probing is None
        in_view("follow-ups 100%", "Enter:")


async def test_a_failed_save_of_the_probes_is_said_and_enter_tries_again(
        tmp_path: Path, clock: FakeClock) -> None:
    from engine.store.db import StoreError

    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _write_and_self_check(app, pilot)
        store = app.store
        real = store.add_graded_steps
        failures = []

        def full_disk(*args, **kwargs) -> None:
            if not failures:
                failures.append(1)
                raise StoreError("database or disk is full")
            real(*args, **kwargs)

        store.add_graded_steps = full_disk  # type: ignore[method-assign]
        answer = screen.query_one("#drill-answer", Input)
        for typed in ("6.3e24 FLOP", "45 days"):
            answer.value = typed
            await pilot.press("enter")
            await pilot.pause()
        assert "Not saved — database or disk is full" in _plain(app, "#drill-message")
        assert screen.probing is not None and store.graded_steps() == []
        assert answer.has_focus and not answer.disabled
        await pilot.press("enter")  # try again: the answers given are sent as they were
        await pilot.pause()
        assert screen.probing is None
        assert [r["status"] for r in store.graded_steps()] == ["exact", "exact"]
