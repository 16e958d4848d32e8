"""Reference models: pure functions, SI units in, a ``Result`` with show-work steps out."""

from engine.models.base import ModelError, ModelSpec, ParamSpec, Result, Step

__all__ = ["ModelError", "ModelSpec", "ParamSpec", "Result", "Step"]
