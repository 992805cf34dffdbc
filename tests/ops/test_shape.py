"""The shape of the product code stays as the house style asks: small modules."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400


def test_every_module_of_the_product_is_under_400_lines() -> None:
    modules = [ROOT / "daemon.py", *(ROOT / "scheduler").rglob("*.py")]
    modules += (ROOT / "integrations").rglob("*.py")
    sizes = {
        p.relative_to(ROOT).as_posix(): len(p.read_text("utf-8").splitlines()) for p in modules
    }
    assert len(sizes) > 100  # the walk found the code
    assert {name: n for name, n in sizes.items() if n >= LIMIT} == {}
