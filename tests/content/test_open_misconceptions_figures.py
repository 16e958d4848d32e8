"""Open questions carry misconceptions and figures (issue #15): the loader reads them on key
points (figures on the item too) and refuses each malformed one with a located error."""

from __future__ import annotations

import pytest

from content.loader import Figure, OpenQuestion
from tests.content._decks import load_body


def _open(question: str = "", key_point: str = "") -> str:
    """One open question with one key point; ``question`` and ``key_point`` add lines."""
    return ("""
[[open]]
id = "m.open"
topic = "numerics.bf16"
level = "L5"
prompt = "Why BF16?"
explanation = "x"
rounds = ["technical_depth"]
model_answer = "Range."
""" + question + """[[open.key_points]]
point = "Same throughput as FP16"
phrasings = ["same throughput", "bf16 & same|identical & flops|throughput"]
""" + key_point)


FIGURE = ('{ name = "H100 BF16 dense", value = 989, unit = "TFLOP/s", tolerance = "rel:5%", '
          'phrasings = ["h100 & bf16"] }')


def test_misconceptions_and_figures_load() -> None:
    bank = load_body(_open(question=f"figures = [{FIGURE}]\n",
                           key_point='misconceptions = ["bf16 is faster", "!same throughput"]\n'
                                     f"figures = [{FIGURE}]\n"), "m", "decks/m.toml")
    assert bank.errors == []
    item = bank.items["m.open"]
    assert isinstance(item, OpenQuestion)
    figure = Figure("H100 BF16 dense", 989.0, "TFLOP/s", "rel:5%", ("h100 & bf16",))
    assert item.figures == (figure,)
    (point,) = item.key_points
    assert point.misconceptions == ("bf16 is faster", "!same throughput")
    assert point.figures == (figure,)


def test_without_them_nothing_changes() -> None:
    item = load_body(_open(), "m", "decks/m.toml").items["m.open"]
    assert isinstance(item, OpenQuestion)
    assert item.figures == () and item.key_points[0].misconceptions == ()


# (what the key point adds, what the question adds, the message)
BAD = [
    ("misconceptions = []\n", "", "misconceptions must be a non-empty list of strings"),
    ("misconceptions = [3]\n", "", "misconceptions must be a non-empty list of strings"),
    ('misconceptions = ["bf16 & |faster"]\n', "", "has an empty part"),
    ('misconceptions = ["e^-"]\n', "", "'e^-' is one letter"),
    ('misconceptions = ["!faster & !slower"]\n', "", "at least one part must be un-negated"),
    ('misconception = ["faster"]\n', "", "unknown key(s) misconception; allowed: figures, "
                                         "misconceptions, phrasings, point, weight"),
    ("figures = 3\n", "", "figures must be an array of tables"),
    ("figures = [3]\n", "", "figures[0]: needs name, value, unit, tolerance and phrasings"),
    (f"figures = [{FIGURE.replace('value = 989', 'value = nan')}]\n", "",
     "figures[0]: value must be a finite number, not nan"),
    (f"figures = [{FIGURE.replace('rel:5%', 'rel:5')}]\n", "",
     "tolerance must be 'rel:N%' or 'log:F' (a factor), not 'rel:5'"),
    (f"figures = [{FIGURE.replace('rel:5%', 'log:0.5')}]\n", "",
     "a log tolerance is a factor of at least 1"),
    (f"figures = [{FIGURE.replace('unit = ', 'unit = 3, x = ')}]\n", "", "unknown key(s) x"),
    (f"figures = [{FIGURE.replace('name = ', 'name = 3, y = ')}]\n", "", "unknown key(s) y"),
    (f"figures = [{FIGURE.replace('phrasings = [', 'phrasings = [], z = [')}]\n", "",
     "unknown key(s) z"),
    ("", "figures = [" + FIGURE.replace('"H100 BF16 dense"', '""') + "]\n",
     "figures[0]: name must be a non-empty string"),
    ("", "figures = [" + FIGURE.replace('["h100 & bf16"]', "[]") + "]\n",
     "figures[0]: phrasings must be a non-empty list of strings"),
]


@pytest.mark.parametrize(("key_point", "question", "message"), BAD)
def test_each_bad_entry_is_refused_with_a_located_error(key_point: str, question: str,
                                                        message: str) -> None:
    bank = load_body(_open(question=question, key_point=key_point), "m", "decks/m.toml")
    assert bank.items == {}
    [error] = bank.errors
    assert message in error.message, error.message
    assert (error.file, error.item) == ("decks/m.toml", "m.open")
    assert error.line is not None and error.line > 1


def test_content_check_names_a_figure_unit_it_cannot_read(tmp_path) -> None:
    from engine.content_check import check_content
    from tests.content._decks import write_deck

    bad = FIGURE.replace('"TFLOP/s"', '"TFLOPz/s"')
    write_deck(tmp_path, _open(key_point=f"figures = [{bad}]\n"), "m")
    report = check_content([tmp_path], seeds=1)
    [error] = report.errors
    assert error.item == "m.open"
    assert "key_points[0]: figures 'H100 BF16 dense'" in error.message
    assert "TFLOPz" in error.message
