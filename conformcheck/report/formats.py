"""Report formats: which one each output gets, and the renderer of each (imported only when asked for)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

FORMATS = ("texte", "json", "html", "sarif", "junit", "csv", "md")
EXTENSIONS = {".txt": "texte", ".json": "json", ".html": "html", ".htm": "html", ".sarif": "sarif",
              ".xml": "junit", ".csv": "csv", ".md": "md"}
# Renderer modules of the formats other than texte and json: each has `render(report) -> str`.
_MODULES = {"html": "html", "sarif": "sarif", "junit": "junit", "csv": "csv_report", "md": "markdown"}


def plan_outputs(formats: Sequence[str], outputs: Sequence[str]) -> list[tuple[str, str | None]]:
    """(format, file or None for the standard output) for each report to write. Formats and files pair up in
    order; a file without a format gets the format of its extension; a format without a file goes to the
    standard output, which takes one report at most. Raises ValueError with a French message."""
    plan: list[tuple[str, str | None]] = []
    for index in range(max(len(formats), len(outputs))):
        output = outputs[index] if index < len(outputs) else None
        if index < len(formats):
            plan.append((formats[index], output))
            continue
        fmt = EXTENSIONS.get(Path(str(output)).suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(EXTENSIONS))
            raise ValueError(f"format du fichier {output} inconnu : précisez-le avec -f/--format "
                             f"(ou utilisez une extension connue : {known}).")
        plan.append((fmt, output))
    if not plan:
        plan.append(("texte", None))
    if sum(1 for _, output in plan if output is None) > 1:
        raise ValueError("un seul format peut aller sur la sortie standard : donnez un fichier (-o) aux autres.")
    return plan


def render(report: Any, fmt: str, *, show_all: bool = False, show_passed: bool = False, quiet: bool = False,
           color: bool = False) -> str:
    """`report` in format `fmt`; the options only concern the terminal report (texte)."""
    if fmt == "json":
        return report.to_json() + "\n"
    if fmt == "texte":
        from conformcheck.report.text import render as render_text

        return render_text(report, show_all=show_all, color=color, show_passed=show_passed, quiet=quiet)
    return import_module(f"conformcheck.report.{_MODULES[fmt]}").render(report)
