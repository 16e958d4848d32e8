"""A numeric question's tolerance bands in words, and the answers each band takes.

The drill shows the bands before an answer ("exact within 5%, close within 15%") and, after a
miss, what exact and close would have needed ("3.18–3.52 TB/s"). Pure functions over the
question's ``tolerance`` spec (``grading.numeric.Tolerance``), imported when first used.
"""

from __future__ import annotations


def band_words(tolerance: str) -> str | None:
    """``"rel:5%,15%"`` as "exact within 5%, close within 15%" (``"log:1.25,2"``: "exact
    within 1.25×, close within 2×"); ``None`` for no spec or a bad one."""
    from grading.numeric import Tolerance

    try:
        bands = Tolerance.parse(tolerance)
    except ValueError:
        return None
    return f"exact within {bands.describe('exact')}, close within {bands.describe('close')}"


def band_range(reference: float, tolerance: str, band: str) -> tuple[float, float] | None:
    """The answers ``band`` ("exact" or "close") takes around ``reference``, as (low, high)
    in the reference's unit: ``reference ± limit·|reference|`` for a relative band (never
    below 0 for a positive reference: no negative answer is close to it),
    ``reference ÷ limit … reference × limit`` for a factor band. ``None`` when there is no
    such range: a bad spec, a factor band around a reference that is not positive, or a
    reference that is not finite."""
    import math

    from grading.numeric import Tolerance

    try:
        bands = Tolerance.parse(tolerance)
    except ValueError:
        return None
    if not math.isfinite(reference):
        return None
    limit = bands.exact if band == "exact" else bands.close
    if bands.kind == "log":
        if reference <= 0:
            return None
        return reference / limit, reference * limit
    spread = abs(reference) * limit
    low, high = reference - spread, reference + spread
    if reference > 0:
        low = max(low, 0.0)
    return low, high
