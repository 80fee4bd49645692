"""One batch run: each file's service and context, reuse of unchanged results, the worker pool, the store."""

from __future__ import annotations

import hashlib
import os
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any

from conformcheck.batch.files import Target, walk_folder
from conformcheck.batch.manifest import Manifest, merged_context
from conformcheck.batch.progress import Progress
from conformcheck.batch.runner import Task, WorkerSpec, run_pool
from conformcheck.batch.store import ResultStore, file_digest, is_reusable, make_entry, settings_fingerprint
from conformcheck.model import DocumentReport, Report
from conformcheck.scan import ScanOptions

DEFAULT_TIMEOUT = 120.0


@dataclass
class BatchSettings:
    worker: WorkerSpec
    rules_fingerprint: str
    results_path: Path
    jobs: int
    timeout: float = DEFAULT_TIMEOUT
    force: bool = False
    type_from_option: bool = False  # --type wins over a manifest row's type; a config file's type does not
    anonymise: bool = False  # names masked before a result is stored (--anonymiser)


@dataclass
class BatchOutcome:
    total: int
    reused: int = 0
    scanned: int = 0
    errors: int = 0
    interrupted: bool = False
    unused_rows: list[str] = field(default_factory=list)


def manifest_targets(manifest: Manifest) -> list[Target]:
    """The files a manifest names when no path is given: its files, and every document under its folders (once
    each: a file row inside a folder row only refines that file's service and context)."""
    targets: dict[str, Target] = {}
    for row in manifest.rows:
        if row.path.is_dir():
            documents, _ = walk_folder(row.path, recursive=True)
            found = [Target(str(Path(row.shown) / path.relative_to(row.path)), row.service, in_folder=True)
                     for path, _ in documents]
        else:
            found = [Target(row.shown, row.service)]
        for target in found:
            targets.setdefault(os.path.abspath(target.path), target)
    return list(targets.values())


def default_results_path(data_dir: Path, paths: list[str]) -> Path:
    """One store per set of batch roots, in the user's data folder: rerunning the same command resumes."""
    roots = sorted(os.path.abspath(p) for p in paths)
    name = re.sub(r"[^\w.-]+", "_", Path(roots[0]).name if roots else "lot").strip("._") or "lot"
    key = hashlib.sha256("\n".join(roots).encode()).hexdigest()[:10]
    return data_dir / "lots" / f"{name}-{key}.jsonl"


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops the batch like Ctrl-C: the workers are stopped and the report of what was done written."""
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends: a result is then in both the results file and the report,
    never in one only (the interrupt is raised right after)."""
    stopping = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):  # not on Windows
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping)


def run_batch(targets: list[Target], manifest: Manifest | None, base: ScanOptions, settings: BatchSettings,
              report: Report, tool_version: str, warn: Callable[[str], None]) -> BatchOutcome:
    """Scan `targets` into `report.documents` (in the order given), reusing unchanged results."""
    outcome = BatchOutcome(total=len(targets))
    used_rows: set[int] = set()
    jobs: list[tuple[Target, str | None, ScanOptions, dict[str, object]]] = []
    for target in targets:
        row = manifest.row_for(target.path) if manifest else None
        service = target.service
        options = base
        if row is not None:
            used_rows.add(row.line)
            service = row.service
            context, sources = merged_context(base.context, base.context_sources, row)
            doc_type = base.doc_type if settings.type_from_option else (row.doc_type or base.doc_type)
            options = replace(base, context=context, context_sources=sources, doc_type=doc_type)
        jobs.append((target, service, options, dict(options.context)))
    if manifest:
        outcome.unused_rows = [f"ligne {row.line} ({row.shown})" for row in manifest.rows
                               if row.line not in used_rows]

    store = ResultStore(settings.results_path)
    store.lock()
    try:
        previous = {} if settings.force else store.load()
        results, tasks, keys = _plan(jobs, previous, settings, tool_version)
        outcome.reused = len(results)
        outcome.errors = sum(1 for r in results.values() if r.status == "error")

        progress = Progress(len(targets), outcome.reused)

        def on_result(task: Task, document: DocumentReport) -> None:
            absolute, digest, service, context, settings_key = keys[task.index]
            document.service = service
            if settings.anonymise:
                from conformcheck.analyze.redact import redact_documents

                redact_documents([document])
            with _signals_deferred():
                store.append(make_entry(absolute, digest, service, context, settings_key, tool_version, document))
                results[task.index] = document
            outcome.scanned += 1
            outcome.errors += document.status == "error"
            progress.advance(document.status == "error")

        store.open()
        try:
            with _sigterm_interrupts():
                progress.show()
                run_pool(tasks, settings.worker, settings.jobs, settings.timeout, on_result)
        except KeyboardInterrupt:
            outcome.interrupted = True
        finally:
            progress.close()
            store.close()
    finally:
        store.unlock()
    report.documents.extend(results[i] for i in range(len(jobs)) if i in results)
    for row in outcome.unused_rows:
        warn(f"Attention : {row} du manifeste : aucun document analysé ne s'y trouve.")
    return outcome


Key = tuple[str, tuple[str, int] | None, str | None, dict[str, object], str]  # path, digest, service, context, settings


def _plan(jobs: list[tuple[Target, str | None, ScanOptions, dict[str, object]]], previous: dict[str, Any],
          settings: BatchSettings, tool_version: str) -> tuple[dict[int, DocumentReport], list[Task], dict[int, Key]]:
    """Which files are reused from the store (their reports) and which are scanned (the tasks), with the key
    each result is stored under."""
    rules_key = settings.rules_fingerprint + ("|anonymise" if settings.anonymise else "")
    results: dict[int, DocumentReport] = {}
    tasks: list[Task] = []
    keys: dict[int, Key] = {}
    for index, (target, service, options, context) in enumerate(jobs):
        absolute = os.path.abspath(target.path)
        digest = file_digest(target.path)
        settings_key = settings_fingerprint(rules_key, options.scan_date.isoformat(), options.doc_type,
                                            options.context_sources)
        keys[index] = (absolute, digest, service, context, settings_key)
        entry = previous.get(absolute)
        if is_reusable(entry, digest, service, context, settings_key, tool_version):
            reused = _reused_report(entry, target.path)  # type: ignore[arg-type]
            if reused is not None:
                results[index] = reused
                continue
        tasks.append(Task(index, target.path, options))
    return results, tasks, keys


def _reused_report(entry: dict[str, Any], shown_path: str) -> DocumentReport | None:
    from conformcheck.report.json_report import document_from_dict

    try:
        document: DocumentReport = document_from_dict(entry["report"])
    except (TypeError, ValueError, KeyError, AttributeError):  # another version of the report model: scan again
        return None
    document.path = shown_path
    document.service = entry.get("service")
    return document


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_from_cli(targets: list[Target], manifest: Manifest | None, base: ScanOptions, report: Report,
                 rules: tuple[Any, Any], extra_dirs: list[str], only: tuple[str, ...], engine: str, *,
                 jobs: int | None, timeout: float | None, force: bool, results_path: str | None,
                 type_from_option: bool, roots: list[str], selected: frozenset[str] | None = None,
                 quiet: bool = False, anonymise: bool = False) -> bool:
    """`conformcheck scan` on a batch: runs it, tells on stderr what was reused, scanned and where the results
    are. `selected`: the rule ids the service's policy kept (None: every rule). Returns whether the batch was
    interrupted. `quiet`: no summary line (the report's own lines suffice); `anonymise`: names are masked before
    each result is stored, so the results file holds no more than the report."""
    import click

    from conformcheck import __version__
    from conformcheck.config import user_data_dir
    from conformcheck.packs.cache import rules_fingerprint

    store_path = Path(results_path) if results_path else default_results_path(user_data_dir(), roots)
    settings = BatchSettings(
        worker=WorkerSpec(engine, list(extra_dirs), tuple(only), rules, selected),
        rules_fingerprint=rules_fingerprint(extra_dirs, only) + ("" if selected is None else
                                                                 "|" + ",".join(sorted(selected))),
        results_path=store_path,
        jobs=jobs or available_cores(), timeout=timeout or DEFAULT_TIMEOUT, force=force,
        type_from_option=type_from_option, anonymise=anonymise)

    def warn(message: str) -> None:
        click.echo(message, err=True)

    outcome = run_batch(targets, manifest, base, settings, report, __version__, warn)
    if not quiet:
        click.echo(summary_fr(outcome, store_path), err=True)
    return outcome.interrupted


def summary_fr(outcome: BatchOutcome, store_path: Path) -> str:
    done = outcome.reused + outcome.scanned
    parts = [f"{outcome.scanned} analysé{'s' if outcome.scanned > 1 else ''}",
             f"{outcome.reused} repris d'un passage précédent (inchangé{'s' if outcome.reused > 1 else ''})"]
    if outcome.errors:
        parts.append(f"{outcome.errors} en erreur")
    if outcome.interrupted:
        parts.append(f"{outcome.total - done} non traité{'s' if outcome.total - done > 1 else ''}")
    return f"Lot de {outcome.total} fichier{'s' if outcome.total > 1 else ''} : {', '.join(parts)}. " \
           f"Résultats : {store_path}"
