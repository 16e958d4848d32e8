"""The onsite loop: its rules (rounds, countdowns on an injected clock, the hiring committee's
verdict) in ``rules``, the options a player picks in ``options``, the running loop that drives a
study session in ``session``, and the debrief read back from the database in ``debrief``.
"""
