"""Hand-written stories the story tests share: a strong one (numbers, a model, an override),
a consensus one, a vague one, and a builder for a story of an exact word count."""

from __future__ import annotations

STRONG_TITLE = "Async checkpoints on the 1,024-GPU run"
STRONG = (
    "Our 1,024-GPU pretraining run lost time to synchronous checkpoints. The infra lead "
    "wanted to keep them synchronous. I built a cost model from a week of traces: each save "
    "blocked all GPUs for 40 s every 30 minutes, 2.2 % of runtime, which is 540 GPU-hours a "
    "day at our scale. I simulated async saves with a Monte Carlo over the failure log and "
    "showed the recovery point would slip by at most 90 s. I overrode the plan despite his "
    "objection. Because the save no longer blocked the step, checkpoint stalls fell from "
    "2.2 % to 1.8 % of runtime in the first week and we saved $40k a month; otherwise we "
    "would have burned two more weeks of schedule."
)

CONSENSUS_TITLE = "Getting research and infra on the same page"
CONSENSUS = (
    "Research and infra disagreed about the data loader. I facilitated alignment in a "
    "series of workshops and got everyone on board with a shared plan. Because everyone "
    "agreed, the loader change shipped and epoch time dropped 33 % on 256 GPUs."
)

VAGUE_TITLE = "Slow training"
VAGUE = (
    "We had a problem with training being slow. The team tried a new approach and after a "
    "while things improved a lot. It went from 40 to 12 and everyone was happy."
)

#: Four key numbers, for the telling checks: 18 %, 15 s, 2,048 GPUs, 6 hours.
HEARTBEAT = (
    "The 2,048 GPU job hung silently for 6 hours twice a month. I added heartbeats every "
    "15 s with a timeout fallback, which cut uncaught stalls by 18 % against the previous "
    "quarter."
)


def words(count: int) -> str:
    """A story of exactly ``count`` spoken words (one number with a unit in it)."""
    base = ["We", "cut", "step", "time", "by", "12", "%"]
    filler = ["because", "the", "all-reduce", "was", "bound", "by", "one", "slow", "link"]
    tokens = base[:]
    index = 0
    while len([t for t in tokens if any(c.isalnum() for c in t)]) < count:
        tokens.append(filler[index % len(filler)])
        index += 1
    return " ".join(tokens) + "."
