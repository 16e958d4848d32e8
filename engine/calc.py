"""The calculator behind ``tpm-drill calc``: run a reference model from ``key=value`` text.

Numbers are SI floats (``bandwidth=450e9``); a value written with a unit is converted into the
parameter's SI unit (``bandwidth=450GB/s``, ``hours=2weeks``, ``params=70B``);
``gpu=h100_sxm`` reads the hardware catalog. Every mistake is a ``ModelError`` whose message
lists what is valid, so the CLI can print it and exit 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from content.catalog import Catalog, builtin_catalog
from engine import finite_or_none
from engine.models.base import ModelError, ModelSpec, ParamSpec, Result
from engine.models.registry import get, models, run

#: Parameters that hold a context length in tokens, where "32k" means 32,768.
CONTEXT_PARAMS = frozenset({"seq_len", "context", "context_tokens", "max_seq_len"})
_BINARY_K = re.compile(r"(?P<count>[0-9]+)\s*[kK]")


def context_tokens(text: str) -> int | None:
    """A context length written the way the field writes it, or ``None``.

    Context windows are powers of two, and "32k context" means 32,768 tokens (2^15), "128k"
    131,072: a ``k`` after a power of two counts 1,024s. "100k" is not a power of two and
    stays 100,000 (read by the usual path).
    """
    match = _BINARY_K.fullmatch(text.strip())
    if not match:
        return None
    count = int(match.group("count"))
    if count <= 0 or count & (count - 1):
        return None
    return count * 1024


def _value(spec: ModelSpec, param: ParamSpec, text: str, catalog: Catalog) -> Any:
    """One ``key=value`` value, read as the parameter's schema says."""
    if param.name in CONTEXT_PARAMS and (tokens := context_tokens(text)) is not None:
        return float(tokens)
    if param.kind in {"bool", "choice"}:
        return text
    if param.kind == "gpu":
        gpus = catalog.accelerators()
        if text not in gpus:
            raise ModelError(f"{spec.name}: unknown gpu {text!r}; catalog ids: "
                             f"{', '.join(sorted(gpus))}")
        return text
    try:
        return float(text)
    except ValueError:
        pass
    from grading.quantity import AnswerError, parse_answer

    try:
        return parse_answer(text, param.unit).value
    except AnswerError as error:
        unit = f" (in {param.unit})" if param.unit else ""
        raise ModelError(f"{spec.name}: {param.name}={text!r}{unit}: {error}") from None


def parse_assignments(model: str, assignments: Iterable[str],
                      catalog: Catalog | None = None) -> dict[str, Any]:
    """``["params=70B", "gpu=h100_sxm"]`` -> parameter values for ``model``."""
    spec = get(model)
    catalog = catalog or builtin_catalog()
    values: dict[str, Any] = {}
    valid = ", ".join(p.name for p in spec.params)
    for assignment in assignments:
        key, sep, text = assignment.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key or not text:
            raise ModelError(f"{model}: expected key=value, got {assignment!r}; "
                             f"parameters: {valid}")
        param = spec.param(key)
        if param is None:
            raise ModelError(f"{model}: unknown parameter {key!r}; valid parameters: {valid}")
        if key in values:
            raise ModelError(f"{model}: {key} given twice")
        values[key] = _value(spec, param, text, catalog)
    return values


def calculate(model: str, assignments: Iterable[str],
              catalog: Catalog | None = None) -> Result:
    """Parse and run: the whole of ``tpm-drill calc MODEL key=value ...``."""
    catalog = catalog or builtin_catalog()
    return run(model, parse_assignments(model, assignments, catalog), catalog.accelerators())



def result_json(model: str, result: Result) -> dict[str, Any]:
    """The JSON shape of a result: model, value, unit, outputs, steps (non-finite -> null)."""
    return {
        "model": model,
        "value": finite_or_none(result.value),
        "unit": result.unit,
        "outputs": {k: finite_or_none(v) for k, v in result.outputs.items()},
        "steps": [{"label": s.label, "value": finite_or_none(s.value), "unit": s.unit}
                  for s in result.steps],
    }


def describe_models() -> list[dict[str, Any]]:
    """Every model with its parameters and one-line formula, for ``calc --list``."""
    described = []
    for name, spec in models().items():
        params = []
        for param in spec.params:
            params.append({
                "name": param.name, "kind": param.kind, "unit": param.unit,
                "required": param.required, "default": param.default,
                "choices": list(param.choices), "help": param.help,
            })
        described.append({"model": name, "unit": spec.unit, "formula": spec.formula,
                          "summary": spec.summary, "params": params,
                          "gpu_fields": dict(spec.gpu_fields)})
    return described


def param_synopsis(param: Mapping[str, Any]) -> str:
    """``params`` / ``[recompute=false]`` / ``gpu`` as a usage line shows it."""
    text = param["name"]
    if param["unit"]:
        text += f" ({param['unit']})"
    if param["required"]:
        return text
    if param["default"] is not None:
        default = param["default"]
        shown = str(default).lower() if isinstance(default, bool) else f"{default:g}" \
            if isinstance(default, int | float) else str(default)
        return f"[{param['name']}={shown}]"
    return f"[{text}]"
