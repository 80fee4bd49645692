"""Folding for matching: what makes « Délais de rétractation » meet « délai de rétractation ».

Two folded views of a document's text:
- `light_fold`: same length as the text (so regex spans map back 1:1): lower case, no accents,
  apostrophes and hyphens as spaces;
- `token_stems`: one stem per word, with its span — case, accents, elisions, plural and feminine
  endings, French number words (« quatorze » → « 14 ») and function words (le, de, du…) folded away.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")

NUMBER_WORDS: dict[str, int] = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100,
}
# Function words carry no meaning for presence and vary freely between writers.
STOPWORDS = frozenset({"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "a", "s", "c",
                       "qu", "j", "m", "t", "ce", "cet", "cette", "ces", "son", "sa", "ses", "leur", "leurs"})


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character folded to one character (keeps offsets)."""
    if char in "'-":
        return " "
    decomposed = unicodedata.normalize("NFD", char.lower())
    return decomposed[0] if decomposed else char


class _FoldTable(dict[int, str]):
    """`str.translate` table filled on first sight of each character (C-speed folding, ~3× a Python loop)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def light_fold(text: str) -> str:
    """Lower case, accents removed, apostrophes and hyphens as spaces; same length as `text`."""
    return text.translate(_FOLD_TABLE)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light French stem of an already folded word: plural, feminine and infinitive endings go."""
    if word.isdigit():
        return str(int(word))
    if word in NUMBER_WORDS:
        return str(NUMBER_WORDS[word])
    if len(word) <= 3:
        return word
    if word.endswith("aux") and len(word) > 4:
        word = word[:-3] + "al"
    elif word[-1] == "s" or word.endswith(("eux", "oux")):  # « prix », « choix » keep their x
        word = word[:-1]
    while len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("er"):
        word = word[:-2]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] in "lnt":
        word = word[:-1]
    if word.endswith("iv"):
        word = word[:-2] + "if"
    return word


def token_stems(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) of every meaningful word of `text`, spans in `text` coordinates."""
    folded = light_fold(text)
    tokens = []
    for m in _WORD.finditer(folded):
        word = m.group()
        if word in STOPWORDS:
            continue
        tokens.append((stem(word), m.start(), m.end()))
    return tokens


def phrase_key(phrase: str) -> str:
    """The folded key a phrase is matched by (its stems, space separated)."""
    return " ".join(s for s, _, _ in token_stems(phrase))
