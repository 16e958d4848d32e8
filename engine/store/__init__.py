"""The player's progress on disk: one SQLite file through sqlite-utils.

``db`` holds the schema, its migrations, the one writer path and every query the screens need;
``backup`` makes, checks and restores the dated copies taken before any migration or restore.
"""
