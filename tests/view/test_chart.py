"""The digest's bar chart: a valid PNG of the announced size whose bars grow with the values."""

from __future__ import annotations

import struct
import zlib

from integrations.chart import BAR, Layout, bar_chart, chart_size, initials


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    (width, height) = struct.unpack(">II", png[16:24])
    (length,) = struct.unpack(">I", png[33:37])
    assert png[37:41] == b"IDAT"
    raw = zlib.decompress(png[41 : 41 + length])
    stride = 1 + 3 * width
    rows = [raw[i * stride + 1 : (i + 1) * stride] for i in range(height)]
    return width, height, rows


def bar_height(rows: list[bytes], x: int) -> int:
    return sum(1 for row in rows if bytes(row[x * 3 : x * 3 + 3]) == bytes(BAR))


def test_the_png_has_the_announced_size_and_a_crc_checked_header() -> None:
    png = bar_chart([("Sam Ortiz", 3), ("Priya Raman", 6), ("Lee", 0)])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">I", png[29:33])[0] == zlib.crc32(png[12:29])
    width, height, rows = pixels(png)
    assert (width, height) == chart_size(3)
    assert all(len(row) == 3 * width for row in rows)


def test_bars_are_proportional_and_a_zero_has_no_bar() -> None:
    layout = Layout()
    _, _, rows = pixels(bar_chart([("A", 3), ("B", 6), ("C", 0)], layout))
    centre = [layout.margin + i * (layout.bar_width + layout.gap) + 2 for i in range(3)]
    heights = [bar_height(rows, x) for x in centre]
    assert heights == [layout.plot_height // 2, layout.plot_height, 0]


def test_labels_are_initials() -> None:
    assert initials("Sam Ortiz") == "SO"
    assert initials("Mary Ann de la Cruz") == "MAD"
    assert initials("") == "?"
