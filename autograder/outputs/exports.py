"""grades.csv (one row per student, with the reason and the versions) and a Canvas-ready gradebook CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def main(*, assignment: str, course: Path, outcomes: list) -> dict[str, Path]:
    """Write exports/<assignment>/grades.csv and canvas.csv; returns their paths."""
    folder = Path(course) / "exports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    grades = folder / "grades.csv"
    with grades.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "score", "max_score", "needs_manual_grade", "status", "reason",
                         "seconds", "graded_at", "worker", "sandbox", "versions"])
        for o in outcomes:
            writer.writerow([o.student, assignment, f"{o.score:g}", f"{o.max_score:g}", o.needs_manual, o.status,
                             o.reason, f"{o.seconds:.1f}", o.graded_at, o.worker, o.sandbox,
                             json.dumps(o.versions, sort_keys=True)])
    canvas = folder / "canvas.csv"
    column = f"{assignment} ({max((o.max_score for o in outcomes), default=0):g})"
    with canvas.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CANVAS_HEADER, column])
        writer.writerow(["    Points Possible", "", "", "", "", f"{max((o.max_score for o in outcomes), default=0):g}"])
        for o in outcomes:
            writer.writerow([o.student, "", o.student, o.student, "", f"{o.score:g}"])
    return {"grades": grades, "canvas": canvas}
