"""Answer parsing and scoring for tpm-drill: units, quantities, tolerance bands, ratings.

A leaf package: it imports only the standard library, pint and rapidfuzz, and pint only lazily
(``import grading.numeric`` stays fast; the registry is built on the first unit used).
"""
