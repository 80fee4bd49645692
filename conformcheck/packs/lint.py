"""`conformcheck packs check`: every problem of a pack folder at once, each with its file, line and a French
explanation (the loader stops at the first one).

Errors make the pack unusable or wrong: schema errors (unknown keys, missing fields — examples included —,
invalid values, regexes that do not compile), a rule id outside the pack's prefix, an id or a prefix that
clashes with another loaded pack, a `same_as` that names no rule. Warnings are weaknesses: a reference
without any date in force (the rule then applies whatever `--date`), fewer than two examples each way, a
« pass » example that contains none of the rule's wordings (it passes by accident), a defective wording
(`wrong`) that no « fail » example exercises.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformcheck.errors import PackError
from conformcheck.packs.loader import PACK_FILE, _read_yaml, _yaml, describe_error
from conformcheck.packs.schema import Pack, PackMeta, Rule, RuleKind


@dataclass
class Issue:
    level: str  # erreur | avertissement
    file: str
    line: int
    message: str
    rule_id: str | None = None

    def __str__(self) -> str:
        rule = f"règle {self.rule_id} : " if self.rule_id else ""
        return f"{self.file}:{self.line} : {self.level} : {rule}{self.message}"


class _Lines:
    """Line numbers of a YAML file's nodes, by path of keys and indices (composed once per file)."""

    def __init__(self, path: Path) -> None:
        yaml, loader = _yaml()
        try:
            self.root = yaml.compose(path.read_text(encoding="utf-8"), Loader=loader)
        except Exception:  # noqa: BLE001 - the read error itself is reported by the caller
            self.root = None
        self.yaml = yaml

    def line(self, *loc: Any) -> int:
        node, line = self.root, 1
        for key in loc:
            if node is None:
                break
            line = node.start_mark.line + 1
            if isinstance(node, self.yaml.MappingNode):
                node = next((value for name, value in node.value if name.value == str(key)), None)
            elif isinstance(node, self.yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                node = None
        return node.start_mark.line + 1 if node is not None else line


def _schema_issues(model: Any, data: Any, path: Path, lines: _Lines, prefix: tuple[Any, ...],
                   rule_id: str | None) -> list[Issue]:
    from pydantic import ValidationError

    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [Issue("erreur", str(path), lines.line(*prefix, *item["loc"]),
                      f"{'.'.join(str(p) for p in item['loc']) or '(racine)'} : {describe_error(item)}", rule_id)
                for item in exc.errors()]
    return []


def check_pack_dir(directory: Path, others: list[Pack]) -> tuple[list[Issue], Pack | None]:
    """Issues of one pack folder, against the `others` loaded with it; the pack of its valid rules (checked
    further with the matcher), if any."""
    issues: list[Issue] = []
    pack_file = directory / PACK_FILE
    try:
        meta_data = _read_yaml(pack_file)
    except PackError as exc:
        return [Issue("erreur", str(pack_file), 1, exc.message)], None
    meta_issues = _schema_issues(PackMeta, meta_data, pack_file, _Lines(pack_file), (), None)
    if meta_issues:
        return meta_issues, None
    meta = PackMeta.model_validate(meta_data)
    for other in others:
        if Path(other.root).resolve() == directory.resolve():
            continue
        if other.meta.id == meta.id:
            issues.append(Issue("avertissement", str(pack_file), 1, f"un autre pack « {meta.id} » est chargé "
                                f"({other.root}) : une autre version de ce pack ? Les deux ne peuvent pas être "
                                "utilisés ensemble."))
        elif other.meta.rule_prefix == meta.rule_prefix:
            issues.append(Issue("erreur", str(pack_file), _Lines(pack_file).line("rule_prefix"),
                                f"le préfixe « {meta.rule_prefix} » est déjà celui du pack « {other.meta.id} » "
                                f"({other.root}) : choisissez un préfixe propre à ce pack."))
    elsewhere = {rule.id: other for other in others if other.meta.id != meta.id for rule in other.rules}
    rules: list[Rule] = []
    for path in sorted(directory.rglob("*.yaml")):
        if path.name == PACK_FILE:
            continue
        lines = _Lines(path)
        try:
            data = _read_yaml(path)
        except PackError as exc:
            issues.append(Issue("erreur", str(path), 1, exc.message))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list) or set(data) - {"rules"}:
            issues.append(Issue("erreur", str(path), 1, "un fichier de règles contient une seule clé `rules`, "
                                "liste de règles."))
            continue
        for index, raw in enumerate(data["rules"]):
            rule_id = raw.get("id") if isinstance(raw, dict) else None
            found = _schema_issues(Rule, raw, path, lines, ("rules", index), rule_id)
            issues.extend(found)
            if found:
                continue
            rule = Rule.model_validate(raw)
            line = lines.line("rules", index)
            if not rule.id.startswith(meta.rule_prefix + "."):
                issues.append(Issue("erreur", str(path), line, f"l'identifiant doit commencer par "
                                    f"« {meta.rule_prefix}. » (préfixe du pack {meta.id}).", rule.id))
            if any(r.id == rule.id for r in rules):
                issues.append(Issue("erreur", str(path), line, "identifiant déjà utilisé dans ce pack.", rule.id))
            if rule.id in elsewhere:
                issues.append(Issue("erreur", str(path), line, f"identifiant déjà défini par le pack "
                                    f"« {elsewhere[rule.id].meta.id} » ({elsewhere[rule.id].root}).", rule.id))
            issues.extend(_rule_warnings(rule, path, lines, index))
            rules.append(rule)
    if not rules and not issues:
        issues.append(Issue("erreur", str(pack_file), 1, f"le pack {meta.id} ne contient aucune règle (fichiers "
                            "*.yaml à côté de pack.yaml)."))
    return issues, Pack(meta=meta, rules=rules, root=str(directory)) if rules else None


def _rule_warnings(rule: Rule, path: Path, lines: _Lines, index: int) -> list[Issue]:
    found = []
    for number, reference in enumerate(rule.references):
        if reference.in_force_from is None and reference.in_force_to is None:
            found.append(Issue("avertissement", str(path), lines.line("rules", index, "references", number),
                               f"la référence « {reference.text} » n'a pas de date d'entrée en vigueur "
                               "(in_force_from) : la règle s'appliquera quelle que soit la date d'analyse "
                               "(--date).", rule.id))
    if len(rule.examples.pass_) < 2 or len(rule.examples.fail) < 2:
        found.append(Issue("avertissement", str(path), lines.line("rules", index, "examples"),
                           "donnez au moins deux exemples « pass » et deux exemples « fail ».", rule.id))
    return found


def exercise_issues(pack: Pack, scanner: Any, files: dict[str, tuple[Path, _Lines, int]]) -> list[Issue]:
    """Examples that do not exercise their rule's wordings, found with the real matcher. `pack` has its
    `same_as` wordings resolved; `files` gives each rule's file, lines and index."""
    from conformcheck.engine.verdicts import find
    from conformcheck.packs.examples import example_context, example_date, example_document
    from conformcheck.packs.runtime import compile_rule
    from conformcheck.scan import ScanOptions

    issues = []
    for rule in pack.rules:
        if rule.kind == RuleKind.python or rule.id not in files:
            continue
        path, lines, index = files[rule.id]
        runtime = compile_rule(rule)
        context = example_context(rule)
        doc_type = str(context.pop("doc_type", rule.applies_to.doc_types[0]))
        options = ScanOptions(context=context, doc_type=doc_type, scan_date=example_date(rule))

        def facts(text: str, options: ScanOptions = options) -> Any:
            return scanner.facts(example_document(text), options)

        right = [m for m in [runtime.match, *(p.match for p in runtime.parts)] if m is not None]
        if rule.kind in (RuleKind.mention, RuleKind.value):
            for number, text in enumerate(rule.examples.pass_):
                example = facts(text)
                if not any(find(match, example) for match in right):
                    issues.append(Issue("avertissement", str(path), lines.line("rules", index, "examples", "pass",
                                                                                number),
                                        f"l'exemple « pass » n° {number + 1} ne contient aucune des formulations "
                                        "de la règle (match, parts) : il passe sans les mettre à l'épreuve.",
                                        rule.id))
        fail_facts = [facts(text) for text in rule.examples.fail]
        for number, wrong in enumerate(runtime.wrong):
            if not any(find(wrong.match, example) for example in fail_facts):
                issues.append(Issue("avertissement", str(path), lines.line("rules", index, "wrong", number),
                                    f"la formulation fautive n° {number + 1} (wrong) n'est exercée par aucun "
                                    "exemple « fail ».", rule.id))
    return issues


def rule_files(directory: Path) -> dict[str, tuple[Path, _Lines, int]]:
    """Where each rule of a pack folder is written: its file, the file's lines and its index (unreadable files,
    already reported, are skipped)."""
    where = {}
    for path in sorted(directory.rglob("*.yaml")):
        if path.name == PACK_FILE:
            continue
        try:
            data = _read_yaml(path)
        except PackError:
            continue
        lines = _Lines(path)
        for index, raw in enumerate(data.get("rules") or [] if isinstance(data, dict) else []):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                where.setdefault(raw["id"], (path, lines, index))
    return where
