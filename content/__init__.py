"""Content: the hardware catalog and the decks, parsed and validated into typed items.

A leaf package: standard library only (``tomllib``), so it loads fast and is usable by any
layer. Content is data — nothing read from a deck is ever evaluated.
"""
