"""The model registry: names -> functions and parameter schemas, and a validating caller.

Content problems and ``tpm-drill calc`` name models through ``run``; nothing else calls a
model function with untrusted input. Each area module exposes ``SPECS``; the registry
collects them once, on first use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from engine.models.base import ModelError, ModelSpec, Result

_AREA_MODULES = (
    "engine.models.compute",
    "engine.models.memory",
    "engine.models.inference",
    "engine.models.communication",
    "engine.models.parallelism",
    "engine.models.reliability",
    "engine.models.queueing",
    "engine.models.energy",
    "engine.models.architecture",
)

_registry: dict[str, ModelSpec] | None = None


def models() -> dict[str, ModelSpec]:
    """All registered models by name, loading the area modules on first call."""
    global _registry
    if _registry is None:
        import importlib

        found: dict[str, ModelSpec] = {}
        for module_name in _AREA_MODULES:
            module = importlib.import_module(module_name)
            for spec in getattr(module, "SPECS", ()):
                if spec.name in found:
                    raise RuntimeError(f"model {spec.name!r} registered twice")
                found[spec.name] = spec
        _registry = dict(sorted(found.items()))
    return _registry


def get(name: str) -> ModelSpec:
    """The spec for ``name``, or a ``ModelError`` that lists the valid model names."""
    registry = models()
    if name not in registry:
        raise ModelError(f"unknown model {name!r}; valid models: {', '.join(registry)}")
    return registry[name]


def _coerce(spec: ModelSpec, name: str, raw: Any) -> Any:
    """Check one parameter value against its schema and return it in the function's type."""
    param = spec.param(name)
    assert param is not None
    if param.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ModelError(f"{spec.name}: {name} must be true or false, not {raw!r}")
    if param.kind in {"choice", "gpu"}:
        text = str(raw)
        if param.choices and text not in param.choices:
            raise ModelError(
                f"{spec.name}: {name} must be one of {', '.join(param.choices)}, not {raw!r}"
            )
        return text
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ModelError(f"{spec.name}: {name} must be a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise ModelError(f"{spec.name}: {name} must be finite, not {raw!r}")
    if param.minimum is not None and value < param.minimum:
        raise ModelError(f"{spec.name}: {name} = {value:g} is below the minimum {param.minimum:g}")
    if param.maximum is not None and value > param.maximum:
        raise ModelError(f"{spec.name}: {name} = {value:g} is above the maximum {param.maximum:g}")
    if param.kind == "int":
        if value != int(value):
            raise ModelError(f"{spec.name}: {name} must be a whole number, not {value:g}")
        return int(value)
    return value


def run(
    name: str,
    params: Mapping[str, Any],
    catalog: Mapping[str, Mapping[str, Any]] | None = None,
) -> Result:
    """Validate ``params`` against model ``name``'s schema and call it.

    ``gpu=<id>`` fills the parameters named in the spec's ``gpu_fields`` from ``catalog``
    (accelerator id -> fields in SI units) unless the caller gave them explicitly.
    Raises ``ModelError`` with a message naming what is wrong and what is valid.
    """
    spec = get(name)
    valid = [p.name for p in spec.params]
    unknown = [key for key in params if spec.param(key) is None]
    if unknown:
        raise ModelError(
            f"{name}: unknown parameter {', '.join(repr(k) for k in unknown)}; "
            f"valid parameters: {', '.join(valid)}"
        )
    values: dict[str, Any] = {}
    for key, raw in params.items():
        values[key] = _coerce(spec, key, raw)

    gpu_id = values.get("gpu")
    if gpu_id is not None and spec.gpu_fields:
        if catalog is None:
            raise ModelError(f"{name}: gpu={gpu_id!r} given but no hardware catalog was passed")
        if gpu_id not in catalog:
            known = ", ".join(sorted(catalog))
            raise ModelError(f"{name}: unknown gpu {gpu_id!r}; catalog ids: {known}")
        entry = catalog[gpu_id]
        for param_name, field_name in spec.gpu_fields.items():
            if param_name in values:
                continue
            if field_name not in entry:
                raise ModelError(f"{name}: gpu {gpu_id!r} has no {field_name} in the catalog")
            values[param_name] = _coerce(spec, param_name, entry[field_name])

    for param in spec.params:
        if param.name in values:
            continue
        if param.required:
            raise ModelError(
                f"{name}: missing parameter {param.name!r}; parameters: {', '.join(valid)}"
            )
        if param.default is not None:
            values[param.name] = param.default
    if spec.param("gpu") is not None and spec.gpu_fields:
        values.pop("gpu", None)  # consumed above: the function takes the resolved fields
    try:
        return spec.function(**values)
    except ModelError:
        raise
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise ModelError(f"{name}: {error}") from None
