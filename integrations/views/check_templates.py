"""The templates part of ``oneonone check``: every email rendered with a fixed sample context.

Its outcome depends on the config only through ``templates_dir``, so the built-in templates are
checked while the config is still being parsed in its child (``load_config``'s ``meanwhile``),
and that answer is used when the config names no folder of its own. The mail stack is imported
inside the functions: importing this module costs nothing before the config's child starts.
"""

from __future__ import annotations

import contextlib
from pathlib import Path


class TemplateCheck:
    def __init__(self) -> None:
        self._builtin: list[str] | None = None

    def prepare(self) -> None:
        """What ``check`` imports after its config, then the built-in templates' check.
        Anything met here is left to ``problems``, after the config, so that a broken config
        still says so first."""
        import integrations.mail.notify
        import integrations.views.check_view  # noqa: F401

        with contextlib.suppress(Exception):
            self._builtin = template_problems(None)

    def problems(self, templates_dir: Path | None) -> list[str]:
        """One ``file:line: problem`` per email that does not render."""
        if templates_dir is None and self._builtin is not None:
            return self._builtin
        return template_problems(templates_dir)


def template_problems(templates_dir: Path | None) -> list[str]:
    """Every email rendered with the sample context: one ``file:line: problem`` per failure."""
    from integrations.mail.recap_render import recap_sample_context
    from integrations.mail.render import Renderer

    return Renderer(templates_dir).check(recap_sample_context())
