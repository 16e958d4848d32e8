"""The Textual front end: screens render what the engine returns, one call per user action."""
