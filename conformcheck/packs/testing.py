"""`conformcheck packs test` and `rules test`: every rule's examples, and fixture documents with their expected
findings (`tests/NAME.pdf|docx|txt|md` beside `tests/NAME.expected.yaml`).

A failure is a false positive when the rule reports a gap (manquant, non conforme) where none is expected, a
false negative when it misses an expected gap, and a wrong status otherwise (e.g. « à vérifier » instead of
« conforme », or manquant instead of non conforme).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from conformcheck.model import Status
from conformcheck.packs.examples import FAIL_STATUSES, example_holds, run_example
from conformcheck.packs.schema import Pack, Rule
from conformcheck.scan import Scanner, ScanOptions

FIXTURE_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
EXPECTED_SUFFIX = ".expected.yaml"
EXPECTED_KEYS = {"constats", "type", "contexte", "date"}


@dataclass
class Failure:
    source: str  # « exemple pass n° 2 » or the fixture file
    expected: str
    got: str
    kind: str  # faux_positif | faux_negatif | statut
    text: str = ""


@dataclass
class RuleResult:
    rule_id: str
    checks: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return self.checks - len(self.failures)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.failures if f.kind == kind)

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "checks": self.checks, "passed": self.passed,
                "false_positives": self.count("faux_positif"), "false_negatives": self.count("faux_negatif"),
                "failures": [vars(f) for f in self.failures]}


class FixtureError(Exception):
    """A fixture or its expectation file is unusable (named with its file, in French)."""


def _kind(expected_gap: bool, got_gap: bool) -> str:
    if got_gap and not expected_gap:
        return "faux_positif"
    if expected_gap and not got_gap:
        return "faux_negatif"
    return "statut"


def check_examples(scanner: Scanner, rules: list[Rule], results: dict[str, RuleResult]) -> None:
    for rule in rules:
        result = results.setdefault(rule.id, RuleResult(rule.id))
        for expect, texts in (("pass", rule.examples.pass_), ("fail", rule.examples.fail)):
            for number, text in enumerate(texts, start=1):
                result.checks += 1
                finding = run_example(scanner, rule, text)
                if not example_holds(rule, expect, finding):
                    wanted = "conforme" if expect == "pass" else "manquant ou non_conforme"
                    result.failures.append(Failure(f"exemple {expect} n° {number}", wanted, finding.status.value,
                                                   _kind(expect == "fail", finding.status in FAIL_STATUSES), text))


def fixture_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """(document, expectation file) pairs of a `tests/` folder; an expectation without its document is an error."""
    pairs = []
    for expected in sorted(folder.glob(f"*{EXPECTED_SUFFIX}")):
        stem = expected.name[: -len(EXPECTED_SUFFIX)]
        documents = [folder / (stem + suffix) for suffix in FIXTURE_SUFFIXES if (folder / (stem + suffix)).is_file()]
        if not documents:
            raise FixtureError(f"{expected} : aucun document {stem}.pdf, .docx, .txt ou .md à côté.")
        pairs.extend((document, expected) for document in documents)
    return pairs


def _expectation(path: Path, known: set[str]) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FixtureError(f"{path} : fichier illisible ou YAML invalide : {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("constats"), dict) or set(data) - EXPECTED_KEYS:
        raise FixtureError(f"{path} : attendu une table `constats` (identifiant de règle : statut), et "
                           "facultativement `type`, `contexte` et `date`.")
    for rule_id, status in data["constats"].items():
        if rule_id not in known:
            raise FixtureError(f"{path} : règle inconnue {rule_id}.")
        if status not in {s.value for s in Status}:
            raise FixtureError(f"{path} : statut « {status} » invalide pour {rule_id} ; valeurs possibles : "
                               f"{', '.join(s.value for s in Status)}.")
    if "date" in data and not isinstance(data["date"], date):
        raise FixtureError(f"{path} : `date` doit être une date AAAA-MM-JJ.")
    return data


def check_fixtures(scanner: Scanner, folder: Path, results: dict[str, RuleResult]) -> None:
    gaps = {Status.manquant.value, Status.non_conforme.value}
    for document, expected_file in fixture_pairs(folder):
        expected = _expectation(expected_file, set(scanner.pack_of))
        options = ScanOptions(context=dict(expected.get("contexte") or {}),
                              context_sources={key: "option" for key in expected.get("contexte") or {}},
                              doc_type=expected.get("type"), scan_date=expected.get("date") or date.today())
        report = scanner.scan_path(str(document), options)
        if report.status != "ok":
            raise FixtureError(f"{document} : {report.error}")
        got = {f.rule_id: f.status.value for f in report.findings}
        for rule_id, status in expected["constats"].items():
            result = results.setdefault(rule_id, RuleResult(rule_id))
            result.checks += 1
            if got[rule_id] != status:
                result.failures.append(Failure(document.name, status, got[rule_id],
                                               _kind(status in gaps, got[rule_id] in gaps)))


def run_pack_tests(packs: list[Pack], tested: set[str], fixture_dirs: list[Path]) -> list[RuleResult]:
    """The results of the rules of the packs named in `tested` (the other packs are loaded for `same_as`)."""
    rules = [rule for pack in packs if pack.meta.id in tested for rule in pack.rules]
    scanner = Scanner([pack for pack in packs if pack.meta.id in tested], engine="python")
    results: dict[str, RuleResult] = {}
    try:
        check_examples(scanner, rules, results)
        for folder in fixture_dirs:
            check_fixtures(scanner, folder, results)
    finally:
        scanner.close()
    return list(results.values())
