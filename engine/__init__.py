"""The headless core of tpm-drill: models, questions, scheduling, storage, sessions.

Never imports Textual: screens call into this package and render what it returns.
"""

__version__ = "0.1.0"
