"""Field extraction: amounts, durations, dates, identifiers and article references, with their spans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from conformcheck.analyze.fold import NUMBER_WORDS

_NUMBER = r"(\d{1,4}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|un|une)"
_DURATION = re.compile(
    _NUMBER + r"(?:\s*\(\s*" + _NUMBER + r"\s*\))?\s*(jours?|j\b|semaines?|mois|ans?\b|annees?|heures?)"
    r"(?:\s+(?:calendaires|ouvres|ouvrables|francs|pleins|revolus))?")
_UNIT_DAYS = {"jour": 1, "jours": 1, "j": 1, "semaine": 7, "semaines": 7, "mois": 30, "an": 365, "ans": 365,
              "annee": 365, "annees": 365}
_PERIODICITY = re.compile(
    r"\b(?:tous\s+les|toutes\s+les|chaque|au\s+moins\s+tous\s+les|au\s+plus\s+tard\s+tous\s+les)\s+"
    + _NUMBER + r"\s*(ans|annees)\b|\b(?:une\s+duree\s+maximale\s+de|pour\s+une\s+duree\s+de|pour|"
    r"periodicite\s+(?:maximale\s+)?de)\s+" + _NUMBER + r"\s*(ans|annees)\b")
_ANNUAL = re.compile(r"\b(?:chaque\s+annee|tous\s+les\s+ans|annuellement|revision\s+annuelle)\b")
_QUINQUENNIAL = re.compile(r"\bquinquennal")
_MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
           "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")
_DATE_WORDS = re.compile(r"\b(?:(\d{1,2})(?:er)?\s+)?(" + "|".join(_MONTHS) + r")\s+(\d{4})\b")
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
_AMOUNT = re.compile(r"(\d{1,3}(?:[  .]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s*(?:€|euros?\b|eur\b)"
                     r"(?:\s*(?:/|par)\s*(h|heure|mois|an|jour|intervention|repas)\b)?"
                     r"(?:\s*(ht|ttc|net)\b)?")
_SIRET = re.compile(r"\b\d{3}\s?\d{3}\s?\d{3}\s?\d{5}\b")
_SIREN = re.compile(r"\b(?:siren|rcs)\D{0,20}(\d{3}\s?\d{3}\s?\d{3})\b")
_FINESS = re.compile(r"\bfiness\D{0,20}(\d{2}\s?\d\s?\d{3}\s?\d{3}|\d{9})\b")
_AGREMENT = re.compile(r"\b(agrement|declaration|autorisation)(?:\s+(?:sap|n|numero|no))*\s*[°o:]?\s*"
                       r"((?:sap)?\s?[a-z]{0,4}\d[\w/.-]{4,})")
# Hyphens are spaces in the folded text: « L. 221-18 » reads « l. 221 18 ».
_ARTICLE = re.compile(r"\b(?:articles?\s+)?([lrd])\s?\.?\s?(\d{3,4}(?:\s{1,2}\d{1,2}\b){0,3})")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.]?\d{2}){4}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s,;)»]+", re.IGNORECASE)


@dataclass(slots=True)
class FieldValue:
    """A value read in the folded text (duration, amount, date…) with its span; `tag` qualifies it (HT, TTC…)."""

    name: str
    value: float | str | date
    start: int
    end: int
    tag: str | None = None


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    return 1 if token in ("un", "une") else NUMBER_WORDS[token]


def durations(folded: str) -> list[FieldValue]:
    """Delays in days (« quatorze jours », « 14 jours calendaires », « deux semaines »)."""
    found = []
    for m in _DURATION.finditer(folded):
        unit = m.group(3).rstrip(".")
        if unit.startswith("heure"):
            continue
        days = _number(m.group(1)) * _UNIT_DAYS.get(unit, 1)
        found.append(FieldValue(name="duration_days", value=float(days), start=m.start(), end=m.end(), tag=unit))
    return found


def periodicities(folded: str) -> list[FieldValue]:
    """Revision periodicities in years (« tous les cinq ans », « révision annuelle »)."""
    found = []
    for m in _PERIODICITY.finditer(folded):
        number = m.group(1) or m.group(3)
        found.append(FieldValue(name="years", value=float(_number(number)), start=m.start(), end=m.end()))
    for pattern, years in ((_ANNUAL, 1.0), (_QUINQUENNIAL, 5.0)):
        for m in pattern.finditer(folded):
            found.append(FieldValue(name="years", value=years, start=m.start(), end=m.end()))
    return sorted(found, key=lambda f: f.start)


def dates(folded: str) -> list[FieldValue]:
    """Dates; a month or a year alone is read as its last day (the most favourable reading)."""
    found: list[FieldValue] = []
    taken: list[tuple[int, int]] = []
    for m in _DATE_NUMERIC.finditer(folded):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year += 2000 if year < 100 else 0
        try:
            found.append(FieldValue(name="date", value=date(year, month, day), start=m.start(), end=m.end()))
            taken.append(m.span())
        except ValueError:
            continue
    for m in _DATE_WORDS.finditer(folded):
        month, year = _MONTHS[m.group(2)], int(m.group(3))
        day = int(m.group(1)) if m.group(1) else _last_day(year, month)
        try:
            found.append(FieldValue(name="date", value=date(year, month, day), start=m.start(), end=m.end()))
            taken.append(m.span())
        except ValueError:
            continue
    for m in _YEAR.finditer(folded):
        if any(a <= m.start() < b for a, b in taken):
            continue
        found.append(FieldValue(name="date", value=date(int(m.group(1)), 12, 31), start=m.start(), end=m.end(),
                                tag="annee"))
    return sorted(found, key=lambda f: f.start)


def _last_day(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def amounts(folded: str) -> list[FieldValue]:
    """Money amounts with their period (h, mois…) and tax tag (ht, ttc, net) when written."""
    found = []
    for m in _AMOUNT.finditer(folded):
        raw = re.sub(r"[  .](?=\d{3}\b)", "", m.group(1)).replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            continue
        tag = m.group(3)
        if tag is None:
            tail = folded[m.end():m.end() + 12]
            head = folded[max(0, m.start() - 12):m.start()]
            for candidate in ("ttc", "ht"):
                if re.search(rf"\b{candidate}\b", tail) or re.search(rf"\b{candidate}\b", head):
                    tag = candidate
                    break
        period = m.group(2)
        found.append(FieldValue(name="amount", value=value, start=m.start(), end=m.end(),
                                tag=",".join(t for t in (tag, period) if t) or None))
    return found


def identifiers(folded: str, text: str) -> list[FieldValue]:
    """SIRET, SIREN, FINESS, numbers of agrément / déclaration / autorisation, phones, e-mails, URLs.

    E-mails and URLs are read in the unfolded text, where hyphens are still hyphens (same offsets).
    """
    found = []
    for name, pattern, group, source in (("siret", _SIRET, 0, folded), ("siren", _SIREN, 1, folded),
                                         ("finess", _FINESS, 1, folded), ("telephone", _PHONE, 0, folded),
                                         ("email", _EMAIL, 0, text), ("url", _URL, 0, text)):
        for m in pattern.finditer(source):
            found.append(FieldValue(name=name, value=re.sub(r"\s", "", m.group(group)), start=m.start(group),
                                    end=m.end(group)))
    for m in _AGREMENT.finditer(folded):
        found.append(FieldValue(name=f"numero_{m.group(1)}", value=m.group(2).strip(" .-/"), start=m.start(),
                                end=m.end()))
    return found


def article_references(folded: str) -> list[FieldValue]:
    """References such as « L. 311-4 », « article R212-1 », « D. 312-6 »."""
    return [FieldValue(name="article", value=m.group(1).upper() + "-".join(m.group(2).split()),
                       start=m.start(), end=m.end()) for m in _ARTICLE.finditer(folded)]


def extract_fields(folded: str, text: str) -> dict[str, list[FieldValue]]:
    """Every field, by name. `folded` is the light-folded `text` (same offsets)."""
    fields = rule_fields(folded)
    for value in identifiers(folded, text) + article_references(folded):
        fields.setdefault(value.name, []).append(value)
    return fields


def rule_fields(folded: str) -> dict[str, list[FieldValue]]:
    """The fields the rules read, by name: figures of `value` checks (durations, years, dates) and amounts
    (monthly price, tax-advantage check). A scan needs no more; identifiers would cost it ~6 ms."""
    fields: dict[str, list[FieldValue]] = {}
    for value in durations(folded) + periodicities(folded) + dates(folded) + amounts(folded):
        fields.setdefault(value.name, []).append(value)
    return fields
