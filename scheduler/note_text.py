"""Plain lines from notes as people leave them: Google's HTML, pasted documents, odd spaces.

Google Calendar's editor may turn an event description into HTML, and people paste from
documents, so notes are reduced to plain lines before ``scheduler.notes`` reads them.

Pure: text in, text out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS_TEXT = (
    "address article blockquote br dd div dl dt figure footer form h1 h2 h3 h4 h5 h6 header hr "
    "li main nav ol p pre section table tbody td tfoot th thead tr ul"
)
_BLOCK_TAGS = frozenset(_BLOCK_TAGS_TEXT.split())
_SKIP_TAGS = frozenset(("script", "style", "head", "title", "template", "xml"))
_HTML_HINT = re.compile(
    r"<(?:br|p|div|span|ul|ol|li|b|i|u|strong|em|a|html|body|font|h[1-6]|table)\b[^>]{0,2000}>"
    r"|</(?:p|div|span|ul|ol|li|b|i|u|strong|em|a|font|h[1-6]|table)>"
    r"|&(?:nbsp|amp|lt|gt|quot|#\d{1,7}|#x[0-9a-f]{1,6});",
    re.IGNORECASE,
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"), None)


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, one line per block and ``- `` per list item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self._new_line()
            self.parts.append("- ")
        elif tag in _BLOCK_TAGS:
            self._new_line()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self._new_line()

    def _new_line(self) -> None:
        """Start a new line unless already at the start of one (blocks do not stack blanks)."""
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment: block tags and ``<br>`` become line breaks, list items
    ``- `` lines, entities are decoded, scripts and styles dropped, spaces tidied per line."""
    extractor = _TextExtractor()
    extractor.feed(text)
    extractor.close()
    return _tidy("".join(extractor.parts))


def _tidy(text: str) -> str:
    text = text.translate(_INVISIBLE).replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def looks_like_html(text: str) -> bool:
    return _HTML_HINT.search(text) is not None


def plain_text(text: str) -> str:
    """The text as plain lines, whether it came as plain text or as Google's HTML."""
    return strip_html(text) if looks_like_html(text) else _tidy(text)
