"""Cold-start benchmark of ``conformcheck scan`` against a bare pypdfium2 extraction.

Run: ``/work/venv/bin/python bench/run.py`` (``--quick``: one timed run per measure instead of five).

What it does, in one run:

1. generates, in a temporary folder, a 10-page and a 50-page French contract PDF (the text of
   ``samples/src/contrat_conforme.md`` repeated, rendered with fpdf2 by ``samples/build.py``);
2. times whole processes (``subprocess``, wall clock, median of the runs, after one untimed warm-up;
   (a) and (b) take turns, run after run, so that the machine's load weighs on both alike):
   (a) a bare ``python -c`` process that opens the PDF with pypdfium2 and extracts all its text,
   (b) ``python -m conformcheck scan FILE --format json -o OUT`` (exit 0 or 1 is a normal result;
       any other code is reported as an error);
3. times one ``scan`` over a folder of 20 copies of the 10-page PDF with ``-j 1`` and with ``-j 2`` worker
   processes (batch throughput, pages/s; ``--force`` so that no run reuses the results of the one before);
4. checks that spaCy is not imported on the ``scan`` path (nor on ``--help``);
5. prints a French table and the verdict for the target: scan of 10 pages <= 3 x the bare extraction.

Exit code: 0 when the target is met and spaCy stays off the scan path, 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
BUILDER_PATH = ROOT / "samples" / "build.py"
CONTRACT_SOURCE = ROOT / "samples" / "src" / "contrat_conforme.md"
PYTHON = sys.executable

TARGET_RATIO = 3.0
PAGE_COUNTS = (10, 50)
BATCH_COPIES = 20
BATCH_JOBS = (1, 2)
OK_SCAN_CODES = (0, 1)

EXTRACT_CODE = (
    "import sys\n"
    "import pypdfium2 as pdfium\n"
    "pdf = pdfium.PdfDocument(sys.argv[1])\n"
    "parts = []\n"
    "for index in range(len(pdf)):\n"
    "    page = pdf[index]\n"
    "    textpage = page.get_textpage()\n"
    "    parts.append(textpage.get_text_range())\n"
    "    textpage.close()\n"
    "    page.close()\n"
    "text = '\\n'.join(parts)\n"
    "print(len(pdf), len(text))\n"
)

# Runs the CLI in-process, then reports whether spaCy (or the French model) was imported.
SPACY_PROBE_CODE = (
    "import sys\n"
    "args = sys.argv[1:]\n"
    "sys.argv = ['conformcheck', *args]\n"
    "from conformcheck.cli import main\n"
    "code = 0\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exc:\n"
    "    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)\n"
    "loaded = sorted(m for m in sys.modules if m == 'spacy' or m.startswith(('spacy.', 'fr_core_news')))\n"
    "print('SPACY_PROBE', code, 'spacy' in sys.modules, len(loaded), file=sys.__stdout__)\n"
)


@dataclass
class Measure:
    """Wall-clock timings of one command."""

    label: str
    times: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times and not self.error else None


@dataclass
class Row:
    """One line of the result table."""

    fichier: str
    pages: int
    extraction: Measure
    scan: Measure

    @property
    def ratio(self) -> float | None:
        if self.extraction.median and self.scan.median is not None:
            return self.scan.median / self.extraction.median
        return None


# --------------------------------------------------------------------------------------------------
# Input generation
# --------------------------------------------------------------------------------------------------


def load_builder() -> ModuleType:
    """Import samples/build.py (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("conformcheck_samples_build", BUILDER_PATH)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"impossible de charger {BUILDER_PATH}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module to be registered
    spec.loader.exec_module(module)
    return module


def make_contract_pdf(builder: ModuleType, pages: int, target: Path) -> None:
    """Write a PDF of exactly `pages` pages: the sample contract repeated, then cut to size."""
    import pypdfium2 as pdfium

    blocks = [
        block
        for block in builder.parse_markdown(CONTRACT_SOURCE.read_text(encoding="utf-8"))
        if block.kind != "pagebreak"
    ]
    title = builder.document_title(blocks, "Contrat")
    repeats = 1
    while True:
        data = builder.render_pdf(blocks * repeats, title)
        source = pdfium.PdfDocument(data)
        rendered = len(source)
        if rendered >= pages:
            break
        source.close()
        repeats = max(repeats + 1, -(-repeats * pages // rendered))
    if rendered == pages:
        target.write_bytes(data)
        source.close()
        return
    trimmed = pdfium.PdfDocument.new()
    trimmed.import_pages(source, list(range(pages)))
    trimmed.save(str(target))
    trimmed.close()
    source.close()


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


# --------------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """Environment of the measured processes: the repository importable, no user site noise."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONHASHSEED", "0")
    # The warm-up run is there to fill __pycache__, as an installed tool has its bytecode compiled at install
    # time: a PYTHONDONTWRITEBYTECODE inherited from the shell would make every timed run recompile the
    # project's modules from source (and the bare extraction has nothing of its own to compile).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_timed(command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, completed


def tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _record(result: Measure, completed: subprocess.CompletedProcess[str], ok_codes: tuple[int, ...]) -> bool:
    result.codes.append(completed.returncode)
    if completed.returncode not in ok_codes:
        result.error = f"code de sortie {completed.returncode}\n{tail(completed.stderr or completed.stdout)}"
        return False
    return True


def measure(commands: list[tuple[str, list[str], tuple[int, ...]]], runs: int, env: dict[str, str]) -> list[Measure]:
    """Median wall time of each command. The commands take turns run after run, so that a change in the
    machine's load weighs on all of them alike and their ratio stays fair; a command stops at its first
    unexpected exit code."""
    results = [Measure(label) for label, _, _ in commands]
    for result, (_, command, ok_codes) in zip(results, commands, strict=True):
        _, warmup = run_timed(command, env)  # fills __pycache__ and the OS file cache
        if not _record(result, warmup, ok_codes):
            continue
        result.codes.clear()
    for _ in range(runs):
        for result, (_, command, ok_codes) in zip(results, commands, strict=True):
            if result.error:
                continue
            elapsed, completed = run_timed(command, env)
            if _record(result, completed, ok_codes):
                result.times.append(elapsed)
    return results


def extraction_command(pdf: Path) -> list[str]:
    return [PYTHON, "-c", EXTRACT_CODE, str(pdf)]


def scan_command(files: list[Path], output: Path) -> list[str]:
    return [PYTHON, "-m", "conformcheck", "scan", *map(str, files), "--format", "json", "-o", str(output)]


def batch_command(folder: Path, jobs: int, workdir: Path) -> list[str]:
    """A batch scan that analyses every file again (--force) into a results store of its own."""
    return [*scan_command([folder], workdir / f"lot-j{jobs}.json"), "-j", str(jobs), "--force",
            "--resultats", str(workdir / f"lot-j{jobs}.jsonl")]


@dataclass
class SpacyProbe:
    """Outcome of the in-process spaCy check."""

    arguments: str
    exit_code: int | None = None
    spacy_loaded: bool | None = None
    error: str = ""


def probe_spacy(arguments: list[str], env: dict[str, str]) -> SpacyProbe:
    """Run the CLI in one process and report whether spaCy ended up in sys.modules."""
    probe = SpacyProbe(" ".join(arguments))
    completed = subprocess.run(
        [PYTHON, "-c", SPACY_PROBE_CODE, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    for line in completed.stdout.splitlines():
        if line.startswith("SPACY_PROBE "):
            _, code, loaded, _count = line.split()
            probe.exit_code = int(code)
            probe.spacy_loaded = loaded == "True"
    if probe.spacy_loaded is None:
        probe.error = f"sonde sans résultat (code {completed.returncode})\n{tail(completed.stderr)}"
    elif probe.exit_code not in OK_SCAN_CODES:
        probe.error = f"la CLI a renvoyé le code {probe.exit_code}\n{tail(completed.stderr)}"
    return probe


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def fr_number(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def cell(measure_: Measure) -> str:
    if measure_.error:
        code = measure_.codes[-1] if measure_.codes else "?"
        return f"erreur ({code})"
    return fr_number(measure_.median)


def print_table(rows: list[Row]) -> None:
    headers = ("Fichier", "Pages", "Extraction seule (s)", "Scan complet (s)", "Ratio")
    lines = [
        (
            row.fichier,
            str(row.pages),
            cell(row.extraction),
            cell(row.scan),
            (fr_number(row.ratio, 2) + " ×") if row.ratio is not None else "—",
        )
        for row in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]

    def join(values: tuple[str, ...]) -> str:
        # first column left-aligned, numbers right-aligned
        pairs = zip(values, widths, strict=True)
        return "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(pairs))

    print(join(headers))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print(join(line))


def print_errors(measures: list[Measure]) -> None:
    for item in measures:
        if item.error:
            print(f"\n[erreur] {item.label} : {item.error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Banc d'essai : conformcheck scan contre une extraction pypdfium2 seule."
    )
    parser.add_argument("--quick", action="store_true", help="une seule mesure par commande (au lieu de 5)")
    parser.add_argument("--runs", type=int, default=None, help="nombre de mesures par commande (défaut : 5)")
    parser.add_argument("--keep", type=Path, default=None, help="conserve les fichiers générés dans ce dossier")
    parser.add_argument("--json", type=Path, default=None, help="écrit aussi les résultats bruts en JSON")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)

    env = child_env()
    workdir = Path(tempfile.mkdtemp(prefix="conformcheck-bench-"))
    try:
        return _run(workdir, runs, env, args.json)
    finally:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            for item in workdir.glob("*.pdf"):
                shutil.copy2(item, args.keep / item.name)
        shutil.rmtree(workdir, ignore_errors=True)


def _run(workdir: Path, runs: int, env: dict[str, str], json_path: Path | None) -> int:
    print("Banc d'essai conformcheck — démarrage à froid de processus complets")
    print(
        f"Python {platform.python_version()} ({PYTHON}), {os.cpu_count()} processeur(s), "
        f"médiane de {runs} mesure(s) après 1 passage de chauffe\n"
    )

    builder = load_builder()
    pdfs: dict[int, Path] = {}
    for pages in PAGE_COUNTS:
        path = workdir / f"contrat_{pages}p.pdf"
        make_contract_pdf(builder, pages, path)
        pdfs[pages] = path
        print(f"généré : {path.name} ({page_count(path)} pages, {path.stat().st_size // 1024} Kio)")
    print()

    rows: list[Row] = []
    for pages, pdf in pdfs.items():
        extraction, scan = measure([(f"extraction {pdf.name}", extraction_command(pdf), (0,)),
                                    (f"scan {pdf.name}", scan_command([pdf], workdir / f"{pdf.stem}.json"),
                                     OK_SCAN_CODES)], runs, env)
        rows.append(Row(pdf.name, pages, extraction, scan))

    batch_dir = workdir / "lot"
    batch_dir.mkdir()
    for index in range(1, BATCH_COPIES + 1):
        shutil.copyfile(pdfs[10], batch_dir / f"contrat_{index:02d}.pdf")
    batches = dict(zip(BATCH_JOBS, measure(
        [(f"scan en lot de {BATCH_COPIES} fichiers, -j {jobs}", batch_command(batch_dir, jobs, workdir),
          OK_SCAN_CODES) for jobs in BATCH_JOBS], runs, env), strict=True))
    batch_pages = 10 * BATCH_COPIES

    probes = [
        probe_spacy(["scan", str(pdfs[10]), "--format", "json", "-o", str(workdir / "sonde.json")], env),
        probe_spacy(["--help"], env),
    ]

    print_table(rows)
    print()
    for jobs, batch in batches.items():
        if batch.median is not None:
            print(
                f"Débit en lot, -j {jobs} : 1 scan d'un dossier de {BATCH_COPIES} copies du PDF de 10 pages "
                f"({batch_pages} pages) en {fr_number(batch.median)} s → {fr_number(batch_pages / batch.median, 1)} "
                "pages/s"
            )
        else:
            print(f"Débit en lot, -j {jobs} : non mesuré ({cell(batch)})")
    for probe in probes:
        if probe.spacy_loaded is None or probe.error:
            verdict = "non vérifié (la commande a échoué)"
        else:
            verdict = "oui — À CORRIGER" if probe.spacy_loaded else "non (OK)"
        print(f"spaCy chargé par « conformcheck {probe.arguments.split(' ')[0]} » : {verdict}")

    print_errors([*(r.extraction for r in rows), *(r.scan for r in rows), *batches.values()])
    for probe in probes:
        if probe.error:
            print(f"\n[erreur] sonde spaCy ({probe.arguments.split(' ')[0]}) : {probe.error}")

    ten = rows[0]
    # The scan probe must succeed without spaCy; --help must not load it either (a failing --help is only reported).
    scan_probe, help_probe = probes
    spacy_ok = scan_probe.spacy_loaded is False and not scan_probe.error and help_probe.spacy_loaded is not True
    print(f"\nObjectif : scan de 10 pages ≤ {fr_number(TARGET_RATIO, 0)} × l'extraction seule ; spaCy absent du scan.")
    if ten.ratio is None:
        reason = "la CLI a échoué" if ten.scan.error else "mesure impossible"
        print(f"Résultat : ÉCHEC ({reason} — voir les erreurs ci-dessus)")
        passed = False
    else:
        passed = ten.ratio <= TARGET_RATIO and spacy_ok
        detail = f"ratio {fr_number(ten.ratio, 2)} ×"
        if not spacy_ok:
            detail += ", spaCy chargé ou non vérifié"
        print(f"Résultat : {'PASS' if passed else 'ÉCHEC'} ({detail})")

    if json_path is not None:
        payload = {
            "runs": runs,
            "rows": [{**asdict(row), "ratio": row.ratio} for row in rows],
            "batches": {f"j{jobs}": {**asdict(batch), "pages": batch_pages} for jobs, batch in batches.items()},
            "spacy_probes": [asdict(probe) for probe in probes],
            "target_ratio": TARGET_RATIO,
            "passed": passed,
        }
        json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
