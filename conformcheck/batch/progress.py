"""A one-line progress bar on stderr, only when stderr is a terminal (never in pipes, files or CI logs)."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

REFRESH_SECONDS = 0.1
BAR_WIDTH = 24


def duration_fr(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """Files done / total, errors, and the time left (estimated from the files analysed so far; files reused
    from a previous run are counted done from the start)."""

    def __init__(self, total: int, reused: int, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.reused = total, reused
        self.done, self.errors = reused, 0
        self.started = time.monotonic()
        self._shown_at = 0.0
        self._width = 0

    def advance(self, error: bool) -> None:
        self.done += 1
        self.errors += error
        self.show(force=self.done == self.total)

    def show(self, force: bool = True) -> None:
        now = time.monotonic()
        if self.enabled and (force or now - self._shown_at >= REFRESH_SECONDS):
            self._shown_at = now
            self._draw(self.line(now))

    def line(self, now: float) -> str:
        filled = BAR_WIDTH * self.done // max(self.total, 1)
        analysed = self.done - self.reused
        remaining = self.total - self.done
        if remaining == 0:
            left = "terminé"
        elif analysed:
            left = "reste ~" + duration_fr((now - self.started) / analysed * remaining)
        else:
            left = "estimation…"
        errors = f"{self.errors} erreur{'s' if self.errors > 1 else ''}"
        return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total} fichiers · {errors} · {left}"

    def _draw(self, text: str) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns - 1
        text = text[:columns]
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        """Erase the bar, so that the messages that follow start on a clean line."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
