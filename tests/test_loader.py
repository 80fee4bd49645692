"""Pack loading: validation errors name the file, the rule and the problem; discovery paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conformcheck.errors import PackError
from conformcheck.packs import loader
from conformcheck.packs.loader import load_pack, load_packs

PACK_YAML = "id: demo\ntitle: Démo\nversion: '1'\nrule_prefix: demo\n"
RULE = """rules:
  - id: demo.contrat.mention
    title: Mention de démonstration
    kind: mention
    severity: warning
    references: [{text: Texte de démonstration, article: "1"}]
    applies_to: {doc_types: [contrat]}
    match: {any: ["clause de démonstration"]}
    message: La clause de démonstration doit figurer au contrat.
    fix: Ajoutez la clause de démonstration.
    examples:
      pass: ["Voici la clause de démonstration.", "Les clauses de démonstration sont là."]
      fail: ["Rien ici.", "Une autre clause."]
"""


def make_pack(tmp_path: Path, rules: str = RULE, meta: str = PACK_YAML, name: str = "demo") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "pack.yaml").write_text(meta, encoding="utf-8")
    (folder / "contrat.yaml").write_text(rules, encoding="utf-8")
    return folder


def test_valid_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(make_pack(tmp_path))
    assert [r.id for r in pack.rules] == ["demo.contrat.mention"]


@pytest.mark.parametrize(("mutation", "expected"), [
    (("severity: warning", "severity: grave"), "severity"),
    (("match: {any", "match: {nimporte"), "match"),
    (("kind: mention", "kind: mention\n    colour: red"), "colour"),
    (("fail: [\"Rien ici.\", \"Une autre clause.\"]", "fail: []"), "examples.fail"),
    (("match: {any: [\"clause de démonstration\"]}", "match: {regex: ['(']}"), "expression régulière invalide"),
    (("severity: warning", "severity: error\n    confidence: unconfirmed"), "non confirmée"),
])
def test_invalid_rule_is_named_with_file_line_and_problem(tmp_path: Path, mutation: tuple[str, str],
                                                          expected: str) -> None:
    folder = make_pack(tmp_path, RULE.replace(*mutation))
    with pytest.raises(PackError) as error:
        load_pack(folder)
    message = error.value.message
    assert "contrat.yaml:2" in message and "demo.contrat.mention" in message and expected in message


def test_rule_outside_pack_prefix_is_rejected(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, RULE.replace("id: demo.contrat", "id: autre.contrat"))
    with pytest.raises(PackError, match="doit commencer par « demo. »"):
        load_pack(folder)


def test_duplicate_rule_ids_across_packs_are_rejected(tmp_path: Path) -> None:
    make_pack(tmp_path, name="one")
    make_pack(tmp_path, meta=PACK_YAML.replace("id: demo", "id: demo2"), name="two")
    with pytest.raises(PackError, match="définie deux fois"):
        load_packs(extra_dirs=[tmp_path], bundled=False, installed=False)


def test_extra_pack_dir_and_only_filter(tmp_path: Path) -> None:
    make_pack(tmp_path)
    packs = load_packs(extra_dirs=[tmp_path / "demo"], installed=False, only=["demo"])
    assert [p.meta.id for p in packs] == ["demo"]
    with pytest.raises(PackError, match="inconnu"):
        load_packs(extra_dirs=[tmp_path / "demo"], installed=False, only=["absent"])


def test_missing_pack_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="n'existe pas"):
        load_packs(extra_dirs=[tmp_path / "nope"], bundled=False, installed=False)


def test_installed_packs_are_found_through_entry_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_pack(tmp_path)

    class Entry:
        name, value = "demo", "demo_pack:path"

        def load(self) -> object:
            return lambda: str(folder)

    monkeypatch.setattr(loader.metadata, "entry_points", lambda group: [Entry()] if group == "conformcheck.packs"
                        else [])
    packs = load_packs(bundled=False, installed=True)
    assert [p.meta.id for p in packs] == ["demo"]


def test_bundled_packs_cover_the_four_regulatory_sources() -> None:
    ids = {p.meta.id for p in load_packs(installed=False)}
    assert ids == {"casf", "consommation", "arrete2011", "nfx50056"}


def test_rule_cache_matches_a_fresh_load_and_follows_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conformcheck.packs.cache import load_rules

    monkeypatch.setenv("CONFORMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    folder = make_pack(tmp_path)
    fresh, _ = load_rules(extra_dirs=[folder], bundled=False, installed=False)
    assert list((tmp_path / "cache").glob("rules-*.pickle"))
    cached, index = load_rules(extra_dirs=[folder], bundled=False, installed=False)
    assert cached == fresh and index.search("la clause de démonstration").spans("clause de démonstration")
    edited = RULE.replace("Mention de démonstration", "Mention modifiée")
    (folder / "contrat.yaml").write_text(edited, encoding="utf-8")
    os.utime(folder / "contrat.yaml", ns=(1, 1))  # a different mtime even within the same clock tick
    reloaded, _ = load_rules(extra_dirs=[folder], bundled=False, installed=False)
    assert reloaded[0].rules[0].title == "Mention modifiée"


def test_broken_rule_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conformcheck.packs.cache import load_rules

    monkeypatch.setenv("CONFORMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    folder = make_pack(tmp_path)
    load_rules(extra_dirs=[folder], bundled=False, installed=False)
    (cache_file,) = (tmp_path / "cache").glob("rules-*.pickle")
    cache_file.write_bytes(b"not a pickle")
    packs, _ = load_rules(extra_dirs=[folder], bundled=False, installed=False)
    assert [p.meta.id for p in packs] == ["demo"]


def test_rule_cache_notices_a_pack_installed_after_it_found_none(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache skips the entry-point lookup while no sys.path folder changes; an install changes one."""
    import sys

    from conformcheck.packs.cache import load_rules

    monkeypatch.setenv("CONFORMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    folder = make_pack(tmp_path)
    lookups: list[str] = []

    class Entry:
        name, value = "demo", "demo_pack:path"

        def load(self) -> object:
            return lambda: str(folder)

    def entry_points(group: str) -> list[Entry]:
        lookups.append(group)
        return [Entry()] if installed else []

    monkeypatch.setattr(loader.metadata, "entry_points", entry_points)
    installed = False
    other = make_pack(tmp_path, RULE.replace("demo.contrat", "other.contrat"),
                      PACK_YAML.replace("demo", "other"), name="other")
    assert load_rules(bundled=False, installed=True, extra_dirs=[other])
    assert load_rules(bundled=False, installed=True, extra_dirs=[other])
    assert len(lookups) == 1  # the second run trusted the marker
    installed = True
    (site / "demo_pack-1.0.dist-info").mkdir()  # what an install does to a sys.path folder
    os.utime(site, ns=(1, 1))  # a different mtime even within the same clock tick
    packs, _ = load_rules(bundled=False, installed=True, extra_dirs=[other])
    assert len(lookups) > 1
    assert [p.meta.id for p in packs] == ["demo", "other"]
