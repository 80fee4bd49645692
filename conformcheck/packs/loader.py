"""Pack discovery and validation: bundled `rules/`, `--pack DIR`, and the `conformcheck.packs` entry points."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformcheck.errors import PackError

if TYPE_CHECKING:  # pydantic is imported to validate pack files only: a cached scan never needs it
    from pydantic import ValidationError

    from conformcheck.packs.schema import Pack

ENTRY_POINT_GROUP = "conformcheck.packs"
PACK_FILE = "pack.yaml"


def bundled_rules_dir() -> Path:
    """`rules/` beside the package in a checkout, or inside the installed wheel."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "_rules", package_dir.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise PackError("Les packs de règles livrés avec conformcheck sont introuvables (dossier rules/ absent).")


def _pack_dirs_in(root: Path) -> list[Path]:
    if (root / PACK_FILE).is_file():
        return [root]
    return sorted(p.parent for p in root.glob(f"*/{PACK_FILE}"))


def __getattr__(name: str) -> Any:
    # `importlib.metadata` costs ~15 ms to import (email, zipfile…): imported when packs are looked up
    # through entry points, not with this module (packs/cache.py often knows there are none).
    if name == "metadata":
        from importlib import metadata

        return metadata
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def entry_point_dirs() -> list[Path]:
    """The pack folders that installed distributions declare (`conformcheck.packs` entry points)."""
    return [directory for directory, _ in installed_packs()]


def installed_packs() -> list[tuple[Path, str]]:
    """Each installed pack folder with its origin (distribution and version). An entry point names a module (the
    pack folder is the module's folder), a folder path, or a function returning one."""
    from importlib import metadata
    from types import ModuleType

    found: list[tuple[Path, str]] = []
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            target = entry.load()
            if isinstance(target, ModuleType):
                path = Path(str(target.__file__)).parent
            else:
                path = Path(target() if callable(target) else target)
        except Exception as exc:  # a broken third-party pack must be named, not crash the tool
            raise PackError(f"Le pack installé « {entry.name} » ({entry.value}) ne peut pas être chargé : "
                            f"{exc}") from exc
        dist = getattr(entry, "dist", None)
        origin = f"paquet {dist.name} {dist.version}" if dist is not None else f"point d'entrée {entry.name}"
        found.extend((directory, origin) for directory in _pack_dirs_in(path))
    return found


# pydantic's messages are in English: the usual ones are said in French for pack authors.
_MESSAGES_FR = {
    "missing": "champ obligatoire absent",
    "extra_forbidden": "clé inconnue (faute de frappe ? voir `conformcheck schema --pack`)",
    "too_short": "liste trop courte (au moins un élément)",
    "string_pattern_mismatch": "format invalide (minuscules, chiffres, _ et points)",
    "string_type": "un texte est attendu",
    "bool_parsing": "true ou false attendu",
    "list_type": "une liste est attendue",
    "dict_type": "une table (clé: valeur) est attendue",
    "date_from_datetime_parsing": "date AAAA-MM-JJ attendue",
    "date_parsing": "date AAAA-MM-JJ attendue",
    "date_type": "date AAAA-MM-JJ attendue",
}


def describe_error(item: Any) -> str:
    """One pydantic error item in French: literal and enum errors list the allowed values."""
    kind = item["type"]
    if kind in ("literal_error", "enum"):
        return f"valeur {item.get('input')!r} invalide ; valeurs possibles : {item['ctx']['expected']}"
    if kind == "value_error":
        return str(item["ctx"]["error"])  # our validators' own (French) messages
    return _MESSAGES_FR.get(kind, item["msg"])


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(racine)"
        problems.append(f"{where} : {describe_error(item)}")
    return " ; ".join(problems)


def _yaml() -> tuple[Any, Any]:
    """PyYAML and its safe loader, imported only to read rule files (~12 ms: a cached run never needs it).
    libyaml's loader when PyYAML was built with it (10× faster than the pure-Python one)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    yaml, loader = _yaml()
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackError(f"{path} : fichier illisible ou YAML invalide : {exc}") from exc


def _rule_line(path: Path, index: int) -> int:
    """1-based line of the `index`-th rule of a rule file; only computed to report an error."""
    yaml, loader = _yaml()
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=loader)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "rules" and isinstance(value, yaml.SequenceNode) and index < len(value.value):
                return value.value[index].start_mark.line + 1
    return 0


def load_pack(directory: Path) -> Pack:
    from pydantic import ValidationError

    from conformcheck.packs.schema import Pack, PackMeta, Rule

    meta_data = _read_yaml(directory / PACK_FILE)
    try:
        meta = PackMeta.model_validate(meta_data)
    except ValidationError as exc:
        raise PackError(f"{directory / PACK_FILE} : {_describe(exc)}") from exc
    rules: list[Rule] = []
    for path in sorted(directory.rglob("*.yaml")):
        if path.name == PACK_FILE:
            continue
        data = _read_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list) or set(data) - {"rules"}:
            raise PackError(f"{path} : un fichier de règles contient une seule clé `rules`, liste de règles.")
        for index, raw in enumerate(data["rules"]):
            rule_id = raw.get("id", f"n°{index + 1}") if isinstance(raw, dict) else f"n°{index + 1}"
            try:
                rule = Rule.model_validate(raw)
            except ValidationError as exc:
                raise PackError(f"{path}:{_rule_line(path, index)} : règle {rule_id} : {_describe(exc)}") from exc
            if not rule.id.startswith(meta.rule_prefix + "."):
                raise PackError(f"{path}:{_rule_line(path, index)} : règle {rule.id} : l'identifiant doit commencer "
                                f"par « {meta.rule_prefix}. » (pack {meta.id}).")
            rules.append(rule)
    if not rules:
        raise PackError(f"{directory} : le pack {meta.id} ne contient aucune règle.")
    return Pack(meta=meta, rules=rules, root=str(directory))


def _resolve_shared_wording(packs: list[Pack]) -> list[Pack]:
    """Give each `same_as` rule the wording of the rule it names, so both find the same evidence."""
    by_id = {rule.id: rule for pack in packs for rule in pack.rules}
    resolved: list[Pack] = []
    for pack in packs:
        rules = []
        for rule in pack.rules:
            if rule.same_as:
                source = by_id.get(rule.same_as)
                if source is None or source.same_as:
                    raise PackError(f"{pack.root} : règle {rule.id} : `same_as: {rule.same_as}` doit désigner une "
                                    "règle chargée qui porte elle-même sa formulation.")
                rule = rule.model_copy(update={"match": source.match, "parts": source.parts, "wrong": source.wrong})
            rules.append(rule)
        resolved.append(pack.model_copy(update={"rules": rules}))
    return resolved


def load_packs(extra_dirs: Iterable[str | Path] = (), bundled: bool = True, installed: bool = True,
               only: Iterable[str] = ()) -> list[Pack]:
    """Every pack found, validated together (an id may exist once across all packs)."""
    return load_pack_dirs(discover_pack_dirs(extra_dirs, bundled, installed), only)


def discover_pack_dirs(extra_dirs: Iterable[str | Path] = (), bundled: bool = True,
                       installed: bool = True) -> list[Path]:
    """The folders of the packs to load: bundled, installed (entry points), then given."""
    dirs: list[Path] = []
    if bundled:
        dirs.extend(_pack_dirs_in(bundled_rules_dir()))
    if installed:
        dirs.extend(entry_point_dirs())
    for extra in extra_dirs:
        path = Path(extra)
        if not path.is_dir():
            raise PackError(f"Le dossier de pack « {extra} » n'existe pas.")
        found = _pack_dirs_in(path)
        if not found:
            raise PackError(f"« {extra} » ne contient aucun pack (fichier {PACK_FILE} introuvable).")
        dirs.extend(found)
    return list(dict.fromkeys(d.resolve() for d in dirs))


def load_pack_dirs(dirs: list[Path], only: Iterable[str] = ()) -> list[Pack]:
    packs: list[Pack] = []
    seen_packs: dict[str, str] = {}
    seen_rules: dict[str, str] = {}
    for directory in dirs:
        pack = load_pack(directory)
        if pack.meta.id in seen_packs:
            raise PackError(f"Le pack « {pack.meta.id} » est défini deux fois : {seen_packs[pack.meta.id]} "
                            f"et {directory}.")
        seen_packs[pack.meta.id] = str(directory)
        for rule in pack.rules:
            if rule.id in seen_rules:
                raise PackError(f"La règle {rule.id} est définie deux fois : {seen_rules[rule.id]} et {directory}.")
            seen_rules[rule.id] = str(directory)
        packs.append(pack)
    packs = _resolve_shared_wording(packs)
    wanted = set(only)
    if wanted:
        unknown = wanted - set(seen_packs)
        if unknown:
            raise PackError(f"Pack(s) inconnu(s) : {', '.join(sorted(unknown))}. "
                            f"Disponibles : {', '.join(sorted(seen_packs))}.")
        packs = [p for p in packs if p.meta.id in wanted]
    return packs
