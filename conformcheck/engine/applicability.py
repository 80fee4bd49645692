"""Whether a rule applies to a document in its context: constraints that fail or cannot be decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conformcheck.engine.facts import DocumentFacts
from conformcheck.engine.verdicts import negated
from conformcheck.model import DOC_TYPE_LABELS_FR
from conformcheck.packs.runtime import Rule, in_force_on

CONTEXT_LABELS_FR = {
    "regime": "le régime du service (autorisé CASF, SSIAD, SAP agréé ou déclaré)",
    "mode": "le mode d'intervention (prestataire, mandataire, mise à disposition)",
    "hors_etablissement": "le lieu de signature (hors établissement ou non)",
    "majeur": "l'accompagnement d'adultes",
    "mineurs": "l'accompagnement de mineurs",
    "habilite_aide_sociale": "l'habilitation à l'aide sociale",
    "plan_aide": "l'existence d'un plan d'aide (APA, PCH)",
    "prix_mensuel": "le prix mensuel TTC de la prestation",
}


@dataclass(frozen=True)
class Constraint:
    """A condition of `applies_to` that is not met (`fail`) or cannot be decided (`unknown`)."""

    key: str
    result: str  # fail | unknown
    reason: str


def out_of_force_reason(rule: Rule, day: date) -> str | None:
    """Why no text of the rule is in force on `day` (French), or None when the rule is in force."""
    if in_force_on(rule, day):
        return None
    coming = min((p for p in rule.in_force if p.start and p.start > day), key=lambda p: p.start, default=None)
    ended = max((p for p in rule.in_force if p.end and p.end < day), key=lambda p: p.end, default=None)
    when = f"{day:%d/%m/%Y}"
    starts = f"{coming.text} (en vigueur à partir du {coming.start:%d/%m/%Y})" if coming and coming.start else ""
    if ended is None:
        return f"Texte pas encore en vigueur le {when} : {starts}."
    if coming is None:
        return f"Texte abrogé le {ended.end:%d/%m/%Y}, plus en vigueur le {when} : {ended.text}."
    return (f"Aucun texte de cette exigence n'est en vigueur le {when} : {ended.text} (abrogé le "
            f"{ended.end:%d/%m/%Y}) ; {starts}.")


def constraints(rule: Rule, facts: DocumentFacts) -> list[Constraint]:
    applies = rule.applies_to
    found: list[Constraint] = []
    if rule.in_force:
        reason = out_of_force_reason(rule, facts.scan_date)
        if reason:
            found.append(Constraint("in_force", "fail", reason))
    if facts.doc_type not in applies.doc_types:
        kinds = ", ".join(DOC_TYPE_LABELS_FR[t] for t in applies.doc_types)
        found.append(Constraint("doc_type", "fail", f"Exigence propre à : {kinds}."))
    for key, wanted in (("regime", applies.regimes), ("mode", applies.modes)):
        if wanted is None:
            continue
        value = facts.ctx(key)
        known = facts.context.get(key)
        possible = set(known.candidates) if known and known.candidates else None
        if value is None and possible is not None and possible <= set(wanted):
            continue  # every value still possible is one where the rule applies
        if value is None and possible is not None and not possible & set(wanted):
            found.append(Constraint(key, "fail", f"Ne s'applique pas : {CONTEXT_LABELS_FR[key]} exclut "
                                                 f"{', '.join(wanted)}."))
        elif value is None:
            found.append(Constraint(key, "unknown", f"Impossible de déterminer {CONTEXT_LABELS_FR[key]}."))
        elif value not in wanted:
            found.append(Constraint(key, "fail", f"Ne s'applique pas pour {key} = {value}."))
    for key in ("hors_etablissement", "majeur", "mineurs", "habilite_aide_sociale", "plan_aide"):
        wanted_flag: bool | None = getattr(applies, key)
        if wanted_flag is None:
            continue
        value = facts.ctx(key)
        if value is None:
            found.append(Constraint(key, "unknown", f"Impossible de déterminer {CONTEXT_LABELS_FR[key]}."))
        elif bool(value) != wanted_flag:
            found.append(Constraint(key, "fail", f"Ne s'applique pas : {CONTEXT_LABELS_FR[key]} = "
                                                 f"{'oui' if value else 'non'}."))
    if applies.min_prix_mensuel is not None:
        price = facts.ctx("prix_mensuel")
        if price is None:
            found.append(Constraint("prix_mensuel", "unknown", f"Impossible de déterminer "
                                                               f"{CONTEXT_LABELS_FR['prix_mensuel']}."))
        elif float(price) < applies.min_prix_mensuel:  # type: ignore[arg-type]
            found.append(Constraint("prix_mensuel", "fail",
                                    f"Prix mensuel {price} € TTC inférieur au seuil de "
                                    f"{applies.min_prix_mensuel:g} €."))
    if applies.when_present and not [s for s in facts.hits.any_spans(applies.when_present)
                                     if not negated(facts, s)]:
        found.append(Constraint("when_present", "fail", "La clause qui déclenche cette exigence est absente."))
    return found
