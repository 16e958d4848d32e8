"""What the player's history says: stats (``stats``), weak areas (``weak``) and the export of
every review, session and round (``export``). Read-only over the store.
"""
