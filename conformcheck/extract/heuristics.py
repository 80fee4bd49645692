"""Layout heuristics shared by the extractors: headings, list items, sentence ends, page furniture."""

from __future__ import annotations

import re

# "Article 3 –", "Article 1er :", "Chapitre II", "Titre premier", "Annexe 2", "Section 1".
_KEYWORD_HEADING = re.compile(
    r"^(?P<kw>titre|partie|chapitre|section|sous-section|article|annexe)"
    r"(?:\s+(?:[0-9]+(?:er|ère)?(?:[.-][0-9]+)*\b|[IVXLC]{1,7}\b(?!\.?\s*\d)|premier\b|première\b|unique\b)"
    r"|\s+[A-Z](?=\s*(?:$|[-–—:)]|\.\s*$|\.\s+[^\d\s]))|\s*$|\s*[-–—:])",
    re.IGNORECASE,
)
# "I.", "IV –", "II)" (upper-case roman numerals only).
_ROMAN_HEADING = re.compile(r"^(?P<num>[IVXLC]{1,7})\s*[.)–—-]\s*\S")
# "1.", "1)", "1.2", "1.2.3.", "1 –" followed by a letter; a bare "12 rue…" is not a heading.
_NUMBER_HEADING = re.compile(r"^(?P<num>[0-9]{1,2}(?:\.[0-9]{1,2}){0,3})(?P<punct>\.|\s*[)–—-])?\s*(?=[^\W\d_])")
# "A.", "B –" (a capital letter used as a section number; "M. Dupont" is Monsieur).
_LETTER_HEADING = re.compile(r"^[A-LN-Z]\s*[.)–—-]\s+(?=[A-ZÀ-Ý])")
# Well-known unnumbered French section titles.
_NAMED_HEADING = re.compile(
    r"^(préambule|sommaire|table des matières|annexes?|glossaire|définitions|entre les soussignés"
    r"|conditions générales(?: de vente| d'intervention)?|conditions particulières)\b",
    re.IGNORECASE,
)

_SYMBOL_BULLET = re.compile(r"^[-–—•◦▪▫●○■□➢➤►▶✓✔*+·]\s+\S")
_BULLET = re.compile(r"^(?:[-–—•◦▪▫●○■□➢➤►▶✓✔*+·]|[0-9]{1,2}[.)]|[a-zA-Z][)]|\(?[ivx]{1,4}\))\s+\S")
_SENTENCE_END = re.compile(r"[.!?…][\s»\"')\]]*$")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.)\s*\d+(?:\s*(?:/|sur|de|of)\s*\d+)?|[-–—]?\s*\d{1,4}\s*[-–—]?|\d{1,4}\s*/\s*\d{1,4}"
    r"|[-–—]?\s*(?-i:[ivxlc]{1,6}|[IVXLC]{1,6})\s*[-–—]?)$",
    re.IGNORECASE,
)

_PAGE_MENTION = re.compile(r"\bpage\s+\d+(?:\s*(?:/|sur|de|of)\s*\d+)?\s*$|\b\d+\s*/\s*\d+\s*$", re.IGNORECASE)

MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16


def numbered_heading_level(line: str) -> int | None:
    """Heading level implied by a numbering pattern ("Article 3 –" → 2, "1.2" → 2, "II." → 1), else None."""
    text = line.strip()
    match = _KEYWORD_HEADING.match(text)
    if match:
        keyword = match.group("kw").lower()
        return {"titre": 1, "partie": 1, "chapitre": 1, "annexe": 1, "section": 2, "sous-section": 3}.get(keyword, 2)
    match = _ROMAN_HEADING.match(text)
    if match:
        return 1
    match = _NUMBER_HEADING.match(text)
    if match and (match.group("punct") or "." in match.group("num")):
        return min(match.group("num").count(".") + 1, 6)
    if _LETTER_HEADING.match(text):
        return 2
    if _NAMED_HEADING.match(text):
        return 1
    return None


def is_all_caps(line: str) -> bool:
    """True for a capitalised title: (almost) only upper-case letters, mostly letters, not a lone acronym."""
    letters = [c for c in line if c.isalpha()]
    visible = [c for c in line if not c.isspace()]
    if len(letters) < 3 or len(letters) < 0.6 * len(visible):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) >= 2]
    if len(words) < 2 and len(letters) < 6:
        return False  # "SIRET : 123…", "TVA", "CGV"
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= 0.9


def heading_shape(line: str) -> bool:
    """A line could be a heading: short, starts with a capital or a number, no final sentence punctuation."""
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return False
    first = text[0]
    if not (first.isupper() or first.isdigit()):
        return False
    if text[-1] in ",;" or (text.endswith(".") and not text.endswith("...")):
        return False
    return not (text.endswith(":") and numbered_heading_level(text) is None)


def heading_level(line: str, *, emphasised: bool = False) -> int | None:
    """Heading level of a line judged from its text alone (plus an emphasis hint), or None.

    `emphasised` means the caller knows the line stands out (larger or bold font).
    """
    if not heading_shape(line):
        return None
    level = numbered_heading_level(line)
    if level is not None:
        # A numbered list item ("1. Le bénéficiaire peut…") is long; a numbered heading is short.
        if len(line.split()) <= 12 or emphasised:
            return level
        return None
    if is_all_caps(line):
        return 1
    if emphasised:
        return 2
    return None


def is_bullet(line: str) -> bool:
    """True when the line starts with a list marker ("- ", "• ", "1) ", "a) ")."""
    return bool(_BULLET.match(line.strip()))


def is_symbol_bullet(line: str) -> bool:
    """True when the line starts with a bullet symbol ("• ", "- "), not a number that may be wrapped text."""
    return bool(_SYMBOL_BULLET.match(line.strip()))


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence-final punctuation (optionally followed by a closing quote)."""
    return bool(_SENTENCE_END.search(line.rstrip()))


def furniture_key(line: str) -> str:
    """Key used to find repeated header/footer lines: lower case, digits masked, spaces collapsed."""
    return _SPACES.sub(" ", _DIGITS.sub("#", line.lower())).strip()


def is_page_number(line: str) -> bool:
    """True for a bare page number line: "3", "- 3 -", "Page 3", "Page 3 / 10", "3/10"."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def mentions_page_number(line: str) -> bool:
    """True for a line ending with a page number: "Association X - page 2", "Contrat 2 / 5"."""
    return bool(_PAGE_MENTION.search(line.strip()))
