"""The checks of a document set: mandatory documents of the regime, then cross-document checks.

Mandatory documents (shared/domain/requirements.md §1):
- SAAD / SAD / SPASAD autorisé and SSIAD: livret d'accueil (CASF L311-4), charte des droits et libertés de la
  personne accueillie (L311-4, arrêté du 8 septembre 2003), règlement de fonctionnement (L311-7, R311-33 à
  R311-37), contrat / DIPC (L311-4, D311), notice personne de confiance for adults (L311-5-1, D311-0-4,
  annexe 4-10); a devis model except for SSIAD (arrêté du 17 mars 2015: free devis from 100 € TTC a month or
  on request);
- SAP agréé: livret d'accueil with the charte and a written contract (cahier des charges de l'agrément), devis;
- SAP déclaré: devis; a written contract when signed away from the premises (code de la consommation L221-9).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from conformcheck.analyze.fold import light_fold
from conformcheck.audit.extract_ids import hourly_prices, identifiers, luhn_valid, revision_dates, service_names
from conformcheck.audit.model import KIND_LABELS_FR, AuditedDocument, Check, Excerpt
from conformcheck.model import Document, Severity, Status
from conformcheck.report.labels import VALUE_NAMES_FR

CASF = ("casf_autorise", "ssiad")
AGREMENT_REF = ("Cahier des charges de l'agrément des services à la personne (annexe de l'arrêté du 1er octobre 2018 "
                "modifié, art. R7232-6 du code du travail)")


@dataclass(frozen=True, slots=True)
class Requirement:
    kind: str
    theme: str
    references: dict[str, tuple[str, ...]]  # regime → legal references (regimes absent: not required)
    conditional: dict[str, str]  # regime → the condition under which it is required (« à vérifier » otherwise)
    fix: str


REQUIREMENTS = (
    Requirement("livret_accueil", "accueil_information",
                {"casf_autorise": ("CASF L311-4",), "ssiad": ("CASF L311-4",), "sap_agree": (AGREMENT_REF,)}, {},
                "Rédigez un livret d'accueil remis à chaque personne dès le premier contact et joignez-le au dossier."),
    Requirement("charte", "accueil_information",
                {"casf_autorise": ("CASF L311-4", "Arrêté du 8 septembre 2003"),
                 "ssiad": ("CASF L311-4", "Arrêté du 8 septembre 2003"), "sap_agree": (AGREMENT_REF,)}, {},
                "Joignez le texte intégral de la charte des droits et libertés de la personne accueillie (arrêté du "
                "8 septembre 2003, 12 articles), en annexe du livret ou en document séparé."),
    Requirement("reglement_fonctionnement", "accueil_information",
                {"casf_autorise": ("CASF L311-7", "CASF R311-33 à R311-37"),
                 "ssiad": ("CASF L311-7", "CASF R311-33 à R311-37")}, {},
                "Rédigez le règlement de fonctionnement (droits et obligations, organisation, sûreté, urgences), "
                "faites-le adopter et annexez-le au livret d'accueil."),
    Requirement("contrat", "contractualisation",
                {"casf_autorise": ("CASF L311-4", "CASF D311"), "ssiad": ("CASF L311-4", "CASF D311"),
                 "sap_agree": (AGREMENT_REF,), "sap_declare": ("Code de la consommation L221-9",)},
                {"sap_declare": "hors_etablissement"},
                "Joignez le modèle de contrat de prestation / DIPC remis à chaque personne, avec son annexe "
                "tarifaire."),
    Requirement("devis", "demande_evaluation",
                {"casf_autorise": ("Arrêté du 17 mars 2015",), "sap_agree": ("Arrêté du 17 mars 2015",),
                 "sap_declare": ("Arrêté du 17 mars 2015",)}, {},
                "Joignez le modèle de devis gratuit et personnalisé (obligatoire dès 100 € TTC par mois ou sur "
                "demande), avec toutes les mentions de l'arrêté du 17 mars 2015."),
    Requirement("notice_personne_confiance", "droits_recours",
                {"casf_autorise": ("CASF L311-5-1", "CASF D311-0-4", "CASF annexe 4-10"),
                 "ssiad": ("CASF L311-5-1", "CASF D311-0-4", "CASF annexe 4-10")},
                {"casf_autorise": "majeur", "ssiad": "majeur"},
                "Intégrez au livret d'accueil (ou joignez) la notice d'information sur la personne de confiance "
                "conforme à l'annexe 4-10 du CASF, avec ses formulaires de désignation et de révocation."),
)
# A requirement met inside another document: the livret reproduces the charte or the notice.
INSIDE_LIVRET = {"charte": ("casf.charte.complete",),
                 "notice_personne_confiance": ("casf.livret.notice_personne_confiance", "casf.pdc.notice_modele")}


def _finding_status(docs: list[AuditedDocument], kind: str, rule_id: str) -> list[Status]:
    return [f.status for d in docs if d.kind == kind for f in d.report.findings if f.rule_id == rule_id]


DOCUMENT_CHECK = "audit.document."


def document_kind(check: Check) -> str:
    """The kind of document a mandatory-document check is about."""
    return check.id.removeprefix(DOCUMENT_CHECK)


def _regime_fr(regime: str) -> str:
    return VALUE_NAMES_FR.get(regime, regime)


def required_documents(docs: list[AuditedDocument], regime: str | None, context: dict[str, object]) -> list[Check]:
    """One check per document the regime requires: conforme (present), manquant, « à vérifier » (regime or
    condition unknown) or non applicable (not required for this regime)."""
    checks = []
    for req in REQUIREMENTS:
        label = KIND_LABELS_FR[req.kind]
        files = [d.path for d in docs if d.kind == req.kind]
        inside = [d.path for d in docs if d.kind == "livret_accueil" for f in d.report.findings
                  if f.rule_id in INSIDE_LIVRET.get(req.kind, ())
                  and f.status in (Status.conforme, Status.non_conforme)]
        regimes = list(req.references) if regime is None else [regime]
        references = sorted({ref for r in regimes for ref in req.references.get(r, ())})
        base = {"id": DOCUMENT_CHECK + req.kind, "title": f"Document obligatoire : {label}",
                "severity": Severity.error, "theme": req.theme, "fix": req.fix, "references": references}
        if files or inside:
            where = "fourni : " + ", ".join(files) if files else "présent dans le livret d'accueil : " + ", ".join(
                sorted(set(inside)))
            checks.append(Check(status=Status.conforme, explanation=f"Document {where}.",
                                documents=files or sorted(set(inside)), **base))  # type: ignore[arg-type]
            continue
        if regime is not None and regime not in req.references:
            checks.append(Check(status=Status.non_applicable, explanation=f"Non exigé pour un {_regime_fr(regime)}.",
                                **base))  # type: ignore[arg-type]
            continue
        if regime is None:
            which = ", ".join(_regime_fr(r) for r in req.references)
            checks.append(Check(status=Status.a_verifier, explanation=(
                f"Absent du dossier. Obligatoire pour : {which}. Le régime du service n'est pas connu : précisez-le "
                "avec l'option --regime."), **base))  # type: ignore[arg-type]
            continue
        condition = req.conditional.get(regime)
        if condition and context.get(condition) is None:
            checks.append(Check(status=Status.a_verifier, explanation=(
                f"Absent du dossier. Obligatoire pour un {_regime_fr(regime)} "
                + ("qui accompagne des adultes (public majeur)" if condition == "majeur"
                   else "dont les contrats sont signés au domicile (hors établissement)")
                + " : information non trouvée dans les documents."), **base))  # type: ignore[arg-type]
            continue
        if condition and context.get(condition) is False:
            checks.append(Check(status=Status.non_applicable, explanation="Non exigé dans ce contexte.",
                                **base))  # type: ignore[arg-type]
            continue
        checks.append(Check(status=Status.manquant, explanation=(
            f"Aucun document du dossier n'a été reconnu comme {label} ; il est obligatoire pour un "
            f"{_regime_fr(regime)}."), **base))  # type: ignore[arg-type]
    return checks


def _annex_checks(docs: list[AuditedDocument], regime: str | None, required: list[Check]) -> list[Check]:
    present = {document_kind(c): c for c in required}
    livrets = [d.path for d in docs if d.kind == "livret_accueil"]
    out = []
    if livrets and (regime is None or regime in ("casf_autorise", "ssiad", "sap_agree")):
        mentioned = Status.conforme in _finding_status(docs, "livret_accueil", "casf.livret.charte_annexee")
        provided = present["charte"].status == Status.conforme
        status, text = ((Status.conforme, "La charte est fournie (document séparé ou reproduite dans le livret).")
                        if provided else
                        (Status.a_verifier, "Le livret annonce la charte en annexe, mais son texte n'est pas dans le "
                                            "dossier : joignez-le pour le montrer à l'évaluateur.")
                        if mentioned else
                        (Status.manquant, "Le livret ne mentionne pas la charte et son texte n'est pas dans le "
                                          "dossier."))
        out.append(Check(id="audit.annexes.charte", title="Charte annexée au livret d'accueil ou fournie",
                         status=status, severity=Severity.error, theme="accueil_information", explanation=text,
                         fix=REQUIREMENTS[1].fix, references=["CASF L311-4", "Arrêté du 8 septembre 2003"],
                         documents=livrets + present["charte"].documents))
    reglements = [d.path for d in docs if d.kind == "reglement_fonctionnement"]
    if livrets and (regime is None or regime in CASF):
        mentioned = Status.conforme in _finding_status(docs, "livret_accueil", "casf.livret.reglement_annexe")
        if reglements and mentioned:
            status, text = Status.conforme, "Le règlement est fourni et le livret le désigne comme annexe."
        elif reglements:
            status, text = (Status.non_conforme, "Le règlement est fourni, mais le livret d'accueil ne le cite pas "
                                                 "parmi ses annexes.")
        elif mentioned:
            status, text = (Status.manquant, "Le livret annonce le règlement de fonctionnement en annexe, mais il "
                                             "n'est pas dans le dossier.")
        else:
            status, text = Status.manquant, "Ni le livret ni le dossier ne contiennent le règlement de fonctionnement."
        out.append(Check(id="audit.annexes.reglement", title="Règlement de fonctionnement annexé au livret et fourni",
                         status=status, severity=Severity.error, theme="accueil_information", explanation=text,
                         fix="Joignez le règlement de fonctionnement au dossier et citez-le parmi les annexes du "
                             "livret d'accueil (« Annexe : règlement de fonctionnement »).",
                         references=["CASF L311-4", "CASF R311-34"], documents=livrets + reglements))
    return out


def _identity_check(texts: dict[str, Document]) -> list[Check]:
    """Same SIRET, FINESS and numbers of autorisation / agrément / déclaration in every document that gives one;
    the service's name compared too (names are fuzzy: a difference is « à vérifier »)."""
    by_key: dict[str, dict[str, list[tuple[str, Excerpt]]]] = {}
    invalid: list[Excerpt] = []
    for path, doc in texts.items():
        for key, values in identifiers(doc).items():
            for found in values:
                excerpt = Excerpt(path, found.excerpt, found.page)
                if key == "siret" and not luhn_valid(found.value):
                    invalid.append(excerpt)
                    continue
                by_key.setdefault(key, {}).setdefault(found.value, []).append((path, excerpt))
    names_fr = {"siret": "SIRET", "finess": "FINESS", "numero_autorisation": "numéro d'autorisation",
                "numero_agrement": "numéro d'agrément", "numero_declaration": "numéro de déclaration"}
    problems, excerpts, agreeing = [], [], []
    for key, values in by_key.items():
        if len(values) > 1:
            detail = " ; ".join(f"{value} dans {', '.join(sorted({p for p, _ in hits}))}"
                                for value, hits in values.items())
            problems.append(f"{names_fr[key]} différents : {detail}")
            excerpts += [excerpt for hits in values.values() for _, excerpt in hits[:1]]
        else:
            agreeing.append(f"{names_fr[key]} {next(iter(values))}")
    if invalid:
        problems.append("SIRET invalide (clé de contrôle fausse) : " + ", ".join(sorted({e.path for e in invalid})))
        excerpts += invalid
    checks = []
    numbers_found = bool(by_key) or bool(invalid)
    status = Status.non_conforme if problems else Status.conforme if numbers_found else Status.a_verifier
    text = (" ; ".join(problems) + "." if problems else
            "Identifiants identiques dans tous les documents qui les donnent : " + ", ".join(agreeing) + "."
            if numbers_found else "Aucun SIRET ni numéro d'autorisation ou d'agrément n'a été repéré dans le dossier.")
    checks.append(Check(id="audit.identite.numeros", title="SIRET, FINESS et numéros d'autorisation ou d'agrément "
                        "concordants", status=status, severity=Severity.error, theme="accueil_information",
                        explanation=text, fix="Corrigez le document qui porte un identifiant différent ou invalide : "
                        "le même SIRET et le même numéro d'autorisation, d'agrément ou de déclaration doivent figurer "
                        "sur tous les documents remis (le devis les exige).",
                        references=["Arrêté du 17 mars 2015 (identité et numéro sur le devis)",
                                    "Code de la consommation L111-1 et R111-1"],
                        documents=sorted(texts), excerpts=excerpts))
    names = {path: service_names(doc) for path, doc in texts.items()}
    main = {path: counter.most_common(1)[0][0] for path, counter in names.items() if counter}
    folded = {light_fold(name).strip() for name in main.values()}
    if not main:
        status = Status.a_verifier
        text = "Le nom du service (forme juridique et nom) n'a été repéré dans aucun document."
    elif len(folded) == 1:
        status, text = Status.conforme, f"Même nom dans les documents qui le donnent : {next(iter(main.values()))}."
    else:
        everywhere = Counter(light_fold(n).strip() for counter in names.values() for n in counter)
        status = Status.a_verifier
        text = ("Noms différents selon les documents : " + " ; ".join(f"« {n} » ({p})" for p, n in main.items())
                + ". Vérifiez qu'il s'agit bien du même organisme gestionnaire.")
        if len(everywhere) == len(folded) and max(everywhere.values()) == 1:
            text += " Aucun nom n'est commun à deux documents."
    checks.append(Check(id="audit.identite.nom", title="Nom du service identique dans tous les documents",
                        status=status, severity=Severity.warning, theme="accueil_information", explanation=text,
                        fix="Utilisez la même dénomination (forme juridique et nom) dans tous les documents.",
                        references=["Code de la consommation L111-1 et R111-1"], documents=sorted(main)))
    return checks


def _price_check(docs: list[AuditedDocument], texts: dict[str, Document]) -> list[Check]:
    devis = [d.path for d in docs if d.kind == "devis" and d.path in texts]
    contrats = [d.path for d in docs if d.kind == "contrat" and d.path in texts]
    if not devis or not contrats:
        return []
    quoted = [(path, p) for path in devis for p in hourly_prices(texts[path])]
    agreed = [(path, p) for path in contrats for p in hourly_prices(texts[path])]
    base = {"id": "audit.prix.devis_contrat", "title": "Prix du devis identiques à l'annexe tarifaire du contrat",
            "severity": Severity.error, "theme": "contractualisation", "documents": devis + contrats,
            "references": ["CASF L311-4 et D311 (annexe tarifaire du DIPC)", "Arrêté du 17 mars 2015",
                           "Code de la consommation L112-1"],
            "fix": "Alignez les prix horaires TTC du modèle de devis sur l'annexe tarifaire en vigueur du contrat "
                   "(ou mettez l'annexe à jour), pour chaque catégorie d'heure (semaine, dimanche et jour férié)."}
    if not quoted or not agreed:
        missing = "le devis" if not quoted else "le contrat"
        return [Check(status=Status.a_verifier, explanation=f"Aucun prix horaire TTC n'a pu être lu dans {missing} : "
                      "comparez les tarifs à la main.", **base)]  # type: ignore[arg-type]
    mismatches, unmatched, excerpts = [], [], []
    for category in sorted({p.category for _, p in quoted}):
        in_devis = {round(p.amount, 2) for _, p in quoted if p.category == category}
        in_contract = {round(p.amount, 2) for _, p in agreed if p.category == category}
        if not in_contract:
            unmatched.append(category)
            continue
        wrong = sorted(in_devis - in_contract)
        if wrong:
            mismatches.append(f"heure {category} : devis {', '.join(_euros(a) for a in wrong)}, contrat "
                              f"{', '.join(_euros(a) for a in sorted(in_contract))}")
            excerpts += [Excerpt(path, p.label, p.page) for path, p in quoted if p.category == category
                         and round(p.amount, 2) in wrong][:2]
            excerpts += [Excerpt(path, p.label, p.page) for path, p in agreed if p.category == category][:2]
    if mismatches:
        return [Check(status=Status.non_conforme, explanation="Prix horaires TTC différents : " + " ; ".join(mismatches)
                      + ".", excerpts=excerpts, **base)]  # type: ignore[arg-type]
    if unmatched:
        return [Check(status=Status.a_verifier, explanation="Le contrat ne donne pas de prix comparable pour l'heure "
                      + ", ".join(unmatched) + " du devis : vérifiez-la à la main.", **base)]  # type: ignore[arg-type]
    compared = sorted({(p.category, round(p.amount, 2)) for _, p in quoted})
    return [Check(status=Status.conforme, explanation="Mêmes prix horaires TTC dans le devis et le contrat : "
                  + ", ".join(f"heure {c} {_euros(a)}" for c, a in compared) + ".", **base)]  # type: ignore[arg-type]


def _euros(amount: float) -> str:
    return f"{amount:.2f}".replace(".", ",") + " €"


def _revision_check(docs: list[AuditedDocument], texts: dict[str, Document], today: date,
                    regime: str | None) -> list[Check]:
    reglements = [d.path for d in docs if d.kind == "reglement_fonctionnement" and d.path in texts]
    if not reglements or (regime is not None and regime not in CASF):
        return []
    checks = []
    for path in reglements:
        found = revision_dates(texts[path], today)
        base = {"id": "audit.reglement.date_revision", "title": "Règlement de fonctionnement révisé depuis moins de "
                "cinq ans", "severity": Severity.error, "theme": "suivi_amelioration", "documents": [path],
                "references": ["CASF R311-33"], "covers": ["casf.reglement.periodicite_revision.date_version"],
                "fix": "Révisez le règlement de fonctionnement (au moins tous les cinq ans), après consultation du "
                       "conseil de la vie sociale ou des personnes accompagnées, et datez la nouvelle version."}
        if not found:
            checks.append(Check(status=Status.manquant, explanation="Aucune date d'adoption, de version ou de révision "
                                "n'a été trouvée dans le règlement.", **base))  # type: ignore[arg-type]
            continue
        latest, excerpt, page = found[0]
        limit = date(today.year - 5, today.month, min(today.day, 28))
        status = Status.conforme if latest >= limit else Status.non_conforme
        text = (f"Dernière date de version ou de révision : {latest:%d/%m/%Y}"
                + (" (moins de cinq ans)." if status == Status.conforme else
                   f", plus de cinq ans avant le {today:%d/%m/%Y}."))
        checks.append(Check(status=status, explanation=text, excerpts=[Excerpt(path, excerpt, page)],
                            **base))  # type: ignore[arg-type]
    return checks


def cross_document_checks(docs: list[AuditedDocument], texts: dict[str, Document], regime: str | None,
                          required: list[Check], today: date) -> list[Check]:
    return (_annex_checks(docs, regime, required) + _identity_check(texts) + _price_check(docs, texts)
            + _revision_check(docs, texts, today, regime))
