"""The decision table, and durable-rules agreeing with the plain-Python reference on every sample."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conformcheck.engine.applicability import Constraint
from conformcheck.engine.base import Assessment, PythonEngine
from conformcheck.engine.durable import DurableEngine
from conformcheck.model import Status
from conformcheck.scan import Scanner, ScanOptions

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in {".pdf", ".docx", ".md"})

TABLE = [
    (Assessment("a", "ok", ()), Status.conforme),
    (Assessment("b", "bad", ()), Status.non_conforme),
    (Assessment("c", "missing", ()), Status.manquant),
    (Assessment("d", "none", ()), Status.non_applicable),
    (Assessment("e", "undecidable", ()), Status.a_verifier),
    (Assessment("f", "ok", (Constraint("regime", "unknown", "?"),)), Status.a_verifier),
    (Assessment("g", "missing", (Constraint("regime", "unknown", "?"), Constraint("doc_type", "fail", "x"))),
     Status.non_applicable),
    (Assessment("h", "bad", (Constraint("mode", "unknown", "?"), Constraint("majeur", "unknown", "?"))),
     Status.a_verifier),
    (Assessment("i", "none", (Constraint("regime", "unknown", "?"),)), Status.non_applicable),
]


@pytest.mark.parametrize("engine_class", [PythonEngine, DurableEngine])
def test_decision_table(engine_class: type) -> None:
    engine = engine_class()
    try:
        decided = engine.decide([a for a, _ in TABLE])
        assert decided == {a.rule_id: status for a, status in TABLE}
        assert engine.decide([a for a, _ in TABLE]) == decided  # a second document, same engine
    finally:
        engine.close()


def test_durable_engine_states_are_released() -> None:
    """Many documents through one engine: each state is deleted (durable caps live states at 1,024)."""
    engine = DurableEngine()
    try:
        for _ in range(1100):
            assert engine.decide([TABLE[0][0]]) == {"a": Status.conforme}
    finally:
        engine.close()


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_durable_and_python_engines_agree_on_samples(sample: Path, python_scanner: Scanner,
                                                     durable_scanner: Scanner) -> None:
    options = ScanOptions(scan_date=date(2026, 12, 1))
    reference = python_scanner.scan_path(str(sample), options)
    inferred = durable_scanner.scan_path(str(sample), options)
    assert reference.status == "ok"
    assert [(f.rule_id, f.status) for f in inferred.findings] == [(f.rule_id, f.status) for f in reference.findings]
    assert inferred == reference
