"""docs/ecrire-un-pack.md, followed as written: every snippet is used, every command is run.

The pack is made with `packs new`, edited with the guide's files, then checked, tested and used by `scan`;
the last test installs it with pip into a fresh virtual environment, as the guide's last section says."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conformcheck.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "ecrire-un-pack.md"
BLOCK = re.compile(r'^```(\w+)(?: title="([^"]+)")?\n(.*?)^```', re.S | re.M)
PACK = "mon_reseau"


def snippets() -> list[tuple[str, str | None, str]]:
    return [(m[1], m[2], m[3]) for m in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))]


def commands(prefix: str) -> list[str]:
    lines = [line.split("  #")[0].strip() for kind, _, body in snippets() if kind == "sh" for line in body.splitlines()]
    return [line for line in lines if line.startswith(prefix)]


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.output


def build_pack_as_the_guide_says(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Runs the guide's `packs new`, writes each of its files; the remaining conformcheck commands."""
    monkeypatch.chdir(folder)
    steps = commands("conformcheck ")
    code, out = run(shlex.split(steps[0])[1:])
    assert steps[0] == f"conformcheck packs new {PACK}" and code == 0, out
    files = [(title, body) for kind, title, body in snippets() if kind != "sh" and title]
    assert len(files) == len([s for s in snippets() if s[0] != "sh"]), "every non-shell snippet names its file"
    for title, body in files:
        target = folder / title
        assert target.parent.is_dir(), f"{title} : dossier absent du pack créé par packs new"
        target.write_text(body, encoding="utf-8")
    return steps[1:]


def test_every_snippet_and_command_of_the_guide_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = build_pack_as_the_guide_says(tmp_path, monkeypatch)
    assert {s.split()[1] for s in steps} >= {"packs", "scan"}
    for step in steps:
        args = shlex.split(step)[1:]
        code, out = run(args)
        if args[0] == "scan":
            # its gaps are warnings: the exit code stays 0 (--fail-on error)
            assert code == 0 and f"{PACK}.livret.delai_reponse_reclamation" in out and "NON CONFORME" in out, out
            assert f"{PACK}.livret.referent_qualite" in out
        else:
            assert code == 0, f"{step}\n{out}"
    code, out = run(["packs", "test", PACK, "--format", "json"])
    checked = {r["rule_id"]: r["checks"] for r in __import__("json").loads(out)["rules"]}
    assert checked[f"{PACK}.livret.referent_qualite"] == 5  # four examples and the guide's test document
    code, out = run(["packs", "check", PACK])
    assert "0 erreur(s), 0 avertissement(s)" in out, out


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _pypi_reachable(), reason="PyPI injoignable : pip ne peut pas obtenir hatchling, le "
                    "backend de construction du pack")
def test_the_guide_pack_installs_with_pip_in_a_fresh_venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pip install ./mon_reseau` in a new virtual environment that sees conformcheck (through a .pth file
    naming this checkout and its environment's site-packages: installing conformcheck again would take
    minutes); then the pack is listed, tested, checked and used by `scan` without `--pack`."""
    build_pack_as_the_guide_says(tmp_path, monkeypatch)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    import conformcheck

    ours = {str(Path(conformcheck.__file__).resolve().parent.parent),
            *(p for p in sys.path if p.endswith("site-packages"))}
    (Path(site) / "conformcheck_dev.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    env = {**os.environ, "CONFORMCHECK_CACHE_DIR": str(tmp_path / "cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for step in commands("pip install"):
        result = subprocess.run([str(python), "-m", *shlex.split(step)], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr

    def conformcheck_in_venv(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(python), "-m", "conformcheck", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)

    listed = conformcheck_in_venv("packs", "list")
    assert listed.returncode == 0 and re.search(rf"{PACK}\s+0\.1\.0 .*paquet conformcheck-pack-{PACK} 0\.1\.0",
                                                listed.stdout), listed.stdout + listed.stderr
    installed = subprocess.run([str(python), "-c", f"import {PACK}; print({PACK}.__file__)"], env=env,
                               capture_output=True, text=True, check=True).stdout
    assert installed.startswith(site)  # the installed copy, not the folder being written
    for command in (("packs", "test", PACK), ("packs", "check", PACK)):
        result = conformcheck_in_venv(*command)
        assert result.returncode == 0, result.stdout + result.stderr
    scanned = conformcheck_in_venv("scan", f"{PACK}/tests/livret_essai.txt", "--type", "livret_accueil",
                                   "--regime", "sap_agree")
    assert scanned.returncode == 0 and f"({PACK}.livret.delai_reponse_reclamation)" in scanned.stdout, (
        scanned.stdout + scanned.stderr)
