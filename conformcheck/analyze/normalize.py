"""Text normalisation applied to every block before anything else reads it.

Excerpts are cut from this text, so it keeps case and accents; only matching folds them
(see `fold.py`).
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-"})
# The same mapping as (old, new) pairs: `str.translate` is ~30× slower than a few `str.replace` on French text
# (any non-ASCII character sends it down a slow path), and normalisation runs on every block.
_REPLACEMENTS = [(chr(code), new) for table in (_APOSTROPHES, _DASHES) for code, new in table.items()]
# A word cut at a line end ("rétrac-\ntation"): the hyphen and the break go.
_HYPHENATED_BREAK = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[^\W\d_]{2})")
_SOFT_HYPHEN = "\u00ad"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u200b\u200c\u200d\ufeff]")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(raw: str) -> str:
    """CRLF → LF, NFKC (ligatures, no-break spaces), one apostrophe, joined hyphenation."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace(_SOFT_HYPHEN, "")
    text = unicodedata.normalize("NFKC", text)
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    text = _CONTROL.sub("", text)
    text = _HYPHENATED_BREAK.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text)
