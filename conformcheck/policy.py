"""A service's adaptation of the packs, without forking them: which rules run, their severity, the gaps it
accepted (waivers) and the gaps it already knows (baseline).

Rule selection happens before the scan (ignored rules are not evaluated); the rest is applied to the report
afterwards, so every report format shows it. Patterns name a rule id, a pack id, an id prefix (`casf.livret`)
or a glob (`casf.livret.*`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from conformcheck.errors import ConformcheckError, os_error_fr
from conformcheck.model import OPEN_STATUSES, Finding, Report, Score, Severity, Waiver
from conformcheck.packs.runtime import Rule, RulePack
from conformcheck.scan import theme_scores

WAIVER_KEYS = {"regle": "rule", "documents": "documents", "motif": "reason", "decide_par": "decided_by",
               "expire_le": "expires"}
BASELINE_VERSION = 1


class PolicyError(ConformcheckError):
    code = "politique_invalide"


def rule_matches(pattern: str, rule_id: str, pack_id: str) -> bool:
    return (pattern in (rule_id, pack_id) or rule_id.startswith(pattern + ".") or fnmatchcase(rule_id, pattern))


@dataclass
class Policy:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    baseline: set[tuple[str, str]] | None = None
    baseline_file: str | None = None

    def select_rules(self, packs: list[RulePack]) -> list[RulePack]:
        """The packs with only the selected, not ignored rules; a pattern that names no rule is an error (a typo
        must not silently turn a check off)."""
        if not (self.select or self.ignore):
            return packs
        pairs = [(rule.id, pack.meta.id) for pack in packs for rule in pack.rules]
        for option, patterns in (("--select", self.select), ("--ignore", self.ignore)):
            for pattern in patterns:
                if not any(rule_matches(pattern, *pair) for pair in pairs):
                    raise PolicyError(f"{option} {pattern} : aucune règle chargée ne correspond (identifiant de "
                                      "règle ou de pack, préfixe ou motif comme « casf.livret.* »).")

        def kept(rule: Rule, pack_id: str) -> bool:
            chosen = not self.select or any(rule_matches(p, rule.id, pack_id) for p in self.select)
            return chosen and not any(rule_matches(p, rule.id, pack_id) for p in self.ignore)

        selected = [replace(pack, rules=[r for r in pack.rules if kept(r, pack.meta.id)]) for pack in packs]
        return [pack for pack in selected if pack.rules]

    def apply(self, report: Report, scan_date: date) -> None:
        """Severity overrides, waivers and baseline marks on every finding; scores recomputed; expired waivers
        noted in the report."""
        active = [w for w in self.waivers if date.fromisoformat(w.expires) >= scan_date]
        notices = [f"La dérogation à {w.rule} ({w.documents}, {w.file}) a expiré le "
                   f"{date.fromisoformat(w.expires):%d/%m/%Y} : les constats qu'elle couvrait sont de nouveau "
                   f"comptés. Motif : {w.reason} (décision : {w.decided_by})."
                   for w in self.waivers if w not in active]
        for doc in report.documents:
            if doc.status != "ok":
                continue
            for finding in doc.findings:
                self._override_severity(finding)
                if finding.status in OPEN_STATUSES:
                    finding.waiver = next((w for w in active if _waiver_covers(w, finding, doc.path)), None)
                    if self.baseline is not None and finding.waiver is None:
                        finding.baseline = baseline_key(finding, doc.path) in self.baseline or None
            for name in doc.score:
                doc.score[name] = Score.of([f for f in doc.findings if name in ("document", f.pack)])
            doc.theme_score = theme_scores(doc.findings)
        if notices:
            report.notices = [*(report.notices or []), *notices]

    def _override_severity(self, finding: Finding) -> None:
        for pattern, severity in self.severity.items():
            if rule_matches(pattern, finding.rule_id, finding.pack) and severity != finding.severity:
                finding.severity_origin = finding.severity_origin or finding.severity
                finding.severity = severity


def _waiver_covers(waiver: Waiver, finding: Finding, path: str) -> bool:
    return (rule_matches(waiver.rule, finding.rule_id, finding.pack)
            and (fnmatchcase(path, waiver.documents) or fnmatchcase(Path(path).name, waiver.documents)))


# --- waivers file ------------------------------------------------------------------------------------------

def load_waivers(path: Path) -> list[Waiver]:
    """A TOML file of `[[derogation]]` tables: regle, documents (glob, default every document), motif,
    decide_par, expire_le (a date)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"Fichier de dérogations illisible {path} : {os_error_fr(exc)}.") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"Fichier de dérogations illisible {path} : {exc}") from exc
    unknown = set(data) - {"derogation"}
    if unknown or not isinstance(data.get("derogation", []), list):
        raise PolicyError(f"{path} : le fichier de dérogations contient des tables [[derogation]] et rien "
                          f"d'autre (clé(s) inattendue(s) : {', '.join(sorted(unknown)) or 'derogation'}).")
    waivers = []
    for number, entry in enumerate(data.get("derogation", []), start=1):
        where = f"{path}, dérogation n° {number}"
        if not isinstance(entry, dict):
            raise PolicyError(f"{where} : une dérogation est une table [[derogation]].")
        entry = {"documents": "*", **entry}
        extra = set(entry) - set(WAIVER_KEYS)
        missing = set(WAIVER_KEYS) - set(entry)
        if extra or missing:
            raise PolicyError(f"{where} : " + " ; ".join(
                ([f"clé(s) inconnue(s) : {', '.join(sorted(extra))}"] if extra else [])
                + ([f"clé(s) obligatoire(s) absente(s) : {', '.join(sorted(missing))}"] if missing else []))
                + f". Clés attendues : {', '.join(WAIVER_KEYS)}.")
        expires = entry["expire_le"]
        if not isinstance(expires, date) or isinstance(expires, datetime):  # a date and time is no date
            raise PolicyError(f"{where} : « expire_le » doit être une date AAAA-MM-JJ (sans guillemets), "
                              f"pas {expires!r}.")
        texts = {key: entry[key] for key in ("regle", "documents", "motif", "decide_par")}
        empty = [key for key, value in texts.items() if not isinstance(value, str) or not value.strip()]
        if empty:
            raise PolicyError(f"{where} : {', '.join(empty)} doi(ven)t être un texte non vide.")
        waivers.append(Waiver(rule=texts["regle"], documents=texts["documents"], reason=texts["motif"],
                              decided_by=texts["decide_par"], expires=expires.isoformat(), file=str(path)))
    return waivers


# --- baseline ----------------------------------------------------------------------------------------------

def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def baseline_key(finding: Finding, path: str) -> tuple[str, str]:
    """What identifies a gap across runs: the rule and its evidence text (not its page), or for a missing
    mention, which has none, the rule and the document's file name without its extension (PDF or DOCX export)."""
    if finding.evidence:
        return finding.rule_id, "extrait:" + _normalised(" ".join(e.excerpt for e in finding.evidence))
    return finding.rule_id, "document:" + Path(path).stem


def write_baseline(report: Report, path: Path) -> int:
    """Record every current gap that no waiver accepts; the number of gaps written."""
    entries = [{"regle": key[0], "cle": key[1], "statut": f.status.value}
               for doc in report.documents if doc.status == "ok" for f in doc.findings
               if f.status in OPEN_STATUSES and f.waiver is None for key in [baseline_key(f, doc.path)]]
    payload = {"version": BASELINE_VERSION, "date": report.scan_date, "ecarts": entries}
    try:
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"Impossible d'écrire la référence {path} : {os_error_fr(exc)}.") from exc
    return len(entries)


def load_baseline(path: Path) -> set[tuple[str, str]]:
    unreadable = f"Référence illisible {path} (à créer avec --write-baseline)"
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"{unreadable} : {os_error_fr(exc)}.") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise PolicyError(f"{unreadable} : ce n'est pas un fichier JSON ({exc}).") from exc
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise PolicyError(f"{unreadable} : ce n'est pas une référence de version {BASELINE_VERSION} écrite par "
                          "--write-baseline.")
    try:
        return {(entry["regle"], entry["cle"]) for entry in data["ecarts"]}
    except (KeyError, TypeError) as exc:
        raise PolicyError(f"{unreadable} : liste « ecarts » mal formée.") from exc


def build_policy(config: dict[str, Any], select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
                 severity: tuple[str, ...] = (), waivers: str | None = None, baseline: str | None = None) -> Policy:
    """The policy of the command-line options, completed by the config file (whose paths are already resolved;
    options add to its lists and win over its severities and files)."""
    overrides = dict(config.get("severity", {}))
    for item in severity:
        pattern, _, level = item.partition("=")
        if not pattern or not level:
            raise PolicyError(f"--severity {item} : attendu MOTIF=GRAVITÉ, par exemple casf.livret.*=warning.")
        overrides[pattern.strip()] = level.strip()
    choices = ", ".join(s.value for s in Severity)
    for pattern, level in overrides.items():
        if level not in {s.value for s in Severity}:
            raise PolicyError(f"Gravité « {level} » invalide pour {pattern} ; valeurs possibles : {choices}.")
    waivers_file = waivers or config.get("waivers")
    baseline_file = baseline or config.get("baseline")
    return Policy(select=[*config.get("select", []), *select], ignore=[*config.get("ignore", []), *ignore],
                  severity={p: Severity(level) for p, level in overrides.items()},
                  waivers=load_waivers(Path(waivers_file)) if waivers_file else [],
                  baseline=load_baseline(Path(baseline_file)) if baseline_file else None,
                  baseline_file=baseline_file)
