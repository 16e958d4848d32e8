"""Katas: the player's own Python model of a system, run in a sandboxed child process and
checked case by case against the engine's reference models.

``references`` computes what a kata's function should return (a composition of models with
its derivation steps); ``runner`` runs the player's code and compares.
"""
