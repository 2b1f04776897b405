"""`autograder grade` records what `nbgrader autograde` records: one class graded both ways, cell by cell."""
from __future__ import annotations

import pytest

from autograder import batch
from tools import nbgrader_batch, simulated

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

ASSIGNMENT = "01-data-quality"


def small_class(course) -> list[str]:
    """The key, the blank release, half done, a catalogued mistake and an always-equal cheat."""
    return simulated.simulated_class(course, ASSIGNMENT, partial_attempts=(3,), mistakes=slice(1))


def test_same_scores_as_stock_nbgrader(tmp_path):
    stock = nbgrader_batch.make_course(tmp_path / "stock", [ASSIGNMENT])
    ours = nbgrader_batch.make_course(tmp_path / "ours", [ASSIGNMENT])
    students = small_class(stock)
    assert small_class(ours) == students
    results = nbgrader_batch.autograde(stock, ASSIGNMENT, students)
    assert all(r["success"] for r in results.values()), results
    outcomes = batch.main(assignment=ASSIGNMENT, course=ours, workers=2, progress=False, feedback=False,
                          report=False)
    assert [o.status for o in outcomes] == ["graded"] * len(students), [o.reason for o in outcomes]
    expected, got = nbgrader_batch.scores(stock, ASSIGNMENT), nbgrader_batch.scores(ours, ASSIGNMENT)
    assert got == expected
    assert 0 < sum(s.score for s in got["partial-3"].values()) < sum(s.score for s in got["key"].values())
    # The autograded notebooks differ only where the sandbox shows (paths), never in grade metadata.
    for student in students:
        path = f"autograded/{student}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        a, b = simulated.read(stock / path), simulated.read(ours / path)
        assert [c.metadata.get("nbgrader") for c in a.cells] == [c.metadata.get("nbgrader") for c in b.cells]
