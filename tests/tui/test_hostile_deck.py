"""A hostile deck, config and database walked through every screen of the real app.

Every text field of a shared deck (and the database's answer text and topic names, and a
config keymap) carries Textual markup that runs app actions when clicked
(``[@click=app.quit]``, ``[@click=app.screenshot(...)]``), plain markup (``[b]bold[/b]``) and
terminal control sequences (OSC 0 window title, ``ESC[2J`` clear screen, BEL). On each screen:

* **nothing reaches the terminal**: the screen's compositor renders the strips the driver
  would write (``Compositor.render_strips``: the very segments ``LayoutUpdate`` sends, before
  Textual adds its own cursor moves), and no segment's text holds a control character;
* **no action is reachable**: no rendered cell carries an ``@click`` that names an ``app.``
  action, and clicking every cell that carries any ``@click``, every place where the hostile
  text is shown, and every widget showing deck text leaves the app running and the victim
  file as it was (no new file in its folder);
* **the text is shown as text**: the literal ``[@click=app.quit]`` is on screen.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from textual.strip import Strip
from textual.widgets import Input, SelectionList, TextArea
from textual.widgets._footer import FooterKey

from engine.bank import load_content
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from tests.reliability.helpers import card, review
from tui.app import TpmDrillApp
from tui.screens.done import DoneScreen
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen
from tui.screens.interview import InterviewDateScreen
from tui.screens.loop import DebriefScreen, LoopScreen, PauseScreen, RoundIntroScreen
from tui.screens.stats import StatsScreen
from tui.screens.weak import WeakScreen

QUIT_LINK = "[@click=app.quit]"
#: What a terminal acts on: C0 controls (tab and newline are layout, not commands), DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def hostile(victim_dir: Path, tag: str) -> str:
    """The payload every text field carries (``tag`` tells the fields apart on screen)."""
    screenshot = f"[@click=app.screenshot('victim.txt','{victim_dir}')]"
    return (f"{tag} {QUIT_LINK} {screenshot} [b]bold[/b] \x1b]0;pwned\x07 \x1b[2J \x07 "
            f"{QUIT_LINK}end")


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (control characters as \\u escapes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7f else c
                         for c in escaped) + '"'


def hostile_deck(victim_dir: Path) -> str:
    """A numeric fact, a short-text fact, a problem and an open question, every text field
    hostile, plus one broken item whose error message (shown at start) quotes hostile text."""
    def h(tag: str) -> str:
        return toml_string(hostile(victim_dir, tag))

    return f"""
[deck]
id = "hostile"
title = {h("deck-title")}

[[facts]]
id = "hostile.fact.value"
topic = "hostile.facts"
level = "L4"
prompt = {h("fact-prompt")}
value = 80
unit = "GB"
source = {h("fact-source")}
explanation = {h("fact-explanation")}

[[facts]]
id = "hostile.fact.text"
topic = "hostile.facts"
level = "L4"
prompt = {h("text-prompt")}
answers = ["hbm3", {h("text-answer")}, {h("text-answer2")}]
source = {h("text-source")}
explanation = {h("text-explanation")}

[[problems]]
id = "hostile.problem"
topic = "hostile.problems"
level = "L4"
model = "train_flops"
prompt = {toml_string(hostile(victim_dir, "problem-prompt") + " {preset} on {tokens:count}")}
unit = "FLOP"
tolerance = "rel:10%,30%"
source = {h("problem-source")}
explanation = {h("problem-explanation")}
[problems.params]
tokens = {{ choices = [1e12] }}
[[problems.presets]]
label = {h("preset-label")}
params = 7e10

[[open]]
id = "hostile.open"
topic = "hostile.open"
level = "L4"
rounds = ["program_design"]
prompt = {h("open-prompt")}
source = {h("open-source")}
explanation = {h("open-explanation")}
model_answer = {h("model-answer")}
[[open.key_points]]
point = {h("point-one")}
phrasings = ["mtbf"]
[[open.key_points]]
point = {h("point-two")}
phrasings = ["young"]
[[open.red_flags]]
phrasings = ["aligned stakeholders"]
why = {h("red-flag-why")}

[[facts]]
id = "hostile.broken"
topic = {h("broken-topic")}
level = "L4"
prompt = "broken"
value = 1
unit = ""
source = "s"
explanation = "e"
"""


class Walk:
    """The app under attack, and the checks made on every screen it shows."""

    def __init__(self, app: TpmDrillApp, pilot, victim: Path) -> None:
        self.app = app
        self.pilot = pilot
        self.victim = victim
        self.victim_text = victim.read_text()
        self.victim_folder = sorted(victim.parent.iterdir())
        self.screens_seen: set[str] = set()
        self.clicks = 0

    def strips(self) -> list[Strip]:
        return self.app.screen._compositor.render_strips()

    def assert_intact(self, where: str) -> None:
        assert self.app.is_running and self.app._exit_renderables == [], \
            f"{where}: the app stopped"
        assert self.victim.read_text() == self.victim_text, f"{where}: victim.txt overwritten"
        assert sorted(self.victim.parent.iterdir()) == self.victim_folder, \
            f"{where}: a file appeared"

    async def check(self, where: str, *selectors: str, literal: bool = True,
                    click_text: bool = True) -> None:
        """The screen now on top: no control character rendered, no ``app.`` action on a
        cell, the hostile text shown as text, and clicking anywhere that shows it harmless."""
        await self.pilot.pause()
        self.screens_seen.add(type(self.app.screen).__name__)
        strips = self.strips()
        clickable: list[tuple[int, int]] = []
        for y, strip in enumerate(strips):
            x = 0
            for segment in strip:
                assert not CONTROL.search(segment.text), \
                    f"{where}: control character on screen line {y}: {segment.text!r}"
                action = segment.style.meta.get("@click") if segment.style else None
                if action:
                    assert "app." not in str(action), f"{where}: clickable {action!r}"
                    clickable.append((x, y))
                x += segment.cell_length
        lines = [strip.text for strip in strips]
        shown = [(line.index(QUIT_LINK), y) for y, line in enumerate(lines) if QUIT_LINK in line]
        if literal:
            assert shown, f"{where}: {QUIT_LINK} not shown as text:\n" + "\n".join(lines)
        for x, y in clickable:
            await self.click_at(x, y, where)
        clicked_text: dict[int, int] = {}  # the first two places per widget showing the text
        for x, y in shown if click_text else []:
            widget, _region = self.app.screen.get_widget_at(x + 3, y)
            if isinstance(widget, FooterKey):  # a footer key runs its binding: ours
                continue
            clicked_text[id(widget)] = clicked_text.get(id(widget), 0) + 1
            if clicked_text[id(widget)] <= 2:
                await self.click_at(x + 3, y, where)
        for selector in selectors:  # and a click on each of the widget's first lines
            region = self.app.screen.query_one(selector).region
            for dy in range(min(region.height, 3)):
                await self.click_at(region.x + 2, region.y + dy, f"{where} {selector}")

    async def click_at(self, x: int, y: int, where: str) -> None:
        screen = self.app.screen
        await self.pilot.click(offset=(x, y))
        await self.pilot.pause()
        self.clicks += 1
        self.assert_intact(f"{where} (click at {x},{y})")
        assert self.app.screen is screen, f"{where}: a click at {x},{y} changed the screen"


async def answer_right(pilot, screen: DrillScreen) -> None:
    """Answer the question on screen well, so its card graduates and the drill can end."""
    from grading.units import convert

    question = screen.session.question
    assert question is not None
    if question.kind == "open":
        screen.query_one("#drill-essay", TextArea).text = "mtbf and young"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen.query_one("#self-check", SelectionList).select_all()
        await pilot.press("ctrl+s")
    else:
        value = convert(question.reference_value, question.reference_unit,
                        question.display_unit)
        screen.query_one("#drill-answer", Input).value = (
            "hbm3" if question.kind == "text" else f"{value:.6g} {question.display_unit}")
        await pilot.press("enter")
    await pilot.pause()
    assert screen.session.feedback is not None
    await pilot.press("enter")
    await pilot.pause()


async def answer_drill(walk: Walk, mode: str) -> None:
    """Answer every question of the drill on screen. The first time an item is asked: a
    hostile line (shown back as a message), then don't know for facts and problems, and an
    essay that hits a key point and the red flag, self-checked by clicking the key points.
    When it comes back, it is answered right, until the drill ends."""
    pilot, app = walk.pilot, walk.app
    seen: set[str] = set()
    for _answer in range(40):
        screen = app.screen
        if not isinstance(screen, DrillScreen) or screen.session.question is None:
            break
        question = screen.session.question
        if question.item_id in seen:
            await answer_right(pilot, screen)
            continue
        seen.add(question.item_id)
        await walk.check(f"{mode} question {question.item_id}", "#drill-prompt",
                         "#drill-status")
        if question.kind == "open":
            screen.query_one("#drill-essay", TextArea).text = (
                "The job mtbf shrinks; we aligned stakeholders. " + hostile(walk.victim.parent,
                                                                            "typed-essay"))
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert screen.checking
            checklist = screen.query_one("#self-check", SelectionList)
            await walk.check(f"{mode} self-check", "#self-check", "#feedback-body")
            for row in range(checklist.option_count):  # tick/untick by clicking each row
                await walk.click_at(checklist.region.x + 4, checklist.region.y + row,
                                    f"{mode} self-check row {row}")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not screen.checking
        else:
            answer = screen.query_one("#drill-answer", Input)
            answer.value = hostile(walk.victim.parent, "typed-answer")
            await pilot.press("enter")
            await pilot.pause()
            if screen.session.feedback is None:  # not gradable: said why, nothing stored
                await walk.check(f"{mode} retry {question.item_id}", "#drill-message",
                                 literal=False)
                answer.value = "?"  # don't know: the reference and the work are shown
                await pilot.pause()
        assert screen.session.feedback is not None
        await walk.check(f"{mode} verdict {question.item_id}", "#feedback-body")
        await pilot.press("enter")
        await pilot.pause()
    else:
        raise AssertionError(f"{mode}: the drill did not end after 40 answers")
    assert seen


async def test_every_screen_survives_a_hostile_deck(tmp_path: Path, clock: FakeClock) -> None:
    victim_dir = tmp_path / "victim"
    victim_dir.mkdir()
    victim = victim_dir / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "hostile.toml").write_text(hostile_deck(victim_dir))
    bank = load_content([tmp_path / "decks"], include_builtin=False)
    assert sorted(bank.items) == ["hostile.fact.text", "hostile.fact.value", "hostile.open",
                                  "hostile.problem"]
    assert len(bank.errors) == 1 and QUIT_LINK in str(bank.errors[0])
    db_path = tmp_path / "progress.db"
    store = Store(db_path)  # a database edited by hand: a hostile topic and answer text
    bad = hostile(victim_dir, "db-topic")
    store.record_review(replace(review("hostile.gone", answer=hostile(victim_dir, "db-answer")),
                                topic=bad), card("hostile.gone"))  # a card no deck has now
    store.close()
    clock.advance(days=4)  # the hand-edited card is due again
    # A hand-edited config: a key name with markup and a control sequence, a bogus theme.
    config = Config(keymap=(("home.interview", f"\x1b[2J{QUIT_LINK},i"),), theme=QUIT_LINK)
    app = TpmDrillApp(db_path, config=config, clock=clock, bank=bank, seed=7)
    async with app.run_test(size=(100, 40)) as pilot:
        walk = Walk(app, pilot, victim)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await walk.check("home with the content-problems notice", "#home-stats")
        app.clear_notifications()
        await pilot.press("i")  # the interview date, typed as a hostile string
        await pilot.pause()
        assert isinstance(app.screen, InterviewDateScreen)
        app.screen.query_one("#interview-date", Input).value = hostile(victim_dir, "date")
        await pilot.press("enter")
        await walk.check("interview date refused", "#interview-message")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("d")
        await pilot.pause()
        await answer_drill(walk, "drill")
        assert isinstance(app.screen, DoneScreen)
        await walk.check("done", "#done-body", literal=False)
        await pilot.press("enter")
        await pilot.pause()

        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, WeakScreen)
        await walk.check("weak", "#weak-body")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await walk.check("stats", "#stats-topics", "#stats-calibration")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("ctrl+p")  # the palette lists the keymap's keys in its help
        await pilot.pause()
        await pilot.press(*"interview")
        await pilot.pause()
        # (a click on a command runs it: the palette's own clicks are not tried)
        await walk.check("palette", click_text=False)
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("l")  # the loop's options, then Enter: the defaults
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        await walk.check("round intro", "#intro-body", literal=False)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoopScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        await walk.check("pause", "#pause-body", literal=False)
        await pilot.press("f2")
        await pilot.pause()
        await answer_drill(walk, "loop")
        while isinstance(app.screen, RoundIntroScreen):  # the other rounds: ended at once
            await pilot.press("enter")
            await pilot.pause()
            if isinstance(app.screen, LoopScreen):
                await pilot.press("f3")
                await pilot.pause()
                await pilot.press("y")  # "End this round now?"
                await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await walk.check("debrief", "#debrief-verdict", "#debrief-body")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        walk.assert_intact("back home")
    assert walk.screens_seen >= {"HomeScreen", "InterviewDateScreen", "DrillScreen",
                                 "DoneScreen", "WeakScreen", "StatsScreen", "CommandPalette",
                                 "RoundIntroScreen", "PauseScreen", "LoopScreen",
                                 "DebriefScreen"}
    assert victim.read_text() == "precious\n"
