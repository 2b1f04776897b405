"""Shared fixtures: one nbgrader batch per assignment per test session, graded offline.

Each assignment's batch holds the key, the blank release, two cheats and every wrong answer of its
catalog, as separate students, in one gradebook: the key, blank and cheats are autograded by stock
nbgrader, the catalog by the project's own parallel grader (`autograder grade`); every contract test
reads its scores from that one gradebook.
"""
from __future__ import annotations

import fcntl
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

import prose_claims
import shared_run
from autograder import batch
from tools import nbgrader_batch, simulated
from course.syllabus import Module, load_syllabus

REPO = Path(__file__).resolve().parent.parent
MODULES = load_syllabus()


def module_params(extra=None):
    """One pytest param per syllabus module, grouped so that xdist keeps a module's tests on one worker."""
    return [pytest.param(m, id=m.id, marks=pytest.mark.xdist_group(m.id)) for m in MODULES]


@dataclass
class Batch:
    module: Module
    course: Path
    results: dict  # per student: success, seconds, log
    scores: dict  # per student: grade_id -> CellScore

    def autograded_total(self, student: str) -> float:
        return sum(s.score for s in self.scores[student].values() if not s.needs_manual_grade)

    def autograded_notebook(self, student: str):
        """The student's notebook as nbgrader left it after autograding (outputs included)."""
        return simulated.read(self.course / "autograded" / student / self.module.id / self.module.notebook)

    def autograded_cell(self, student: str, grade_id: str):
        """A cell of the student's autograded notebook."""
        return next(c for c in self.autograded_notebook(student).cells if simulated.grade_id(c) == grade_id)

    def generated_release(self) -> Path:
        return self.course / "release" / self.module.id / self.module.notebook


class Batches:
    """Grades each module once per session, even across xdist workers.

    Two xdist workers may ask for the same module (see shared_run): the first grades it under a file
    lock in their shared directory, the other waits and reads the gradebook and the saved timings.
    """

    def __init__(self, root: Path):
        self.root = root
        self._done: dict[str, Batch] = {}

    def get(self, module: Module) -> Batch:
        if module.id not in self._done:
            self._done[module.id] = self._shared(module)
        return self._done[module.id]

    def _shared(self, module: Module) -> Batch:
        saved = self.root / f"{module.id}-results.json"
        with open(self.root / f"{module.id}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not saved.exists():
                return self._grade(module)
        course = self.root / module.id
        return Batch(module, course, json.loads(saved.read_text()), nbgrader_batch.scores(course, module.id))

    def _grade(self, module: Module) -> Batch:
        course = nbgrader_batch.make_course(self.root / module.id, [module.id], source_root=REPO)
        key = simulated.read(REPO / "source" / module.id / module.notebook)
        blank = simulated.read(course / "release" / module.id / module.notebook)
        contract = {
            # The key carries the prose claims' checking cell: one run proves both the grade and the story.
            "key": prose_claims.with_checking_cell(key, module.id),
            "blank": blank,
            "cheat-always-equal": simulated.cheat(key),
            "cheat-patched-testing": simulated.cheat(key, patch_testing=True),
        }
        wrong = {f"wrong-{w.name}": simulated.with_cell(key, w.cell, w.code)
                 for w in simulated.wrong_answers(module.id, REPO)}
        for student, nb in {**contract, **wrong}.items():
            nbgrader_batch.submit(course, student, module.id, {module.notebook: simulated.to_json(nb)})
        # The key, blank and cheats go through stock nbgrader, network off: the real tool decides the contract.
        results = nbgrader_batch.autograde(course, module.id, sorted(contract), offline=True)
        # The catalog goes through the project's own parallel grader (sandboxed, no network, warm kernels),
        # whose gradebook rows equal nbgrader's (tests/test_grader_equivalence.py): the same verdicts, faster.
        results.update(grade_in_parallel(course, module.id, sorted(wrong)))
        (self.root / f"{module.id}-results.json").write_text(json.dumps(results, indent=1))
        return Batch(module, course, results, nbgrader_batch.scores(course, module.id))


def grade_in_parallel(course: Path, assignment: str, students: list[str]) -> dict[str, dict]:
    """`autograder grade` on ``students`` into the course's gradebook; results shaped like nbgrader_batch's."""
    if not students:
        return {}
    outcomes = batch.main(assignment=assignment, course=course, students=students, workers=2, progress=False,
                          feedback=False, report=False, exports=False)
    return {o.student: {"success": o.status == "graded", "seconds": o.seconds, "log": o.reason,
                        "error": "" if o.status == "graded" else o.reason} for o in outcomes}


@pytest.fixture(scope="session")
def batches(tmp_path_factory) -> Batches:
    shared = shared_run.shared_root(tmp_path_factory) / "contract"
    shared.mkdir(exist_ok=True)
    return Batches(shared)
