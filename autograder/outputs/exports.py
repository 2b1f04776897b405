"""grades.csv (one row per student, one column per exercise) and canvas.csv, both from the gradebook.

Scores come from the gradebook, so a free response graded in formgrader after `autograder grade` is in
both files the next time they are written (`autograder export A`); the ledger adds what the gradebook
cannot say: the status and reason behind a score, the time it took, the versions.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from autograder import coursedir, ledger
from autograder.outputs import files
from autograder.outputs.canvas import CanvasExportPlugin
from autograder.outputs.exercises import exercises
from autograder.outputs.gradebook import open_gradebook, submissions


def folder(course: Path, assignment: str) -> Path:
    return Path(course) / "exports" / assignment


def main(*, assignment: str, course: Path, outcomes: list | None = None, config=None) -> dict[str, Path]:
    """Write exports/<assignment>/grades.csv and canvas.csv from the gradebook; returns their paths."""
    course = Path(course)
    config = config if config is not None else coursedir.read_config(course)
    recorded = {o.student: o for o in (outcomes if outcomes is not None else ledger.read_outcomes(course, assignment))}
    rows = submissions(config, assignment)
    names = [c.name for c in rows[0].cells] if rows else []
    columns = exercises(assignment, names, {c.name for r in rows for c in r.cells if c.manual})
    out = folder(course, assignment)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "assignment", "score", "max_score", "needs_manual_grade", "status", "reason",
                     *(e.key for e in columns), "seconds", "graded_at", "worker", "sandbox", "versions"])
    for row in rows:
        o = recorded.get(row.student)
        by_cell = {c.name: c for c in row.cells}
        per_exercise = []
        for exercise in columns:
            cells = [by_cell[n] for n in exercise.cells if n in by_cell]
            # A free response nobody graded yet has no score: blank, not 0 (needs_manual_grade says why).
            per_exercise.append("" if any(c.pending for c in cells) else f"{sum(c.score for c in cells):g}")
        reason = o.reason if o is not None and o.reason != "graded" else ""
        writer.writerow([row.student, assignment, f"{row.score:g}", f"{row.max_score:g}", row.pending,
                         o.status if o is not None else "graded", reason, *per_exercise,
                         f"{o.seconds:.1f}" if o is not None else "", o.graded_at if o is not None else "",
                         o.worker if o is not None else "", o.sandbox if o is not None else "",
                         json.dumps(o.versions, sort_keys=True) if o is not None else ""])
    grades = files.write_text(out / "grades.csv", buffer.getvalue())
    canvas = out / "canvas.csv"
    staging = out / f".canvas.csv.{os.getpid()}.tmp"
    try:
        with open_gradebook(config) as gb:
            CanvasExportPlugin(to=str(staging), assignment=[assignment]).export(gb)
        os.replace(staging, canvas)
    finally:
        staging.unlink(missing_ok=True)
    return {"grades": grades, "canvas": canvas}
