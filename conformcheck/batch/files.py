"""Which files a scan covers, and which service each belongs to.

A folder given on the command line is a batch root: its first-level subfolders are services
(`livrables/<service>/…`). Without `-r`, the documents directly in the root and in those service folders are
scanned; with `-r`, documents at any depth (still attributed to their first-level folder). Documents directly
in the root belong to no service. Hidden entries (`.git`, `.conformcheck`…) and Office lock files (`~$…`) are
skipped. A file given by name is scanned whatever its extension.

Kept light (no import beyond the standard library's os/pathlib): the single-file scan goes through here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

DOCUMENT_SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown"}


class Target(NamedTuple):  # NamedTuples, not dataclasses: a dataclass costs ~0.5 ms to define on the scan path
    """One file to scan. `path`: as shown in the report; `service`: from the folder layout (a manifest may
    override it); `in_folder`: found by walking a folder (a batch), not named on the command line."""

    path: str
    service: str | None = None
    in_folder: bool = False


class Expansion(NamedTuple):
    targets: list[Target]
    empty_folders: list[str]  # folders given that hold no document
    deeper_skipped: int  # documents below the service level, left out for want of -r


def _is_document(name: str) -> bool:
    return not name.startswith((".", "~$")) and Path(name).suffix.lower() in DOCUMENT_SUFFIXES


def walk_folder(root: Path, recursive: bool = True) -> tuple[list[tuple[Path, int]], int]:
    """The documents under `root`, each with its depth (0: directly in root), sorted; and how many deeper
    documents `recursive=False` left out (below the first level of subfolders)."""
    found: list[tuple[Path, int]] = []
    skipped = 0
    for folder, subfolders, names in os.walk(root, onerror=None, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        depth = len(Path(folder).relative_to(root).parts)
        for name in names:
            if _is_document(name):
                if recursive or depth <= 1:
                    found.append((Path(folder) / name, depth))
                else:
                    skipped += 1
    found.sort(key=lambda item: str(item[0]))
    return found, skipped


def expand(paths: tuple[str, ...] | list[str], recursive: bool = False) -> Expansion:
    """Files as given; folders walked as described in the module docstring, duplicates removed."""
    targets: list[Target] = []
    empty_folders: list[str] = []
    deeper_skipped = 0
    seen: set[str] = set()
    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            found = [Target(raw)]
        else:
            documents, skipped = walk_folder(root, recursive)
            deeper_skipped += skipped
            if not documents:
                empty_folders.append(raw)
            found = [Target(str(path), path.relative_to(root).parts[0] if depth else None, in_folder=True)
                     for path, depth in documents]
        for target in found:
            key = os.path.abspath(target.path)
            if key not in seen:
                seen.add(key)
                targets.append(target)
    return Expansion(targets, empty_folders, deeper_skipped)
