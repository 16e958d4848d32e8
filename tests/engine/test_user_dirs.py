"""``engine.config.user_dir`` reads the XDG rule itself on Linux (platformdirs costs ~5 ms of
every start): it must name the same folders platformdirs would, in every case it handles."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from engine.bank import parse_cache_dir
from engine.config import APP_NAME, default_config_path, default_db_path, user_dir

FINDERS = {"cache": platformdirs.user_cache_dir, "config": platformdirs.user_config_dir,
           "data": platformdirs.user_data_dir}
VARIABLES = {"cache": "XDG_CACHE_HOME", "config": "XDG_CONFIG_HOME", "data": "XDG_DATA_HOME"}


@pytest.mark.parametrize("kind", sorted(FINDERS))
@pytest.mark.parametrize("xdg", [None, "", "   ", "relative/dir", "/srv/xdg base"])
@pytest.mark.parametrize("home", ["/home/player", "relative-home"])
def test_same_folder_as_platformdirs(kind: str, xdg: str | None, home: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv(VARIABLES[kind], raising=False)
    else:
        monkeypatch.setenv(VARIABLES[kind], xdg)
    assert user_dir(kind) == Path(FINDERS[kind](APP_NAME))


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG shortcut is Linux-only")
def test_default_paths_follow_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TPM_DRILL_DB", "TPM_DRILL_CONFIG", "TPM_DRILL_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_db_path() == tmp_path / "data" / APP_NAME / "progress.db"
    assert default_config_path() == tmp_path / "config" / APP_NAME / "config.toml"
    assert parse_cache_dir() == tmp_path / "cache" / APP_NAME / "decks"
