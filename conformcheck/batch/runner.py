"""A small pool of worker processes, each with its own Scanner, and a time limit per file.

Not `concurrent.futures.ProcessPoolExecutor`: when one of its workers dies, the whole pool breaks. Here every
worker has its own pipe, so the parent always knows which file a worker holds: a worker that exceeds the time
limit is killed, a worker that dies (segfault in a native library, out of memory) is noticed; either way its
file is reported as an error, a fresh worker takes its place and the batch goes on.

Workers are forked on Linux: they inherit the rules the parent already loaded. durable-rules is driven
through its synchronous host (engine/durable.py: no background thread), so nothing is mid-flight at fork
time; each worker builds its own engine after the fork. Elsewhere they are spawned and load the rules from
the pack cache. Workers ignore SIGINT: Ctrl-C reaches the parent, which stops them.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from conformcheck.errors import ConformcheckError
from conformcheck.model import DocumentReport
from conformcheck.scan import ScanOptions


@dataclass
class WorkerSpec:
    """How a worker builds its Scanner: from `rules` inherited by fork, else by loading the packs."""

    engine: str
    extra_dirs: list[str] = field(default_factory=list)
    only: tuple[str, ...] = ()
    rules: Any = None  # (packs, index) when workers are forked
    selected: frozenset[str] | None = None  # the rule ids a policy kept (--select/--ignore), None: all


@dataclass(frozen=True)
class Task:
    index: int
    path: str
    options: ScanOptions


def _start_method() -> str:
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _worker_main(spec: WorkerSpec, conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from conformcheck.scan import Scanner, scan_file

    if spec.rules is not None:
        packs, index = spec.rules
    else:
        from conformcheck.packs.cache import load_rules

        packs, index = load_rules(extra_dirs=spec.extra_dirs, only=spec.only)
        if spec.selected is not None:
            packs = [replace(p, rules=[r for r in p.rules if r.id in spec.selected]) for p in packs]
    scanner = Scanner(packs, engine=spec.engine, index=index)
    try:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):  # the parent is gone
                return
            if task is None:
                return
            conn.send((task.index, scan_file(scanner, task.path, task.options)))
    except (BrokenPipeError, EOFError):
        return
    finally:
        scanner.close()


class _Worker:
    def __init__(self, context: Any, spec: WorkerSpec) -> None:
        self.conn, child_conn = context.Pipe()
        # Spawned workers load the rules themselves: what was loaded here cannot travel cheaply.
        worker_spec = spec if context.get_start_method() == "fork" else replace(spec, rules=None)
        self.process = context.Process(target=_worker_main, args=(worker_spec, child_conn), daemon=True)
        self.process.start()
        child_conn.close()
        self.task: Task | None = None
        self.deadline = 0.0

    def assign(self, task: Task, timeout: float) -> None:
        self.task, self.deadline = task, time.monotonic() + timeout
        self.conn.send(task)

    def stop(self, graceful: bool = False) -> None:
        if graceful and self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def timeout_report(path: str, timeout: float) -> DocumentReport:
    return DocumentReport(path=path, status="error", error_code="delai_depasse",
                          error=f"Analyse abandonnée au bout de {timeout:g} s (délai maximal par fichier, option "
                                "--timeout). Le fichier est peut-être très long ou malformé.")


def crash_report(path: str, exitcode: int | None) -> DocumentReport:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"arrêté par le signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"arrêté par le signal {-exitcode}"
    else:
        how = f"terminé avec le code {exitcode}"
    return DocumentReport(path=path, status="error", error_code="processus_interrompu",
                          error=f"Le processus qui analysait ce fichier s'est arrêté brutalement ({how}) : le "
                                "fichier est peut-être malformé, ou la mémoire a manqué. Les autres fichiers du lot "
                                "ont été analysés normalement.")


def run_pool(tasks: list[Task], spec: WorkerSpec, jobs: int, timeout: float,
             on_result: Callable[[Task, DocumentReport], None]) -> None:
    """Scan every task in `jobs` worker processes, calling `on_result` in the parent as each one finishes
    (in completion order). KeyboardInterrupt propagates after the workers are stopped."""
    if not tasks:
        return
    context = multiprocessing.get_context(_start_method())
    pending = deque(tasks)
    workers = [_Worker(context, spec) for _ in range(min(jobs, len(tasks)))]
    idle_deaths = 0
    try:
        while True:
            for worker in workers:
                if worker.task is None and pending:
                    try:
                        worker.assign(pending[0], timeout)
                        pending.popleft()
                    except OSError:  # died before its first task: replaced below, the task stays queued
                        worker.task = None
            busy = [w for w in workers if w.task is not None]
            if not busy and not pending:
                return
            now = time.monotonic()
            wait_for = max(0.0, min((w.deadline for w in busy), default=now + 1) - now)
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for))
            for position, worker in enumerate(workers):
                task = worker.task
                if task is not None:
                    finished = _collect(worker, task, ready, timeout)
                    if finished is None:
                        continue
                    worker.task = None
                    if finished.error_code in ("delai_depasse", "processus_interrompu"):
                        worker.stop()
                        workers[position] = _Worker(context, spec)
                    on_result(task, finished)
                elif not worker.process.is_alive():
                    idle_deaths += 1
                    if idle_deaths > 3 * len(workers):
                        raise ConformcheckError("Les processus d'analyse s'arrêtent dès leur démarrage (code "
                                                f"{worker.process.exitcode}) : voir les messages ci-dessus.")
                    worker.stop()
                    workers[position] = _Worker(context, spec)
    finally:
        for worker in workers:
            worker.stop(graceful=not pending and worker.task is None)


def _collect(worker: _Worker, task: Task, ready: set[Any], timeout: float) -> DocumentReport | None:
    """The worker's result if it has one, an error report if it died or ran out of time, else None."""
    if worker.conn in ready or worker.process.sentinel in ready:
        try:
            if worker.conn.poll():
                index, report = worker.conn.recv()
                if index == task.index:
                    return report  # type: ignore[no-any-return]
        except (EOFError, OSError):
            pass
        worker.process.join(1)
        return crash_report(task.path, worker.process.exitcode)
    if time.monotonic() >= worker.deadline:
        return timeout_report(task.path, timeout)
    return None
