"""Reading the config file: text in, a resolved ``Config`` or every problem at once out.

People edit this file by hand, so a mistake must come back as sentences with file, line and
dotted path, all of them together, never a traceback or a pydantic URL. The pipeline is:
safe YAML with positions (``yamlpos``) → the written shape (``config_schema``, pydantic) →
what it means (``config_resolve``). This module runs it, checks who is listed where, and
translates every finding into a ``Problem``. It is pure: the caller reads the file.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from scheduler.config_checks import Finding
from scheduler.config_fields import ROTATION_KINDS, with_zone_enum
from scheduler.config_resolve import resolve_config
from scheduler.config_schema import RawConfig
from scheduler.encoding import decode_config
from scheduler.errors import ConfigError, Problem
from scheduler.model import Config
from scheduler.parse import describe
from scheduler.ports import Paths
from scheduler.yamlpos import (
    EmptyDocument,
    FatalYamlIssue,
    LoadedYaml,
    join_path,
    load_yaml,
    syntax_error_line,
)

__all__ = ["ROTATION_KINDS", "config_json_schema", "parse_config", "parse_config_bytes"]


def parse_config_bytes(
    data: bytes,
    *,
    filename: str,
    base_dir: Path,
    paths: Paths | None = None,
    now: dt.datetime | None = None,
) -> Config:
    """``parse_config`` for the file's bytes: anything but UTF-8 is a problem with its offset."""
    text = decode_config(data, filename=filename)
    return parse_config(text, filename=filename, base_dir=base_dir, paths=paths, now=now)


def parse_config(
    text: str,
    *,
    filename: str,
    base_dir: Path,
    paths: Paths | None = None,
    now: dt.datetime | None = None,
) -> Config:
    """Validate and resolve a config; raise ``ConfigError`` listing every problem, by line.

    ``paths`` answers questions about the disk (the state file, KPI files…); without it,
    nothing on disk is checked. With ``now``, a warning about working hours cites the next 1:1
    it affects.
    """
    try:
        loaded = load_yaml(text)
    except EmptyDocument:
        raise ConfigError(filename, [Problem(filename, 0, "", "the file is empty")]) from None
    except FatalYamlIssue as exc:
        issue = exc.issue
        raise ConfigError(
            filename, [Problem(filename, issue.line, issue.path, issue.message)]
        ) from None
    except yaml.YAMLError as exc:
        line, message = syntax_error_line(exc, text)
        raise ConfigError(filename, [Problem(filename, line, "", message)]) from None
    findings: list[Finding] = [(i.path, i.message) for i in loaded.issues]
    lines = {i.path: i.line for i in loaded.issues}
    raw, stand_ins = None, list[str]()
    try:
        raw = RawConfig.model_validate(loaded.data)
    except ValidationError as exc:
        taken = [i.path for i in loaded.issues]
        findings += [f for f in map(_translate, exc.errors()) if not _under_any(f[0], taken)]
        raw, stand_ins = _without_broken_entries(loaded.data, exc)
    findings += _people_problems(loaded.data, loaded.line_of)
    config = None
    warnings: list[Finding] = []
    if raw is not None:
        resolution = resolve_config(
            raw, base_dir=base_dir, line_of=loaded.line_of, paths=paths, now=now
        )
        findings += [f for f in resolution.errors if not _under_any(f[0], stand_ins)]
        warnings = resolution.warnings
        config = None if stand_ins else resolution.config
    problems = _problems(filename, findings, loaded, lines)
    if problems or config is None:
        raise ConfigError(filename, problems)
    notes = tuple(str(p) for p in _problems(filename, warnings, loaded, {}))
    return replace(config, warnings=notes)


def _stand_in(i: int, j: int | None) -> dict[str, Any]:
    """A harmless entry that keeps list positions (and so paths and lines) of the others."""
    if j is None:
        return {"name": "-", "email": f"stand-in-{i}@invalid.example", "reps": []}
    return {
        "name": "-",
        "email": f"stand-in-{i}-{j}@invalid.example",
        "day": "monday",
        "time": "00:00",
        "duration": "1m",
        "working_hours": "mon-sun 00:00-24:00",
        "rebook": {"allow_shorter": None},
    }


def _without_broken_entries(data: Any, exc: ValidationError) -> tuple[RawConfig | None, list[str]]:
    """The config with every broken manager or rep swapped for a stand-in, so the checks that
    need resolved values still run for everyone else and all problems come back in one go.

    Gives up (None) when a problem sits outside the managers list: it may touch everyone.
    """
    broken: set[tuple[int, int | None]] = set()
    for error in exc.errors():
        loc = tuple(error["loc"])
        if len(loc) < 2 or loc[0] != "managers" or not isinstance(loc[1], int):
            return None, []
        rep = loc[3] if len(loc) >= 4 and loc[2] == "reps" and isinstance(loc[3], int) else None
        broken.add((loc[1], rep))
    patched = copy.deepcopy(data)
    managers = patched["managers"]
    for i, j in sorted(broken, key=lambda b: (b[0], b[1] is not None)):
        if j is None:
            managers[i] = _stand_in(i, None)
        elif (i, None) not in broken and isinstance(managers[i].get("reps"), list):
            managers[i]["reps"][j] = _stand_in(i, j)
    paths = [f"managers[{i}]" + ("" if j is None else f".reps[{j}]") for i, j in broken]
    try:
        return RawConfig.model_validate(patched), paths
    except ValidationError:
        return None, []


def config_json_schema() -> dict[str, Any]:
    """JSON Schema of the file as written (for editors: ``# yaml-language-server: $schema=``)."""
    schema = with_zone_enum(RawConfig.model_json_schema(by_alias=True))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "oneonone config"
    return schema


def _problems(
    filename: str, findings: Iterable[Finding], loaded: LoadedYaml, lines: dict[str, int]
) -> list[Problem]:
    unique: dict[Problem, None] = {}
    for path, message in findings:
        line = lines.get(path) or loaded.line_of(path)
        unique[Problem(filename, line, path, message)] = None
    return sorted(unique, key=lambda p: p.line)


def _under_any(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith((f"{r}.", f"{r}[")) for r in roots)


def _dotted(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path = join_path(path, part)
    return path


def _translate(error: ErrorDetails) -> Finding:
    """One pydantic error as a plain sentence; never its URL or its "Value error, " prefix."""
    loc = tuple(error["loc"])
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _dotted(loc), _unknown_key(str(loc[-1]), _allowed_keys(loc[:-1]))
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: "missing (required)",
        "string_type": lambda: f"expected text, got {describe(value)}",
        "int_type": lambda: f"expected a whole number, got {describe(value)}",
        "int_parsing": lambda: f"expected a whole number, got {describe(value)}",
        "int_from_float": lambda: f"expected a whole number, got {describe(value)}",
        "int_parsing_size": lambda: f"{describe(value)} is far too large a number",
        "bool_type": lambda: f"expected true or false, got {describe(value)}",
        "bool_parsing": lambda: f"expected true or false, got {describe(value)}",
        "model_type": lambda: f"expected a mapping (key: value), got {describe(value)}",
        "dict_type": lambda: f"expected a mapping (key: value), got {describe(value)}",
        "list_type": lambda: f"expected a list, got {describe(value)}",
        "greater_than_equal": lambda: f"{describe(value)} is too small (at least {ctx.get('ge')})",
        "less_than_equal": lambda: f"{describe(value)} is too large (at most {ctx.get('le')})",
        "too_short": lambda: "must not be empty",
        "string_too_short": lambda: "must not be empty",
        "literal_error": lambda: f"{describe(value)} is not one of {_choices(ctx)}",
    }
    make = messages.get(kind)
    message = make() if make else str(error["msg"]).removeprefix("Value error, ")
    return _dotted(loc), message


def _choices(ctx: dict[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    return expected.replace("'", "").replace(" or ", ", ")


def _unknown_key(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key (allowed: {', '.join(allowed)})"


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    model: type[BaseModel] | None = RawConfig
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        model = _inner_model(fields[part].annotation) if part in fields else None
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _email_of(entry: object) -> str | None:
    if isinstance(entry, dict) and isinstance(entry.get("email"), str):
        return str(entry["email"]).strip().lower() or None
    return None


def _people_problems(data: object, line_of: Callable[[str], int]) -> list[Finding]:
    """Who is listed where: duplicates, a rep under two managers, a manager as own rep."""
    managers = data.get("managers") if isinstance(data, dict) else None
    if not isinstance(managers, list):
        return []
    out: list[Finding] = []
    manager_at: dict[str, str] = {}
    rep_of: dict[str, tuple[str, str]] = {}
    for i, entry in enumerate(managers):
        manager, mpath = _email_of(entry), f"managers[{i}].email"
        if manager is not None and manager in manager_at:
            first = line_of(manager_at[manager])
            out.append((mpath, f"{manager} is listed twice as a manager (first on line {first})"))
        elif manager is not None:
            manager_at[manager] = mpath
        reps = entry.get("reps") if isinstance(entry, dict) else None
        own: dict[str, str] = {}
        for j, rep_entry in enumerate(reps if isinstance(reps, list) else []):
            rep, rpath = _email_of(rep_entry), f"managers[{i}].reps[{j}].email"
            if rep is None:
                continue
            if rep == manager:
                out.append((rpath, f"{rep} is this manager's own address; not a rep of theirs"))
            elif rep in own:
                first = line_of(own[rep])
                out.append((rpath, f"{rep} is listed twice under this manager (line {first})"))
            elif rep in rep_of and rep_of[rep][0] != manager:
                other, where = rep_of[rep]
                out.append((rpath, f"{rep} is also a rep of {other} (line {line_of(where)})"))
            own.setdefault(rep, rpath)
            rep_of.setdefault(rep, (manager or "another manager", rpath))
    return out
