"""The onsite loop: its rules (rounds, countdowns on an injected clock, round scores weighing
checked evidence, the hiring committee's verdict) in ``rules``, the options a player picks in
``options``, the running loop that drives a study session in ``session``, what each round's
rating rests on (cases' graded chains) in ``evidence``, and the debrief read back from the
database in ``debrief``.
"""
