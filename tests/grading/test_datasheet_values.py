"""grading/datasheet_values.toml is every unit-bearing number of the hardware catalog
(content/hardware.toml), so "a datasheet value recited" means the datasheets the game teaches.

The grading layer does not read the content layer; this test keeps the copy equal and, when
the catalog changes, prints the file to paste in its place.
"""

from __future__ import annotations

import importlib.resources

import pytest

from content.catalog import builtin_catalog, field_unit
from grading.figures import PART_NAMES, datasheet_values, parts_named, recites_datasheet


def expected_file_text() -> str:
    """The file as the catalog makes it: per part and unit, the distinct values, sorted."""
    lines = ["# Every unit-bearing number of content/hardware.toml (accelerators, links, memory,",
             "# systems), per part and unit, sorted: a number an answer states next to the name",
             "# of its part is a datasheet value recited, not a number worked out",
             "# (grading.figures.recites_datasheet). Generated: tests/grading/",
             "# test_datasheet_values.py keeps it equal to the catalog and prints the new text",
             "# when the catalog changes."]
    for entry in sorted(builtin_catalog(), key=lambda entry: entry.id):
        by_unit: dict[str, set[float]] = {}
        for field_name, value in entry.fields.items():
            unit = field_unit(field_name)
            if unit and unit != "s" and isinstance(value, int | float) \
                    and not isinstance(value, bool) and value > 0:
                by_unit.setdefault(unit, set()).add(float(value))
        if by_unit:
            lines += ["", f"[parts.{entry.id}]"]
            lines += [f'"{unit}" = [{", ".join(repr(v) for v in sorted(by_unit[unit]))}]'
                      for unit in sorted(by_unit)]
    return "\n".join(lines) + "\n"


def test_the_file_is_the_catalogs() -> None:
    text = importlib.resources.files("grading").joinpath("datasheet_values.toml").read_text(
        "utf-8")
    expected = expected_file_text()
    assert text == expected, "grading/datasheet_values.toml is stale; replace it with:\n" + expected


def test_values_load_per_part_and_unit() -> None:
    values = datasheet_values()
    assert 989.4e12 in values["h100_sxm"]["FLOP/s"] and 3.35e12 in values["h100_sxm"]["byte/s"]
    assert all(list(v) == sorted(v) for by_unit in values.values() for v in by_unit.values())


def test_every_part_has_a_name() -> None:
    """Each catalog entry is reachable by some name in PART_NAMES, so no part's values are
    silently never recited."""
    unnamed = [part for part in datasheet_values()
               if not any(part.startswith(prefix) for _names, prefixes in PART_NAMES
                          for prefix in prefixes)]
    assert not unnamed, f"catalog entries no name in grading.figures.PART_NAMES reaches: {unnamed}"


@pytest.mark.parametrize(("sentence", "parts"), [
    ("The H100 SXM is 3.35 TB/s.", {"h100_sxm", "h100_pcie", "h100_nvl", "h200", "dgx_h100",
                                    "superpod_h100"}),
    ("HBM3e stacks run 9.2 Gb/s per pin.", {"hbm3e"}),
    ("70B in bf16 takes 140 GB of HBM.", set()),        # a bare "HBM" names no part
    ("A 400 Gb/s NDR port.", {"ib_edr", "ib_hdr", "ib_ndr", "ib_xdr"}),
    ("The step takes 5 ms.", set()),
])
def test_parts_named(sentence: str, parts: set[str]) -> None:
    assert parts_named(sentence) == parts


@pytest.mark.parametrize(("typed", "sentence", "recited"), [
    # a part's datasheet value said beside the part: recited
    ("3.35 TB/s", "The H100 SXM is 3.35 TB/s with 80 GB.", True),
    ("80 GB", "The H100 SXM is 3.35 TB/s with 80 GB.", True),
    ("4.8 TB/s", "the H200 is 4.8 TB/s with 141 GB", True),
    ("2.0 TB/s", "The A100 80GB is around 2.0 TB/s.", True),   # 2.039 within 2 %
    ("2 TB/s", "The A100 80GB is around 2 TB/s.", True),
    ("700 watts", "H100 is 700 watts and B200 is 1,000 watts.", True),
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
    # another part's value is the answer's own (found by review): 140 GB is no MI300X figure
    ("140 GB", "MI300X's 192 GB holds a 70B model's 140 GB in bf16.", False),
    ("192 GB", "MI300X's 192 GB holds a 70B model's 140 GB in bf16.", True),
    ("140 GB", "70B parameters in bf16 take 140 GB of HBM.", False),
    ("50 GB/s", "averaged 50 GB/s instead of the 400 GB/s the storage was sized for", False),
])
def test_recites_datasheet(typed: str, sentence: str, recited: bool) -> None:
    before = sentence[:sentence.index(typed)]
    assert recites_datasheet(typed, sentence, before) is recited


@pytest.mark.parametrize(("typed", "sentence"), [
    # worked out before it in the sentence (found by review): MFU × peak lands on a spec
    ("156 TFLOP/s", "On A100s people got ~50%, i.e. 156 TFLOP/s per A100."),
    ("500 TFLOP/s", "50% is excellent: that is an H100 doing about 500 TFLOP/s."),
    ("400 TFLOP/s", "At 40% MFU an H100 delivers about 400 TFLOP/s."),
    ("50 GB/s", "A 400 Gb/s NIC, which is 50 GB/s, bounds the all-reduce."),
    ("140 GB", "70B × 2 bytes = 140 GB, which needs two H100s."),
])
def test_a_value_worked_out_before_it_is_not_recited(typed: str, sentence: str) -> None:
    before = sentence[:sentence.index(typed)]
    assert recites_datasheet(typed, sentence, before) is False


def test_a_value_after_i_e_is_worked_out() -> None:
    """The sentence splitter ends a sentence at "i.e."; what came before it still works the
    number out (found by review: 50% of the A100's 312 is its TF32 figure, 156)."""
    from grading.rubric import own_numbers

    worked = "On A100s people got ~50%, i.e. 156 TFLOP/s per A100. The A100 is 312 TFLOP/s."
    recited = "On A100s people got ~50%. 156 TFLOP/s per A100. The A100 is 312 TFLOP/s."
    assert own_numbers(worked, "What is MFU?") == own_numbers(recited, "What is MFU?") + 1

