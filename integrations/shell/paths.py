"""The config check's questions about the disk (``scheduler.ports.Paths``), answered here.

``oneonone check`` must catch what would only fail later, in the service: ``state: /`` (a
folder, where SQLite needs a file), a state folder nobody may write, a ``kpis`` file that is not
there. The answers hold for the user running the command: run ``check`` as the service's user
(``sudo -u oneonone oneonone check``) to see what the service will see.
"""

from __future__ import annotations

import os
from pathlib import Path


class LocalPaths:
    """Answers from this machine's file system, as the current user."""

    def state_problem(self, path: Path) -> str | None:
        if path.is_dir():
            return f"{path} is a folder; name a file in it, e.g. {path / 'state.db'}"
        if path.exists():
            if not path.is_file():
                return f"{path} is not a regular file"
            if not os.access(path, os.R_OK | os.W_OK):
                return f"{path} cannot be read and written by this user"
        return _creatable(path)

    def file_problem(self, path: Path) -> str | None:
        if path.is_dir():
            return f"{path} is a folder, not a file"
        if not path.exists():
            return f"{path} does not exist"
        if not os.access(path, os.R_OK):
            return f"{path} cannot be read by this user"
        return None

    def folder_problem(self, path: Path) -> str | None:
        if not path.exists():
            return f"{path} does not exist"
        if not path.is_dir():
            return f"{path} is a file, not a folder"
        if not os.access(path, os.R_OK | os.X_OK):
            return f"{path} cannot be read by this user"
        return None


def _creatable(path: Path) -> str | None:
    """None when ``path`` and its siblings (journal, lock) can be made in its folder."""
    folder = path.parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        return f"{existing or folder} is not a folder, so {path} cannot be made"
    if not os.access(existing, os.W_OK | os.X_OK):
        made = "" if existing == folder else f" (to make {folder})"
        return f"the folder {existing} is not writable by this user{made}"
    return None
