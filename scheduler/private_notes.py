"""The private part of a notes file: what a manager writes for herself alone.

The event description is visible to the rep, so a manager who keeps notes in files
(``notes_dir``) may mark a section of the file private. It runs from a line like
``--- Private (only in your next prep; never sent to the rep) ---`` to the next marker line
(``--- … ---``) or the end of the file. It is taken out of the text before anything is read for
the recap or for anything a rep receives, and it is shown in the manager's next prep only.

Pure: text in, text out.
"""

from __future__ import annotations

import re

PRIVATE_MARKER = "--- Private (only in your next prep; never sent to the rep) ---"
_PRIVATE = re.compile(r"^\s*-{3,}\s*private\b", re.IGNORECASE)
_ANY_MARKER = re.compile(r"^\s*-{3,}\s*\S.*?-{3,}\s*$")


def is_private_marker(line: str) -> bool:
    return bool(_PRIVATE.match(line))


def split_private(text: str) -> tuple[str, str]:
    """``(what may be read for the rep, the private lines)``; a file may hold several private
    sections (each marker opens one)."""
    public: list[str] = []
    private: list[str] = []
    inside = False
    for line in text.splitlines():
        if is_private_marker(line):
            inside = True
            continue
        if inside and _ANY_MARKER.match(line):
            inside = False
        (private if inside else public).append(line)
    return "\n".join(public) + ("\n" if text.endswith("\n") else ""), "\n".join(private).strip()
