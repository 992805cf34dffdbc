"""Safe YAML loading that remembers where every key came from.

Config errors must name a line, and PyYAML's plain ``safe_load`` forgets positions and silently
keeps the last of two duplicate keys. Here the document is composed into a node tree with
``yaml.SafeLoader`` and walked by hand: we get plain Python data, a map from dotted path
(``managers[0].reps[2].day``) to its 1-based line, and problems for duplicate keys and for
tags that a safe loader must refuse (``!!python/object`` and friends are reported, never run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_SAFE_TAG_PREFIX = "tag:yaml.org,2002:"

# libyaml's parser when PyYAML was built with it: ten times faster on a 1,000-manager config,
# with the same nodes, marks and safe constructors (only the scanner and parser are in C).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = _SAFE_TAG_PREFIX + "str"
_UNSAFE_TAG_MARKER = "tag:yaml.org,2002:python/"


@dataclass(frozen=True)
class YamlIssue:
    """A problem found while reading the YAML itself (before any schema check)."""

    line: int
    path: str
    message: str


@dataclass
class LoadedYaml:
    """Plain data plus the line of every path in it."""

    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    issues: list[YamlIssue] = field(default_factory=list)

    def line_of(self, path: str) -> int:
        """The line of ``path``, or of its nearest parent that exists (1 for the root)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = parent_path(path)
        return self.lines.get("", 1)


def parent_path(path: str) -> str:
    """``a.b[2].c`` → ``a.b[2]`` → ``a.b`` → ``a`` → ``''``."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def join_path(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


class EmptyDocument(Exception):
    """The text holds no YAML document at all."""


def load_yaml(text: str) -> LoadedYaml:
    """Parse ``text``; raise ``yaml.YAMLError`` (with a mark) on syntax errors.

    Raises ``EmptyDocument`` when there is nothing but comments and blank lines.
    """
    loader: yaml.SafeLoader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        if _Loader is yaml.SafeLoader:
            raise
        # Read a broken file again with PyYAML's own parser: its messages say what it found
        # ("expected ',' or ']', but got '<stream end>'"), and they stay the same everywhere.
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        raise EmptyDocument()
    out = LoadedYaml(data=None)
    out.lines[""] = node.start_mark.line + 1
    out.data = _Walker(loader, out).value(node, "")
    return out


class _Walker:
    """Turns nodes into data, recording lines and issues as it goes."""

    def __init__(self, loader: yaml.SafeLoader, out: LoadedYaml) -> None:
        self._loader = loader
        self._out = out
        self._active: set[int] = set()

    def value(self, node: yaml.Node, path: str) -> Any:
        line = node.start_mark.line + 1
        if not self._tag_is_safe(node, path, line):
            return None
        if id(node) in self._active:
            self._issue(line, path, "an alias refers to itself; write the value out")
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, path)
            return self._scalar(node, path, line)
        finally:
            self._active.discard(id(node))

    def _tag_is_safe(self, node: yaml.Node, path: str, line: int) -> bool:
        tag = node.tag or ""
        if tag.startswith(_UNSAFE_TAG_MARKER) or not tag.startswith(_SAFE_TAG_PREFIX):
            self._issue(line, path, f"the tag {_short_tag(tag)} is not allowed; write plain values")
            return False
        return True

    def _mapping(self, node: yaml.MappingNode, path: str) -> dict[Any, Any]:
        self._loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys in place
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = self.value(key_node, path)
            if not isinstance(key, str | int | bool | float) or key is None:
                self._issue(key_line, path, "a key must be plain text")
                continue
            key = str(key) if not isinstance(key, str) else key
            child = join_path(path, key)
            if key in first_line:
                self._issue(key_line, child, f"duplicate key (first set on line {first_line[key]})")
                continue
            first_line[key] = key_line
            self._out.lines[child] = key_line
            result[key] = self.value(value_node, child)
        return result

    def _sequence(self, node: yaml.SequenceNode, path: str) -> list[Any]:
        items = []
        for i, item in enumerate(node.value):
            child = join_path(path, i)
            self._out.lines[child] = item.start_mark.line + 1
            items.append(self.value(item, child))
        return items

    def _scalar(self, node: yaml.Node, path: str, line: int) -> Any:
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # what the str constructor returns, without its bookkeeping
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._issue(line, path, f"cannot read this value ({_problem_text(exc)})")
            return None
        except Exception:
            # PyYAML's constructors fail in assorted ways on text they cannot convert (an
            # impossible date such as 2026-13-01, ``!!int x``): hand the text on as written
            # and let the schema say what was expected there.
            return node.value

    def _issue(self, line: int, path: str, message: str) -> None:
        self._out.issues.append(YamlIssue(line, path, message))


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_SAFE_TAG_PREFIX) :] if tag.startswith(_SAFE_TAG_PREFIX) else tag


def _problem_text(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    return str(problem) if problem else str(exc).splitlines()[0]


def syntax_error_line(exc: yaml.YAMLError) -> tuple[int, str]:
    """Line and plain message of a YAML syntax error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or "not valid YAML"
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    return line, message
