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
        # no parse_float hook: a Python call per number would double the time of a large
        # weights file; the walk below finds 1e400 (read as infinity) instead
        value = json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
        levels = depth(value)
    except _Refused as exc:
        raise LoadError(f"{name}: {owner} is refused: {exc}.", path) from None
    except RecursionError:
        raise LoadError(f"{name}: {subject} nested too deeply (the limit is "
                        f"{MAX_JSON_DEPTH} levels of lists and objects).", path) from None
    except json.JSONDecodeError as exc:
        raise LoadError(f"{name}: {subject} not valid JSON (line {exc.lineno}, column "
                        f"{exc.colno}: {exc.msg}); the file is damaged or was cut short.",
                        path) from None
    if levels > MAX_JSON_DEPTH:
        raise LoadError(f"{name}: {subject} nested too deeply (the limit is "
                        f"{MAX_JSON_DEPTH} levels of lists and objects).", path)
    return value


def depth(value) -> int:
    """Levels of lists and objects, without recursion (stops counting past the limit).
    Raises ``_Refused`` for a non-finite float (``1e400`` is read as infinity)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if not isinstance(item, (list, dict)):
            continue
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            return level
        children = list(item.values()) if isinstance(item, dict) else item
        kinds = set(map(type, children))  # one pass in C; a row of numbers ends here
        if float in kinds:
            floats = children if kinds == {float} else [c for c in children
                                                        if type(c) is float]
            if not all(map(math.isfinite, floats)):
                raise _Refused("it holds a number too large for a float (only finite "
                               "numbers are accepted)")
        if list in kinds or dict in kinds:
            stack.extend((c, level + 1) for c in children if isinstance(c, (list, dict)))
    return deepest
