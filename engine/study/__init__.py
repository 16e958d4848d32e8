"""Studying: the FSRS scheduler and its day rollover (``scheduler``), the session that picks,
poses, grades and records (``session``), custom study (``custom``), the tolerance bands in
words (``bands``), the interview-date planner (``planner``) and personal weights (``optimize``).
"""
