"""Renders the manager prep email with the sample context and screenshots it for the docs.

Usage: python scripts/render_prep_png.py [OUT.png]   (default docs/prep-email.png)
Needs headless Chromium at /usr/bin/chromium (or $CHROMIUM); the tests never do.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from integrations.mail.render import Renderer, sample_context  # noqa: E402


def screenshot(html: str, out: Path, *, width: int = 800, height: int = 1400) -> None:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "prep.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={tmp}/profile",
                f"--screenshot={out.resolve()}",
                f"--window-size={width},{height}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "prep-email.png"
    email = Renderer().render("prep_manager", **sample_context())
    screenshot(email.html, out)
    print(f"{out}: {email.subject}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
