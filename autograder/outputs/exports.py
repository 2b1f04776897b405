"""grades.csv (one row per student, with the reason and the versions) and canvas.csv (from the gradebook)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from autograder import coursedir
from autograder.outputs.canvas import CanvasExportPlugin


def main(*, assignment: str, course: Path, outcomes: list, config=None) -> dict[str, Path]:
    """Write exports/<assignment>/grades.csv and canvas.csv; returns their paths."""
    from nbgrader.api import Gradebook

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
    directory = coursedir.coursedir(config if config is not None else coursedir.load_config(Path(course)))
    with Gradebook(directory.db_url, directory.course_id) as gb:
        CanvasExportPlugin(to=str(canvas), assignment=[assignment]).export(gb)
    return {"grades": grades, "canvas": canvas}
