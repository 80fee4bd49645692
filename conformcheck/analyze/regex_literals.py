"""What a parsed regex says about the text it can match: literals it needs, characters it cannot cross.

These facts let `regex_plan` skip a rule regex, or try it only at a few positions, without changing a
single match. Every function here may answer « unknown » (None, or an empty barrier set); it never claims
more than the regex guarantees. Case-insensitive or locale patterns are not analysed at all.
"""

from __future__ import annotations

from re import _constants as C  # the stdlib's own regex parser (Python 3.11+)
from re import _parser as sre_parse
from typing import Any

Strings = frozenset[str]
Items = list[tuple[Any, Any]]

MAX_SET = 64  # beyond this many alternatives a literal set is not worth checking
_MAX_CLASS = 8  # a character class of up to this many characters counts as alternatives
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


class Unsupported(Exception):
    """The pattern uses a feature the analysis does not model (inline flags on a group)."""


class _Info:
    """`exact`: every string the node can match (when few); `required`: strings one of which every
    match contains, within the match or in what a lookaround must see."""

    __slots__ = ("exact", "required")

    def __init__(self, exact: Strings | None, required: Strings | None) -> None:
        self.exact = exact
        self.required = required


_EMPTY = _Info(frozenset({""}), None)
_UNKNOWN = _Info(None, None)


def best(a: Strings | None, b: Strings | None) -> Strings | None:
    """The more selective literal set: longest shortest string, then fewer alternatives."""
    candidates = [s for s in (a, b) if s and "" not in s and len(s) <= MAX_SET]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)))


def _product(a: Strings, b: Strings) -> Strings | None:
    if len(a) * len(b) > MAX_SET:
        return None
    return frozenset(x + y for x in a for y in b)


def _sequence(items: Any) -> _Info:
    exact: Strings | None = frozenset({""})
    run: Strings | None = frozenset({""})  # exact strings of the current run of exact items
    required: Strings | None = None
    for op, arg in items:
        info = _node(op, arg)
        required = best(required, info.required)
        if info.exact is not None and run is not None:
            joined = _product(run, info.exact)
            if joined is not None:
                run = joined
                exact = _product(exact, info.exact) if exact is not None else None
                continue
        required = best(required, run)  # the run ends here: what it matched is required
        exact = None
        run = info.exact
    return _Info(exact, best(required, run))


def _class(arg: Any) -> _Info:
    chars: set[str] = set()
    for op, value in arg:
        if op == C.LITERAL:
            chars.add(chr(value))
        elif op == C.RANGE and value[1] - value[0] < _MAX_CLASS:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:  # negation, categories (\d, \s, \w), wide ranges
            return _UNKNOWN
    return _Info(frozenset(chars), None) if len(chars) <= _MAX_CLASS else _UNKNOWN


def _branch(arg: Any) -> _Info:
    infos = [_sequence(items) for items in arg[1]]
    exact: Strings | None = None
    if all(info.exact is not None for info in infos):
        union = frozenset().union(*(info.exact for info in infos))  # type: ignore[arg-type]
        exact = union if len(union) <= MAX_SET else None
    parts = [best(info.required, info.exact) for info in infos]  # each alternative brings one of its own
    required = None
    if all(part is not None for part in parts):
        union = frozenset().union(*parts)  # type: ignore[arg-type]
        required = union if len(union) <= MAX_SET else None
    return _Info(exact, required)


def _repeat(arg: Any) -> _Info:
    low, high, items = arg
    if low == 0:
        return _EMPTY if high == 0 else _UNKNOWN
    info = _sequence(items)
    required = best(info.required, info.exact)
    if info.exact is not None and len(info.exact) == 1 and low <= 16:
        (single,) = info.exact
        required = best(required, frozenset({single * low}))
    return _Info(info.exact if low == high == 1 else None, required)


def _node(op: Any, arg: Any) -> _Info:
    if op == C.LITERAL:
        return _Info(frozenset({chr(arg)}), None)
    if op == C.IN:
        return _class(arg)
    if op == C.SUBPATTERN:
        if arg[1] or arg[2]:  # inline flags change what the literals mean
            raise Unsupported
        return _sequence(arg[3])
    if op == C.BRANCH:
        return _branch(arg)
    if op in _REPEATS:
        return _repeat(arg)
    if op == C.ATOMIC_GROUP:
        return _sequence(arg)
    if op in (C.AT, C.ASSERT_NOT):
        return _EMPTY
    if op == C.ASSERT:  # matches nothing itself, but what it sees must be in the text
        inner = _sequence(arg[1])
        return _Info(frozenset({""}), best(inner.required, inner.exact))
    return _UNKNOWN  # any character, negated literal, category, group reference, conditional…


def analysable(parsed: sre_parse.SubPattern) -> bool:
    import re

    return not parsed.state.flags & (re.IGNORECASE | re.LOCALE)


def required_literals(items: Any) -> Strings | None:
    """Strings one of which the text must contain for the items to match; None if unknown."""
    try:
        info = _sequence(items)
    except Unsupported:
        return None
    return best(info.required, info.exact)


def prefix_literals(items: Any) -> Strings | None:
    """Strings one of which every match of the items starts with; None if unknown."""
    run: Strings = frozenset({""})
    try:
        for op, arg in items:
            info = _node(op, arg)
            if info.exact is not None:
                joined = _product(run, info.exact)
                if joined is None:
                    break
                run = joined
                continue
            inner: Strings | None = None
            if op == C.BRANCH:
                parts = [prefix_literals(alternative) for alternative in arg[1]]
                if all(parts):
                    inner = frozenset().union(*parts)  # type: ignore[arg-type]
            elif op == C.SUBPATTERN:
                inner = prefix_literals(arg[-1])
            elif op in _REPEATS and arg[0] >= 1:
                body = _sequence(arg[2])
                if body.exact is not None and len(body.exact) == 1:  # « \.{3,} » starts with « ... »
                    inner = frozenset({next(iter(body.exact)) * min(arg[0], 16)})
                else:
                    inner = prefix_literals(arg[2])
            if inner:
                run = _product(run, inner) or run
            break
    except Unsupported:
        return None
    return run if "" not in run and len(run) <= MAX_SET else None


def is_zero_width(op: Any, arg: Any) -> bool:
    item = sre_parse.SubPattern(sre_parse.State(), [(op, arg)])
    return item.getwidth() == (0, 0)


def _char_set(items: Any) -> tuple[bool, frozenset[str]] | None:
    """The characters one single-character piece can consume, as (negated, chars); None if unknown.

    Zero-width assertions inside are ignored: they only forbid more, so the answer stays a superset."""
    consuming = [(op, arg) for op, arg in items if not is_zero_width(op, arg)]
    if len(consuming) != 1:
        return None
    op, arg = consuming[0]
    if op == C.LITERAL:
        return False, frozenset({chr(arg)})
    if op == C.NOT_LITERAL:
        return True, frozenset({chr(arg)})
    if op == C.IN:
        negated = bool(arg) and arg[0][0] == C.NEGATE
        chars: set[str] = set()
        for kind, value in arg[1:] if negated else arg:
            if kind != C.LITERAL:
                return None
            chars.add(chr(value))
        return negated, frozenset(chars)
    if op == C.SUBPATTERN and not (arg[1] or arg[2]):
        return _char_set(arg[3])
    if op == C.BRANCH:
        sets = [_char_set(alternative) for alternative in arg[1]]
        if any(s is None for s in sets):
            return None
        return _union(sets)  # type: ignore[arg-type]
    return None


def _union(sets: list[tuple[bool, frozenset[str]]]) -> tuple[bool, frozenset[str]]:
    excluded: frozenset[str] | None = None  # characters outside every negated set
    included: frozenset[str] = frozenset()
    for negated, chars in sets:
        if negated:
            excluded = chars if excluded is None else excluded & chars
        else:
            included |= chars
    if excluded is None:
        return False, included
    return True, excluded - included


def barriers(body: Any) -> frozenset[str]:
    """Characters a repeated single-character body can never consume (empty when unknown)."""
    found = _char_set(body)
    if found is None or not found[0]:
        return frozenset()
    return found[1]
