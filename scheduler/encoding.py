"""The config file's bytes as text: UTF-8 only, and a sentence for anything else.

People save YAML from all sorts of editors; Windows ones still offer Latin-1 ("ANSI") and
UTF-16 ("Unicode"). PyYAML would read UTF-16 with a byte-order mark, but the rest of the toolchain
(diffs, ``grep``, the schema in editors) expects UTF-8, so every other encoding is refused with
the place of the first bad byte and how to convert the file. A UTF-8 byte-order mark is dropped.
Pure: the caller reads the file.
"""

from __future__ import annotations

import codecs

from scheduler.errors import ConfigError, Problem

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_HOW = "save it as UTF-8 (in an editor: Save as, Encoding UTF-8; or convert it with iconv)"
_CONTROL = frozenset(range(32)) - {9, 10, 13}


def decode_config(data: bytes, *, filename: str) -> str:
    """``data`` as text, or a ``ConfigError`` naming the line and byte offset that is not UTF-8."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            what = f"the file is {name} (it starts with a {name} byte-order mark), not UTF-8"
            raise _error(filename, 1, f"{what}; {_HOW}")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
    before = data[:offset]  # YAML breaks lines at \n, \r\n and a lone \r alike
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    column = offset - max(before.rfind(b"\n"), before.rfind(b"\r"))
    bad = f"byte 0x{data[offset]:02X} at offset {offset} (column {column}) is not UTF-8"
    raise _error(filename, line, f"{bad}; {_guess(data)}; {_HOW}")


def _guess(data: bytes) -> str:
    """What the file probably is: UTF-16 without a mark is full of NUL bytes, binary of controls."""
    if data.count(0) * 4 >= len(data):
        return "the file looks like UTF-16 without a byte-order mark, or binary"
    if sum(1 for b in data if b in _CONTROL) * 20 >= len(data):
        return "the file looks binary, not like text"
    return "the file looks like Latin-1 or Windows-1252"


def _error(filename: str, line: int, message: str) -> ConfigError:
    return ConfigError(filename, [Problem(filename, line, "", message)])
