"""Context of a document (regime, mode, signature off premises…): given, or inferred with evidence."""

from __future__ import annotations

from functools import lru_cache

from conformcheck.analyze.matcher import PhraseHits, PhraseIndex
from conformcheck.model import ContextValue, Document, Evidence

CONTEXT_KEYS = ("regime", "mode", "hors_etablissement", "majeur", "mineurs", "habilite_aide_sociale",
                "plan_aide", "prix_mensuel")

# value → clue phrases, strongest first. The first value with a clue wins, in this order.
_REGIME_CLUES: list[tuple[str, list[str]]] = [
    ("ssiad", ["service de soins infirmiers à domicile", "SSIAD", "SSIDPA", "infirmier coordonnateur",
               "service de soins à domicile"]),
    ("casf_autorise", ["service autonomie à domicile", "service d'aide et d'accompagnement à domicile", "SAAD",
                       "SPASAD", "SAD", "autorisé par le conseil départemental",
                       "autorisation du conseil départemental", "service autorisé", "autorisé par arrêté",
                       "autorisé par le président du conseil départemental", "autorisé par le département",
                       "arrêté d'autorisation", "autorisation délivrée", "CCAS", "CIAS",
                       "centre communal d'action sociale", "centre intercommunal d'action sociale",
                       "habilité à l'aide sociale", "L. 311-4", "document individuel de prise en charge",
                       "charte des droits et libertés de la personne accueillie", "règlement de fonctionnement",
                       "établissement social et médico-social", "service médico-social"]),
    ("sap_agree", ["agrément services à la personne", "agrément SAP", "agréé par", "agrément n°", "agréée",
                   "agrément préfectoral", "agrément délivré", "organisme agréé", "agrément"]),
    ("sap_declare", ["déclaration SAP", "déclaré auprès", "déclaration n°", "récépissé de déclaration",
                     "organisme déclaré"]),
]
# Any of these means the service may deliver care (SSIAD, soins of a SAD intégré).
_HEALTH_CLUES = ["soins infirmiers", "infirmier", "infirmière", "aide-soignant", "aide soignante", "soins d'hygiène",
                 "prescription médicale", "SSIAD", "SPASAD", "assurance maladie", "soins de nursing"]
_MODE_CLUES: list[tuple[str, list[str]]] = [
    ("mandataire", ["mode mandataire", "service mandataire", "contrat de mandat", "en qualité de mandataire",
                    "vous êtes l'employeur", "particulier employeur"]),
    ("mise_a_disposition", ["mise à disposition de personnel", "mode mise à disposition"]),
    ("prestataire", ["mode prestataire", "service prestataire", "en qualité de prestataire", "le prestataire",
                     "salarié du prestataire", "salariés de l'association", "salariés du service",
                     "personnel salarié", "l'intervenant est salarié", "SSIAD", "SAAD"]),
]
_BOOL_CLUES: dict[str, list[tuple[bool, list[str]]]] = {
    "hors_etablissement": [
        (True, ["hors établissement", "démarchage", "signé au domicile", "conclu au domicile", "à distance",
                "droit de rétractation", "délai de rétractation", "formulaire de rétractation",
                "vous rétracter", "L. 221-18", "délai de réflexion"]),
        (False, ["signé dans nos locaux", "signé à l'agence", "conclu dans nos locaux"])],
    "majeur": [(True, ["personne âgée", "personnes âgées", "adulte", "personnes handicapées", "APA", "PCH",
                       "allocation personnalisée d'autonomie", "perte d'autonomie", "plus de 60 ans",
                       "retraités", "majeur protégé", "tuteur", "curateur", "personne de confiance"])],
    "mineurs": [(False, ["n'intervient pas auprès de mineurs", "n'accompagne pas de mineurs",
                         "exclusivement des adultes", "uniquement des adultes", "personnes majeures uniquement"]),
                (True, ["garde d'enfant", "garde d'enfants", "enfants de moins de 3 ans", "mineur", "mineurs",
                        "sortie d'école", "accompagnement des enfants", "enfant handicapé", "SAAD familles",
                        "aide aux familles", "technicien de l'intervention sociale et familiale", "TISF"])],
    "habilite_aide_sociale": [(False, ["non habilité à l'aide sociale", "pas habilité à l'aide sociale"]),
                              (True, ["habilité à l'aide sociale", "habilitation à l'aide sociale"])],
    "plan_aide": [(True, ["plan d'aide", "APA", "PCH", "allocation personnalisée d'autonomie",
                          "prestation de compensation du handicap", "plan personnalisé de compensation"])],
}


@lru_cache(maxsize=1)
def _index() -> PhraseIndex:
    phrases = [p for _, clues in _REGIME_CLUES + _MODE_CLUES for p in clues] + _HEALTH_CLUES
    phrases += [p for options in _BOOL_CLUES.values() for _, clues in options for p in clues]
    return PhraseIndex(phrases)


def _evidence(doc: Document, span: tuple[int, int]) -> Evidence:
    from conformcheck.engine.evidence import make_evidence

    return make_evidence(doc, span)


def _first_clue(doc: Document, hits: PhraseHits, options: list[tuple[object, list[str]]]) -> ContextValue | None:
    for value, clues in options:
        for phrase in clues:
            spans = hits.spans(phrase)
            if spans:
                return ContextValue(value=value, source="document", evidence=_evidence(doc, spans[0]))  # type: ignore[arg-type]
    return None


def _possible_regimes(doc: Document, hits: PhraseHits) -> ContextValue | None:
    """No regime named: narrow the candidates with what the document does say. (« Services à la personne »
    narrows nothing: an authorised SAAD is a service à la personne too.)"""
    if not hits.any_spans(_HEALTH_CLUES):
        # Nothing about care: the document is not an SSIAD's, whatever else the service is.
        return ContextValue(value=None, source="inconnu", candidates=["casf_autorise", "sap_agree", "sap_declare"])
    return None


def infer_context(doc: Document, given: dict[str, object], sources: dict[str, str],
                  monthly_total: float | None) -> dict[str, ContextValue]:
    """The context: values given (options, config; `sources` says which) win; others are read from the
    document or stay unknown."""
    hits = _index().search(doc.text)
    context: dict[str, ContextValue] = {}
    for key in CONTEXT_KEYS:
        if given.get(key) is not None:
            context[key] = ContextValue(value=given[key], source=sources.get(key, "option"))  # type: ignore[arg-type]
            continue
        guess: ContextValue | None = None
        if key == "regime":
            guess = _first_clue(doc, hits, _REGIME_CLUES)  # type: ignore[arg-type]
        elif key == "mode":
            guess = _first_clue(doc, hits, _MODE_CLUES)  # type: ignore[arg-type]
        elif key == "prix_mensuel" and monthly_total is not None:
            guess = ContextValue(value=monthly_total, source="document")
        elif key in _BOOL_CLUES:
            guess = _first_clue(doc, hits, _BOOL_CLUES[key])  # type: ignore[arg-type]
        if key == "regime" and guess is None:
            guess = _possible_regimes(doc, hits)
        if key == "majeur" and guess is None and context.get("regime") and context["regime"].value == "ssiad":
            guess = ContextValue(value=True, source="document", evidence=context["regime"].evidence)
        context[key] = guess or ContextValue(value=None, source="inconnu")
    return context
