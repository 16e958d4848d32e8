"""An open question with follow-up probes, read the way the loader reads one, for the probe
tests (``tests/cases/test_probes*.py`` and ``tests/tui/test_probes*.py``)."""

from __future__ import annotations

from content.loader import ContentError, OpenQuestion, read_open
from tests.cases.helpers import read_table

#: 70B parameters on 15T tokens: C = 6 · 70e9 · 15e12 = 6.3e24 FLOP; on 4,096 H100s at
#: 989 TFLOP/s and 40 % MFU: 6.3e24 / (4096 · 9.89e14 · 0.4) = 3.888e6 s = 45.0 days.
GOOD = """[deck]
id = "t"

[[open]]
id = "t.open.budget"
topic = "training.cost"
level = "L5"
rounds = ["program_design"]
prompt = "How would you budget a 70B-parameter pretraining run?"
model_answer = "Compute is 6ND; divide by the cluster's achieved FLOP/s for the time."
explanation = "Budget from compute."
[[open.key_points]]
point = "Training compute is about 6 x params x tokens"
phrasings = ["6ND", "six times & parameters"]
[[open.key_points]]
point = "Time is compute over achieved throughput"
phrasings = ["achieved throughput", "MFU"]
[[open.probes]]
id = "compute"
prompt = "It trains on 15T tokens. What is the training compute in FLOP?"
unit = "FLOP"
reference = "train_flops"
inputs = { params = 70e9, tokens = 15e12 }
explanation = "C = 6 x 70e9 x 15e12 = 6.3e24 FLOP (models.md, train_flops)."
[[open.probes]]
id = "days"
prompt = "On 4,096 H100 SXM at 40% MFU, how many days does it take?"
unit = "day"
reference = "training_seconds_from_compute"
explanation = "6.3e24 / (4096 x 989e12 x 0.4) = 3.89e6 s = 45 days."
[open.probes.inputs]
compute_flops = "step:compute"
gpus = 4096
mfu = 0.4
peak_flops = "catalog:h100_sxm.bf16_dense_flops"
"""


def read_opens(text: str, file: str = "decks/t.toml") -> list[OpenQuestion | ContentError]:
    """Each ``[[open]]`` table of ``text`` as an ``OpenQuestion``, or its located error."""
    return read_table(text, "open", read_open, file)


def read_open_text(text: str = GOOD) -> OpenQuestion:
    """The one open question of ``text``; fails the test with its error otherwise."""
    [question] = read_opens(text)
    assert isinstance(question, OpenQuestion), question
    return question
