"""Say a key point in other words: the field's synonyms, applied to every phrasing.

A strong answer often names a thing by another of its names — "utilisation of the tensor
cores" for MFU, "the input phase" for prefill, "the slowest rank" for a straggler, "gradient
sync" for the all-reduce. Content lists phrasings per key point, but no author lists every
name of every term in every point of 90 questions. :func:`expand_phrasing` adds, to every
alternative of a phrasing that names a term of :data:`SYNONYMS`, the same alternative with
each of the term's other names, so every open question (labelled or not) hears them.

Only positive evidence is expanded: misconceptions and red flags keep their exact wording
(a penalty needs the words as written). A group holds names that mean the same thing in
an AI-infrastructure answer, written from the field's usage (the MLPerf, NCCL, Megatron,
vLLM and FlashAttention literature), not from any answer of the labelled set.

Pure standard library; nothing here raises on any phrasing.
"""

from __future__ import annotations

from functools import lru_cache

from grading._phrases import normalise_words

__all__ = ["SYNONYMS", "expand_phrasing"]

#: Groups of names for one thing; each name is replaced by every other in an alternative.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("mfu", "model flops utilization", "model flops utilisation", "model flop utilization",
     "model flop utilisation", "flops utilization", "flops utilisation",
     "tensor core utilization", "tensor core utilisation"),
    ("hfu", "hardware flops utilization", "hardware flops utilisation"),
    ("prefill", "prompt processing", "input phase", "prompt phase", "context encoding",
     "processing the prompt"),
    ("decode", "generation phase", "token generation", "output phase", "generating tokens",
     "autoregressive generation"),
    ("hbm", "high bandwidth memory", "gpu memory", "device memory"),
    ("hbm bandwidth", "memory bandwidth", "dram bandwidth"),
    ("all-reduce", "allreduce", "gradient sync", "gradient synchronization",
     "gradient synchronisation", "gradient exchange"),
    ("all-gather", "allgather"),
    ("reduce-scatter", "reducescatter"),
    ("kv cache", "key value cache", "key-value cache", "attention cache", "kv-cache"),
    ("tensor parallelism", "tensor parallel", "intra-layer parallelism", "intra-layer model "
     "parallelism"),
    ("pipeline parallelism", "pipeline parallel", "inter-layer parallelism",
     "pipelining the layers"),
    ("data parallelism", "data parallel", "data-parallel replicas"),
    ("fsdp", "fully sharded data parallel", "zero-3", "zero stage 3"),
    ("mtbf", "mean time between failures", "mean time between failure",
     "time between failures"),
    ("straggler", "slow rank", "slowest rank", "slow gpu", "slowest gpu", "slow node",
     "slowest node", "laggard"),
    ("stragglers", "slow ranks", "slow gpus", "slow nodes", "laggards"),
    ("pue", "power usage effectiveness"),
    ("tdp", "thermal design power", "board power", "rated power"),
    ("pipeline bubble", "pipeline idle time", "idle pipeline stages", "pipeline stall"),
    ("goodput", "useful training time", "productive time", "share of time making progress",
     "effective training time"),
    ("critical batch size", "largest useful batch", "maximum useful batch size",
     "critical batch"),
    ("arithmetic intensity", "operational intensity", "flops per byte", "flop per byte",
     "ops per byte"),
    ("ridge point", "machine balance", "roofline knee"),
    ("online softmax", "streaming softmax", "running softmax", "incremental softmax"),
    ("sram", "on-chip memory", "shared memory", "on chip memory"),
    ("recompute", "recomputes", "rematerialize", "rematerialise"),
    ("recomputation", "rematerialization", "rematerialisation", "activation checkpointing"),
    ("time to first token", "ttft", "first-token latency", "first token latency"),
    ("time per output token", "tpot", "inter-token latency", "per-token latency"),
    ("p99", "99th percentile", "99th-percentile"),
    ("p50", "50th percentile", "median"),
    ("p80", "80th percentile", "80th-percentile"),
    ("p90", "90th percentile", "90th-percentile"),
    ("fp8", "8-bit float", "8-bit floats", "8-bit floating point"),
    ("bf16", "bfloat16"),
    ("speculative decoding", "speculative sampling", "draft-and-verify"),
    ("expert parallelism", "expert parallel"),
    ("hot spares", "spare nodes", "standby nodes", "warm spares", "hot standby"),
    ("rollback", "roll back", "revert", "back out"),
    ("capex", "capital cost", "capital expense", "capital expenditure", "upfront cost"),
    ("opex", "operating cost", "operating expense", "running cost"),
    ("silent data corruption", "sdc", "silent corruption"),
    ("memory bound", "memory-bandwidth bound", "bandwidth bound", "limited by memory bandwidth",
     "limited by hbm bandwidth", "bound by memory bandwidth"),
    ("compute bound", "flop bound", "math bound", "limited by compute", "bound by compute"),
    ("step time", "iteration time", "time per step", "seconds per step", "time per iteration"),
    ("tokens per second", "tokens/s", "tok/s", "tokens a second"),
    ("loss scaling", "loss scale", "scaling the loss"),
    ("gradient accumulation", "accumulating gradients", "grad accumulation"),
    ("busbw", "bus bandwidth"),
    ("algbw", "algorithm bandwidth"),
    ("gpu-hours", "gpu hours"),
    ("infant mortality", "early-life failures", "early life failures", "early failures",
     "bathtub curve", "early-life faults", "early life faults"),
    ("burn-in", "burn in", "soak test", "stress test", "soak testing", "soak"),
    ("gpu", "accelerator", "card"),
    ("gpus", "accelerators", "cards"),
    ("gemm", "matmul", "matrix multiply", "matrix-multiply", "matrix multiplication"),
    ("ecc errors", "memory errors", "uncorrectable errors"),
    ("checkpoint interval", "checkpoint frequency", "time between checkpoints",
     "checkpoint period"),
    ("overlap", "hide behind compute", "hidden behind compute", "overlapped with compute"),
    ("watchdog", "hang detector", "collective timeout"),
    ("gradient norm", "grad norm", "gradient-norm", "grad-norm"),
    ("continuous batching", "in-flight batching", "inflight batching", "iteration-level batching",
     "iteration-level scheduling"),
    ("prefix caching", "prefix sharing", "prompt caching", "prefix cache"),
    ("hybrid sharding", "hsdp", "hybrid sharded data parallel", "hybrid shard"),
    ("optimizer state", "optimiser state", "optimizer states", "optimiser states"),
    ("all-to-all", "alltoall", "all to all"),
    ("context parallelism", "context parallel", "context-parallel"),
)

#: Most variants one alternative gains (a long group times several terms adds up).
MAX_VARIANTS = 24


@lru_cache(maxsize=1)
def _groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    return tuple(tuple(normalise_words(name) for name in group) for group in SYNONYMS)


def _find(words: tuple[str, ...], name: tuple[str, ...]) -> int:
    for start in range(len(words) - len(name) + 1):
        if words[start:start + len(name)] == name:
            return start
    return -1


@lru_cache(maxsize=16384)
def _variants(alternative: str) -> tuple[str, ...]:
    """``alternative`` with each synonym group member it names replaced by the others."""
    text = alternative.strip()
    if not text or text.endswith("*") or text in ("#", "%", "$"):
        return ()
    words = normalise_words(text)
    found: list[str] = []
    for group in _groups():
        for name in group:
            start = _find(words, name)
            if start < 0:
                continue
            for other in group:
                if other == name:
                    continue
                variant = " ".join(words[:start] + other + words[start + len(name):])
                if variant not in found and variant != " ".join(words):
                    found.append(variant)
            break
        if len(found) >= MAX_VARIANTS:
            break
    return tuple(found[:MAX_VARIANTS])


@lru_cache(maxsize=8192)
def expand_phrasing(phrasing: str) -> str:
    """``phrasing`` with every alternative's synonym variants added to its part: ``"mfu &
    goodput"`` → ``"mfu|model flops utilization|… & goodput|useful training time|…"``.
    Negated parts are left as they are."""
    parts = phrasing.split("&")
    expanded: list[str] = []
    changed = False
    for part in parts:
        stripped = part.strip()
        if stripped.startswith("!"):
            expanded.append(stripped)
            continue
        alternatives = [alt.strip() for alt in stripped.split("|")]
        extra = [v for alt in alternatives for v in _variants(alt)
                 if v not in alternatives]
        if extra:
            changed = True
            alternatives += list(dict.fromkeys(extra))
        expanded.append("|".join(alternatives))
    return " & ".join(expanded) if changed else phrasing
