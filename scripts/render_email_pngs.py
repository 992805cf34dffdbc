"""Pictures of the manager's and the rep's prep, the recap, the move notice, an alert and the
weekly digest, on a phone (375 px) and on a
desktop (1,200 px), for the docs: ``docs/email-<name>-<375|desktop>.png``.

Usage: python scripts/render_email_pngs.py [OUT_DIR]   (default docs/)
Renders the built-in templates with the sample context in headless Chromium (Playwright, with
/usr/bin/chromium or $CHROMIUM); nothing is sent.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from integrations.mail.recap_render import recap_sample_context  # noqa: E402
from integrations.mail.render import Renderer, sample_pair  # noqa: E402

SIZES = {"375": 375, "desktop": 1200}


def digest_sample() -> dict[str, Any]:
    """A digest as Dana would get it: four reps, two with the same initials, one with none held."""
    held = [("Sam Ortiz", 6), ("Sara Olsen", 5), ("Priya Raman", 3), ("Noah Becker", 0)]
    top = max(n for _, n in held)
    return {
        "manager": sample_pair().manager,
        "digest": {
            "week_of": "Mon 7 Dec 2026",
            "weeks": 8,
            "meetings": [
                {"rep": "Sam Ortiz", "when": "Tue 08 Dec 13:00 EST",
                 "rep_when": "Tue 08 Dec 10:00 PST", "moved": False},
                {"rep": "Priya Raman", "when": "Wed 09 Dec 11:00 EST",
                 "rep_when": "Wed 09 Dec 16:00 GMT", "moved": True},
            ],
            "ledger": [
                {"rep": "Sam Ortiz", "planned": "Tue 01 Dec 13:00 EST",
                 "state": "moved the same day", "reason": "at 12:00 instead of 13:00",
                 "missed": ""},
                {"rep": "Noah Becker", "planned": "Thu 03 Dec 15:00 EST", "state": "missed",
                 "reason": "declined by Noah, no free time that day", "missed": "yes"},
            ],
            "late_recaps": [{"rep": "Priya Raman", "when": "Wed 02 Dec 11:00 EST"}],
            "open_items": [
                {"rep": "Sam Ortiz", "count": 2,
                 "oldest": "Send Acme the revised quote (since 24 Nov)"},
                {"rep": "Priya Raman", "count": 0, "oldest": ""},
            ],
            "chart": {"rows": [{"rep": r, "held": n, "share": round(100 * n / top)}
                               for r, n in held]},
        },
    }  # fmt: skip


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs"
    renderer = Renderer()
    emails = {
        "prep-manager": renderer.render("prep_manager", **recap_sample_context()),
        "prep-rep": renderer.render("prep_rep", **recap_sample_context()),
        "recap": renderer.render("recap", **recap_sample_context()),
        "move-notice": renderer.render("move_notice", **recap_sample_context()),
        "alert": renderer.render("alert", **recap_sample_context()),
        "digest": renderer.render("digest", **digest_sample()),
    }
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, email in emails.items():
            for size, width in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": 400})
                page.set_content(email.html)
                path = out / f"email-{name}-{size}.png"
                page.screenshot(path=str(path), full_page=True)
                page.close()
                print(f"{path}: {email.subject}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
