"""``content check`` validates kata items like every other kind: the reference exists and
takes the parameters, evaluates to a finite value at every edge, follow-up and draw, has the
properties the kata asks of the player; starter and solution define the function with its
parameters. Each error names the file, the item and its line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.content_check import check_content

ROOT = Path(__file__).resolve().parents[2]

KATA = """
[[katas]]
id = "u.kata"
topic = "comms.collectives"
level = "L5"
prompt = "Ring all-reduce time?"
explanation = "2(p-1)a + 2(p-1)/p S/B."
source = "Patarasuk & Yuan 2009"
function = "allreduce_seconds"
returns = "time"
return_unit = "s"
reference = "allreduce_time"
rel_tolerance = 0.001
abs_tolerance = 1e-12
starter = '''
def allreduce_seconds(bytes, ranks, bandwidth, latency):
    raise NotImplementedError
'''
solution = '''
def allreduce_seconds(bytes, ranks, bandwidth, latency):
    return 2 * (ranks - 1) * latency + 2 * (ranks - 1) / ranks * bytes / bandwidth
'''
[[katas.params]]
name = "bytes"
unit = "byte"
description = "buffer"
min = 1000
max = 1e11
scale = "log"
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
scale = "log"
[[katas.params]]
name = "latency"
unit = "s"
description = "per hop"
min = 0
max = 5e-5
[[katas.properties]]
kind = "nondecreasing"
param = "bytes"
why = "more data, more time"
[[katas.properties]]
kind = "nonnegative"
why = "a time"
[[katas.follow_ups]]
prompt = "1,024 ranks?"
inputs = { ranks = 1024 }
"""


def _check(tmp_path: Path, body: str):
    (tmp_path / "mine.toml").write_text('[deck]\nid = "mine"\n' + body)
    return check_content([tmp_path], seeds=3)


def _replace(old: str, new: str) -> str:
    assert old in KATA, old
    return KATA.replace(old, new, 1)


def test_a_sound_kata_checks_clean(tmp_path: Path) -> None:
    report = _check(tmp_path, KATA)
    assert report.errors == []
    assert (report.decks, report.katas) == (1, 1)
    assert report.to_dict()["katas"] == 1


@pytest.mark.parametrize(("case", "body", "message"), [
    ("unknown reference", _replace('reference = "allreduce_time"', 'reference = "ring_time"'),
     "unknown reference 'ring_time': name a kata composition ("),
    ("a parameter the model lacks", _replace('name = "latency"', 'name = "alpha"')
     .replace("latency)", "alpha)").replace("* latency", "* alpha"),
     "reference allreduce_time has no parameter 'alpha'; its parameters: bytes, ranks"),
    ("a composition lacking a parameter",
     _replace('reference = "allreduce_time"', 'reference = "allreduce_crossover_bytes"'),
     "reference allreduce_crossover_bytes has no parameter 'bytes'"),
    ("a mapping onto a missing parameter", _replace('reference = "allreduce_time"',
                                                    'reference = "allreduce_time"\n'
                                                    'mapping = { latency = "alpha" }'),
     "has no parameter 'alpha'"),
    ("a required model parameter left out",
     _replace('reference = "allreduce_time"', 'reference = "kv_cache"\nmapping = { bytes = '
              '"layers", ranks = "kv_heads", bandwidth = "head_dim", latency = "batch" }'),
     "reference kv_cache needs parameter(s) seq_len, which the kata does not declare"),
    ("a property the reference breaks", _replace('param = "bytes"', 'param = "bandwidth"'),
     "property nondecreasing in bandwidth: the reference itself breaks it"),
    ("a probability that is a time", _replace('kind = "nonnegative"', 'kind = "probability"'),
     "property probability: the reference itself gives"),
    ("the starter's signature", _replace("def allreduce_seconds(bytes, ranks, bandwidth, "
                                         "latency):\n    raise",
                                         "def allreduce_seconds(size, ranks, bandwidth, "
                                         "latency):\n    raise"),
     "starter: def allreduce_seconds(size, ranks, bandwidth, latency) should take the kata's "
     "parameters in order: (bytes, ranks, bandwidth, latency)"),
    ("the solution's syntax", _replace("    return 2 * (ranks", "    return 2 * ((ranks"),
     "solution is not valid Python: line"),
    ("a return unit that does not parse", _replace('return_unit = "s"', 'return_unit = "sx"'),
     "sx"),
    ("Monte Carlo without a standard error",
     _replace('abs_tolerance = 1e-12', 'abs_tolerance = 1e-12\nmonte_carlo_trials = 1000'),
     "monte_carlo_trials is set but reference allreduce_time gives no standard error"),
    ("a reference failing at an edge",
     _replace('reference = "allreduce_time"', 'reference = "erlang_c"\nmapping = { bytes = '
              '"arrival_rate", bandwidth = "service_rate", ranks = "servers", latency = '
              '"latency_unused" }'),
     "has no parameter 'latency_unused'"),
])
def test_each_kata_mistake_is_one_located_error(tmp_path: Path, case: str, body: str,
                                                message: str) -> None:
    report = _check(tmp_path, body)
    matching = [e for e in report.errors if message in e.message]
    assert matching, (case, [e.message for e in report.errors])
    error = matching[0]
    assert error.item == "u.kata" and error.line == 5
    assert Path(error.file).name == "mine.toml"


def test_a_reference_that_fails_inside_the_domain_is_told_once_with_its_count(
        tmp_path: Path) -> None:
    """Erlang C at utilisation ≥ 1 is an unstable queue: a domain that reaches it is a deck
    mistake, told once however many points hit it."""
    body = """
[[katas]]
id = "u.queue"
topic = "cluster.scheduling"
level = "L6"
prompt = "P(wait)?"
explanation = "Erlang C."
function = "p_wait"
returns = "probability of waiting"
return_unit = ""
reference = "erlang_c"
starter = "def p_wait(arrival_rate, service_rate, servers):\\n    pass\\n"
solution = "def p_wait(arrival_rate, service_rate, servers):\\n    return 0.5\\n"
[[katas.params]]
name = "arrival_rate"
unit = "1/s"
description = "arrivals"
min = 0.1
max = 10
[[katas.params]]
name = "service_rate"
unit = "1/s"
description = "per server"
min = 1
max = 2
[[katas.params]]
name = "servers"
unit = ""
description = "servers"
min = 1
max = 4
integer = true
"""
    report = _check(tmp_path, body)
    unstable = [e for e in report.errors if "unstable queue" in e.message]
    assert len(unstable) == 1, [e.message for e in report.errors]
    assert "points fail this way" in unstable[0].message
    assert unstable[0].item == "u.queue"


def test_a_kata_with_three_bad_fields_gets_three_errors(tmp_path: Path) -> None:
    body = (_replace('level = "L5"', 'level = "L9"')
            .replace("rel_tolerance = 0.001", "rel_tolerance = 0")
            .replace('param = "bytes"', 'param = "nodes"'))
    report = _check(tmp_path, body)
    messages = [e.message for e in report.errors]
    assert len(messages) == 3, messages
    assert any("level 'L9'" in m for m in messages)
    assert any("rel_tolerance must be" in m for m in messages)
    assert any("needs param = one of the declared parameters" in m for m in messages)


def test_a_bad_params_table_is_told_once_not_again_for_what_names_it(tmp_path: Path) -> None:
    """Properties and follow-ups name parameters: while the params are broken they are not
    tried against a stand-in, which would report names the author did declare."""
    body = _replace("min = 1000\nmax = 1e11", "min = 1e11\nmax = 1000")
    report = _check(tmp_path, body)
    messages = [e.message for e in report.errors]
    assert len(messages) == 1, messages
    assert "need min < max" in messages[0]


def test_cli_content_check_counts_katas_in_json(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('[deck]\nid = "mine"\n' + KATA)
    done = subprocess.run([sys.executable, "-m", "tui", "content", "check", str(tmp_path),
                           "--json", "--seeds", "2"], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["katas"] == 1
