"""Shared fixtures: the bundled packs and a scanner, built once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conformcheck.packs.loader import load_packs
from conformcheck.packs.schema import Pack
from conformcheck.scan import Scanner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def packs() -> list[Pack]:
    return load_packs(installed=False)


@pytest.fixture(scope="session")
def python_scanner(packs: list[Pack]) -> Iterator[Scanner]:
    scanner = Scanner(packs, engine="python")
    yield scanner
    scanner.close()


@pytest.fixture(scope="session")
def durable_scanner(packs: list[Pack]) -> Iterator[Scanner]:
    scanner = Scanner(packs, engine="durable")
    yield scanner
    scanner.close()
