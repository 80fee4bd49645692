"""Validated packs and their compiled phrase index, cached between runs.

Validating ~200 rules, folding ~7,000 phrases and compiling ~300 regexes (kept as compiled code, see
`analyze/regex_plan.py`) costs more than scanning a 10-page PDF; all of it only changes when a rule file or
the code changes. The cache key is made of the stat (path, size, mtime) of every rule file and of
conformcheck's own modules, so an edit invalidates it.
Set CONFORMCHECK_CACHE_DIR to move it, or CONFORMCHECK_NO_CACHE=1 to do without it.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path

from conformcheck import __version__
from conformcheck.analyze.matcher import PhraseIndex
from conformcheck.analyze.regex_plan import MAGIC, build_plans, register_plans
from conformcheck.packs.loader import discover_pack_dirs, entry_point_dirs, load_pack_dirs
from conformcheck.packs.runtime import RulePack, compile_pack, phrase_index

MAX_MARKERS = 16
NO_INSTALLED_PACKS = "no-installed-packs.txt"  # the sys.path states in which no pack was installed
CACHE_FORMAT = "4"  # 3: runtime rules (packs/runtime.py) instead of pydantic models; 4: in-force periods


def cache_dir() -> Path:
    if os.environ.get("CONFORMCHECK_CACHE_DIR"):
        return Path(os.environ["CONFORMCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "conformcheck"


# Fingerprints are compared in full, not hashed: exact, and hashlib's OpenSSL binding costs ~3 ms to import.
def _fingerprint(dirs: list[Path], only: Iterable[str]) -> str:
    """What the cached rules were built from: versions, options, and the stat of every source file."""
    lines = [f"{CACHE_FORMAT}|{__version__}|{sys.version}|{sorted(only)}"]
    package = Path(__file__).resolve().parent.parent
    files = sorted(package.rglob("*.py")) + [f for d in dirs for f in sorted(d.rglob("*.yaml"))]
    for path in files:
        stat = path.stat()
        lines.append(f"{path}|{stat.st_size}|{stat.st_mtime_ns}")
    return "\n".join(lines)


def _path_signature() -> str:
    """sys.path and the mtime of each of its entries, on one line: installing or removing a distribution adds
    or deletes its metadata folder in one of them, which changes that folder's mtime. The current folder
    (sys.path[0] under `python -m`) is named but not stamped: writing a report there changes its mtime, and
    distributions are not installed into it."""
    here = os.getcwd()
    stamps = []
    for entry in sys.path:
        if entry in ("", ".", here):
            stamps.append((entry, 0))
            continue
        try:
            stamps.append((entry, os.stat(entry).st_mtime_ns))
        except OSError:
            stamps.append((entry, -1))
    return repr(stamps)


def _discover(extra_dirs: Iterable[str | Path], bundled: bool, installed: bool, use_cache: bool) -> list[Path]:
    """`discover_pack_dirs`, skipping the entry-point lookup (~20 ms with its imports) when a previous run
    found no installed pack and no distribution was installed or removed since (a marker file says so)."""
    if not (installed and use_cache):
        return discover_pack_dirs(extra_dirs, bundled, installed)
    marker = cache_dir() / NO_INSTALLED_PACKS
    signature = _path_signature()
    try:
        known = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        known = []
    if signature in known:
        return discover_pack_dirs(extra_dirs, bundled, installed=False)
    if entry_point_dirs():
        return discover_pack_dirs(extra_dirs, bundled, installed)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        # One line per sys.path state (`python -m` and the console script differ): the recent ones are kept.
        marker.write_text("\n".join([*known, signature][-MAX_MARKERS:]) + "\n", encoding="utf-8")
    except OSError:
        pass  # a read-only cache folder only costs the next run the lookup
    return discover_pack_dirs(extra_dirs, bundled, installed=False)


def rule_regexes(packs: list[RulePack]) -> list[str]:
    """Every regex the rules run on a document (match, parts, wrong wordings, with their `unless_regex`)."""
    patterns: dict[str, None] = {}
    for pack in packs:
        for rule in pack.rules:
            for match in [rule.match, *(p.match for p in rule.parts), *(w.match for w in rule.wrong)]:
                if match is not None:
                    patterns.update(dict.fromkeys([*match.regex, *match.unless_regex]))
    return list(patterns)


def rules_fingerprint(extra_dirs: Iterable[str | Path] = (), only: Iterable[str] = (), bundled: bool = True,
                      installed: bool = True) -> str:
    """A short digest of what `load_rules` builds the rules from: batch results computed under another one are
    not reused."""
    import hashlib  # batches only (see _fingerprint)

    dirs = _discover(extra_dirs, bundled, installed, os.environ.get("CONFORMCHECK_NO_CACHE") != "1")
    return hashlib.sha256(_fingerprint(dirs, list(only)).encode()).hexdigest()[:32]


def load_rules(extra_dirs: Iterable[str | Path] = (), only: Iterable[str] = (), bundled: bool = True,
               installed: bool = True) -> tuple[list[RulePack], PhraseIndex]:
    """Packs (in their runtime form) and phrase index, from the cache when the rule files and the code are
    unchanged; on a miss they are validated with pydantic (packs/schema.py), then copied."""
    only = list(only)
    use_cache = os.environ.get("CONFORMCHECK_NO_CACHE") != "1"
    dirs = _discover(extra_dirs, bundled, installed, use_cache)
    target = cache_dir() / f"rules-{CACHE_FORMAT}.pickle"
    fingerprint = _fingerprint(dirs, only)
    if use_cache and target.is_file():
        try:
            with target.open("rb") as handle:
                # Two pickles: the fingerprint the rules were built from, then the rules (read only if it matches).
                if pickle.load(handle) == fingerprint:  # noqa: S301 - our own file, written below
                    packs, index, plans, magic = pickle.load(handle)  # noqa: S301
                    register_plans(plans, magic)
                    return packs, index
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt
            target.unlink(missing_ok=True)
    packs = [compile_pack(pack) for pack in load_pack_dirs(dirs, only)]
    index = phrase_index(rule for pack in packs for rule in pack.rules)
    plans = build_plans(rule_regexes(packs))  # compiled once here, not in every later run
    if use_cache:
        _store(target, fingerprint, (packs, index, plans, MAGIC))
    return packs, index


def _store(target: Path, fingerprint: str, payload: object) -> None:
    """Write atomically; a read-only or full disk only costs the next run its speed."""
    import tempfile  # only on a cache miss (with what it imports, ~4 ms)

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob("rules-*.pickle"):
            stale.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            pickle.dump(fingerprint, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
    except OSError:
        return
