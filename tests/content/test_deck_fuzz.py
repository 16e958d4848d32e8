"""Mutated decks never crash loading or posing (issue 11).

A deck that exercises every item kind is mutated the way a careless or hostile author would:
a value swapped for another type, NaN, ±inf, ±1.7e308, zero, a negative, an empty string,
odd unicode, a 5,000-deep array, an attribute or index placeholder; a line dropped or
doubled. Whatever the mutation, loading either succeeds or reports ``ContentError``\\s, and
every item that loads poses for several seeds raising nothing but ``PoseError`` (a kata's
reference, evaluated at its edges and follow-ups, raises nothing but ``ModelError``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.loader import ContentError, Kata
from engine.bank import load_content
from engine.katas.references import reference_value
from engine.models.base import ModelError
from engine.questions import PoseError, pose

BASE_DECK = """[deck]
id = "fuzz"
title = "Fuzz"

[[facts]]
id = "z.fact"
topic = "hardware.memory"
level = "L4"
prompt = "HBM per H100?"
value = 80
value_unit = "GB"
unit = "GB"
tolerance = "rel:5%,15%"
target_seconds = 30
explanation = "Five stacks of 16 GB."
source = "NVIDIA H100 datasheet"

[[facts]]
id = "z.catalog"
topic = "hardware.compute"
level = "L4"
prompt = "H100 dense BF16?"
catalog = "h100_sxm.bf16_dense_flops"
unit = "TFLOP/s"
explanation = "From the catalog."

[[facts]]
id = "z.text"
topic = "hardware.memory"
level = "L4"
prompt = "Which memory does an H100 use?"
answers = ["HBM3"]
explanation = "HBM3."
source = "datasheet"

[[problems]]
id = "z.kv"
topic = "inference.memory"
level = "L5"
model = "kv_cache"
prompt = "KV cache for {seq_len:int} tokens of a {layers}-layer model, {batch:count} sequences?"
unit = "GB"
tolerance = "log:1.25,2"
explanation = "2·L·kv·d·bytes·tokens."
[problems.params]
layers = 80
kv_heads = { choices = [8, 64] }
head_dim = 128
seq_len = { min = 1024, max = 8192, step = 1024 }
batch = { min = 1, max = 64, scale = "log", integer = true }

[[problems]]
id = "z.roofline"
topic = "hardware.roofline"
level = "L6"
model = "roofline_time"
prompt = "{flops:count} FLOP and {bytes:GB} on a {gpu}: how long ({preset})?"
unit = "ms"
explanation = "max(F/P, B/BW)."
[problems.params]
gpu = { choices = ["h100_sxm", "a100_80gb"] }
flops = { min = 1e12, max = 1e15, scale = "log", sig = 2 }
[[problems.presets]]
label = "decode"
bytes = 140e9
[[problems.presets]]
label = "prefill"
bytes = 2e9

[[open]]
id = "z.open"
topic = "program.design"
level = "L6"
prompt = "Plan a 16k-GPU bring-up."
explanation = "Milestones and risks."
rounds = ["program_design"]
model_answer = "Phase it."
target_minutes = 10
[[open.key_points]]
point = "milestones"
phrasings = ["milestone", "phase"]
weight = 2
[[open.red_flags]]
phrasings = ["just buy more"]
why = "No plan."

[[katas]]
id = "z.kata"
topic = "comms.collectives"
level = "L5"
prompt = "Ring all-reduce time?"
explanation = "2(p-1)a + 2(p-1)/p S/B."
function = "allreduce_seconds"
returns = "time"
return_unit = "s"
reference = "allreduce_time"
mapping = { size = "bytes" }
rel_tolerance = 0.001
abs_tolerance = 1e-12
monte_carlo_trials = 1000
cases = 60
bounds = false
target_minutes = 10
hints = ["2(p-1) steps"]
assumptions = ["no congestion"]
starter = "def allreduce_seconds(size, ranks, bandwidth, latency):\\n    pass\\n"
solution = "def allreduce_seconds(size, ranks, bandwidth, latency):\\n    return 0.0\\n"
[[katas.params]]
name = "size"
unit = "byte"
description = "buffer"
min = 1000
max = 1e11
scale = "log"
edges = [1000, 1e11]
[[katas.params]]
name = "ranks"
unit = ""
description = "ranks"
min = 1
max = 4096
scale = "log"
integer = true
[[katas.params]]
name = "bandwidth"
unit = "byte/s"
description = "per direction"
min = 1e9
max = 9e11
[[katas.params]]
name = "latency"
unit = "s"
description = "per hop"
min = 0
max = 5e-5
[[katas.properties]]
kind = "nondecreasing"
param = "size"
why = "more data"
[[katas.follow_ups]]
prompt = "1,024 ranks?"
inputs = { ranks = 1024, size = 14e9 }
"""

LINES = BASE_DECK.splitlines()
#: Lines holding a ``key = value`` that a mutation can rewrite (not table headers).
VALUE_LINES = [i for i, line in enumerate(LINES) if " = " in line and not line.startswith("[")]

HOSTILE_VALUES = st.sampled_from([
    "nan", "inf", "-inf", "+inf", "1.7e308", "-1.7e308", "1e30", "1e31", "0", "-5", "-0.0",
    "5e-324", "9223372036854775807", "-9223372036854775808", "0x7fffffff", "true", "false",
    '""', '" "', '"x"', '"{layers.real}"', '"{layers[0]}"', '"{layers!r}"', '"{}"',
    '"{seq_len:{layers}}"', '"{"', '"}"', '"\\u202eevil"', '"\\u001b]0;title\\u0007"',
    '"\\u0000"', '"🔥"', '"h100_sxm"', '"rel:20%,5%"', '"log:0.5,2"', '"rel:0%,0%"',
    "[]", "[1, 2]", '["a"]', "[nan]", "[inf, 1]", '[{a = 1}]', "[[1], [2]]", "{}",
    "{a = 1}", "{ min = 1, max = inf }", "{ min = 5, max = 5 }", "{ choices = [] }",
    "{ choices = [nan] }", "{ min = 0, max = 1, scale = \"log\" }",
    "{ min = 1, max = 2, step = 0 }",
    "{ min = 1, max = 2, sig = 99 }", "{ min = 1, max = 2, integer = 3 }",
    "2026-01-01", "2026-01-01T10:00:00", "10:00:00",
    "[" * 5000 + "]" * 5000, "[" * 60 + "]" * 60, "{ a = " * 40 + "1" + " }" * 40,
])  # fmt: skip

mutation = st.one_of(
    st.tuples(st.just("value"), st.sampled_from(VALUE_LINES), HOSTILE_VALUES),
    st.tuples(st.just("unicode"), st.sampled_from(VALUE_LINES),
              st.text(max_size=12).map(lambda t: '"' + t.encode("unicode_escape")
                                       .decode("ascii").replace('"', '\\"') + '"')),
    st.tuples(st.just("drop"), st.integers(0, len(LINES) - 1), st.just("")),
    st.tuples(st.just("double"), st.integers(0, len(LINES) - 1), st.just("")),
)


def _try_kata(kata: Kata) -> None:
    """Evaluate a loaded kata's reference at each parameter's edges and at its follow-ups,
    as the runner and the loop will: anything but a ``ModelError`` is a crash."""
    lowest = {param.name: param.minimum for param in kata.params}
    points = [lowest | {param.name: edge} for param in kata.params for edge in param.edges]
    points += [lowest | dict(follow_up.inputs) for follow_up in kata.follow_ups]
    for point in points:
        try:
            reference_value(kata, point)
        except ModelError:
            pass


def _mutate(mutations: list[tuple[str, int, str]]) -> str:
    lines = list(LINES)
    for kind, index, value in mutations:
        index = min(index, len(lines) - 1)
        if kind in {"value", "unicode"} and " = " in lines[index]:
            key = lines[index].split(" = ", 1)[0]
            lines[index] = f"{key} = {value}"
        elif kind == "drop":
            del lines[index]
        elif kind == "double":
            lines.insert(index, lines[index])
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(mutation, min_size=1, max_size=3))
def test_a_mutated_deck_loads_or_reports_and_what_loads_poses(
        mutations: list[tuple[str, int, str]]) -> None:
    text = _mutate(mutations)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "fuzz.toml").write_text(text, encoding="utf-8")
        bank = load_content([folder], include_builtin=False)
    assert all(isinstance(error, ContentError) for error in bank.errors)
    for error in bank.errors:
        assert str(error)  # prints without raising
    for item in bank.items.values():
        if isinstance(item, Kata):
            _try_kata(item)
            continue
        for seed in range(3):
            try:
                pose(item, np.random.default_rng(seed), bank.catalog, seed)
            except PoseError:
                pass


def test_the_unmutated_deck_loads_and_poses_cleanly() -> None:
    """The fuzz starts from a deck that is fully valid, so every error it finds is one a
    mutation made."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "fuzz.toml").write_text(BASE_DECK, encoding="utf-8")
        bank = load_content([folder], include_builtin=False)
    assert bank.errors == []
    assert len(bank.items) == 7
    for item in bank.items.values():
        if isinstance(item, Kata):
            lowest = {param.name: param.minimum for param in item.params}
            assert reference_value(item, lowest).value == 0.0  # one rank: no communication
            continue
        for seed in range(5):
            pose(item, np.random.default_rng(seed), bank.catalog, seed)
