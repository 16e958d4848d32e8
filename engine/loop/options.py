"""What a player chooses before an onsite loop, checked the same way from the command line
(``tpm-drill loop --round-minutes``) and from the home screen's loop dialog."""

from __future__ import annotations

import math

#: A round longer than this is a typo (the real rounds are 45 and 60 minutes).
MAX_ROUND_MINUTES = 600.0


def parse_round_minutes(text: str) -> float:
    """Every round's length: a finite number of minutes above 0 and at most 600.

    NaN reached the database (an IntegrityError) and infinity the countdown's clock text (an
    OverflowError), so both are refused here with the rest of the nonsense: ``ValueError``
    saying what to give.
    """
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not math.isfinite(minutes) or not 0 < minutes <= MAX_ROUND_MINUTES:
        raise ValueError(f"{text!r} is not a round length: give minutes above 0 and at most "
                         f"{MAX_ROUND_MINUTES:g}")
    return minutes
