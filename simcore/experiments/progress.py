"""The sweep's progress line: runs done and failed, running, and an ETA (on stderr).

On a terminal one line is redrawn in place; otherwise (a log file, CI) one line is printed per
finished run. ``quiet`` prints nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from simcore.experiments.worker import STATUS_FAILED, STATUS_OK, Outcome


def format_duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``2h10m``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"
    return f"{int(seconds // 3600)}h{int(seconds % 3600 // 60):02d}m"


class ProgressLine:
    """Counts outcomes against the runs to do and tells the user how far the sweep is."""

    def __init__(self, total: int, already_done: int, workers: int, stream: TextIO | None = None,
                 quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.already = already_done
        self.to_do = total - already_done
        self.workers = max(1, workers)
        self.done = 0
        self.failed = 0
        self.started = time.perf_counter()
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._width = 0

    def text(self) -> str:
        finished = self.done + self.failed
        elapsed = time.perf_counter() - self.started
        left = self.to_do - finished
        eta = "?" if finished == 0 else format_duration(elapsed / finished * left)
        parts = [f"{self.already + finished}/{self.total} runs", f"{self.done} done", f"{self.failed} failed"]
        if self.already:
            parts.append(f"{self.already} earlier")
        parts.append(f"ETA {eta}" if left else f"took {format_duration(elapsed)}")
        return "sweep: " + ", ".join(parts)

    def start(self, executor_name: str) -> None:
        if self.quiet:
            return
        line = f"sweep: {self.to_do} of {self.total} runs to do on {executor_name}"
        if self.already:
            line += f" ({self.already} done earlier, skipped)"
        print(line, file=self.stream, flush=True)

    def update(self, outcome: Outcome, folder_name: str) -> None:
        if outcome.status == STATUS_OK:
            self.done += 1
        elif outcome.status == STATUS_FAILED:
            self.failed += 1
        if self.quiet:
            return
        if self.tty:
            text = self.text()
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
            self.stream.flush()
        else:
            extra = f": {outcome.error}" if outcome.error else ""
            print(f"{self.text()} | {folder_name} {outcome.status} in {outcome.wall_s:.1f} s{extra}",
                  file=self.stream, flush=True)

    def finish(self) -> None:
        if not self.quiet and self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
