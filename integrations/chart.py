"""A small PNG bar chart for the weekly digest, written with zlib and struct alone.

Email clients show inline images but not scripts or SVG reliably, and a chart library would be a
heavy dependency for one picture, so this writes the PNG bytes itself: one bar per label, the
value above each bar and the label's initials below, in a 3×5 pixel font scaled up. The digest
carries the same numbers as text (a table and the image's alt text) for anyone who cannot see it.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

Color = tuple[int, int, int]

BACKGROUND: Color = (255, 255, 255)
BAR: Color = (31, 58, 95)
INK: Color = (31, 41, 51)
RULE: Color = (200, 207, 216)

_FONT: dict[str, str] = {  # 3 columns × 5 rows per glyph, rows top to bottom
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001001001001", "8": "111101111101111",
    "9": "111101111001111", "A": "010101111101101", "B": "110101110101110",
    "C": "011100100100011", "D": "110101101101110", "E": "111100110100111",
    "F": "111100110100100", "G": "011100101101011", "H": "101101111101101",
    "I": "111010010010111", "J": "001001001101010", "K": "101101110101101",
    "L": "100100100100111", "M": "101111111101101", "N": "110101101101101",
    "O": "010101101101010", "P": "110101110100100", "Q": "010101101110011",
    "R": "110101110101101", "S": "011100010001110", "T": "111010010010010",
    "U": "101101101101111", "V": "101101101101010", "W": "101101111111101",
    "X": "101101010101101", "Y": "101101010010010", "Z": "111001010100111",
    " ": "000000000000000", "?": "111001010000010",
}  # fmt: skip


@dataclass(frozen=True)
class Layout:
    bar_width: int = 44
    gap: int = 22
    margin: int = 18
    plot_height: int = 110
    scale: int = 3  # font pixels per glyph pixel


class Canvas:
    """An RGB pixel grid with the few drawing operations a bar chart needs."""

    def __init__(self, width: int, height: int, fill: Color = BACKGROUND) -> None:
        self.width, self.height = width, height
        self.rows = [bytearray(bytes(fill) * width) for _ in range(height)]

    def rect(self, x: int, y: int, w: int, h: int, color: Color) -> None:
        x0, x1 = max(x, 0), min(x + w, self.width)
        if x1 <= x0:
            return
        for row in self.rows[max(y, 0) : min(y + h, self.height)]:
            row[x0 * 3 : x1 * 3] = bytes(color) * (x1 - x0)

    def text(self, x: int, y: int, text: str, color: Color, scale: int) -> None:
        for i, ch in enumerate(text.upper()):
            glyph = _FONT.get(ch, _FONT["?"])
            for bit, on in enumerate(glyph):
                if on == "1":
                    col, row = bit % 3, bit // 3
                    self.rect(x + (i * 4 + col) * scale, y + row * scale, scale, scale, color)

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)  # filter 0 on every row
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b"")
        )


def text_width(text: str, scale: int) -> int:
    return max(len(text) * 4 - 1, 0) * scale


def initials(name: str) -> str:
    """``Sam Ortiz`` → ``SO``: what fits under a bar."""
    letters = [part[0] for part in name.split() if part and part[0].isalnum()]
    return "".join(letters[:3]).upper() or "?"


def chart_size(count: int, layout: Layout = Layout()) -> tuple[int, int]:
    """Width and height in pixels of a chart of ``count`` bars."""
    width = 2 * layout.margin + count * layout.bar_width + max(count - 1, 0) * layout.gap
    height = 2 * layout.margin + layout.plot_height + 2 * (5 * layout.scale + 6)
    return max(width, 2 * layout.margin + layout.bar_width), height


def bar_chart(bars: Sequence[tuple[str, int]], layout: Layout = Layout()) -> bytes:
    """PNG bytes: one bar per ``(label, value)``, scaled to the largest value."""
    width, height = chart_size(len(bars), layout)
    canvas = Canvas(width, height)
    glyph_h = 5 * layout.scale
    base = layout.margin + glyph_h + 6 + layout.plot_height
    top = max([v for _, v in bars] + [1])
    canvas.rect(layout.margin // 2, base, width - layout.margin, 2, RULE)
    for i, (label, value) in enumerate(bars):
        x = layout.margin + i * (layout.bar_width + layout.gap)
        h = round(layout.plot_height * max(value, 0) / top)
        h = max(h, 2) if value > 0 else 0
        canvas.rect(x, base - h, layout.bar_width, h, BAR)
        number = str(value)
        canvas.text(x + (layout.bar_width - text_width(number, layout.scale)) // 2,
                    base - h - glyph_h - 5, number, INK, layout.scale)  # fmt: skip
        short = initials(label)
        canvas.text(x + (layout.bar_width - text_width(short, layout.scale)) // 2,
                    base + 7, short, INK, layout.scale)  # fmt: skip
    return canvas.png()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
