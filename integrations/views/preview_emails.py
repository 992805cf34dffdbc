"""The emails ``oneonone preview`` renders, by name: a module of its own so that the command
line can offer them as choices without importing the mail stack (Jinja2 and the templates'
helpers, about 0.1 s) for every command."""

from __future__ import annotations

EMAILS = ("prep_rep", "prep_manager", "move_notice", "reminder", "recap")
