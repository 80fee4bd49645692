"""Shared fixtures: the bundled packs and a scanner, built once per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformcheck.packs.loader import load_packs
from conformcheck.packs.schema import Pack
from conformcheck.scan import Scanner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session", autouse=True)
def private_rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI caches compiled packs; tests use a cache of their own, not the user's."""
    previous = os.environ.get("CONFORMCHECK_CACHE_DIR")
    os.environ["CONFORMCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        del os.environ["CONFORMCHECK_CACHE_DIR"]
    else:
        os.environ["CONFORMCHECK_CACHE_DIR"] = previous


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Batches keep their results, and scans their history, in the user's data folder: not the tests'."""
    previous = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("donnees"))
    yield
    if previous is None:
        del os.environ["XDG_DATA_HOME"]
    else:
        os.environ["XDG_DATA_HOME"] = previous


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
