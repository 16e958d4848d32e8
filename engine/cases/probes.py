"""An open question's follow-up probes: the interviewer's "so what is that in GPU-hours?".

An open question may carry 1–3 numeric probes (``[[open.probes]]``, read by
``content.loader.read_probes`` exactly as a case's numeric steps). They are posed here with
the case machinery (``engine.cases.pose.pose_steps``: no drawn parameters, so every seed gives
the same numbers) into a ``PosedCase`` whose scenario is the question's prompt, graded with
``engine.cases.grade.grade_chain`` (a later probe built on an earlier one is graded against
the player's own earlier number too: errors carried forward), and stored one ``graded_steps``
row per probe (kind ``"probe"``) under the open answer's review.

The rating rule (``probed_score``): the answer's score is ``PROBE_SHARE`` (one half) the
probes' chain score plus the rest the written score (the self-checked score once given,
else the automatic one), rated as an open answer is (``grading.rating.rating_for_open``:
≥ 0.95 Easy, ≥ 0.8 Good, ≥ 0.5 Hard, else Again). Probes weigh as much as the writing, so
an essay that covers every key point but cannot put a number on it is Hard at best, and
a thin essay whose numbers are right is lifted. Skipped probes leave the written rating.

Never imports Textual; numpy and pint load only when probes are posed or graded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from content.catalog import Catalog
from content.loader import OpenQuestion

if TYPE_CHECKING:
    from engine.cases.grade import ChainGrade
    from engine.cases.pose import PosedCase
    from engine.store.db import GradedStepRecord

#: Share of a probed open answer's score the probes carry (the writing carries the rest):
#: at least as much as the writing, as issue 14 asks of checked answers.
PROBE_SHARE = 0.5
#: The seed probes are posed with: they draw nothing, so any seed gives the same numbers.
PROBE_SEED = 0
#: What a probe's graded_steps rows are marked as.
PROBE_KIND = "probe"

#: A number as a prompt writes it ("1,024", "3.35", "6e24"), and a multiplier word after it.
_NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*"
                     r"(thousand|million|billion|trillion|[kKMBGTP%]|)")
_MULTIPLIERS = {"": 1.0, "k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6,
                "B": 1e9, "G": 1e9, "billion": 1e9, "T": 1e12, "trillion": 1e12, "P": 1e15,
                "%": 0.01}


def pose_probes(question: OpenQuestion, catalog: Catalog) -> PosedCase | None:
    """``question``'s probes posed as a chain (``None`` when it has none): each reference
    computed from its constants, catalog figures and earlier probes. Raises ``PoseError``
    naming the probe when one cannot be posed (``probe_problem`` finds that at load)."""
    from engine.cases.pose import PosedCase, pose_steps
    from engine.questions import PoseError

    if not question.probes:
        return None
    accelerators: dict[str, Any] = {}
    try:
        steps = pose_steps(question.probes, {}, {}, catalog, None, accelerators,
                           where="probe")
    except PoseError as error:
        raise PoseError(f"{question.id}: {error}") from None
    except Exception as error:  # untrusted content: one error type for every failure
        raise PoseError(f"{question.id}: probes cannot be posed "
                        f"({type(error).__name__}: {error})") from error
    return PosedCase(
        item_id=question.id, topic=question.topic, level=question.level, seed=PROBE_SEED,
        scenario=question.prompt, params={}, param_units={}, steps=steps,
        justify_prompt="", model_answer=question.model_answer, key_points=(),
        red_flags=(), explanation=question.explanation, source=question.source,
        rounds=question.rounds, accelerators=accelerators)


def prompt_numbers(text: str) -> list[float]:
    """Every value a number written in ``text`` can stand for: as written, times its
    multiplier word ("70B" → 7e10, "3.35 TB/s" → 3.35e12, "4 thousand" → 4e3) and a
    percentage as a fraction ("40%" → 0.4)."""
    found: list[float] = []
    for match in _NUMBER.finditer(text):
        try:
            written = float(match.group(1).replace(",", ""))
        except ValueError:
            continue
        found.append(written)
        multiplier = _MULTIPLIERS.get(match.group(2), 1.0)
        if multiplier != 1.0:
            found.append(written * multiplier)
    return found


def _written_in(value: float, numbers: Sequence[float]) -> bool:
    return any(math.isclose(value, number, rel_tol=1e-9, abs_tol=0.0) for number in numbers)


def probe_problem(question: OpenQuestion, catalog: Catalog) -> str | None:
    """Why ``question``'s probes cannot be served, or ``None``; the message names the probe.

    Checked: each reference exists and takes the probe's inputs (every required one
    given), the chain poses to finite positive references, and every numeric constant is
    written in the probe's prompt (as written, with a multiplier word such as "70B" or
    "3.35 TB/s", or as a percentage), so the number the player is graded on is the number
    they were told. The question's own prompt counts too: a probe may lean on its numbers."""
    from engine.cases.check import inputs_problem
    from engine.questions import PoseError

    if not question.probes:
        return None
    for index, probe in enumerate(question.probes):
        where = f"probe {index + 1} ({probe.id})"
        problem = inputs_problem(where, probe.reference, {i.name for i in probe.inputs},
                                 require_all=True)
        if problem is not None:
            return problem
        written = prompt_numbers(probe.prompt) + prompt_numbers(question.prompt)
        for spec_input in probe.inputs:
            value = spec_input.value
            if spec_input.source != "const" or isinstance(value, bool) or value is None:
                continue
            if not _written_in(float(value), written):
                return (f"{where}: constant {spec_input.name} = {value:g} is not written in "
                        f"the probe's prompt (as {value:g}, with k/M/B/G/T, or as a %): the "
                        f"player must be told the numbers they are graded on")
    try:
        pose_probes(question, catalog)
    except PoseError as error:
        return str(error)
    return None


def probed_score(written_score: float, chain: ChainGrade) -> float:
    """The answer's score with its probes: ``PROBE_SHARE`` × the probes' chain score +
    the rest × the written score, in [0, 1]."""
    written = min(max(written_score, 0.0), 1.0)
    score = PROBE_SHARE * chain.score + (1.0 - PROBE_SHARE) * written
    return min(max(round(score, 9), 0.0), 1.0)


def probed_rating(written_score: float, chain: ChainGrade) -> int:
    """The rating of ``probed_score``, mapped as an open answer's score is."""
    from grading.rating import rating_for_open

    return rating_for_open(probed_score(written_score, chain))


def probe_records(posed: PosedCase, chain: ChainGrade) -> list[GradedStepRecord]:
    """One ``graded_steps`` row per graded probe (kind ``"probe"``), in order."""
    from engine.cases.verdict import step_records

    return [replace(record, kind=PROBE_KIND) for record in step_records(posed, chain)]
