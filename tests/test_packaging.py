"""A plain (non-editable) install carries the bundled packs and finds them from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_bundled_rules_and_finds_them_from_anywhere(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("conformcheck-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for pack in ("casf", "consommation", "arrete2011", "nfx50056"):
        assert f"conformcheck/_rules/{pack}/pack.yaml" in names
    assert "conformcheck/_rules/schemas/rules.schema.json" in names  # the editor schemas the pack files declare
    assert {"conformcheck/packs/templates/__NOM__/pack.yaml", "conformcheck/packs/templates/pyproject.toml.tmpl",
            "conformcheck/packs/templates/tests/contrat_exemple.expected.yaml"} <= names  # `packs new`
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    probe = ("import conformcheck, pathlib; from conformcheck.packs.loader import bundled_rules_dir, load_packs;"
             "print(pathlib.Path(conformcheck.__file__).parent); print(bundled_rules_dir());"
             "print(sum(len(p.rules) for p in load_packs(installed=False)))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(target)}, timeout=120, check=True)
    package_dir, rules_dir, count = result.stdout.split()
    assert package_dir.startswith(str(target)) and rules_dir.startswith(str(target)) and int(count) > 25
