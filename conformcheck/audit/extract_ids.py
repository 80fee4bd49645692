"""What the cross-document checks compare, read from a document's text: the service's name, SIRET, FINESS and
numbers of autorisation / agrément / déclaration, hourly prices with their label, dates of revision."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from conformcheck.analyze.fields import amounts, dates
from conformcheck.analyze.fields import identifiers as field_identifiers
from conformcheck.analyze.fold import light_fold
from conformcheck.engine.evidence import make_evidence
from conformcheck.model import BlockKind, Document

# « Autorisé par arrêté … n° 2017-DA-0412 », « agrément SAP n° SAP/782415632 », « déclaration n° … ». Unlike the
# analysis' `numero_*` fields (keyword right before the number), comparing documents needs the number as written
# (case kept) even far from its keyword, named by the nearest keyword, and never a decree's number.
_NUMBER = re.compile(r"\b(agr[ée]ment|agr[ée]{2}e?|d[ée]claration|d[ée]clar[ée]e?|autorisation|autoris[ée]e?)\b"
                     r"[^.;\n]{0,120}?\bn\s?[°o]\s*:?\s*([A-Z0-9][A-Z0-9/.\-]*\d[A-Z0-9/.\-]*)", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"\b(agr[ée]ment|agr[ée]{2}e?|d[ée]claration|d[ée]clar[ée]e?|autorisation|autoris[ée]e?)\b",
                          re.IGNORECASE)
_LEGAL_FORM = (r"Association|SARL|SAS|SASU|EURL|SCOP|SCIC|CCAS|CIAS|Fondation|Mutualité|Centre communal d'action "
               r"sociale|Centre intercommunal d'action sociale")
_CONNECTOR = r"de|du|des|la|le|les|et|d’|d'|l’|l'|à|en|sur|aux|au"  # small words inside a name
_NAME = re.compile(rf"\b(?:{_LEGAL_FORM})(?:[ \t]+(?:[A-ZÉÈÀÂÎÔÛÇ][\w’'-]*|{_CONNECTOR})){{1,8}}")
_TRAILING_CONNECTOR = re.compile(rf"(?:[ \t]+(?:{_CONNECTOR}))+$")
_REVISION = re.compile(r"revis|version|adopt|mis a jour|mise a jour|actualis|en vigueur")
# « prochaine révision au plus tard en juin 2030 »: a deadline, not a date of revision.
_DEADLINE = re.compile(r"prochaine|au plus tard|d ici|avant le|jusqu")
_MAJORATION = re.compile(r"dimanche|ferie|nuit|week end|majore|majoration")
# « l'heure », « heure d'aide », « tarif horaire », « € / h »; not « 10 heures » (a volume).
_HOURLY = re.compile(r"horaire|\bheure\b|/\s?h\b")
_NOT_HOURLY_ROW = re.compile(r"kilom|total|par mois|par semaine|mensuel|hebdomadaire|forfait")
_OTHER_PERIODS = {"mois", "an", "jour", "intervention", "repas"}
# A number of a decree, a law or an article is no number of the service's autorisation.
_OTHER_ACT = re.compile(r"decret|\bloi\b|article|\bcode\b", re.IGNORECASE)


@dataclass(slots=True)
class Found:
    value: str
    excerpt: str
    page: int | None


@dataclass(slots=True)
class HourlyPrice:
    amount: float  # TTC, euros
    category: str  # « normale » or « majorée » (Sundays, public holidays, nights)
    label: str
    page: int | None


def luhn_valid(digits: str) -> bool:
    """The SIRET / SIREN check digit (Luhn)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _excerpt(doc: Document, start: int, end: int) -> tuple[str, int | None]:
    """The sentence around a value, as the scan shows evidence, and its page."""
    evidence = make_evidence(doc, (start, end))
    return evidence.excerpt, evidence.page


def identifiers(doc: Document) -> dict[str, list[Found]]:
    """SIRET, FINESS and numbers of autorisation / agrément / déclaration (key `numero_<kind>`)."""
    folded = light_fold(doc.text)
    found: dict[str, list[Found]] = {}
    for value in field_identifiers(folded, doc.text):
        if value.name in ("siret", "finess"):
            text, page = _excerpt(doc, value.start, value.end)
            found.setdefault(value.name, []).append(Found(str(value.value), text, page))
    for m in _NUMBER.finditer(doc.text):
        if _OTHER_ACT.search(light_fold(doc.text[m.end(1):m.start(2)])):
            continue
        # The keyword nearest to the number names it (« autorisé … et titulaire de l'agrément n° … »).
        word = light_fold([k.group(1) for k in _NUMBER_WORD.finditer(doc.text, m.start(), m.start(2))][-1])
        kind = "agrement" if word.startswith("agre") else "declaration" if word.startswith("declar") else "autorisation"
        text, page = _excerpt(doc, m.start(), m.end())
        found.setdefault(f"numero_{kind}", []).append(Found(m.group(2).upper().rstrip(".-/"), text, page))
    return found


def service_names(doc: Document) -> Counter[str]:
    """Names of legal entities (« Association Aide et Présence du Val »), counted, as written."""
    names: Counter[str] = Counter()
    for m in _NAME.finditer(doc.text):
        name = _TRAILING_CONNECTOR.sub("", m.group(0)).strip()
        if len(name.split()) >= 2:
            names[name] += 1
    return names


def _tables(doc: Document) -> list[list[list[str]]]:
    """Consecutive table rows grouped into tables, each row split into its cells."""
    tables: list[list[list[str]]] = []
    previous = -2
    for i, block in enumerate(doc.blocks):
        if block.kind != BlockKind.table_row:
            continue
        cells = [cell.strip() for cell in block.text.split(" | ")]
        if i != previous + 1 or not tables:
            tables.append([])
        tables[-1].append(cells)
        previous = i
    return tables


def _category(text: str) -> str:
    return "majorée" if _MAJORATION.search(light_fold(text)) else "normale"


def hourly_prices(doc: Document) -> list[HourlyPrice]:
    """Hourly prices TTC: in tables (a TTC column, an hourly header or row label) and in sentences that speak
    of an hourly rate. Kilometre and fee rows are not hourly and are left out."""
    prices: list[HourlyPrice] = []
    pages = {block.text: block.page for block in doc.blocks}
    for table in _tables(doc):
        header = [light_fold(cell) for cell in table[0]]
        ttc_columns = [i for i, cell in enumerate(header) if re.search(r"\bttc\b", cell)]
        header_hourly = any(_HOURLY.search(cell) for cell in header)
        for row in table[1:]:
            label = row[0] if row else ""
            folded_label = light_fold(label)
            if _NOT_HOURLY_ROW.search(folded_label) or not (header_hourly or _HOURLY.search(folded_label)):
                continue
            for column in ttc_columns:
                if column < len(row):
                    for value in amounts(light_fold(row[column])):
                        if value.value > 0:
                            prices.append(HourlyPrice(float(value.value), _category(" ".join(row)), label,
                                                      pages.get(" | ".join(row))))
    for block in doc.blocks:
        if block.kind == BlockKind.table_row:
            continue
        folded = light_fold(block.text)
        for sentence in re.finditer(r"[^.!?]+(?:[.!?](?!\d)|$)", folded):
            text = sentence.group(0)
            if not _HOURLY.search(text) or "kilom" in text:
                continue
            found = [a for a in amounts(text) if a.tag and "ttc" in a.tag.split(",") and a.value > 0
                     and not _OTHER_PERIODS & set(a.tag.split(","))]
            for i, value in enumerate(found):
                low = found[i - 1].end if i else 0
                high = found[i + 1].start if i + 1 < len(found) else len(text)
                context = text[low:high]
                start = block.start + sentence.start()
                label = block.text[sentence.start() + low:sentence.start() + high].strip(" ,;:()")
                prices.append(HourlyPrice(float(value.value), _category(context), label[:160],
                                          doc.block_at(start).page if doc.block_at(start) else None))
    return prices


def revision_dates(doc: Document, today: date) -> list[tuple[date, str, int | None]]:
    """Dates of adoption / revision / version (not after `today`), with their excerpt, most recent first."""
    folded = light_fold(doc.text)
    found = []
    for value in dates(folded):
        if not isinstance(value.value, date) or value.value > today:
            continue
        window = folded[max(0, value.start - 90):value.start]
        if _REVISION.search(window) and not _DEADLINE.search(folded[max(0, value.start - 40):value.start]):
            text, page = _excerpt(doc, value.start, value.end)
            found.append((value.value, text, page))
    return sorted(found, key=lambda item: item[0], reverse=True)
