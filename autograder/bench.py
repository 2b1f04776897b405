"""`make bench`: execution time of every answer-key notebook, against the course's targets.

Targets (COURSE_GUIDE §3, foundation issue): each notebook under its syllabus budget (30 s), the whole
course under 2 minutes on a 2-core machine. Printed as figures and ratios; nothing here fails a build.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from rich.console import Console
from rich.table import Table

from autograder.nbgrader_batch import REPO_ROOT
from course.syllabus import load_syllabus

COURSE_TARGET_S = 120.0


def time_notebook(path: Path, timeout: int = 600) -> tuple[float, int]:
    """Seconds to execute a notebook in a fresh kernel (start-up included), and the number of error outputs."""
    nb = nbformat.read(str(path), as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, allow_errors=True, resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    errors = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error")
    return seconds, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="*", help="modules to time (default: all in the syllabus)")
    args = parser.parse_args(argv)
    modules = [m for m in load_syllabus() if not args.assignments or m.id in args.assignments]

    console = Console()
    table = Table(title="Answer-key notebooks, executed once each in a fresh kernel")
    for column in ("module", "seconds", "budget", "ratio", "errors"):
        table.add_column(column, justify="right" if column != "module" else "left")
    total = 0.0
    for module in modules:
        seconds, errors = time_notebook(REPO_ROOT / "source" / module.id / module.notebook)
        total += seconds
        table.add_row(module.id, f"{seconds:.1f}", f"{module.time_budget_s:.0f}",
                      f"{seconds / module.time_budget_s:.2f}", str(errors))
    table.add_row("whole course", f"{total:.1f}", f"{COURSE_TARGET_S:.0f}", f"{total / COURSE_TARGET_S:.2f}", "")
    console.print(table)
    console.print("ratio = seconds / budget: below 1.00 meets the target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
