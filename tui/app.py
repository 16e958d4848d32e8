"""The Textual application: wiring of store, content, scheduler and clock into screens.

Everything the screens need is built here once and passed in; tests construct the app with a
``tmp_path`` database and a fake clock through ``build_app``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.screen import Screen

    from engine.loop.session import LoopSession
    from engine.study.custom import CustomPicker

from content.untrusted import clean_text
from engine import counted
from engine.bank import ContentBank, load_content
from engine.clock import Clock, SystemClock
from engine.config import Config
from engine.store.db import Store, StoreError
from engine.study.scheduler import Scheduler, saved_parameters
from engine.study.session import StudySession
from tui.safe import safe


class TpmDrillApp(App[None]):
    """tpm-drill: daily drills of the numbers an AI-infrastructure TPM loop asks for."""

    TITLE = "tpm-drill"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Leave tpm-drill", priority=True,
                show=False),
    ]

    def __init__(
        self,
        db_path: Path,
        config: Config | None = None,
        clock: Clock | None = None,
        start: str = "home",
        bank: ContentBank | None = None,
        seed: int | None = None,
        loop_options: dict[str, Any] | None = None,
        config_path: Path | None = None,
        custom: CustomPicker | None = None,
    ) -> None:
        super().__init__()
        self.config_data = config or Config()
        self.clock = clock or SystemClock()
        self.db_path = Path(db_path)
        self.start_screen = start
        self.seed = seed
        self.store = Store(self.db_path, self.clock, self.config_data.day_rollover_hour)
        self.store.abandon_stale_sessions(self.clock.now())
        self.bank = bank or load_content(self.config_data.deck_dirs)
        self.scheduler = Scheduler(self.config_data, saved_parameters(self.store))
        self.active_loop: LoopSession | None = None  # set by the loop screen while it runs
        self._drill_start_error: StoreError | None = None  # see get_default_screen
        self.loop_options = loop_options or {}
        #: ``start="custom"``: the custom study ``tpm-drill drill --topic ...`` opens on.
        self.custom = custom
        self.config_path = config_path
        self.theme = self.config_data.theme if self.config_data.theme in self.available_themes \
            else "textual-dark"
        #: After an unexpected exception: the one line to print on exit, naming the crash log.
        self.crash_line: str | None = None

    def _handle_exception(self, error: Exception) -> None:
        """An exception nothing handled: log it, exit with code 1, show no traceback; a
        ``StoreError`` (the file, not a bug) exits 2 with the store's message and no log.

        Textual's own handler renders the traceback with its locals (which can hold the
        player's answers and deck text) for printing after exit, and the process then exits 0.
        Here the traceback goes to a crash log next to the database and ``crash_line`` holds
        the one line ``tpm-drill`` prints (see ``tui.__main__._open_app``). The rest mirrors
        ``App._handle_exception`` (Textual is pinned exactly): return code 1, the first
        exception kept for ``run_test`` to re-raise in tests, and the app closed.
        """
        from textual.worker import WorkerFailed

        cause = error.error if isinstance(error, WorkerFailed) else error
        if isinstance(cause, StoreError) and self.crash_line is None:
            # Not a bug but a condition of the file (damaged, read-only, full, busy): the
            # store's own message, exit 2, no crash log. Nothing further is written: the app
            # closes, and a damaged store refuses writes anyway.
            from content.untrusted import clean_text

            self.crash_line = "tpm-drill: " + clean_text(str(cause)).replace("\n", " ")
            self._return_code = 2
            if self._exception is None:
                self._exception = error
                self._exception_event.set()
            self._close_messages_no_wait()
            return
        if self.crash_line is None:  # the first error is the cause; later ones follow from it
            try:
                from tui.crash import crash_line, data_folder, write_crash_log

                # A failed worker's own traceback (``cause``) is the useful one.
                log_path = write_crash_log(cause, data_folder(self.db_path))
                self.crash_line = crash_line(cause, log_path)
                if log_path is None:  # nowhere to write: print the traceback after exit
                    import traceback

                    from rich.text import Text

                    self._exit_renderables.append(Text("".join(
                        traceback.format_exception(cause))))
            except Exception:  # never let reporting hide the original error
                self.crash_line = f"tpm-drill: unexpected error ({type(error).__name__})"
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux and macOS the one that reads invalid
        UTF-8 as U+FFFD instead of dying on it (``tui.driver``)."""
        driver_class = super().get_driver_class()
        if driver_class.__module__ == "textual.drivers.linux_driver":  # not on Windows
            from tui.driver import RobustLinuxDriver

            return RobustLinuxDriver
        return driver_class

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette (ctrl+p): Textual's own commands, then every action the
        screen's keys offer right now (drill, loop, stats, don't know, pause, ...), each name
        once (home's q is Textual's Quit; q and Esc are one Back)."""
        titles: set[str] = set()
        for command in (*super().get_system_commands(screen), *screen_commands(self, screen)):
            if command.title not in titles:
                titles.add(command.title)
                yield command

    def get_default_screen(self) -> Screen[Any]:
        """The home screen, or the drill ``tpm-drill drill`` asks for, as the base of the
        screen stack: pushing it over Textual's empty default screen cost that screen's own
        compose, styling and layout first (~26 M instructions, 2 % of the start-up to the
        first question; tests/perf/pty_startup.py). A drill whose session cannot start gets
        the empty default screen, and ``on_mount`` says why and goes home."""
        screen: Screen[Any] | None = None
        if self.start_screen == "home":
            from tui.screens.home import HomeScreen

            screen = HomeScreen()
        elif self.start_screen in ("drill", "custom"):
            from tui.screens.drill import DrillScreen

            try:
                if self.start_screen == "custom" and self.custom is not None:
                    from engine.study.custom import custom_session

                    screen = DrillScreen(custom_session(self.store, self.bank, self.scheduler,
                                                        self.clock, self.custom, self.seed))
                else:
                    screen = DrillScreen(self.new_session("drill"))
            except StoreError as error:
                self._drill_start_error = error
        if screen is None:
            screen = super().get_default_screen()
        # What switch_screen gives the screen it puts at the base (Textual is pinned exactly):
        # without a result callback to pop, switching away from the base screen (drill ->
        # done, back home; also from Textual's empty default) raises IndexError.
        screen._push_result_callback(screen, None)
        return screen

    def on_mount(self) -> None:
        if self.config_data.keymap:
            self.apply_player_keymap(dict(self.config_data.keymap))
        if self.store.backup_warning:  # e.g. a full disk: the drill goes on, but say so
            self.notify(safe(self.store.backup_warning), title="No backup today",
                        severity="warning", timeout=12)
        if self.bank.errors:
            self.notify(  # the error quotes the deck: untrusted text
                f"{counted(len(self.bank.errors), 'deck item')} skipped: "
                f"{safe(self.bank.errors[0])}",
                title="Content problems", severity="warning", timeout=8,
            )
        if self._drill_start_error is not None:
            self._cannot_start_drill(self._drill_start_error)
        elif self.start_screen == "loop":
            self.start_loop(**self.loop_options)
        elif self.start_screen == "weak":
            from tui.screens.weak import WeakScreen

            self.push_screen(WeakScreen())
        elif self.start_screen == "stats":
            from tui.screens.stats import StatsScreen

            self.push_screen(StatsScreen())
        # Warm up after the first screen is drawn, so the import does not compete with it.
        self.set_timer(0.5, lambda: self.run_worker(
            _warm_grading, thread=True, exclusive=True, group="warm", exit_on_error=False))

    def apply_player_keymap(self, keymap: dict[str, str]) -> None:
        """Rebind keys from config.toml's ``[keymap]`` (binding id = "key[,key...]"); ids that
        no screen has are reported, not silently ignored."""
        known = known_binding_ids()
        unknown = sorted(set(keymap) - known)
        if unknown:
            self.notify(f"\\[keymap] in config.toml: unknown binding id(s) "
                        f"{safe(', '.join(unknown))}; "
                        f"known: {', '.join(sorted(known))}", title="Keymap",
                        severity="warning", timeout=12)
        # Key names are shown in the footer and the palette: no control characters there.
        self.set_keymap({key: clean_text(value) for key, value in keymap.items()
                         if key in known})

    def worker_store(self) -> Store:
        """A connection of its own for a thread worker (SQLite connections do not cross
        threads); no daily-backup check, since the app's own open already made it."""
        return Store(self.db_path, auto_backup=False)

    def back_home(self) -> None:
        """Leave the current screen for the home screen (which a CLI-started mode has not
        opened yet: it is made on the way back)."""
        from tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, HomeScreen):
                self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    def set_interview_date(self, when: date | None) -> None:
        """Save the interview date in config.toml and use it from now on."""
        self.save_settings({"interview_date": when})

    def save_settings(self, values: Mapping[str, Any]) -> Config:
        """Write settings into config.toml, keeping the rest of the file, and use them at
        once; a bad value raises ``ConfigError`` (naming it) and nothing is written."""
        from engine.config import default_config_path, set_config_values

        path = self.config_path or default_config_path()
        self.use_config(set_config_values(path, values))
        return self.config_data

    def use_config(self, config: Config) -> None:
        """Play by ``config`` from now on: a new scheduler (limits, retention, rollover, the
        interview plan) and the theme."""
        self.config_data = config
        self.scheduler = Scheduler(config, saved_parameters(self.store))
        if config.theme in self.available_themes and config.theme != self.theme:
            self.theme = config.theme

    def new_session(self, mode: str = "drill") -> StudySession:
        return StudySession(self.store, self.bank, self.scheduler, self.clock, mode=mode,
                            seed=self.seed)

    def start_drill(self) -> None:
        """Open the drill screen on a new session."""
        from tui.screens.drill import DrillScreen

        try:
            session = self.new_session("drill")
        except StoreError as error:
            self._cannot_start_drill(error)
            return
        self.push_screen(DrillScreen(session))

    def _cannot_start_drill(self, error: StoreError) -> None:
        self.notify(safe(error), title="Cannot start a drill", severity="error", timeout=10)
        if len(self.screen_stack) <= 1:
            self.back_home()

    def start_loop(self, level: str | None = None, with_screen: bool = False,
                   round_minutes: float | None = None) -> None:
        """Open a timed onsite loop, by default at the level above the player's."""
        from engine.loop.session import LoopSession, next_level, player_level
        from tui.screens.loop import LoopScreen

        try:
            current = player_level(self.store)
            level = level or next_level(current) or current
            loop = LoopSession(self.store, self.bank, self.scheduler, self.clock, level,
                               with_screen=with_screen, round_minutes=round_minutes,
                               seed=self.seed)
        except StoreError as error:
            self.notify(safe(error), title="Cannot start a loop", severity="error", timeout=10)
            if len(self.screen_stack) <= 1:
                self.back_home()
            return
        self.push_screen(LoopScreen(loop))

    def on_unmount(self) -> None:
        """Closing mid-loop (Ctrl+C, a closed terminal) keeps the answers, abandons the loop."""
        if self.active_loop is not None:
            try:
                self.active_loop.abandon()
            except StoreError:  # the answers are saved; only the loop's end could not be
                pass
        self.store.close()


def screen_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """Each action ``screen``'s key bindings offer now, as a palette command named by its
    description, so every action can be found by name as well as by key. Keys that share a
    description (q and Esc, both "Back") are one command whose help names both keys."""
    from textual.actions import parse

    seen: set[str] = set()
    named: dict[str, list[Binding]] = {}
    # The screen's own bindings after the keymap (``_bindings``; Textual is pinned exactly):
    # ``App.active_bindings`` would describe the palette's screen, which is on top by now.
    for bindings in screen._bindings.key_to_bindings.values():
        for binding in bindings:
            if not binding.description or binding.id is None or binding.id in seen:
                continue
            seen.add(binding.id)
            _namespace, name, parameters = parse(binding.action)
            if screen.check_action(name, parameters) is not True:
                continue
            named.setdefault(binding.description, []).append(binding)
    for description, bindings in named.items():
        keys = ", ".join(dict.fromkeys(app.get_key_display(binding) for binding in bindings))
        tooltip = next((binding.tooltip for binding in bindings if binding.tooltip),
                       description)
        # The palette reads help as markup; the key may come from config.toml's [keymap].
        help_text = f"{tooltip} ({safe(keys)})"
        yield SystemCommand(description, help_text,
                            partial(app.run_action, bindings[0].action, screen))


def known_binding_ids() -> set[str]:
    """Every binding id on tpm-drill's screens (what ``[keymap]`` may rebind)."""
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.custom import CustomStudyScreen
    from tui.screens.done import DoneScreen
    from tui.screens.drill import DrillScreen
    from tui.screens.home import HomeScreen
    from tui.screens.interview import InterviewDateScreen
    from tui.screens.loop import DebriefScreen, LoopScreen, PauseScreen, RoundIntroScreen
    from tui.screens.loop_options import LoopOptionsScreen
    from tui.screens.settings import SettingsScreen
    from tui.screens.stats import StatsScreen
    from tui.screens.stories import StoriesScreen, StoryEditScreen, StoryVersionsScreen
    from tui.screens.weak import WeakScreen

    ids: set[str] = set()
    for holder in (TpmDrillApp, HomeScreen, DrillScreen, DoneScreen, LoopScreen, PauseScreen,
                   RoundIntroScreen, DebriefScreen, StatsScreen, WeakScreen,
                   InterviewDateScreen, SettingsScreen, LoopOptionsScreen, ConfirmScreen,
                   CustomStudyScreen, StoriesScreen, StoryEditScreen, StoryVersionsScreen):
        for cls in holder.__mro__:
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


def _warm_grading() -> None:
    """Build the unit registry (pint, ~0.2 s), import the graders (~15 ms), read the
    open-answer scorer's flags, known traps and known figures (~10 ms) and import numpy
    (~0.15 s) off the UI thread, before the first answer or the first problem needs them."""
    import grading.numeric
    import grading.rubric
    import grading.text  # imported lazily by the session (see engine.study.session)
    from grading.figures import known_figures
    from grading.units import registry

    registry()
    grading.rubric.default_process_flags()
    grading.rubric.known_misconceptions()
    known_figures()
    import numpy  # noqa: F401  (posing a problem draws its parameters with numpy)


def build_app(db_path: Path, config: Config | None = None, clock: Clock | None = None,
              start: str = "home", seed: int | None = None,
              loop_options: dict[str, Any] | None = None,
              config_path: Path | None = None,
              custom: CustomPicker | None = None) -> TpmDrillApp:
    """The one factory the CLI and the tests use (``start="custom"`` with ``custom``: a
    custom-study drill, as ``tpm-drill drill --topic ...`` opens)."""
    return TpmDrillApp(db_path, config=config, clock=clock, start=start, seed=seed,
                       loop_options=loop_options, config_path=config_path, custom=custom)
