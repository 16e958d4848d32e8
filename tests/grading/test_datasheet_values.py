"""grading/datasheet_values.toml is every unit-bearing number of the hardware catalog
(content/hardware.toml), so "a datasheet value recited" means the datasheets the game teaches.

The grading layer does not read the content layer; this test keeps the copy equal and, when
the catalog changes, prints the file to paste in its place.
"""

from __future__ import annotations

import importlib.resources

import pytest

from content.catalog import builtin_catalog, field_unit
from grading.figures import datasheet_values, recites_datasheet


def expected_file_text() -> str:
    """The file as the catalog makes it: per unit, the distinct values, sorted."""
    by_unit: dict[str, set[float]] = {}
    for entry in builtin_catalog():
        for field_name, value in entry.fields.items():
            unit = field_unit(field_name)
            if unit and unit != "s" and isinstance(value, int | float) \
                    and not isinstance(value, bool) and value > 0:
                by_unit.setdefault(unit, set()).add(float(value))
    lines = ["# Every unit-bearing number of content/hardware.toml (accelerators, links, memory,",
             "# systems), per unit, sorted: a number an answer states next to the part it belongs",
             "# to is a datasheet value recited, not a number worked out (grading.figures.",
             "# recites_datasheet). Generated: tests/grading/test_datasheet_values.py keeps it",
             "# equal to the catalog and prints the new text when the catalog changes.",
             "", "[values]"]
    for unit in sorted(by_unit):
        values = ", ".join(repr(value) for value in sorted(by_unit[unit]))
        lines.append(f'"{unit}" = [{values}]')
    return "\n".join(lines) + "\n"


def test_the_file_is_the_catalogs() -> None:
    text = importlib.resources.files("grading").joinpath("datasheet_values.toml").read_text(
        "utf-8")
    expected = expected_file_text()
    assert text == expected, "grading/datasheet_values.toml is stale; replace it with:\n" + expected


def test_values_load_per_unit() -> None:
    values = datasheet_values()
    assert 989.4e12 in values["FLOP/s"] and 3.35e12 in values["byte/s"]
    assert all(list(v) == sorted(v) for v in values.values())


@pytest.mark.parametrize(("typed", "sentence", "recited"), [
    # a part's datasheet value said beside the part: recited
    ("3.35 TB/s", "The H100 SXM is 3.35 TB/s with 80 GB.", True),
    ("80 GB", "The H100 SXM is 3.35 TB/s with 80 GB.", True),
    ("4.8 TB/s", "the H200 is 4.8 TB/s with 141 GB", True),
    ("2.0 TB/s", "The A100 80GB is around 2.0 TB/s.", True),   # 2.039 within 2 %
    ("2 TB/s", "The A100 80GB is around 2 TB/s.", True),
    ("700 W", "H100 is 700 watts and B200 is 1,000 watts.", True),
    ("1,000 W", "H100 is 700 W and B200 is 1,000 W.", True),
    ("900 GB/s", "NVLink 4 gives 900 GB/s both ways.", True),
    ("400 Gb/s", "An NDR InfiniBand port is 400 Gb/s.", True),
    # the edges of the 2 % window: 141 GB (H200) vs 143.8 GB and 144 GB
    ("143.8 GB", "the H200 holds 143.8 GB", True),
    ("144 GB", "the H200 holds 144 GB", False),
    # no part named in the sentence: a number of the answer's own, even when it equals a spec
    ("140 GB", "70B parameters at 2 bytes each is 140 GB of weights.", False),
    ("80 GB", "Each shard needs 80 GB once optimizer states are counted.", False),
    # a part named, but the number is nobody's datasheet value: worked out
    ("17.5 GB", "With 70B split eight ways over H100s each holds 17.5 GB.", False),
    ("5.2 ms", "On an H100 a step takes 5.2 ms.", False),
    ("1,120 GB", "On H100s the full state is 1,120 GB.", False),
    # not a quantity of a datasheet unit
    ("40%", "The H100 reaches 40% MFU.", False),
])
def test_recites_datasheet(typed: str, sentence: str, recited: bool) -> None:
    assert recites_datasheet(typed, sentence) is recited
