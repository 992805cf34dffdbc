"""Safe YAML loading that remembers where every key came from.

Config errors must name a line, and PyYAML's plain ``safe_load`` forgets positions and silently
keeps the last of two duplicate keys. Here the document is composed into a node tree with
``yaml.SafeLoader`` and walked by hand: we get plain Python data, a map from dotted path
(``managers[0].reps[2].day``) to its 1-based line, and problems for duplicate keys and for
tags that a safe loader must refuse (``!!python/object`` and friends are reported, never run).

The file may be hostile or just broken, so reading it is bounded. Aliases share nodes, so a
1 KB file of nested aliases ("billion laughs") stands for billions of values: the walk counts
what aliases add and stops past ``ALIAS_ALLOWANCE`` (plus twice what the file writes out), and
merge keys (``<<``) are expanded here, under the same count, instead of by PyYAML's
``flatten_mapping`` (which copies every merged pair into the node graph without a limit).
Nesting deeper than ``MAX_DEPTH`` is refused both by the walk and by the composer (PyYAML's is
recursive and would end in a ``RecursionError``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_SAFE_TAG_PREFIX = "tag:yaml.org,2002:"
_STR_TAG = _SAFE_TAG_PREFIX + "str"
_MERGE_TAG = _SAFE_TAG_PREFIX + "merge"
_UNSAFE_TAG_MARKER = "tag:yaml.org,2002:python/"

MAX_DEPTH = 50
"""Deepest nesting read; a config needs about 7 levels (managers → reps → rebook → key)."""
ALIAS_ALLOWANCE = 10_000
"""Values aliases may add beyond twice those the file writes out before the file is refused."""


@dataclass(frozen=True)
class YamlIssue:
    """A problem found while reading the YAML itself (before any schema check)."""

    line: int
    path: str
    message: str


class FatalYamlIssue(Exception):
    """A problem that stops the reading at once (nothing after it would make sense)."""

    def __init__(self, issue: YamlIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def _too_deep(line: int) -> FatalYamlIssue:
    return FatalYamlIssue(
        YamlIssue(line, "", f"nested more than {MAX_DEPTH} levels deep; a config needs about 7")
    )


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's pure loader, whose recursive composer stops at ``MAX_DEPTH``."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _too_deep(event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml's parser when PyYAML was built with it: ten times faster on a 1,000-manager config,
# with the same nodes, marks and safe constructors (only the scanner and parser are in C).
# libyaml refuses nesting past 1,000 levels itself; the walk below stops at MAX_DEPTH.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", _BoundedLoader)


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

    Raises ``EmptyDocument`` when there is nothing but comments and blank lines, and
    ``FatalYamlIssue`` when the document nests too deep or its aliases expand too far.
    """
    loader: yaml.SafeLoader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        if _Loader is _BoundedLoader:
            raise
        # Read a broken file again with PyYAML's own parser: its messages say what it found
        # ("expected ',' or ']', but got '<stream end>'"), and they stay the same everywhere.
        loader = _BoundedLoader(text)
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
    """Turns nodes into data, recording lines and issues as it goes, within the bounds."""

    def __init__(self, loader: yaml.SafeLoader, out: LoadedYaml) -> None:
        self._loader = loader
        self._out = out
        self._active: set[int] = set()  # nodes on the way from the root to here
        self._seen: set[int] = set()  # nodes read at least once
        self._spent = 0  # values read, counting each time an alias repeats one
        self._aliases: list[str] = []  # where repeated nodes are being read, outermost first

    def value(self, node: yaml.Node, path: str) -> Any:
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:
            return self._text(node, path)
        line = node.start_mark.line + 1
        if not self._tag_is_safe(node, path, line):
            return None
        if id(node) in self._active:
            self._issue(line, path, "an alias refers to itself; write the value out")
            return None
        if len(self._active) >= MAX_DEPTH:
            raise _too_deep(line)
        repeated = id(node) in self._seen
        self._seen.add(id(node))
        if repeated:
            self._aliases.append(path)
        self._spend(path)
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, path)
            return self._scalar(node, path, line)
        finally:
            self._active.discard(id(node))
            if repeated:
                self._aliases.pop()

    def _text(self, node: yaml.ScalarNode, path: str) -> str:
        """``value`` for plain text, most of a config's values, in one call: a scalar is never
        its own ancestor, and its tag is safe; the depth and the count are kept the same."""
        if len(self._active) >= MAX_DEPTH:
            raise _too_deep(node.start_mark.line + 1)
        text: str = node.value
        seen = self._seen
        if id(node) not in seen:
            seen.add(id(node))
            self._spent += 1  # ``_spend``, inline: a new value never goes over the allowance
            return text
        self._aliases.append(path)
        try:
            self._spend(path)
        finally:
            self._aliases.pop()
        return text

    def _spend(self, path: str) -> None:
        """Count one value read; refuse the file once aliases have added far too many."""
        self._spent += 1
        if self._spent - len(self._seen) <= ALIAS_ALLOWANCE + 4 * len(self._seen):
            return
        where = self._aliases[0] if self._aliases else path
        while where.endswith("]"):  # an aliased list item has its anchor's line: name the key
            where = parent_path(where)
        raise FatalYamlIssue(
            YamlIssue(
                self._out.line_of(where),
                where,
                f"aliases here expand to more than {ALIAS_ALLOWANCE:,} values beyond what the "
                "file writes out; write the values out instead of nesting aliases",
            )
        )

    def _tag_is_safe(self, node: yaml.Node, path: str, line: int) -> bool:
        tag = node.tag or ""
        if tag.startswith(_UNSAFE_TAG_MARKER) or not tag.startswith(_SAFE_TAG_PREFIX):
            self._issue(line, path, f"the tag {_short_tag(tag)} is not allowed; write plain values")
            return False
        return True

    def _mapping(self, node: yaml.MappingNode, path: str) -> dict[Any, Any]:
        """Keys written here first (a duplicate is a problem), then merged ones (``<<``) that
        are not set yet: written keys win over merged ones, earlier merges over later ones."""
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        lines, prefix, merges = self._out.lines, f"{path}." if path else "", False
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges = True
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            key_line = key_node.start_mark.line + 1
            child = prefix + key
            if key in first_line:
                self._issue(key_line, child, f"duplicate key (first set on line {first_line[key]})")
                continue
            first_line[key] = key_line
            lines[child] = key_line
            if value_node.tag == _STR_TAG and type(value_node) is yaml.ScalarNode:
                result[key] = self._text(value_node, child)
            else:
                result[key] = self.value(value_node, child)
        for key_node, value_node in self._merged(node, path) if merges else ():
            key = self._key(key_node, path)
            if key is None or key in result:
                continue
            child = join_path(path, key)
            lines[child] = key_node.start_mark.line + 1
            result[key] = self.value(value_node, child)
        return result

    def _key(self, key_node: yaml.Node, path: str) -> str | None:
        if key_node.tag == _STR_TAG and type(key_node) is yaml.ScalarNode:
            return self._text(key_node, path)  # most keys: plain text
        key = self.value(key_node, path)
        if not isinstance(key, str | int | bool | float) or key is None:
            self._issue(key_node.start_mark.line + 1, path, "a key must be plain text")
            return None
        return key if isinstance(key, str) else str(key)

    def _merged(self, node: yaml.MappingNode, path: str) -> list[tuple[yaml.Node, yaml.Node]]:
        """The pairs that ``<<`` keys bring in, most important first (as PyYAML orders them)."""
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
                continue
            many = isinstance(value_node, yaml.SequenceNode)
            for source in value_node.value if many else [value_node]:
                if isinstance(source, yaml.MappingNode):
                    pairs += self._flattened(source, path)
                else:
                    self._issue(
                        source.start_mark.line + 1,
                        join_path(path, "<<"),
                        "a merge key (<<) takes a mapping or a list of mappings",
                    )
        return pairs

    def _flattened(self, source: yaml.MappingNode, path: str) -> list[tuple[yaml.Node, yaml.Node]]:
        line = source.start_mark.line + 1
        if id(source) in self._active:
            self._issue(line, path, "a merge key (<<) refers to its own mapping")
            return []
        if len(self._active) >= MAX_DEPTH:
            raise _too_deep(line)
        self._active.add(id(source))
        try:
            pairs = [(k, v) for k, v in source.value if k.tag != _MERGE_TAG]
            pairs += self._merged(source, path)
        finally:
            self._active.discard(id(source))
        for _ in pairs:
            self._spend(path)
        return pairs

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


def syntax_error_line(exc: yaml.YAMLError, text: str = "") -> tuple[int, str]:
    """Line and plain message of a YAML syntax error."""
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow at all
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return line, (
            f"the character U+{code:04X} is not allowed in YAML (only printable text is); "
            "is this a text file?"
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or "not valid YAML"
    context = getattr(exc, "context", None)
    if context and problem.startswith("but "):  # "expected a single document…, but found…"
        return line, f"YAML syntax error: {context}, {problem}"
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    return line, message
