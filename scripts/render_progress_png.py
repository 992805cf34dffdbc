"""Pictures of ``oneonone run --once`` on a terminal, for the docs: the live progress bar in the
middle of a pass, and the screen when the pass has ended (``docs/run-progress.png``,
``docs/run-done.png``).

Usage: python scripts/render_progress_png.py [OUT_DIR] [MANAGERS]   (default docs/ and 600)
The real command runs on the built-in sandbox in a tmux pane (a real terminal); the pane is
captured with its colours (``tmux capture-pane -e``) while the pass runs and after it ends,
drawn as SVG by rich, and photographed by headless Chromium (Playwright, with
/usr/bin/chromium or $CHROMIUM). Needs tmux.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.text import Text

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 110, 14


def write_config(folder: Path, managers: int) -> Path:
    blocks = "".join(
        f"  - name: Manager {i:03d}\n    email: m{i}@example.com\n    reps:\n"
        f'      - {{name: Rep {i:03d}, email: r{i}@example.com, day: tuesday, time: "13:00"}}\n'
        for i in range(managers)
    )
    path = folder / "config.yaml"
    path.write_text(
        "timezone: America/New_York\ncalendar: {provider: sandbox}\n"
        "email: {provider: outbox, outbox_dir: ./var/outbox}\nstate: ./var/state.db\n"
        f"managers:\n{blocks}"
    )
    return path


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def capture_frames(config: Path, managers: int) -> tuple[str, str]:
    """The pane mid-pass (the bar under way) and once the pass has printed its summary."""
    session = f"oneonone-progress-{os.getpid()}"
    command = f"cd {ROOT} && {sys.executable} daemon.py run --once -c {config}; sleep 60"
    tmux("new-session", "-d", "-s", session, "-x", str(WIDTH), "-y", str(HEIGHT), command)
    middle = ""
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-e", "-t", session)
            if "summary:" in screen:
                return middle or screen, screen
            plain = re.sub(r"\x1b\[[0-9;]*m", "", screen)
            counts = [int(w.split("/")[0]) for w in plain.split() if _count(w)]
            if counts and not middle and managers * 0.3 <= counts[0] < managers:
                middle = screen  # calendars read, a third of the way or more
            time.sleep(0.05)
        raise SystemExit("the pass did not end in 2 minutes")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def _count(word: str) -> bool:
    head, _, tail = word.partition("/")
    return head.isdigit() and tail.isdigit()


def to_svg(screen: str, title: str) -> str:
    console = Console(record=True, width=WIDTH, file=open(os.devnull, "w"), force_terminal=True)  # noqa: SIM115
    console.print(Text.from_ansi(screen.rstrip("\n")))
    return console.export_svg(title=title)


def photograph(svgs: dict[str, str], out_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 400}, device_scale_factor=1)
        for name, svg in svgs.items():
            page.set_content(f"<body style='margin:0;background:#fff'>{svg}</body>")
            page.locator("svg").screenshot(path=str(out_dir / name))
        browser.close()


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    managers = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    with tempfile.TemporaryDirectory() as tmp:
        middle, end = capture_frames(write_config(Path(tmp), managers), managers)
    photograph(
        {
            "run-progress.png": to_svg(middle, "oneonone run --once (a pass under way)"),
            "run-done.png": to_svg(end, "oneonone run --once (the pass has ended)"),
        },
        out_dir,
    )
    print(f"wrote {out_dir / 'run-progress.png'} and {out_dir / 'run-done.png'}")


if __name__ == "__main__":
    main()
