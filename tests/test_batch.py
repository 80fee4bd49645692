"""Batches: folders and services, manifest, results store and reuse, worker pool (time-outs, crashes),
interruption and resumption, progress bar, and the big generated batch end to end."""

from __future__ import annotations

import faulthandler
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conformcheck.batch.files import expand
from conformcheck.batch.manifest import ManifestError, load_manifest, merged_context
from conformcheck.batch.progress import Progress
from conformcheck.batch.runner import Task, WorkerSpec, run_pool
from conformcheck.batch.store import ResultStore
from conformcheck.cli import cli
from conformcheck.packs.cache import load_rules
from conformcheck.scan import ScanOptions
from tests.batch_corpus import Corpus, build_corpus

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ROOT = SAMPLES.parent


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def store_lines(path: Path) -> list[dict]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue
    return lines


# ---------------------------------------------------------------------------------------------------------------
# files and services


def make_tree(root: Path) -> None:
    for relative in ("racine.md", "saad-nord/contrat.md", "saad-nord/annexes/devis.md", "ssiad-sud/livret.txt",
                     "ssiad-sud/photo.png", "ssiad-sud/~$contrat.docx", ".conformcheck/x.md", "saad-nord/.cache.md"):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Contrat de prestation", encoding="utf-8")


def test_folder_levels_and_services(tmp_path: Path) -> None:
    make_tree(tmp_path)
    found = expand([str(tmp_path)], recursive=False)
    assert [(Path(t.path).relative_to(tmp_path).as_posix(), t.service) for t in found.targets] == [
        ("racine.md", None), ("saad-nord/contrat.md", "saad-nord"), ("ssiad-sud/livret.txt", "ssiad-sud")]
    assert found.deeper_skipped == 1 and all(t.in_folder for t in found.targets)
    deep = expand([str(tmp_path)], recursive=True)
    assert ("saad-nord/annexes/devis.md", "saad-nord") in [
        (Path(t.path).relative_to(tmp_path).as_posix(), t.service) for t in deep.targets]
    assert deep.deeper_skipped == 0 and len(deep.targets) == 4
    # a file named on the command line is kept whatever its extension, once, without a service
    named = expand([str(tmp_path / "ssiad-sud" / "photo.png"), str(tmp_path / "ssiad-sud" / "photo.png")])
    assert [(t.service, t.in_folder) for t in named.targets] == [(None, False)]
    empty = tmp_path / "vide"
    empty.mkdir()
    assert expand([str(empty)]).empty_folders == [str(empty)]


def test_cli_batch_sets_services_and_mentions_deeper_documents(tmp_path: Path) -> None:
    make_tree(tmp_path / "livrables")
    code, out, err = run("scan", str(tmp_path / "livrables"), "--format", "json", "--resultats",
                         str(tmp_path / "r.jsonl"))
    services = {Path(d["path"]).name: d.get("service") for d in json.loads(out)["documents"]}
    assert services == {"racine.md": None, "contrat.md": "saad-nord", "livret.txt": "ssiad-sud"}
    assert "1 document(s) rangé(s) plus bas" in err and "-r" in err
    assert "Lot de 3 fichiers : 3 analysés, 0 repris" in err


# ---------------------------------------------------------------------------------------------------------------
# manifest


def test_manifest_rows_give_service_and_context(tmp_path: Path) -> None:
    (tmp_path / "docs" / "nord").mkdir(parents=True)
    (tmp_path / "docs" / "nord" / "contrat.md").write_text("Contrat de prestation", encoding="utf-8")
    (tmp_path / "devis.md").write_text("Devis", encoding="utf-8")
    manifest = tmp_path / "services.csv"
    manifest.write_text("chemin;service;regime;mode;prix_mensuel;hors_etablissement\n"
                        "docs/nord;SAAD Nord;casf_autorise;prestataire;99,90;oui\n"
                        "docs/nord/contrat.md;SAAD Nord (contrat);;mandataire;;\n"
                        "devis.md;SAP Centre;sap_declare;;;non\n", encoding="cp1252")
    loaded = load_manifest(manifest)
    row = loaded.row_for(str(tmp_path / "docs" / "nord" / "contrat.md"))
    assert row is not None and row.service == "SAAD Nord (contrat)" and row.context == {"mode": "mandataire"}
    parent = loaded.row_for(str(tmp_path / "docs" / "nord" / "autre.pdf"))
    assert parent is not None and parent.context == {"regime": "casf_autorise", "mode": "prestataire",
                                                     "prix_mensuel": 99.9, "hors_etablissement": True}
    assert loaded.row_for(str(tmp_path / "ailleurs.md")) is None
    # precedence: option > manifest row > config file
    context, sources = merged_context({"regime": "ssiad", "mode": "prestataire"},
                                      {"regime": "config", "mode": "option"}, parent)
    assert context["regime"] == "casf_autorise" and sources["regime"] == "manifeste"
    assert context["mode"] == "prestataire" and sources["mode"] == "option"


@pytest.mark.parametrize(("content", "expected"), [
    ("chemin,service,couleur\na,b,c\n", "ligne 1 : colonne(s) inconnue(s) : couleur"),
    ("chemin,regime\na,ssiad\n", "la colonne « service » est obligatoire"),
    ("chemin,service,regime\na.pdf,S,saad\n", "ligne 2, colonne « regime » : « saad » invalide"),
    ("chemin,service,prix_mensuel\na.pdf,S,cher\n", "ligne 2, colonne « prix_mensuel »"),
    ("chemin,service,majeur\n\na.pdf,S,peut-être\n", "ligne 3, colonne « majeur »"),
    ("chemin,service\na.pdf,\n", "ligne 2, colonne « service » : valeur manquante"),
    ("chemin,service\na.pdf,S\na.pdf,T\n", "figure déjà ligne 2"),
    ("chemin,service\n", "sans ligne de service"),
])
def test_manifest_errors_name_line_and_column(tmp_path: Path, content: str, expected: str) -> None:
    manifest = tmp_path / "services.csv"
    manifest.write_text(content, encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_manifest(manifest)
    assert expected in caught.value.message


def test_cli_manifest_alone_scans_what_it_lists(tmp_path: Path) -> None:
    folder = tmp_path / "nord"
    folder.mkdir()
    (folder / "contrat.pdf").write_bytes((SAMPLES / "contrat_conforme.pdf").read_bytes())
    manifest = tmp_path / "services.csv"
    manifest.write_text("chemin,service,regime,type\nnord,SAAD Nord,sap_agree,contrat\nabsent.pdf,Fantôme,,\n",
                        encoding="utf-8")
    code, out, err = run("scan", "--manifest", str(manifest), "--format", "json", "--regime", "ssiad",
                         "--resultats", str(tmp_path / "r.jsonl"))
    docs = {d["service"]: d for d in json.loads(out)["documents"]}
    assert set(docs) == {"SAAD Nord", "Fantôme"}
    assert docs["SAAD Nord"]["context"]["regime"] == {"value": "ssiad", "source": "option"}  # the option wins
    assert docs["Fantôme"]["status"] == "error" and docs["Fantôme"]["error_code"] == "fichier_introuvable"
    assert code == 3
    code, _, err = run("scan", "--manifest", str(tmp_path / "pas_la.csv"))
    assert code == 2 and "Manifeste illisible" in err
    # A path no file can have (a NUL byte) is one unreadable file of the batch, not a crash.
    (tmp_path / "nul.csv").write_text("chemin,service\n\"a\0b.pdf\",S\n", encoding="utf-8")
    code, _, err = run("scan", "--manifest", str(tmp_path / "nul.csv"), "--resultats", str(tmp_path / "n.jsonl"))
    assert code == 3 and "1 en erreur" in err


def test_manifest_file_rows_refine_folder_rows_and_unused_rows_are_reported(tmp_path: Path) -> None:
    (tmp_path / "nord").mkdir()
    for name in ("contrat.md", "devis.md"):
        (tmp_path / "nord" / name).write_text("Contrat de prestation", encoding="utf-8")
    manifest = tmp_path / "services.csv"
    manifest.write_text("chemin,service,mode\nnord,Nord,prestataire\nnord/devis.md,Nord,mandataire\n"
                        "sud,Sud,\n", encoding="utf-8")
    code, out, err = run("scan", "--manifest", str(manifest), "--format", "json", "--resultats",
                         str(tmp_path / "r.jsonl"))
    docs = {Path(d["path"]).name: d for d in json.loads(out)["documents"]}
    assert sorted(docs) == ["contrat.md", "devis.md", "sud"]  # each file once; the missing folder is an error
    assert docs["devis.md"]["context"]["mode"] == {"value": "mandataire", "source": "manifeste"}
    assert docs["contrat.md"]["context"]["mode"] == {"value": "prestataire", "source": "manifeste"}
    code, out, err = run("scan", str(tmp_path / "nord"), "--manifest", str(manifest), "--format", "json",
                         "--resultats", str(tmp_path / "r.jsonl"))
    assert "ligne 4 (" in err and "aucun document analysé" in err
    assert {d["service"] for d in json.loads(out)["documents"]} == {"Nord"}


# ---------------------------------------------------------------------------------------------------------------
# store


def test_store_survives_a_line_cut_short_and_compacts(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    good = {"path": "/a", "report": {"path": "a", "status": "ok"}}
    path.write_text(json.dumps(good) + "\n" + '{"path": "/b", "rep', encoding="utf-8")
    store = ResultStore(path)
    assert list(store.load()) == ["/a"]
    store.open()
    store.append({"path": "/c", "report": {"path": "c", "status": "ok"}})
    store.close()
    assert list(ResultStore(path).load()) == ["/a", "/c"]  # the cut line did not swallow the next one
    path.write_text("".join(json.dumps({**good, "n": n}) + "\n" for n in range(80)), encoding="utf-8")
    assert ResultStore(path).load()["/a"]["n"] == 79
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1


def test_rerun_reuses_unchanged_files_only(tmp_path: Path) -> None:
    batch = tmp_path / "lot"
    batch.mkdir()
    for name in ("devis_conforme.docx", "livret_defectueux.pdf"):
        (batch / name).write_bytes((SAMPLES / name).read_bytes())
    results = tmp_path / "r.jsonl"
    args = ["scan", str(batch), "--format", "json", "--resultats", str(results)]
    _, first, err = run(*args)
    assert "2 analysés, 0 repris" in err
    _, second, err = run(*args)
    assert "0 analysé, 2 repris" in err and first == second
    (batch / "devis_conforme.docx").write_bytes((SAMPLES / "devis_defectueux.docx").read_bytes())
    _, _, err = run(*args)
    assert "1 analysé, 1 repris" in err
    _, _, err = run(*args, "--regime", "sap_agree")  # another context: nothing reused
    assert "2 analysés, 0 repris" in err
    _, _, err = run(*args, "--regime", "sap_agree", "--force")
    assert "2 analysés, 0 repris" in err
    latest = ResultStore(results).load()
    assert {entry["context"].get("regime") for entry in latest.values()} == {"sap_agree"}
    entry = next(iter(latest.values()))
    assert set(entry) == {"path", "sha256", "size", "service", "context", "scanned_at", "tool_version", "settings",
                          "report"}
    assert entry["report"]["status"] == "ok" and len(entry["sha256"]) == 64


# ---------------------------------------------------------------------------------------------------------------
# worker pool


def _misbehaving_scan(scanner: object, path: str, options: ScanOptions) -> object:
    from conformcheck.model import DocumentReport

    if "lent" in path:
        time.sleep(60)
    if "plante" in path:
        faulthandler.disable()  # the crash is the test: no traceback dump in the test log
        os.kill(os.getpid(), signal.SIGSEGV)
    return DocumentReport(path=path, status="ok", pages=1)


def test_pool_reports_time_outs_and_crashes_and_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("conformcheck.scan.scan_file", _misbehaving_scan)  # inherited by the forked workers
    paths = ["a.md", "lent.md", "b.md", "plante.md", "c.md", "d.md", "plante2.md", "e.md"]
    tasks = [Task(i, path, ScanOptions()) for i, path in enumerate(paths)]
    results: dict[str, object] = {}
    started = time.monotonic()
    run_pool(tasks, WorkerSpec("python", rules=load_rules(installed=False)), jobs=2, timeout=1.5,
             on_result=lambda task, report: results.__setitem__(task.path, report))
    assert time.monotonic() - started < 20
    assert sorted(results) == sorted(paths)
    codes = {path: (report.status, report.error_code) for path, report in results.items()}  # type: ignore[attr-defined]
    assert codes["lent.md"] == ("error", "delai_depasse")
    assert codes["plante.md"] == codes["plante2.md"] == ("error", "processus_interrompu")
    assert "SIGSEGV" in results["plante.md"].error  # type: ignore[attr-defined]
    assert all(codes[p] == ("ok", None) for p in ("a.md", "b.md", "c.md", "d.md", "e.md"))


def test_progress_bar_only_on_a_terminal() -> None:
    quiet = io.StringIO()
    progress = Progress(10, 0, stream=quiet)
    progress.advance(error=True)
    progress.close()
    assert quiet.getvalue() == ""  # StringIO is not a terminal
    shown = io.StringIO()
    progress = Progress(4, 1, stream=shown, enabled=True)
    progress.show()
    progress.advance(error=True)
    assert "1/4 fichiers · 0 erreur · estimation" in shown.getvalue()  # reused files count as done
    assert "2/4 fichiers · 1 erreur · reste ~" in progress.line(time.monotonic())
    progress.advance(error=False)
    progress.advance(error=False)
    assert "4/4 fichiers · 1 erreur · terminé" in shown.getvalue()
    progress.close()
    assert shown.getvalue().endswith("\r")


# ---------------------------------------------------------------------------------------------------------------
# the big batch, in real processes: killed, resumed, recorded twice in the history


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "conformcheck", *args]


def child_env(data: Path) -> dict[str, str]:
    return {**os.environ, "XDG_DATA_HOME": str(data), "PYTHONPATH": str(ROOT)}


def wait_for_lines(path: Path, count: int, process: subprocess.Popen[str], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if path.is_file() and path.read_bytes().count(b"\n") >= count:
            return
        assert process.poll() is None, f"le lot s'est terminé trop tôt : {process.communicate()}"
        time.sleep(0.02)
    raise AssertionError(f"{path} n'a pas atteint {count} lignes")


def check_syntheses(html: Path, xlsx: Path, csv_file: Path, corpus: Corpus) -> None:
    """The network report of the batch: every service, the unreadable files, and service-01's rise."""
    import csv

    from openpyxl import load_workbook

    workbook = load_workbook(xlsx, read_only=True)
    services = [row[0] for row in workbook["Services"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert sorted(services) == sorted(corpus.services)
    errors = list(workbook["Erreurs"].iter_rows(min_row=2, values_only=True))
    assert len(errors) == len(corpus.corrupt) + len(corpus.image_only)
    trend = [row for row in workbook["Évolution"].iter_rows(min_row=2, values_only=True) if row[0] == "service-01"]
    assert len(trend) == 2 and trend[1][2] > trend[0][2]
    rows = list(csv.DictReader(csv_file.open(encoding="utf-8-sig"), delimiter=";"))
    assert len(rows) == len(corpus.files)
    page = html.read_text(encoding="utf-8")
    assert all(f">{service}<" in page for service in corpus.services) and "<script" not in page


def test_big_batch_killed_resumed_and_its_history(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "livrables")
    assert len(corpus.files) >= 200 and len(corpus.services) == 20
    results, history_db, report = tmp_path / "resultats.jsonl", tmp_path / "historique.sqlite", tmp_path / "r.json"
    args = ["scan", str(corpus.root), "-j", "2", "--resultats", str(results), "--history-db", str(history_db),
            "--format", "json", "-o", str(report)]
    env = child_env(tmp_path / "donnees")

    process = subprocess.Popen(cli_command(*args), env=env, cwd=ROOT, start_new_session=True, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_lines(results, 60, process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
    assert not report.exists() and not history_db.exists()  # killed: neither report nor history
    done_before = {entry["path"] for entry in store_lines(results)}
    assert 60 <= len(done_before) < len(corpus.files)

    resumed = subprocess.run(cli_command(*args), env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 3, resumed.stderr  # unreadable files in the batch
    assert f"{len(done_before)} repris" in resumed.stderr
    assert f"{len(corpus.files) - len(done_before)} analysés" in resumed.stderr
    paths = Counter(entry["path"] for entry in store_lines(results))
    assert set(paths) == {str(p) for p in corpus.files} and set(paths.values()) == {1}

    documents = json.loads(report.read_text(encoding="utf-8"))["documents"]
    assert len(documents) == len(corpus.files)
    assert Counter(d["service"] for d in documents) == Counter(p.parent.name for p in corpus.files)
    for document in documents:
        if document["path"] in corpus.corrupt:
            assert (document["status"], document["error_code"]) == ("error", "pdf_corrompu")
        elif document["path"] in corpus.image_only:
            assert (document["status"], document["error_code"]) == ("error", "sans_texte")
        else:
            assert document["status"] == "ok" and document["findings"], document["path"]

    # six months later, service-01 replaced its defective documents: only they are analysed again
    for kind in ("contrat", "devis"):
        (corpus.root / "service-01" / f"{kind}.docx").write_bytes((SAMPLES / f"{kind}_conforme.docx").read_bytes())
    for kind in ("contrat", "devis", "livret", "reglement"):
        (corpus.root / "service-01" / f"{kind}.pdf").write_bytes((SAMPLES / f"{kind}_conforme.pdf").read_bytes())
    syntheses = [tmp_path / f"reseau.{ext}" for ext in ("html", "xlsx", "csv")]
    second = subprocess.run(cli_command(*args, *(x for p in syntheses for x in ("--synthese", str(p)))), env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert second.returncode == 3 and f"6 analysés, {len(corpus.files) - 6} repris" in second.stderr
    check_syntheses(*syntheses, corpus)

    shown = subprocess.run(cli_command("history", "service-01", "service-02", "--history-db", str(history_db),
                                       "--format", "json"), env=env, cwd=ROOT, capture_output=True, text=True,
                           check=True)
    services = json.loads(shown.stdout)["services"]
    before, after = services["service-01"]
    assert before["documents"] == after["documents"] == 12 and before["errors"] == after["errors"] == 1  # corrupt
    assert after["rate"] > before["rate"] and after["packs"]["casf"] >= before["packs"]["casf"]
    assert after["change_points"] == round((after["rate"] - before["rate"]) * 100, 1) > 0
    assert services["service-02"][1]["change_points"] == 0
    text = subprocess.run(cli_command("history", "--history-db", str(history_db)), env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    assert text.count("Service « service-") == 20 and "↑ +" in text and "= 0 pt" in text


def test_sigterm_stops_the_batch_and_writes_the_report_of_what_was_done(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "livrables", services=4)
    results, report = tmp_path / "resultats.jsonl", tmp_path / "r.json"
    process = subprocess.Popen(cli_command("scan", str(corpus.root), "-j", "2", "--resultats", str(results),
                                           "--format", "json", "-o", str(report)),
                               env=child_env(tmp_path / "donnees"), cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_lines(results, 8, process)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Interrompu" in err and "non traité" in err
    documents = json.loads(report.read_text(encoding="utf-8"))["documents"]
    assert 8 <= len(documents) < len(corpus.files)
    assert {d["path"] for d in documents} <= {entry["path"] for entry in store_lines(results)}


def test_spawned_workers_load_the_rules_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is not available (macOS, Windows), workers are spawned and read the rules from the cache."""
    monkeypatch.setattr("conformcheck.batch.runner._start_method", lambda: "spawn")
    tasks = [Task(0, str(SAMPLES / "devis_conforme.pdf"), ScanOptions()),
             Task(1, str(SAMPLES / "src" / "livret_defectueux.md"), ScanOptions())]
    results = {}
    run_pool(tasks, WorkerSpec("durable"), jobs=2, timeout=60,
             on_result=lambda task, report: results.__setitem__(task.index, report))
    assert [(results[i].status, results[i].doc_type) for i in (0, 1)] == [("ok", "devis"), ("ok", "livret_accueil")]


def test_spawned_workers_keep_the_policy_s_rule_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("conformcheck.batch.runner._start_method", lambda: "spawn")
    kept = frozenset({"conso.devis.obligation", "conso.devis.mentions.date_redaction"})
    results = {}
    run_pool([Task(0, str(SAMPLES / "devis_conforme.pdf"), ScanOptions())], WorkerSpec("durable", selected=kept),
             jobs=1, timeout=60, on_result=lambda task, report: results.__setitem__(task.index, report))
    assert {f.rule_id for f in results[0].findings} == kept


@pytest.mark.skipif(sys.platform == "win32", reason="the results file is locked with flock (POSIX)")
def test_a_second_batch_on_the_same_results_file_is_refused(tmp_path: Path) -> None:
    import fcntl

    batch = tmp_path / "lot"
    batch.mkdir()
    (batch / "devis.pdf").write_bytes((SAMPLES / "devis_conforme.pdf").read_bytes())
    results = tmp_path / "r.jsonl"
    with (tmp_path / "r.jsonl.lock").open("wb") as held:  # as a batch running in another process holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, err = run("scan", str(batch), "--resultats", str(results))
    assert code == 2 and "utilisé par un autre lot en cours" in err
    code, _, err = run("scan", str(batch), "--resultats", str(results))  # released: the batch runs
    assert code in (0, 1) and "1 analysé" in err
