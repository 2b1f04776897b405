"""A progress bar with an ETA while a class is graded (rich), silent when disabled."""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn, \
    TimeRemainingColumn


class Progress:
    def __init__(self, total: int, enabled: bool = True):
        self.total = total
        self.enabled = enabled
        self._bar = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            self._bar = RichProgress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("ETA"),
                                     TimeRemainingColumn(), TimeElapsedColumn(), TextColumn("{task.description}"),
                                     console=Console(stderr=True))
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def advance(self, outcome) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=f"{outcome.student}: {outcome.status}")

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
