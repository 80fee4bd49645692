"""The law as of a date: rules whose texts are not yet, or no longer, in force are non applicable, saying why."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

from conformcheck.cli import cli
from conformcheck.engine.applicability import out_of_force_reason
from conformcheck.packs.runtime import RuleKind, in_force_periods

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def ref(start: str | None = None, end: str | None = None, text: str = "Texte") -> SimpleNamespace:
    return SimpleNamespace(text=text, article=None, in_force_from=date.fromisoformat(start) if start else None,
                           in_force_to=date.fromisoformat(end) if end else None)


def rule_with(kind: RuleKind, *refs: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(in_force=in_force_periods(kind, refs))


def test_a_rule_is_in_force_while_one_of_its_references_is() -> None:
    rule = rule_with(RuleKind.mention, ref(None, "2018-10-05", "Arrêté de 2011"),
                     ref("2024-01-01", None, "Arrêté de 2023"))
    assert out_of_force_reason(rule, date(2015, 1, 1)) is None
    assert out_of_force_reason(rule, date(2025, 1, 1)) is None
    gap = out_of_force_reason(rule, date(2020, 1, 1))
    assert gap and "Aucun texte" in gap and "Arrêté de 2011 (abrogé le 05/10/2018)" in gap and "01/01/2024" in gap
    repealed = rule_with(RuleKind.mention, ref("2012-01-01", "2018-10-05", "Arrêté de 2011"))
    assert out_of_force_reason(repealed, date(2020, 1, 1)) == ("Texte abrogé le 05/10/2018, plus en vigueur le "
                                                               "01/01/2020 : Arrêté de 2011.")
    coming = rule_with(RuleKind.mention, ref("2030-01-01", None, "Réforme"))
    assert out_of_force_reason(coming, date(2026, 1, 1)) == ("Texte pas encore en vigueur le 01/01/2026 : Réforme "
                                                             "(en vigueur à partir du 01/01/2030).")
    assert rule_with(RuleKind.mention, ref("2030-01-01"), ref()).in_force == []  # an undated text: always


def test_an_outdated_rule_applies_once_the_text_it_detects_is_replaced() -> None:
    rule = rule_with(RuleKind.outdated, ref(None, "2016-06-30", "Ancienne numérotation"),
                     ref("2016-07-01", None, "Ordonnance"))
    assert out_of_force_reason(rule, date(2015, 3, 1))
    assert out_of_force_reason(rule, date(2016, 7, 1)) is None
    only_repealed = rule_with(RuleKind.outdated, ref(None, "2011-12-31", "Agrément qualité"))
    assert out_of_force_reason(only_repealed, date(2011, 12, 31))
    assert out_of_force_reason(only_repealed, date(2012, 1, 1)) is None


def scan(path: Path, *args: str) -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", *args], catch_exceptions=False)
    return {f["rule_id"]: f for f in json.loads(result.output)["documents"][0]["findings"]}


def test_a_2015_contract_is_judged_by_2015_law() -> None:
    today = scan(SAMPLES / "contrat_defectueux.pdf", "--date", "2026-12-01")
    then = scan(SAMPLES / "contrat_defectueux.pdf", "--date", "2015-03-01")
    assert today["conso.contrat.reference_obsolete"]["status"] == "non_conforme"  # cites L. 121-25
    old_numbers = then["conso.contrat.reference_obsolete"]
    assert old_numbers["status"] == "non_applicable"  # in 2015 the old numbering was the law
    assert old_numbers["reason"].startswith("Texte pas encore en vigueur le 01/03/2015 : Ordonnance n° 2016-301")
    mediation = then["conso.contrat.mediation_information"]
    assert mediation["status"] == "non_applicable" and "01/01/2016" in mediation["reason"]
    # Obligations that existed in 2015 under the old numbering are still judged (loi Hamon, 13 June 2014)...
    assert then["conso.contrat.retractation_delai"]["status"] == "non_conforme"  # 7 days instead of 14
    assert then["casf.contrat.cout_previsionnel"]["status"] == today["casf.contrat.cout_previsionnel"]["status"] != (
        "non_applicable")
    # ...while a rule from a later text is non applicable, saying from when it applies.
    cdi = then["casf.contrat.duree_indeterminee"]
    assert cdi["status"] == "non_applicable"
    assert cdi["reason"].startswith("Texte pas encore en vigueur le 01/03/2015 : L347-1 al. 1")
    assert "(en vigueur à partir du 30/06/2023)" in cdi["reason"]
    assert today["casf.contrat.duree_indeterminee"]["status"] == "non_conforme"


def test_the_abusive_clause_lists_and_the_mediation_duty_are_judged_under_their_former_numbers() -> None:
    """R132-1 / R132-2 (décret of 18 March 2009) preceded R212-1 / R212-2; L152-1 s. applied from 1 January 2016."""
    sample = SAMPLES / "contrat_defectueux.pdf"
    in_2015 = scan(sample, "--date", "2015-03-01")
    black_list = in_2015["conso.clause.r212_1_11"]  # termination fee on an open-ended contract
    assert black_list["status"] == "non_conforme", black_list
    assert scan(sample, "--date", "2009-03-20")["conso.clause.r212_1_11"]["status"] == "non_applicable"
    mediation = in_2015["conso.contrat.mediation_information"]
    assert mediation["status"] == "non_applicable"
    assert mediation["reason"].startswith("Texte pas encore en vigueur le 01/03/2015 : L152-1")
    in_2016 = scan(sample, "--date", "2016-03-01")
    assert in_2016["conso.contrat.mediation_information"]["status"] == "non_conforme"  # no mediator's website
    assert in_2016["conso.mediation.apres_reclamation"]["status"] == "manquant"


def test_an_element_added_later_is_asked_for_only_from_its_date(tmp_path: Path) -> None:
    """The médiateur joined the pre-contractual information on 1 January 2016: a 2015 contract is judged without it."""
    contract = tmp_path / "contrat.md"
    contract.write_text(
        "# Contrat de prestation de services à domicile\n\nLe présent contrat est conclu entre la société Aide Plus, "
        "12 rue des Lilas 45000 Orléans, téléphone 02 38 00 00 00, courriel contact@aideplus.fr, et le client. "
        "Les prestations comprennent le ménage et les courses, au prix de 24 euros TTC de l'heure. Le paiement "
        "s'effectue par prélèvement automatique. Toute réclamation est adressée par écrit au service. Le contrat "
        "est conclu pour une durée indéterminée. Ces informations ont été remises au client avant la signature.",
        encoding="utf-8")
    args = ("--regime", "sap_declare", "--type", "contrat")
    rule = "conso.contrat.info_precontractuelle"
    in_2015 = scan(contract, "--date", "2015-03-01", *args)[rule]
    assert in_2015["status"] == "conforme", in_2015
    assert "mediateur" not in {part["id"] for part in in_2015["parts"]}
    in_2016 = scan(contract, "--date", "2016-03-01", *args)[rule]
    assert in_2016["status"] == "non_conforme"
    assert [p["id"] for p in in_2016["parts"] if not p["found"]] == ["mediateur"]


def test_the_agrement_rules_apply_from_the_2018_text_on() -> None:
    """The 2018 specification (JO 5 October 2018) applies from 6 October 2018, not only after its 2023 amendment."""
    sample = SAMPLES / "contrat_defectueux.pdf"
    context = ("--regime", "sap_agree", "--mode", "mandataire")
    for day in ("2020-06-01", "2026-12-01"):
        findings = scan(sample, *context, "--date", day)
        for rule_id in ("arrete2011.contrat.ecrit_signe", "arrete2011.contrat.mandat_clarte_employeur",
                        "arrete2011.contrat.continuite"):
            assert findings[rule_id]["status"] != "non_applicable", (day, rule_id, findings[rule_id])


def test_a_future_date_shows_what_a_coming_reform_will_ask(tmp_path: Path) -> None:
    pack = tmp_path / "reforme"
    pack.mkdir()
    (pack / "pack.yaml").write_text("id: reforme\ntitle: Réforme\nversion: '1'\nrule_prefix: reforme\n",
                                    encoding="utf-8")
    (pack / "contrat.yaml").write_text("""rules:
  - id: reforme.contrat.astreinte
    title: Numéro d'astreinte
    kind: mention
    severity: error
    references: [{text: Décret de réforme, in_force_from: 2031-01-01}]
    applies_to: {doc_types: [contrat]}
    match: {any: ["numéro d'astreinte"]}
    message: Le contrat indique le numéro d'astreinte.
    fix: Ajoutez le numéro d'astreinte.
    examples:
      pass: ["Notre numéro d'astreinte : 06 12 34 56 78.", "Appelez le numéro d'astreinte le soir."]
      fail: ["Le bureau est ouvert en semaine.", "Écrivez-nous."]
""", encoding="utf-8")
    sample = SAMPLES / "contrat_defectueux.pdf"
    now = scan(sample, "--pack", str(pack), "--date", "2026-12-01")["reforme.contrat.astreinte"]
    assert now["status"] == "non_applicable" and "pas encore en vigueur le 01/12/2026" in now["reason"]
    later = scan(sample, "--pack", str(pack), "--date", "2031-06-01")
    assert later["reforme.contrat.astreinte"]["status"] == "manquant"
    assert later["conso.contrat.retractation_delai"]["status"] == "non_conforme"  # the current law still holds
    # Its examples are tested as the law they state: on a day it is in force.
    result = CliRunner().invoke(cli, ["packs", "test", str(pack)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
