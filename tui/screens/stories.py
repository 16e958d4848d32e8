"""The story workshop: the player's own stories, written, critiqued, versioned (``y`` on home).

Candidates are told to prepare three stories in which they changed a technical direction
with data or a simulation. Here they write them (a title and the text), see what a
behavioral-round interviewer would make of each (``engine.stories.critique``: numbers with
units, mechanisms, authority or consensus, the probes that come next, the two-minute fit) and
keep every version (``Store.save_story`` never overwrites).

Nothing typed is lost: the title and text are kept as a draft (``story:new`` or
``story:<id>``) on every change, saved as a version on ctrl+s; Esc leaves with the draft kept
and says so; the game killed mid-sentence finds the draft when the story is opened again.

``telling_note`` is the behavioral round's hook: the drill's open verdict calls it to add
"closest story: X — numbers recalled 3 of 4 (missed: 18 %)" under a behavioral answer.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from engine import counted
from engine.store.db import StoreError
from tui.safe import plain, safe

if TYPE_CHECKING:
    from engine.store.db import Store
    from engine.stories import StoryCritique
    from engine.study.session import Feedback
    from tui.app import TpmDrillApp

#: The draft key of a story not saved yet; a saved one's is ``story:<id>``.
NEW_STORY_DRAFT = "story:new"


def story_draft_key(story_id: int | None) -> str:
    """Where the unsaved title and text of story ``story_id`` (None: a new one) are kept."""
    return NEW_STORY_DRAFT if story_id is None else f"story:{story_id}"


def pack_draft(title: str, body: str) -> str:
    """A story's draft as stored: the title and the text, as JSON."""
    return json.dumps({"title": title, "body": body}, ensure_ascii=False)


def unpack_draft(text: str | None) -> tuple[str, str] | None:
    """(title, body) of a stored draft; a draft that is not our JSON (edited by hand) is
    read as the text, so nothing in it is lost."""
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return "", text
    if not isinstance(data, dict):
        return "", text
    return str(data.get("title") or ""), str(data.get("body") or "")


class _LockHeld(Exception):
    """Another program holds the write lock: this keystroke's draft is skipped."""


def save_draft_now(store: Store, key: str, text: str) -> bool:
    """Keep ``text`` as draft ``key``, never waiting on another program's lock (the next
    keystroke tries again); whether it was kept."""

    def no_wait(_seconds: float) -> None:
        raise _LockHeld

    store.on_wait = no_wait
    try:
        store.save_draft(key, text)
        return True
    except (_LockHeld, StoreError):
        return False
    finally:
        store.on_wait = None


def story_line(story: dict[str, Any]) -> str:
    """One story in the list: title, versions, words, key numbers (plain text)."""
    from engine.stories import key_numbers, word_count

    numbers = ", ".join(n.typed for n in key_numbers(story["body"])[:4]) or "no numbers yet"
    archived = "  (archived)" if story.get("archived_at") else ""
    return (f"{story['title']}{archived}\n    {counted(story['versions'], 'version')} · "
            f"{counted(word_count(story['body']), 'word')} · {numbers}")


def render_critique(found: StoryCritique) -> str:
    """The critique as markup; every piece of the player's text through ``safe``."""
    fits = "[$success]fits two minutes[/]" if found.fits_two_minutes else \
        "[$error]over two minutes[/]"
    length = found.length_line.rsplit(" — ", 1)[0]
    lines = [f"[b]Critique[/b]  {safe(length)} — {fits}"]
    numbers = ", ".join(n.typed for n in found.numbers)
    lines.append(f"Numbers with units: {safe(numbers)}" if numbers else
                 "Numbers with units: [$error]none[/] — say what moved, with units")
    if found.unitless:
        lines.append(f"[$warning]Without a unit:[/] {safe(', '.join(found.unitless))}")
    lines.append(f"Mechanisms: {len(found.mechanisms)} · causal claims: "
                 f"{len(found.causal_claims)} · quantified tradeoffs: {len(found.tradeoffs)}")
    for sentence in found.causal_claims[:2]:
        lines.append(f"  [dim]· {safe(_clip(sentence))}[/dim]")
    if found.authority:
        for shown in found.authority:
            lines.append(f"[$success]✓ {safe(shown.kind)}[/] [dim]— "
                         f"\"{safe(_clip(shown.sentence))}\"[/dim]")
    else:
        lines.append("[$warning]No technical authority heard[/] — proved, modelled, "
                     "simulated, measured, overrode?")
    for heard in found.consensus:
        lines.append(f"[$error]⚑ \"{safe(heard.found)}\"[/] — {safe(heard.why)}")
    if found.probes:
        lines.append("[b]An interviewer would ask next[/b]")
        lines += [f" ? {safe(probe)}" for probe in found.probes]
    lines.append(f"[dim]Automatic score as a behavioral answer: {found.score:.0%}[/dim]")
    return "\n".join(lines)


def _clip(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def telling_note(store: Store, feedback: Feedback) -> str:
    """Markup to put first in a behavioral open answer's feedback: the closest of the player's
    stories and the numbers the answer recalled from it ("closest story: X — numbers
    recalled 3 of 4 (missed: 18 %)"); '' when the question is not behavioral, the answer
    is a retell card's (graded against its own story already) or there are no stories.
    A store that cannot be read costs the note, never the verdict."""
    from engine.stories import is_retell_card, telling_line

    question = feedback.question
    behavioral = "behavioral" in question.rounds or question.topic.startswith("behavioral")
    if not behavioral or is_retell_card(question.item_id) or question.kind != "open":
        return ""
    try:
        stories = store.stories()
    except StoreError:
        return ""
    line = telling_line(feedback.answer_text, stories)
    return f"[b]Your stories[/b] — {safe(line)}\n\n" if line else ""


# -- the list ----------------------------------------------------------------------------------


class StoriesScreen(Screen[None]):
    """Every story kept; Enter edits, n writes a new one, v shows the versions."""

    BINDINGS = [
        Binding("n", "new", "New story", id="stories.new",
                tooltip="Write a new story (kept as a draft as you type)"),
        Binding("v", "versions", "Versions", id="stories.versions",
                tooltip="Every saved version of the highlighted story"),
        Binding("a", "archive", "Archive", id="stories.archive",
                tooltip="Off the list and the drill; its text stays in the file"),
        Binding("escape", "back", "Back", id="stories.back"),
    ]
    DEFAULT_CSS = """
    StoriesScreen #stories-intro { height: auto; padding: 0 1; }
    StoriesScreen #stories-list { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.stories: list[dict[str, Any]] = []

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="stories-intro")
        yield OptionList(id="stories-list")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "your stories"
        self.refresh_list()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        """Re-read the stories and show them, keeping the highlight."""
        store = self.drill_app.store
        listing = self.query_one("#stories-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        try:
            self.stories = store.stories()
            pending = store.draft(NEW_STORY_DRAFT) is not None
        except StoreError as error:
            self.query_one("#stories-intro", Static).update(
                f"[b $error]Your stories cannot be read:[/] {safe(error)}")
            return
        intro = ("Prepare three stories where you changed a technical direction with data "
                 "or a simulation. Enter edits · n new · v versions · a archive · Esc back.")
        if pending:
            intro += "\n[$warning]An unsaved new story is kept as a draft: n opens it.[/]"
        if not self.stories:
            intro += "\nNo stories yet: press n to write one."
        self.query_one("#stories-intro", Static).update(intro)
        listing.add_options([Option(plain(story_line(story)), id=str(story["id"]))
                             for story in self.stories])
        if self.stories:
            listing.highlighted = min(highlighted or 0, len(self.stories) - 1)
            listing.focus()

    def _highlighted(self) -> dict[str, Any] | None:
        index = self.query_one("#stories-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.stories):
            return None
        return self.stories[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        story = next((s for s in self.stories if str(s["id"]) == event.option.id), None)
        if story is not None:
            self.app.push_screen(StoryEditScreen(story["id"]))

    def action_new(self) -> None:
        self.app.push_screen(StoryEditScreen(None))

    def action_versions(self) -> None:
        story = self._highlighted()
        if story is not None:
            self.app.push_screen(StoryVersionsScreen(story["id"]))

    def action_archive(self) -> None:
        story = self._highlighted()
        if story is None:
            return
        try:
            self.drill_app.store.archive_story(story["id"], self.drill_app.clock.now())
        except StoreError as error:
            self.notify(safe(error), title="Could not archive", severity="error")
            return
        self.notify(f"Archived \"{safe(story['title'])}\": off the list and the drill; its "
                    "text is kept (tpm-drill stories archive ID --undo brings it back).",
                    timeout=5)
        self.refresh_list()

    def action_back(self) -> None:
        self.dismiss(None)


# -- writing and editing -----------------------------------------------------------------------


class StoryEditScreen(Screen[None]):
    """A story's title and text, kept as a draft on every change, saved as a version on
    ctrl+s; the critique under the text, refreshed on each save."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save version", id="story.save", priority=True,
                tooltip="Keep this text as a new version (earlier ones stay)"),
        Binding("ctrl+r", "critique", "Critique", id="story.critique", priority=True,
                tooltip="Critique the text as it stands, without saving a version"),
        Binding("escape", "back", "Back (draft kept)", id="story.back", priority=True,
                tooltip="Leave; what is not saved stays as a draft"),
    ]
    DEFAULT_CSS = """
    StoryEditScreen #story-title { margin: 0 1; }
    StoryEditScreen #story-body { height: 9; margin: 0 1; }
    StoryEditScreen #story-status { height: 1; padding: 0 1; }
    StoryEditScreen #story-critique-box { height: 1fr; padding: 0 1; }
    """

    def __init__(self, story_id: int | None) -> None:
        super().__init__()
        self.story_id = story_id
        #: The title and text as last saved as a version ("" for a new story).
        self.saved: tuple[str, str] = ("", "")
        #: What is on disk as the draft or the version (the Changed events of loading the
        #: widgets arrive after on_mount: they find nothing new to keep).
        self._kept: tuple[str, str] | None = None
        self._initial_focus: object = None

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    @property
    def draft_key(self) -> str:
        return story_draft_key(self.story_id)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Title, e.g. Async checkpoints on the 1,024-GPU run",
                    id="story-title")
        yield TextArea(id="story-body", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="story-status")
        with VerticalScroll(id="story-critique-box"):
            yield Static("", id="story-critique")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "new story" if self.story_id is None else f"story {self.story_id}"
        store = self.drill_app.store
        try:
            if self.story_id is not None:
                story = next((s for s in store.stories(include_archived=True)
                              if s["id"] == self.story_id), None)
                if story is not None:
                    self.saved = (story["title"], story["body"])
            kept = unpack_draft(store.draft(self.draft_key))
        except StoreError as error:
            self.say(f"[$error]{safe(error)}[/]")
            kept = None
        title, body = kept if kept is not None else self.saved
        self.query_one("#story-title", Input).value = title
        self.query_one("#story-body", TextArea).load_text(body)
        self._kept = (title, body)
        if kept is not None and kept != self.saved:
            self.say("[$warning]Your unsaved draft is back.[/] ctrl+s keeps it as a version.")
        else:
            self.say("Typing is kept as a draft · ctrl+s saves a version · ctrl+r critique")
        self.show_critique(title, body)
        if title:
            editor = self.query_one("#story-body", TextArea)
            editor.move_cursor(editor.document.end)
            self._initial_focus = editor
        else:
            self._initial_focus = self.query_one("#story-title", Input)
        self._initial_focus.focus()

    def current(self) -> tuple[str, str]:
        """(title, text) as on screen now."""
        return (self.query_one("#story-title", Input).value,
                self.query_one("#story-body", TextArea).text)

    def say(self, markup: str) -> None:
        self.query_one("#story-status", Static).update(markup)

    def on_descendant_focus(self, event: Any) -> None:
        """Say which field has the keys (Tab moves between the title and the text); not
        on the first focus, which would hide what opening the story said."""
        from engine.stories import word_count

        if self._initial_focus is not None:  # the focus on_mount gave (and any before it)
            if event.widget is self._initial_focus:
                self._initial_focus = None
            return
        body = self.query_one("#story-body", TextArea)
        if event.widget is body:
            self.say(f"writing the story · {counted(word_count(body.text), 'word')} · "
                     "ctrl+s saves a version · Esc back")
        elif event.widget is self.query_one("#story-title", Input):
            self.say("writing the title · Tab to the story · ctrl+s saves a version")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.keep_draft()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.keep_draft()

    def keep_draft(self) -> None:
        """Keep what is on screen as the story's draft (none when it is what was saved)."""
        title, body = self.current()
        if self._kept is None or (title, body) == self._kept:
            return
        from engine.stories import word_count

        unchanged = (title, body) == self.saved
        text = "" if unchanged or not (title.strip() or body.strip()) else pack_draft(title,
                                                                                       body)
        if save_draft_now(self.drill_app.store, self.draft_key, text):
            self._kept = (title, body)
            state = "saved" if unchanged else "draft kept"
            self.say(f"{state} · {counted(word_count(body), 'word')} · ctrl+s saves a "
                     "version · Esc back")
        else:
            self.say("[$warning]draft not kept this time (the file is busy); it is tried "
                     "again as you type[/]")

    def show_critique(self, title: str, body: str) -> None:
        from engine.stories import STORY_QUESTION_ID, critique

        if not body.strip():
            self.query_one("#story-critique", Static).update(
                "[dim]Write the story: the situation in numbers, what you modelled or "
                "measured, who disagreed, what you decided, what moved.[/dim]")
            return
        found = critique(title, body, self.drill_app.bank.get(STORY_QUESTION_ID))
        self.query_one("#story-critique", Static).update(render_critique(found))

    def action_critique(self) -> None:
        """Critique what is on screen now (saved or not)."""
        title, body = self.current()
        self.show_critique(title, body)
        self.query_one("#story-critique-box", VerticalScroll).scroll_home(animate=False)

    def action_save(self) -> None:
        """Keep the text as a new version; the draft goes, the critique is redone."""
        title, body = self.current()
        title = " ".join(title.split())
        if not title:
            self.say("[$error]Give the story a title first[/] (your text is kept as a draft).")
            self.query_one("#story-title", Input).focus()
            return
        if not body.strip():
            self.say("[$error]Nothing to save yet: write the story.[/]")
            return
        app = self.drill_app
        try:
            story_id, version = app.store.save_story(self.story_id, title, body,
                                                     app.clock.now())
            old_key = self.draft_key
            self.story_id = story_id
            app.store.clear_draft(old_key)
            app.store.clear_draft(self.draft_key)
        except StoreError as error:
            self.say(f"[$error]Not saved: {safe(error)}[/] Your text is kept as a draft.")
            return
        self.saved = self._kept = (title, body)
        self.query_one("#story-title", Input).value = title
        self.sub_title = f"story {story_id}"
        self.say(f"[$success]Saved as version {version}.[/] Esc back")
        self.show_critique(title, body)

    def action_back(self) -> None:
        """Leave; what differs from the saved version stays as a draft, and we say so."""
        if self.current() != self.saved and any(part.strip() for part in self.current()):
            self.keep_draft()
            self.app.notify("Your unsaved text is kept as a draft: open the story again "
                            "to finish it.", title="Draft kept", timeout=5)
        self.dismiss(None)


# -- versions ----------------------------------------------------------------------------------


class StoryVersionsScreen(Screen[None]):
    """A story's versions, oldest first, the highlighted one's text shown read-only; r
    restores it as a new version (nothing is overwritten)."""

    BINDINGS = [
        Binding("r", "restore", "Restore as new version", id="story_versions.restore",
                tooltip="Save the highlighted version's text as the latest version"),
        Binding("escape", "back", "Back", id="story_versions.back"),
    ]
    DEFAULT_CSS = """
    StoryVersionsScreen #versions-list { height: 7; }
    StoryVersionsScreen #versions-box { height: 1fr; padding: 0 1; }
    """

    def __init__(self, story_id: int) -> None:
        super().__init__()
        self.story_id = story_id
        self.versions: list[dict[str, Any]] = []

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="versions-list")
        with VerticalScroll(id="versions-box"):
            yield Static("", id="versions-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"story {self.story_id}: versions"
        self.refresh_versions(last=True)

    def refresh_versions(self, last: bool = False) -> None:
        listing = self.query_one("#versions-list", OptionList)
        try:
            self.versions = self.drill_app.store.story_versions(self.story_id)
        except StoreError as error:
            self.query_one("#versions-text", Static).update(f"[$error]{safe(error)}[/]")
            return
        listing.clear_options()
        listing.add_options([
            Option(plain(f"v{v['version']}  {str(v['saved_at'])[:16]}  {v['title']}"),
                   id=str(v["version"])) for v in self.versions])
        if self.versions:
            listing.highlighted = len(self.versions) - 1 if last else 0
            self.show_version(listing.highlighted or 0)
        listing.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_version(event.option_index)

    def show_version(self, index: int) -> None:
        if not 0 <= index < len(self.versions):
            return
        version = self.versions[index]
        latest = " (latest)" if index == len(self.versions) - 1 else ""
        self.query_one("#versions-text", Static).update(
            f"[b]Version {version['version']}{latest}[/b] — {safe(version['title'])}\n\n"
            f"{safe(version['body'])}")

    def action_restore(self) -> None:
        index = self.query_one("#versions-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.versions):
            return
        version = self.versions[index]
        app = self.drill_app
        try:
            _story_id, saved = app.store.save_story(self.story_id, version["title"],
                                                    version["body"], app.clock.now())
        except StoreError as error:
            self.notify(safe(error), title="Not restored", severity="error")
            return
        if saved == version["version"] or index == len(self.versions) - 1:
            self.notify("That is already the latest text.", timeout=3)
        else:
            self.notify(f"Version {version['version']} restored as version {saved}; every "
                        "earlier version is kept.", timeout=4)
        self.refresh_versions(last=True)

    def action_back(self) -> None:
        self.dismiss(None)
