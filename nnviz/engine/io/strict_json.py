"""JSON from files nnviz did not necessarily write: bounded nesting, finite numbers only.

``json.loads`` alone turns ``1e400`` into infinity, accepts ``NaN``, raises ``ValueError``
for a 5,000-digit integer and ``RecursionError`` for deep nesting; here each is a
:class:`LoadError` naming the file and the limit.
"""
from __future__ import annotations

import json
import math

from ..limits import MAX_JSON_DEPTH, MAX_JSON_INT_DIGITS
from .errors import LoadError


class _Refused(ValueError):
    pass


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:30]} is too large for a float (only finite numbers "
                       "are accepted)")
    return value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise _Refused(f"an integer has {len(text.lstrip('-'))} digits (the limit is "
                       f"{MAX_JSON_INT_DIGITS})")
    return int(text)


def _parse_constant(text: str):
    raise _Refused(f"it holds {text}, which is not a finite number")


def loads(text: str, path, what: str | None = None):
    """Parse ``text`` (from ``path``; ``what`` names the part of the file it is, such as
    ``"manifest"``); :class:`LoadError` for anything beyond the limits."""
    name = getattr(path, "name", str(path))
    subject = "is" if what is None else f"its {what} is"
    owner = "its JSON" if what is None else f"its {what}"
    try:
        value = json.loads(text, parse_float=_parse_float, parse_int=_parse_int,
                           parse_constant=_parse_constant)
    except _Refused as exc:
        raise LoadError(f"{name}: {owner} is refused: {exc}.", path) from None
    except RecursionError:
        raise LoadError(f"{name}: {subject} nested too deeply (the limit is "
                        f"{MAX_JSON_DEPTH} levels of lists and objects).", path) from None
    except json.JSONDecodeError as exc:
        raise LoadError(f"{name}: {subject} not valid JSON (line {exc.lineno}, column "
                        f"{exc.colno}: {exc.msg}); the file is damaged or was cut short.",
                        path) from None
    if depth(value) > MAX_JSON_DEPTH:
        raise LoadError(f"{name}: {subject} nested too deeply (the limit is "
                        f"{MAX_JSON_DEPTH} levels of lists and objects).", path)
    return value


def depth(value) -> int:
    """Levels of lists and objects, without recursion (stops counting past the limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children
                         if isinstance(child, (list, dict)))
    return deepest
