"""Shared fixtures: one graded batch per assignment per test session, graded offline.

Each assignment's batch holds the key, the blank release, two cheats and every wrong answer of its
catalog, as separate students. The key, blank and cheats are autograded by stock nbgrader into one
gradebook. The catalog is run by tools/catalog_runner.py, which forks the key at the cell a mistake
changes and stops once the rest provably runs as for the key, and scored by nbgrader's own rule; two of
its mistakes (the one it cut shortest and the one it ran longest) are also graded whole by the project's
grader (`autograder grade`, judge kernel and sandbox) into the gradebook, and the contract checks that
both agree (tests/test_contract.py).
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
from tools import catalog_runner, nbgrader_batch, simulated
from course.syllabus import Module, load_syllabus

REPO = Path(__file__).resolve().parent.parent
MODULES = load_syllabus()
CATALOG = "wrong-"  # a mistake as the catalog runner ran it
GRADED = "graded-"  # the same mistake graded whole by autograder grade


def module_params(extra=None):
    """One pytest param per syllabus module, grouped so that xdist keeps a module's tests on one worker."""
    return [pytest.param(m, id=m.id, marks=pytest.mark.xdist_group(m.id)) for m in MODULES]


@dataclass
class Batch:
    module: Module
    course: Path
    results: dict  # per student: success, seconds, log
    scores: dict  # per student: grade_id -> CellScore
    catalog: Path  # the catalog runner's executed notebooks, one per mistake

    @classmethod
    def read(cls, module: Module, course: Path, results: dict, catalog: Path) -> "Batch":
        scores = nbgrader_batch.scores(course, module.id)
        for student, outcome in results.items():
            if student.startswith(CATALOG) and outcome["success"]:
                scores[student] = catalog_runner.scores(catalog / f"{student.removeprefix(CATALOG)}.ipynb")
        return cls(module, course, results, scores, catalog)

    def cross_checked(self) -> list[str]:
        """The mistakes graded both by the catalog runner and, whole, by `autograder grade`."""
        return sorted(s.removeprefix(GRADED) for s in self.results if s.startswith(GRADED))

    def autograded_total(self, student: str) -> float:
        return sum(s.score for s in self.scores[student].values() if not s.needs_manual_grade)

    def autograded_notebook(self, student: str):
        """The student's notebook as graded (outputs included): nbgrader's autograded copy, or the runner's."""
        if student.startswith(CATALOG):
            return simulated.read(self.catalog / f"{student.removeprefix(CATALOG)}.ipynb")
        return simulated.read(self.course / "autograded" / student / self.module.id / self.module.notebook)

    def autograded_cell(self, student: str, grade_id: str):
        """A cell of the student's autograded notebook."""
        return next(c for c in self.autograded_notebook(student).cells if simulated.grade_id(c) == grade_id)

    def generated_release(self) -> Path:
        return self.course / "release" / self.module.id / self.module.notebook


class Batches:
    """Grades each module once per session, even across xdist workers, and keeps every worker busy.

    Two xdist workers may ask for the same module (see shared_run): the first grades it under a file
    lock in their shared directory. A worker that finds a module's batch being graded by the other does not
    wait idle: it grades another batch this session needs that nobody has started (`needed`, from the
    collected tests), and waits only when none is left; then it reads the gradebook and the saved timings.
    """

    needed: list[str] = []  # the modules whose batch the collected tests use (pytest_collection_finish)

    def __init__(self, root: Path):
        self.root = root
        self._done: dict[str, Batch] = {}
        self._failed_here: set[str] = set()

    def get(self, module: Module) -> Batch:
        while module.id not in self._done:
            ready = self._try(module, wait=False)
            if ready is not None:
                self._done[module.id] = ready
            elif not self._grade_another(module):  # nothing left to grade meanwhile: wait for the other worker
                self._done[module.id] = self._try(module, wait=True)
        return self._done[module.id]

    def _grade_another(self, waiting_for: Module) -> bool:
        """Grade one needed batch nobody has started; False when there is none."""
        for other in MODULES:
            if (other.id not in self.needed or other.id in self._done or other.id == waiting_for.id
                    or other.id in self._failed_here or self._finished(other)):
                continue
            try:
                started = self._try(other, wait=False)
            except Exception:  # that module's own tests report it (its -failed.txt), not this one
                self._failed_here.add(other.id)
                return True
            if started is not None:
                self._done[other.id] = started
                return True
        return False

    def _finished(self, module: Module) -> bool:
        return any((self.root / f"{module.id}-{end}").exists() for end in ("results.json", "failed.txt"))

    def _try(self, module: Module, wait: bool) -> Batch | None:
        """The module's batch, graded here if nobody has; None if another worker holds it and ``wait`` is off."""
        saved = self.root / f"{module.id}-results.json"
        failed = self.root / f"{module.id}-failed.txt"
        with open(self.root / f"{module.id}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                return None
            if failed.exists():  # said once: every later test of the module fails at once with the same reason
                raise RuntimeError(failed.read_text())
            if not saved.exists():
                try:
                    return self._grade(module)
                except Exception as exc:
                    failed.write_text(f"{module.id}: grading the contract batch failed: {type(exc).__name__}: {exc}")
                    raise
        return Batch.read(module, self.root / module.id, json.loads(saved.read_text()), self._catalog(module))

    def _catalog(self, module: Module) -> Path:
        return self.root / f"{module.id}-catalog"

    def _grade(self, module: Module) -> Batch:
        course = nbgrader_batch.make_course(self.root / module.id, [module.id], source_root=REPO)
        key = simulated.read(REPO / "source" / module.id / module.notebook)
        blank = simulated.read(course / "release" / module.id / module.notebook)
        wrong = {w.name: w for w in simulated.wrong_answers(module.id, REPO)}
        runner = catalog_runner.run_catalog(
            course / "source" / module.id / module.notebook,
            {name: {"cell": w.cell, "code": w.code, "through": list(w.cascades)} for name, w in wrong.items()},
            [[*e.graded_cells, *e.solution_cells] for e in module.exercises], self._catalog(module),
            timeout_s=20 * module.time_budget_s)  # a guard against endless loops: the key runs beside the mistakes
        contract = {
            # The key carries the prose claims' checking cell: one run proves both the grade and the story.
            "key": prose_claims.with_checking_cell(key, module.id),
            "blank": blank,
            "cheat-always-equal": simulated.cheat(key),
            "cheat-patched-testing": simulated.cheat(key, patch_testing=True),
        }
        for student, nb in contract.items():
            nbgrader_batch.submit(course, student, module.id, {module.notebook: simulated.to_json(nb)})
        # The key, blank and cheats go through stock nbgrader, network off: the real tool decides the contract.
        results = nbgrader_batch.autograde(course, module.id, sorted(contract), offline=True)
        catalog = catalog_runner.collect(runner, self._catalog(module), sorted(wrong))
        if not catalog[catalog_runner.KEY]["success"]:
            raise RuntimeError(f"{module.id}: the catalog runner's run of the key failed: "
                               f"{catalog[catalog_runner.KEY]['error']}")
        lost = {g: s for g, s in catalog_runner.scores(self._catalog(module) / "key.ipynb").items()
                if not s.needs_manual_grade and s.score < s.max_score}
        if lost:
            raise RuntimeError(f"{module.id}: the catalog runner's run of the key loses points in {sorted(lost)}: "
                               "the runner no longer executes cells as a kernel does")
        results.update({CATALOG + name: outcome for name, outcome in catalog.items() if name in wrong})
        # The mistake the runner cut shortest and the one it ran longest, graded whole by the grader.
        ran = sorted((catalog[name].get("ran_cells", 0), name) for name in wrong if catalog[name]["success"])
        checked = sorted({ran[0][1], ran[-1][1]}) if ran else []
        for name in checked:
            nbgrader_batch.submit(course, GRADED + name, module.id,
                                  {module.notebook: simulated.to_json(simulated.with_cell(key, wrong[name].cell,
                                                                                           wrong[name].code))})
        results.update(grade_in_parallel(course, module.id, [GRADED + name for name in checked]))
        (self.root / f"{module.id}-results.json").write_text(json.dumps(results, indent=1))
        return Batch.read(module, course, results, self._catalog(module))


def grade_in_parallel(course: Path, assignment: str, students: list[str]) -> dict[str, dict]:
    """`autograder grade` on ``students`` into the course's gradebook; results shaped like nbgrader_batch's."""
    if not students:
        return {}
    outcomes = batch.main(assignment=assignment, course=course, students=students, workers=2, progress=False,
                          feedback=False, report=False, exports=False)
    return {o.student: {"success": o.status == "graded", "seconds": o.seconds, "log": o.reason,
                        "error": "" if o.status == "graded" else o.reason} for o in outcomes}


def pytest_collection_finish(session):
    """Which modules' batches this session's tests use: a waiting worker grades only those meanwhile."""
    used = {item.callspec.params["module"].id for item in session.items
            if "batches" in getattr(item, "fixturenames", ()) and hasattr(item, "callspec")
            and isinstance(item.callspec.params.get("module"), Module)}
    Batches.needed = [m.id for m in MODULES if m.id in used]


@pytest.fixture(scope="session")
def batches(tmp_path_factory) -> Batches:
    shared = shared_run.shared_root(tmp_path_factory) / "contract"
    shared.mkdir(exist_ok=True)
    return Batches(shared)
