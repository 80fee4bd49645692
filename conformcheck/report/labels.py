"""French labels shared by the renderers."""

from __future__ import annotations

from conformcheck.model import ContextValue, Status

STATUS_LABELS_FR = {
    Status.non_conforme: "Non conforme", Status.manquant: "Manquant", Status.a_verifier: "À vérifier",
    Status.conforme: "Conforme", Status.non_applicable: "Non applicable",
}
# Short names of the bundled packs for charts and tables; another pack is shown by its identifier.
PACK_NAMES_FR = {"casf": "CASF", "consommation": "Code de la consommation",
                 "arrete2011": "Cahier des charges de l'agrément SAP", "nfx50056": "Norme NF X 50-056"}

CONTEXT_NAMES_FR = {
    "regime": "régime", "mode": "mode d'intervention", "hors_etablissement": "signé hors établissement",
    "majeur": "public adulte", "mineurs": "public mineur", "habilite_aide_sociale": "habilité à l'aide sociale",
    "plan_aide": "plan d'aide APA/PCH", "prix_mensuel": "prix mensuel TTC",
}
# How a user supplies each piece of context (option, or key of conformcheck.toml).
CONTEXT_OPTIONS_FR = {
    "regime": "option --regime", "mode": "option --mode",
    "hors_etablissement": "option --hors-etablissement ou --en-etablissement",
    "prix_mensuel": "option --prix-mensuel", "majeur": "clé « majeur » de conformcheck.toml",
    "mineurs": "clé « mineurs » de conformcheck.toml",
    "habilite_aide_sociale": "clé « habilite_aide_sociale » de conformcheck.toml",
    "plan_aide": "clé « plan_aide » de conformcheck.toml",
}
VALUE_NAMES_FR = {
    "casf_autorise": "service autorisé CASF (SAAD/SAD/SPASAD)", "ssiad": "SSIAD", "sap_agree": "SAP agréé",
    "sap_declare": "SAP déclaré", "prestataire": "prestataire", "mandataire": "mandataire",
    "mise_a_disposition": "mise à disposition",
}
SOURCE_NAMES_FR = {"option": "option", "config": "fichier de configuration", "manifeste": "manifeste des services",
                   "document": "lu dans le document",
                   "inconnu": "inconnu"}


def context_value_fr(value: ContextValue) -> str:
    raw = value.value
    if raw is None and value.candidates:
        return "inconnu (" + " ou ".join(VALUE_NAMES_FR.get(c, c) for c in value.candidates) + ")"
    if raw is None:
        return "inconnu"
    if isinstance(raw, bool):
        return "oui" if raw else "non"
    if isinstance(raw, float):
        return f"{raw:g} €"
    return VALUE_NAMES_FR.get(str(raw), str(raw))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f} %"


def date_fr(iso: str) -> str:
    """« 2026-12-01 » (or a datetime starting so) as « 01/12/2026 »; anything else unchanged."""
    year, _, rest = iso[:10].partition("-")
    month, _, day = rest.partition("-")
    return f"{day}/{month}/{year}" if day else iso


def change_points(previous: float | None, current: float | None) -> float | None:
    """The change between two rates, in percentage points (None when either is unknown)."""
    if previous is None or current is None:
        return None
    return round((current - previous) * 100, 1)


def change_fr(points: float | None) -> str:
    """« ↑ +5,0 pts », « ↓ −2,5 pts », « = 0 pt » or « — » (unknown)."""
    if points is None:
        return "—"
    if points == 0:
        return "= 0 pt"
    arrow = "↑ +" if points > 0 else "↓ −"
    return f"{arrow}{abs(points):.1f} pts".replace(".", ",")
