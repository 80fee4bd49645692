"""Rule regexes, run only where they can match: same spans as `finditer` over the whole text, far less work.

Two costs dominated a scan: compiling ~300 rule regexes in every process (~110 ms) and running them over
the whole folded text (~250 ms for 10 pages), the engine trying a match at every character. A `RegexPlan`,
built once per pack and kept in the pack cache, removes both:

- the compiler's output is kept (`Code`), so a new process rebuilds each regex without parsing it again;
- a regex whose required words (`regex_literals.required_literals`) are all absent is not run;
- when a match must start with one of a few literals, optionally after a bounded run of characters
  (« sentence start, then up to the keyword »), `Window` lists the only positions where a match can
  start, and the regex is tried there alone (`Pattern.match`, which reads the text around like `finditer`);
- where the ~700 literals of the plans occur is found in one Aho-Corasick pass over the document (~1 ms for
  10 pages), not by a `str` scan per literal and per question (`in`, `count`, `find`: ~15 ms).

The candidate positions are always a superset of the real match starts, and they are tried in order with
`finditer`'s own rules for where the next search resumes, so the spans are identical.
"""

from __future__ import annotations

import _sre
import bisect
import re
from array import array
from re import _compiler as sre_compile  # the stdlib's regex compiler (Python 3.11+)
from re import _constants as C
from re import _parser as sre_parse
from typing import Any

from conformcheck.analyze.regex_literals import (
    analysable,
    barriers,
    is_zero_width,
    prefix_literals,
    required_literals,
)

Span = tuple[int, int]
# Per-document memo shared by every plan: literal → positions, lead or anchor code → positions.
DocCache = dict[object, Any]

MAGIC = _sre.MAGIC
# The anchor part is compiled alone: a back-reference to a group before it would not mean the same thing.
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
# More candidate starts than this per character of text, and a plain scan is cheaper.
_TRIES_PER_CHAR = 1 / 40
_SKIP_TRIES_PER_CHAR = 1 / 4
_WEAK_ANCHOR = 2  # literals this short occur too often to anchor a regex that scans before them
# Literals this long are found by the one-pass literal index; shorter ones (« a », « n ») are everywhere,
# `str` methods answer for them at once.
_INDEXED_LENGTH = 3
_INDEXED = "indexed"  # DocCache key: the literals whose positions the literal index filled in
# The compiled code as bytes of this array type (the engine's code unit): unpickled ~25× faster than ints.
_CODE_TYPE = next(kind for kind in "IL" if array(kind).itemsize == _sre.CODESIZE)


class Code:
    """A compiled regex kept as the compiler's output, so that it is rebuilt without parsing."""

    __slots__ = ("args", "key", "_compiled")

    def __init__(self, parsed: sre_parse.SubPattern, source: str | None = None) -> None:
        flags = parsed.state.flags
        code = array(_CODE_TYPE, sre_compile._code(parsed, flags)).tobytes()  # opcodes refuse pickling
        indexgroup = [None] * parsed.state.groups
        for name, index in parsed.state.groupdict.items():
            indexgroup[index] = name
        self.args = (source, flags, code, parsed.state.groups - 1, dict(parsed.state.groupdict), tuple(indexgroup))
        self.key = (flags, code)
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            source, flags, code, groups, groupindex, indexgroup = self.args
            self._compiled = _sre.compile(source, flags, array(_CODE_TYPE, code).tolist(), groups, groupindex,
                                          indexgroup)
        return self._compiled

    def __getstate__(self) -> tuple[Any, Any]:
        return self.args, self.key

    def __setstate__(self, state: tuple[Any, Any]) -> None:
        self.args, self.key = state
        self._compiled = None


def _sub(state: sre_parse.State, items: list[Any]) -> sre_parse.SubPattern:
    return sre_parse.SubPattern(state, items)


class Window:
    """Where a match can start: at a `lead` position (the zero-width assertions the regex starts with), at
    most `reach` characters (none of them a `stop` character) before an anchor, the place where the rest of
    the regex starts: an occurrence of one of `anchors`, or a position where `anchor_code` matches."""

    __slots__ = ("lead", "reach", "stop", "anchors", "anchor_code")

    def __init__(self, lead: Code | None, reach: int | None, stop: str, anchors: frozenset[str] | None,
                 anchor_code: Code | None) -> None:
        self.lead, self.reach, self.stop = lead, reach, stop
        self.anchors, self.anchor_code = anchors, anchor_code

    def __getstate__(self) -> tuple[Any, ...]:
        return self.lead, self.reach, self.stop, self.anchors, self.anchor_code

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.lead, self.reach, self.stop, self.anchors, self.anchor_code = state

    def starts(self, text: str, cache: DocCache) -> list[int] | None:
        """Sorted candidate match starts, or None when there would be too many to be worth it."""
        # A regex that runs through characters before its anchor is slow to scan everywhere: it is worth
        # trying at many more positions than one that starts at its anchor.
        budget = int(len(text) * (_SKIP_TRIES_PER_CHAR if self.reach != 0 else _TRIES_PER_CHAR)) + 16
        if self.anchors is not None and sum(_count(literal, text, cache) for literal in self.anchors) > budget:
            return None  # counted in C before listing them: « a » or « est » is everywhere
        anchors = self._anchor_positions(text, cache)
        if len(anchors) > budget:
            return None
        if self.reach == 0:  # the match starts at the anchor; `match` checks the lead assertions there
            return anchors
        leads = _positions(self.lead, text, cache) if self.lead is not None else None
        found: set[int] = set()
        for anchor in anchors:
            low = 0 if self.reach is None else max(0, anchor - self.reach)
            for char in self.stop:
                low = max(low, text.rfind(char, low, anchor) + 1)
            if leads is not None:
                found.update(leads[bisect.bisect_left(leads, low):bisect.bisect_right(leads, anchor)])
            elif len(found) + anchor - low < budget:
                found.update(range(low, anchor + 1))
            else:
                return None
            if len(found) > budget:
                return None
        return sorted(found)

    def _anchor_positions(self, text: str, cache: DocCache) -> list[int]:
        if self.anchor_code is not None:
            return _match_starts(self.anchor_code, text, cache)
        assert self.anchors is not None
        found: set[int] = set()
        for literal in self.anchors:
            found.update(_literal_positions(literal, text, cache))
        return sorted(found)


def _count(literal: str, text: str, cache: DocCache) -> int:
    """How often `literal` occurs (memoised per document): the same anchor literals recur across many regexes.
    An indexed literal is counted with its overlapping occurrences, another one by `str.count`."""
    if literal in _indexed(text, cache, literal):
        return len(cache.get(("literal", literal), ()))
    key = ("count", literal)
    found = cache.get(key)
    if found is None:
        found = cache[key] = [text.count(literal)]
    return found[0]


def _present(literal: str, text: str, cache: DocCache) -> bool:
    if literal in _indexed(text, cache, literal):
        return ("literal", literal) in cache
    return literal in text


def _literal_positions(literal: str, text: str, cache: DocCache) -> list[int]:
    """Every start of `literal` in `text`, overlapping ones included (memoised per document)."""
    key = ("literal", literal)
    if literal in _indexed(text, cache, literal):  # runs the index first if need be: it fills the cache
        return cache.get(key, [])  # type: ignore[no-any-return]
    positions = cache.get(key)
    if positions is None:
        positions = []
        index = text.find(literal)
        while index >= 0:
            positions.append(index)
            index = text.find(literal, index + 1)
        cache[key] = positions
    return positions


def _indexed(text: str, cache: DocCache, literal: str) -> frozenset[str]:
    """The literals whose occurrences the document's cache holds (an absent one has no entry), when `literal`
    is one of them: the first such literal asked for runs the literal index over the text, one Aho-Corasick
    pass for all of them."""
    if len(literal) < _INDEXED_LENGTH:
        return frozenset()
    words = cache.get(_INDEXED)
    if words is None:
        automaton, words = _literal_index()
        if literal not in words:
            return frozenset()
        for end, word in automaton.iter(text):
            cache.setdefault(("literal", word), []).append(end - len(word) + 1)
        cache[_INDEXED] = words
    return words  # type: ignore[no-any-return]


def _match_starts(code: Code, text: str, cache: DocCache) -> list[int]:
    """Every position where `code` matches, overlapping matches included (memoised per document). `search`
    from one past each match lets the engine skip ahead to the code's first characters, where `finditer`
    over a lookahead would try it at every position (~1 ms per code for 10 pages)."""
    positions = cache.get(code.key)
    if positions is None:
        positions = []
        search = code.compiled().search
        match = search(text)
        while match is not None:
            start = match.start()
            positions.append(start)
            match = search(text, start + 1) if start < len(text) else None
        cache[code.key] = positions
    return positions


def _positions(code: Code, text: str, cache: DocCache) -> list[int]:
    """Where a zero-width regex holds, over the whole text (memoised per document)."""
    positions = cache.get(code.key)
    if positions is None:
        positions = [m.start() for m in code.compiled().finditer(text)]
        cache[code.key] = positions
    return positions


class RegexPlan:
    """One rule regex: its compiled form, the literals it needs, and where its matches can start."""

    __slots__ = ("pattern", "code", "required", "window", "empty")

    def __init__(self, pattern: str) -> None:
        parsed = sre_parse.parse(pattern)
        self.pattern = pattern
        self.code = Code(parsed, pattern)
        self.required: frozenset[str] | None = None
        self.window: Window | None = None
        low, high = parsed.getwidth()
        self.empty = high == 0  # every match is empty (a pure lookahead)
        if analysable(parsed):
            self.required = required_literals(list(parsed))
            # finditer's rule after an empty match (retry there, non-empty only) is not emulated: only
            # regexes whose matches are all empty or all non-empty get a window.
            if (low > 0 or high == 0) and not _BACKREFERENCE.search(pattern):
                self.window = _window(parsed)

    def __getstate__(self) -> tuple[Any, ...]:
        return self.pattern, self.code, self.required, self.window, self.empty

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.pattern, self.code, self.required, self.window, self.empty = state

    def spans(self, text: str, cache: DocCache) -> list[Span]:
        """Exactly `[m.span() for m in re.finditer(pattern, text)]`."""
        if self.required is not None and not any(_present(literal, text, cache) for literal in self.required):
            return []
        compiled = self.code.compiled()
        starts = self.window.starts(text, cache) if self.window is not None else None
        if starts is None:
            return [m.span() for m in compiled.finditer(text)]
        found: list[Span] = []
        resume = 0  # where finditer's next search would start
        for start in starts:
            if start < resume:
                continue
            match = compiled.match(text, start)
            if match is not None:
                found.append(match.span())
                resume = match.end() if not self.empty else start + 1
        return found


def _window(parsed: sre_parse.SubPattern) -> Window | None:
    state = parsed.state
    items = list(parsed)
    lead: list[Any] = []
    while items and is_zero_width(*items[0]):
        lead.append(items.pop(0))
    if not items and lead and lead[-1][0] == C.ASSERT and lead[-1][1][0] == 1:
        items = list(lead.pop()[1][1])  # a pure lookahead: its content must match at the start
        while items and is_zero_width(*items[0]):
            lead.append(items.pop(0))
    reach: int | None = 0
    stop = ""
    if items and items[0][0] in (C.MIN_REPEAT, C.MAX_REPEAT) and items[0][1][0] == 0:
        _low, high, body = items[0][1]
        if body.getwidth() == (1, 1):  # a run of single characters before the anchor
            reach = None if high == C.MAXREPEAT else high
            stop = "".join(sorted(barriers(body)))
            items = items[1:]
    if not items:
        return None
    anchors = prefix_literals(items)
    anchor_code = None
    if reach == 0 and anchors is None:
        return None  # the anchor would be the whole regex: nothing to gain
    weak = min(map(len, anchors)) <= _WEAK_ANCHOR if anchors is not None else True
    if weak and (reach != 0 or lead):
        # « s » or « a » is everywhere: look for where the rest of the regex matches instead. With reach 0 the
        # rest starts the match, and the engine's scan for it skips to its first letters, which the leading
        # assertions (« \b », « (?<!client\s) ») hid when it scanned for the whole regex.
        anchors = None
        anchor_code = Code(_sub(state, items))
    lead_code = Code(_sub(state, lead)) if lead else None
    return Window(lead_code, reach, stop, anchors, anchor_code)


_PLANS: dict[str, RegexPlan] = {}
_LITERAL_INDEX: tuple[Any, frozenset[str]] | None = None


def _literal_index() -> tuple[Any, frozenset[str]]:
    """An Aho-Corasick automaton of the literals of the plans registered by the first document (~0.5 ms to
    build; plans registered later look for theirs with `str` methods) and the set of its words."""
    global _LITERAL_INDEX
    if _LITERAL_INDEX is None:
        import ahocorasick

        words: set[str] = set()
        for plan in list(_PLANS.values()):
            words.update(plan.required or ())
            if plan.window is not None:
                words.update(plan.window.anchors or ())
        words = {word for word in words if len(word) >= _INDEXED_LENGTH}
        automaton = ahocorasick.Automaton()
        for word in words:
            automaton.add_word(word, word)
        if words:
            automaton.make_automaton()
        _LITERAL_INDEX = automaton, frozenset(words)
    return _LITERAL_INDEX


def plan_for(pattern: str) -> RegexPlan:
    """The plan of a regex, from the pack cache when it was loaded, else built now (once per process)."""
    plan = _PLANS.get(pattern)
    if plan is None:
        plan = _PLANS[pattern] = RegexPlan(pattern)
    return plan


def build_plans(patterns: list[str]) -> dict[str, RegexPlan]:
    return {pattern: plan_for(pattern) for pattern in patterns}


def register_plans(plans: dict[str, RegexPlan], magic: int) -> None:
    """Adopt plans read from the pack cache, if this interpreter's regex engine wrote them."""
    if magic == MAGIC:
        _PLANS.update(plans)
