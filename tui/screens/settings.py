"""Settings in the app: new cards and reviews per day, desired retention, the day's rollover
hour and the theme, written to config.toml (the rest of the file kept) and used at once.

Values are checked by ``engine.config``'s own rules (``set_config_values``): the first bad
one is said next to the form, naming the setting, and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static

from engine.config import (
    MAX_NEW_PER_DAY,
    MAX_REVIEWS_PER_DAY,
    RETENTION_RANGE,
    SETTINGS,
    ConfigError,
    default_config_path,
    parse_setting,
)
from tui.safe import safe

if TYPE_CHECKING:
    from tui.app import TpmDrillApp

#: Each setting's label and what it takes, in the order of ``engine.config.SETTINGS``.
LABELS = {
    "new_per_day": ("New cards per day", f"0–{MAX_NEW_PER_DAY:,}"),
    "reviews_per_day": ("Reviews per day", f"0–{MAX_REVIEWS_PER_DAY:,}"),
    "desired_retention": ("Desired retention",
                          f"{RETENTION_RANGE[0]}–{RETENTION_RANGE[1]} (or 90%)"),
    "day_rollover_hour": ("New day starts at", "an hour, 0–23, local time"),
    "theme": ("Theme", ""),
}


class SettingsScreen(Screen[None]):
    """The settings form; Enter or ctrl+s saves, Esc leaves without saving."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True,
                tooltip="Write the settings to config.toml and use them now"),
        Binding("escape", "cancel", "Cancel", id="settings.cancel",
                tooltip="Leave without saving"),
    ]

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.drill_app
        config = app.config_data
        yield Header()
        with VerticalScroll(id="settings-form"):
            path = app.config_path or default_config_path()
            yield Static(f"[b]Settings[/b] — saved to {safe(path)}, the rest of the file "
                         "kept as you wrote it.", id="settings-intro")
            for key in SETTINGS:
                label, allowed = LABELS[key]
                with Horizontal(classes="setting-row"):
                    yield Static(label, classes="setting-label")
                    if key == "theme":
                        themes = sorted(app.available_themes)
                        current = config.theme if config.theme in themes else app.theme
                        yield Select([(name, name) for name in themes], value=current,
                                     allow_blank=False, compact=True, id="setting-theme")
                    else:
                        yield Input(str(getattr(config, key)), compact=True,
                                    id=f"setting-{key}", classes="setting-input")
                        yield Static(allowed, classes="setting-hint muted")
            yield Static("", id="settings-message")
            yield Static("Enter or ctrl+s saves · Esc leaves without saving · Tab moves on",
                         classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "settings"
        self.query_one("#setting-new_per_day", Input).focus()

    def typed(self) -> dict[str, Any]:
        """What the form holds now, read as numbers where they are (``parse_setting``)."""
        values: dict[str, Any] = {}
        for key in SETTINGS:
            if key == "theme":
                values[key] = self.query_one("#setting-theme", Select).value
            else:
                values[key] = parse_setting(self.query_one(f"#setting-{key}", Input).value)
        return values

    def changes(self) -> dict[str, Any]:
        """The settings that differ from those in use (others are not written: a default
        stays out of the file)."""
        config = self.drill_app.config_data
        return {key: value for key, value in self.typed().items()
                if value != getattr(config, key) or type(value) is not
                type(getattr(config, key))}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.input.remove_class("bad-value")

    def action_save(self) -> None:
        """Check and write the changed settings; on a bad value say which, write nothing."""
        changes = self.changes()
        if not changes:
            self.notify("Nothing changed.", timeout=2)
            self.app.pop_screen()
            return
        try:
            self.drill_app.save_settings(changes)
        except ConfigError as error:
            self.refuse(error)
            return
        names = ", ".join(LABELS[key][0].lower() for key in changes)
        self.notify(f"Saved: {names}.", title="Settings", timeout=3)
        self.app.pop_screen()

    def refuse(self, error: ConfigError) -> None:
        """Say what is wrong, next to the field at fault, and put the cursor there."""
        self.query_one("#settings-message", Static).update(
            f"[b $error]Not saved:[/] {safe(error.detail)}")
        if error.key in LABELS and error.key != "theme":
            field = self.query_one(f"#setting-{error.key}", Input)
            field.add_class("bad-value")
            field.focus()

    def action_cancel(self) -> None:
        self.app.pop_screen()
