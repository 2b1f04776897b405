"""What the class report computes: per exercise, who attempted it, who passed, how hard it was, how well it
tells stronger from weaker students, and the commonest failure messages.

Attempted: an exercise whose solution cells all still hold the release's stub (or a blank notebook)
was not attempted; its zero says nothing about what the class understood, so it counts apart from a
wrong answer. Facility and discrimination are Moodle's quiz statistics (question/classes/statistics/
questions/calculator.php): facility = 100 × mean mark / max mark over every submission; discrimination
= 100 × cov(mark, rest) / sqrt(var(mark) × var(rest)), where rest is the student's total on every other
exercise (the item-rest correlation), undefined when either variance is 0.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autograder import coursedir
from autograder.outputs.exercises import Exercise, exercises
from autograder.outputs.gradebook import Submission

EXAMPLES = 3  # students named per failure message


@dataclass
class Cluster:
    message: str  # one student's message, as they saw it
    count: int = 0
    students: list[str] = field(default_factory=list)


@dataclass
class ExerciseStats:
    exercise: Exercise
    points: float
    submissions: int
    attempted: int
    passed: int  # attempted and full marks (autograded); graded (manual)
    pending: int = 0  # manual only: awaiting a grader
    facility: float | None = None
    discrimination: float | None = None
    clusters: list[Cluster] = field(default_factory=list)
    not_attempted_by: list[str] = field(default_factory=list)
    failed_by: list[str] = field(default_factory=list)

    @property
    def attempted_share(self) -> float:
        return self.attempted / self.submissions if self.submissions else 0.0

    @property
    def pass_share(self) -> float | None:
        """Share of attempts that passed (autograded), None before anyone attempted."""
        return self.passed / self.attempted if self.attempted else None


def facility(marks: list[float], max_mark: float) -> float | None:
    if not marks or max_mark <= 0:
        return None
    return 100 * (sum(marks) / len(marks)) / max_mark


def discrimination(marks: list[float], rest: list[float]) -> float | None:
    """Moodle's discrimination index: 100 × the Pearson correlation of the item's marks with the rest's."""
    n = len(marks)
    if n < 2:
        return None
    mean_m, mean_r = sum(marks) / n, sum(rest) / n
    cov = sum((m - mean_m) * (r - mean_r) for m, r in zip(marks, rest)) / (n - 1)
    var_m = sum((m - mean_m) ** 2 for m in marks) / (n - 1)
    var_r = sum((r - mean_r) ** 2 for r in rest) / (n - 1)
    if var_m * var_r <= 0:
        return None
    return 100 * cov / math.sqrt(var_m * var_r)


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.I)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def message_key(message: str) -> str:
    """Messages that differ only in numbers or quoted values (a student's own data) fall in one cluster."""
    return " ".join(_QUOTED.sub("'…'", _NUMBER.sub("#", message)).split())[:200]


def _sources(path: Path) -> dict[str, tuple[str, str]]:
    """grade_id -> (source, first error message) of every nbgrader cell of a notebook."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return {}
    found = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not grade_id:
            continue
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        message = ""
        if error is not None:
            evalue = (error.get("evalue") or "").strip().splitlines()
            message = f"{error.get('ename', 'Error')}: {evalue[0] if evalue else ''}".strip()
        found[grade_id] = (cell.source, message)
    return found


def _solution_cells(exercise: Exercise, order: list[str], release: dict[str, tuple[str, str]]) -> list[str]:
    """The solution cells a learner writes for ``exercise``: the syllabus's, else those just above its tests."""
    for e in module_exercises(exercise):
        return list(e.solution_cells) or list(e.graded_cells)
    if exercise.manual:
        return list(exercise.cells)
    first = order.index(exercise.cells[0]) if exercise.cells[0] in order else 0
    above = []
    for name in reversed(order[:first]):
        if name in release and name not in exercise.cells and _is_stub(release[name][0]):
            above.append(name)
        elif above:
            break
    return list(reversed(above))


def module_exercises(exercise: Exercise):
    """The syllabus's exercise of that id (none for an assignment the syllabus does not know)."""
    try:
        from course.syllabus import load_syllabus
    except ImportError:
        return
    for m in load_syllabus():
        for e in m.exercises:
            if e.id == exercise.key:
                yield e


def _is_stub(source: str) -> bool:
    return "NotImplementedError" in source or "YOUR CODE HERE" in source or "YOUR ANSWER HERE" in source


def analyse(config, assignment: str, rows: list[Submission]) -> list[ExerciseStats]:
    """Per-exercise statistics of ``assignment`` over every submission in ``rows``."""
    if not rows:
        return []
    names = [c.name for c in rows[0].cells]
    manual = {c.name for r in rows for c in r.cells if c.manual}
    found = exercises(assignment, names, manual)
    release_dir = Path(coursedir.format_dir(config, "release_directory", ".", assignment))
    release: dict[str, tuple[str, str]] = {}
    for path in sorted(release_dir.glob("*.ipynb")):
        release.update(_sources(path))
    order = list(release)
    answers = {e.key: _solution_cells(e, order, release) for e in found}
    notebooks = {}
    for row in rows:
        folder = Path(coursedir.format_dir(config, "autograded_directory", row.student, assignment))
        cells: dict[str, tuple[str, str]] = {}
        for path in sorted(folder.glob("*.ipynb")):
            cells.update(_sources(path))
        notebooks[row.student] = cells
    marks = {r.student: {e.key: sum(c.score for c in r.cells if c.name in e.cells) for e in found} for r in rows}
    totals = {s: sum(m.values()) for s, m in marks.items()}
    stats = []
    for e in found:
        points = sum(c.max_score for c in rows[0].cells if c.name in e.cells)
        item = ExerciseStats(exercise=e, points=points, submissions=len(rows), attempted=0, passed=0)
        clusters: dict[str, Cluster] = {}
        for row in rows:
            mine = notebooks[row.student]
            by_cell = {c.name: c for c in row.cells if c.name in e.cells}
            tried = any(name in mine and name in release and mine[name][0].strip() != release[name][0].strip()
                        for name in answers[e.key])
            if not tried:
                item.not_attempted_by.append(row.student)
                continue
            item.attempted += 1
            if e.manual:
                if any(c.pending for c in by_cell.values()):
                    item.pending += 1
                else:
                    item.passed += 1
                continue
            if all(c.score >= c.max_score for c in by_cell.values()):
                item.passed += 1
                continue
            item.failed_by.append(row.student)
            for name in e.cells:
                message = mine.get(name, ("", ""))[1]
                if message and by_cell.get(name) is not None and by_cell[name].score < by_cell[name].max_score:
                    cluster = clusters.setdefault(message_key(message), Cluster(message))
                    if row.student not in cluster.students:  # counted once per student, however many cells
                        cluster.students.append(row.student)
                        cluster.count += 1
        graded = [r.student for r in rows if not e.manual or r.student not in item.not_attempted_by
                  and not any(c.pending for c in r.cells if c.name in e.cells)]
        item.facility = facility([marks[s][e.key] for s in graded], points)
        item.discrimination = discrimination([marks[s][e.key] for s in graded],
                                             [totals[s] - marks[s][e.key] for s in graded])
        item.clusters = sorted(clusters.values(), key=lambda c: (-c.count, c.message))
        stats.append(item)
    return stats


def per_student(stats: list[ExerciseStats]) -> dict[str, dict[str, list[str]]]:
    """student -> {"not attempted": [titles], "failed": [titles]}."""
    table: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"not attempted": [], "failed": []})
    for item in stats:
        for student in item.not_attempted_by:
            table[student]["not attempted"].append(item.exercise.title)
        for student in item.failed_by:
            table[student]["failed"].append(item.exercise.title)
    return table
