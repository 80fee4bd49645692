"""One-pass, overlapping mention matching for all loaded rules (Aho-Corasick over word stems).

A single regex alternation returns non-overlapping matches, so a longer phrase (« suspendre
l'exécution des prestations ») would hide a required shorter one (« exécution des prestations »).
Aho-Corasick reports every occurrence of every phrase in one pass.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick

from conformcheck.analyze.fold import phrase_key, token_stems

Span = tuple[int, int]


@lru_cache(maxsize=2)
def _stem_view(text: str) -> tuple[list[tuple[str, int, int]], list[int], str]:
    """The text's tokens, where each starts in the stem string, and the stem string the automata read.

    Rules, document type and context each have their own index over the same text: it is tokenised once."""
    tokens = token_stems(text)
    pieces: list[str] = []
    token_offsets: list[int] = []
    cursor = 1
    for stem, _, _ in tokens:
        token_offsets.append(cursor)
        pieces.append(stem)
        cursor += len(stem) + 1
    return tokens, token_offsets, " " + " ".join(pieces) + " "


class PhraseIndex:
    """All phrases of all loaded rules, compiled once per process."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        self.keys: dict[str, str] = {}
        for phrase in phrases:
            key = phrase_key(phrase)
            if not key:
                continue
            self.keys[phrase] = key
            padded = f" {key} "
            if padded not in self._automaton:
                self._automaton.add_word(padded, key)
        if len(self._automaton):
            self._automaton.make_automaton()

    def search(self, text: str) -> PhraseHits:
        tokens, token_offsets, stem_string = _stem_view(text)
        hits: dict[str, list[Span]] = defaultdict(list)
        if len(self._automaton) and tokens:
            for end, key in self._automaton.iter(stem_string):
                start = end - len(key)  # offset of the key's first char (after the leading space)
                first = bisect.bisect_left(token_offsets, start)
                last = first + key.count(" ")
                hits[key].append((tokens[first][1], tokens[last][2]))
        return PhraseHits(self.keys, hits)


class PhraseHits:
    """Spans (in the document text) of every phrase found."""

    def __init__(self, keys: dict[str, str], hits: dict[str, list[Span]]) -> None:
        self._keys = keys
        self._hits = hits

    def spans(self, phrase: str) -> list[Span]:
        key = self._keys.get(phrase)
        if key is None:
            raise KeyError(f"phrase not compiled in the index: {phrase!r}")
        return self._hits.get(key, [])

    def any_spans(self, phrases: Iterable[str]) -> list[Span]:
        found: list[Span] = []
        for phrase in phrases:
            found.extend(self.spans(phrase))
        return sorted(set(found))
