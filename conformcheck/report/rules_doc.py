"""Markdown reference of the rules of a pack (`conformcheck rules doc`)."""

from __future__ import annotations

from conformcheck.model import DOC_TYPE_LABELS_FR, SEVERITY_LABELS_FR, theme_label_fr
from conformcheck.packs.schema import AppliesTo, Pack, Part, Rule

CONFIDENCE_FR = {"confirmed": "texte lu", "partial": "substance confirmée, rédaction non relue",
                 "unconfirmed": "non vérifiée"}
KIND_FR = {"mention": "mention obligatoire", "value": "valeur contrôlée", "forbidden": "clause interdite",
           "outdated": "référence périmée", "python": "contrôle programmé"}


def applicability_fr(applies: AppliesTo) -> str:
    bits = ["documents : " + ", ".join(DOC_TYPE_LABELS_FR[t] for t in applies.doc_types)]
    if applies.regimes:
        bits.append("régimes : " + ", ".join(applies.regimes))
    if applies.modes:
        bits.append("modes : " + ", ".join(applies.modes))
    for key, label in (("hors_etablissement", "contrat hors établissement"), ("majeur", "public adulte"),
                       ("mineurs", "public mineur"), ("habilite_aide_sociale", "habilité à l'aide sociale"),
                       ("plan_aide", "plan d'aide APA/PCH")):
        flag = getattr(applies, key)
        if flag is not None:
            bits.append(f"{label} : {'oui' if flag else 'non'}")
    if applies.min_prix_mensuel is not None:
        bits.append(f"prix mensuel ≥ {applies.min_prix_mensuel:g} € TTC")
    if applies.when_present:
        bits.append("si le document contient : " + ", ".join(f"« {p} »" for p in applies.when_present))
    return " ; ".join(bits)


def _part_label(part: Part) -> str:
    dates = ([f"depuis le {part.in_force_from:%d/%m/%Y}"] if part.in_force_from else []) + (
        [f"jusqu'au {part.in_force_to:%d/%m/%Y}"] if part.in_force_to else [])
    return part.label + (f" ({', '.join(dates)})" if dates else "")


def _one_line(example: str) -> str:
    """A laid-out example (headings, pages: see packs/examples.py) on one Markdown line."""
    return " / ".join(line.strip() for line in example.strip().splitlines() if line.strip())


def rule_markdown(rule: Rule) -> str:
    lines = [f"### `{rule.id}` — {rule.title}", ""]
    status = " (règle historique : texte abrogé)" if rule.legacy else ""
    lines.append(f"- **Gravité** : {SEVERITY_LABELS_FR[rule.severity]} (`{rule.severity.value}`){status} ; "
                 f"**type** : {KIND_FR[rule.kind.value]} ; **source** : {CONFIDENCE_FR[rule.confidence]}")
    lines.append(f"- **Thème** : {theme_label_fr(rule.theme)}")
    lines.append("- **Références** : " + " ; ".join(ref.label() + (f" <{ref.url}>" if ref.url else "")
                                                   for ref in rule.references))
    lines.append(f"- **S'applique** : {applicability_fr(rule.applies_to)}")
    lines.append(f"- **Exigence** : {rule.message}")
    lines.append(f"- **Correction** : {rule.fix}")
    if rule.replacement:
        lines.append(f"- **Formulation en vigueur** : {rule.replacement}")
    if rule.parts:
        lines.append("- **Éléments** : " + " ; ".join(_part_label(part) for part in rule.parts))
    lines.append("- **Exemples conformes** :")
    lines.extend(f"  - « {_one_line(text)} »" for text in rule.examples.pass_)
    lines.append("- **Exemples non conformes** :")
    lines.extend(f"  - « {_one_line(text)} »" for text in rule.examples.fail)
    return "\n".join(lines)


def pack_markdown(pack: Pack) -> str:
    meta = pack.meta
    lines = [f"# Pack `{meta.id}` — {meta.title}", "", f"Version {meta.version}. {meta.description or ''}".strip(),
             "", "Ce fichier est généré par `conformcheck rules doc` : ne le modifiez pas à la main.", ""]
    if meta.sources:
        lines.append("## Textes sources")
        lines.append("")
        for source in meta.sources:
            dates = []
            if source.in_force_from:
                dates.append(f"en vigueur depuis le {source.in_force_from:%d/%m/%Y}")
            if source.in_force_to:
                dates.append(f"abrogé le {source.in_force_to:%d/%m/%Y}")
            note = f" — {source.note}" if source.note else ""
            lines.append(f"- {source.text}" + (f" ({', '.join(dates)})" if dates else "") + note)
        lines.append("")
    if meta.out_of_scope:
        lines.append("## Exigences hors du contrôle documentaire")
        lines.append("")
        lines.extend(f"- `{item.get('id')}` : {item.get('reason')}" for item in meta.out_of_scope)
        lines.append("")
    lines.append(f"## Règles ({len(pack.rules)})")
    lines.append("")
    for rule in sorted(pack.rules, key=lambda r: r.id):
        lines.append(rule_markdown(rule))
        lines.append("")
    return "\n".join(lines)
