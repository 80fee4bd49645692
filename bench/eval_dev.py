"""Detection measured on real documents (shared/eval-dev): recall, precision, wrong-recall, document type.

Run: python bench/eval_dev.py [--eval-dir ../shared/eval-dev] [--json FILE] [--details]
The documents belong to their publishers: they are read here, never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from conformcheck.model import DocumentReport, Status
from conformcheck.packs.loader import load_packs
from conformcheck.scan import Scanner, ScanOptions

FOUND = {Status.conforme, Status.non_conforme}
TYPED = {"livret_accueil", "reglement_fonctionnement", "contrat"}
TARGETS = {"recall": 0.90, "precision": 0.95, "doc_type": 0.95}


@dataclass
class RuleTally:
    undecided: int = 0  # labelled, but reported « à vérifier » (context unknown): not counted as applicable
    labelled: int = 0
    found: int = 0
    claims: int = 0
    false_claims: int = 0
    wrong: int = 0
    wrong_found: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)


def read_corpus_file(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    return body if sep else text


def status_of(report: DocumentReport, rule_id: str) -> Status | None:
    for finding in report.findings:
        if finding.rule_id == rule_id:
            return finding.status
    return None


# What a quality manager would pass with --regime, from the service the label names (SAP stays unknown:
# agréé or déclaré cannot be told from the label).
REGIME_OF_SERVICE = {"SAAD": "casf_autorise", "SPASAD": "casf_autorise", "SAD": "casf_autorise", "SSIAD": "ssiad"}


def report_reason(report: DocumentReport, rule_id: str) -> str:
    return next((f.reason or "" for f in report.findings if f.rule_id == rule_id), "")


def evaluate(eval_dir: Path, details: bool, regime_from_label: bool = False) -> dict[str, object]:
    packs = load_packs(installed=False)
    known = {rule.id for pack in packs for rule in pack.rules}
    scanner = Scanner(packs, engine="python")
    tallies: dict[str, RuleTally] = defaultdict(RuleTally)
    doc_type_hits = doc_type_total = 0
    unknown_ids: set[str] = set()
    type_errors: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label_path in sorted((eval_dir / "labels").glob("*.yaml")):
            label = yaml.safe_load(label_path.read_text(encoding="utf-8"))
            corpus = eval_dir / "corpus" / label["file"]
            target = Path(tmp) / (corpus.stem + ".txt")
            target.write_text(read_corpus_file(corpus), encoding="utf-8")
            given = {}
            if regime_from_label and label.get("service") in REGIME_OF_SERVICE:
                given["regime"] = REGIME_OF_SERVICE[label["service"]]
            report = scanner.scan_path(str(target), ScanOptions(context=given))
            if report.status != "ok":
                print(f"{corpus.name}: {report.error}", file=sys.stderr)
                continue
            if label["doc_type"] in TYPED:
                doc_type_total += 1
                if report.doc_type == label["doc_type"]:
                    doc_type_hits += 1
                else:
                    type_errors.append(f"{corpus.name}: {report.doc_type} au lieu de {label['doc_type']}")
            present = {item["id"] for item in label.get("present") or []}
            wrong = {item["id"] for item in label.get("wrong") or []}
            unknown_ids |= (present | wrong) - known
            for rule_id in present:
                status = status_of(report, rule_id)
                if status is None or status == Status.non_applicable:
                    continue  # not applicable to this document in the tool's reading of its context
                tally = tallies[rule_id]
                if status == Status.a_verifier:
                    tally.undecided += 1
                    tally.misses.append(f"{corpus.name} (à vérifier : {report_reason(report, rule_id)})")
                    continue
                tally.labelled += 1
                if status in FOUND:
                    tally.found += 1
                else:
                    tally.misses.append(f"{corpus.name} ({status.value})")
            for rule_id in wrong:
                status = status_of(report, rule_id)
                if status is None or status == Status.non_applicable:
                    continue
                tally = tallies[rule_id]
                if status == Status.a_verifier:
                    tally.undecided += 1
                    continue
                tally.wrong += 1
                if status == Status.non_conforme:
                    tally.wrong_found += 1
                else:
                    tally.misses.append(f"{corpus.name} (faux : {status.value})")
            for finding in report.findings:
                if finding.status != Status.conforme:
                    continue
                tally = tallies[finding.rule_id]
                tally.claims += 1
                if finding.rule_id not in present:
                    tally.false_claims += 1
                    excerpt = finding.evidence[0].excerpt if finding.evidence else ""
                    tally.false_positives.append(f"{corpus.name}: « {excerpt[:100]} »")
    scanner.close()
    labelled = sum(t.labelled for t in tallies.values())
    found = sum(t.found for t in tallies.values())
    claims = sum(t.claims for t in tallies.values())
    false_claims = sum(t.false_claims for t in tallies.values())
    wrong = sum(t.wrong for t in tallies.values())
    wrong_found = sum(t.wrong_found for t in tallies.values())
    undecided = sum(t.undecided for t in tallies.values())
    result = {
        "recall": found / labelled if labelled else None,
        "strict_recall": found / (labelled + undecided) if labelled + undecided else None,
        "precision": (claims - false_claims) / claims if claims else None,
        "wrong_recall": wrong_found / wrong if wrong else None,
        "doc_type": doc_type_hits / doc_type_total if doc_type_total else None,
        "counts": {"labelled": labelled, "undecided": undecided, "found": found, "claims": claims,
                   "false_claims": false_claims, "wrong": wrong, "wrong_found": wrong_found,
                   "doc_type": [doc_type_hits, doc_type_total]},
        "per_rule": {rid: t.__dict__ for rid, t in sorted(tallies.items())},
        "unknown_label_ids": sorted(unknown_ids),
        "doc_type_errors": type_errors,
    }
    print_table(result, details)
    return result


def _fmt(value: object) -> str:
    return "—" if value is None else f"{value:.3f}"  # type: ignore[str-format]


def print_table(result: dict[str, object], details: bool) -> None:
    per_rule: dict[str, dict[str, object]] = result["per_rule"]  # type: ignore[assignment]
    print(f"{'règle':<52} {'trouvées':>9} {'conformes (faux)':>17} {'faux trouvés':>13}")
    for rule_id, t in per_rule.items():
        print(f"{rule_id:<52} {t['found']:>4}/{t['labelled']:<4} {t['claims']:>10} ({t['false_claims']:>2})"
              f"    {t['wrong_found']:>4}/{t['wrong']:<4}")
        if details:
            for line in t["misses"] + t["false_positives"]:  # type: ignore[operator]
                print(f"    - {line}")
    counts = result["counts"]
    print()
    print(f"Rappel des mentions étiquetées : {_fmt(result['recall'])} ({counts['found']}/{counts['labelled']})"  # type: ignore[index]
          f"  cible ≥ {TARGETS['recall']}")
    print(f"  dont « à vérifier » exclus      : {counts['undecided']} (contexte inconnu) ; rappel strict en les "  # type: ignore[index]
          f"comptant comme manqués : {_fmt(result['strict_recall'])}")
    print(f"Précision des « conforme »     : {_fmt(result['precision'])} "
          f"({counts['claims'] - counts['false_claims']}/{counts['claims']})  cible ≥ {TARGETS['precision']}")  # type: ignore[index]
    wrong = f"{counts['wrong_found']}/{counts['wrong']}"  # type: ignore[index]
    print(f"Rappel des mentions fautives   : {_fmt(result['wrong_recall'])} ({wrong})")
    typed = f"{counts['doc_type'][0]}/{counts['doc_type'][1]}"  # type: ignore[index]
    print(f"Type de document               : {_fmt(result['doc_type'])} ({typed})  cible ≥ {TARGETS['doc_type']}")
    if result["unknown_label_ids"]:
        print("Identifiants étiquetés sans règle :", ", ".join(result["unknown_label_ids"]))  # type: ignore[arg-type]
    for line in result["doc_type_errors"]:  # type: ignore[attr-defined]
        print("  type :", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(__file__).resolve().parents[2] / "shared" / "eval-dev"
    parser.add_argument("--eval-dir", type=Path, default=default)
    parser.add_argument("--json", type=Path, help="écrit les chiffres détaillés dans ce fichier")
    parser.add_argument("--details", action="store_true", help="liste les manqués et les faux positifs")
    parser.add_argument("--regime-connu", action="store_true",
                        help="donne le régime comme le ferait l'utilisateur (--regime), d'après le service étiqueté")
    args = parser.parse_args()
    if not (args.eval_dir / "labels").is_dir():
        sys.exit(f"Dossier d'évaluation introuvable : {args.eval_dir}")
    result = evaluate(args.eval_dir, args.details, regime_from_label=args.regime_connu)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
