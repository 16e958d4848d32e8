"""Answer parsing and scoring for tpm-drill.

- ``units``, ``quantity``, ``numeric``: typed quantities ("3.35 TB/s", "30-50 days",
  "40 days ±25%", "1h 30min") read in a display unit and graded within tolerance bands,
  with known slips (bits vs bytes, GiB vs GB, prefixes, factors of 2) named.
- ``text``: short text answers ("HBM3e") against accepted phrasings.
- ``rubric``: open answers — key-point coverage, numbers, mechanisms, tradeoffs, red flags.
- ``rating``: FSRS rating suggestions; ``calibration``: interval hit rate and interval score.

A leaf package: it imports only the standard library, pint and rapidfuzz, and those two only
lazily (``import grading.numeric`` stays fast; pint loads on the first unit used, rapidfuzz on
the first typo forgiven).
"""
