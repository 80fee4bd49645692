"""Shared fixtures: the bundled packs and a scanner, built once per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformcheck.packs.loader import load_packs
from conformcheck.packs.schema import Pack
from conformcheck.scan import Scanner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def _private_folder(variable: str, folder: Path) -> Iterator[None]:
    """`variable` names `folder` while the tests run, then gets its previous value back."""
    previous = os.environ.get(variable)
    os.environ[variable] = str(folder)
    yield
    if previous is None:
        del os.environ[variable]
    else:
        os.environ[variable] = previous


@pytest.fixture(scope="session", autouse=True)
def private_rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI caches compiled packs; tests use a cache of their own, not the user's."""
    yield from _private_folder("CONFORMCHECK_CACHE_DIR", tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Batches keep their results, and scans their history, in the user's data folder: not the tests'."""
    yield from _private_folder("XDG_DATA_HOME", tmp_path_factory.mktemp("donnees"))


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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class BrowserVisit:
    """A local page opened in Chromium, with the console errors it logged and every URL it requested."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def chromium() -> Iterator[Callable[[Path], BrowserVisit]]:
    """Opens local HTML files in headless Debian Chromium through Playwright (skipped when either is absent)."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium (/usr/bin/chromium) absent : test du rapport HTML dans le navigateur sauté")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright (extra dev) absent")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def visit(path: Path) -> BrowserVisit:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            seen = BrowserVisit(page)
            page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
            page.on("request", lambda r: seen.requests.append(r.url))
            page.goto(path.as_uri())
            return seen

        yield visit
        browser.close()
