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
import scheduling
import shared_run
from autograder import batch
from tools import catalog_runner, nbgrader_batch, simulated
from course.syllabus import Module, Notebook, load_syllabus

REPO = Path(__file__).resolve().parent.parent
MODULES = load_syllabus()
CATALOG = "wrong-"  # a mistake as the catalog runner ran it
GRADED = "graded-"  # the same mistake graded whole by autograder grade
# The modules whose shortest early stops tests/test_catalog_runner.py runs to the end (why these two: there).
EARLY_STOPS_RUN_TO_THE_END = ("06-reliable-training", "03-overfitting")
SHORTEST_RUN_TO_THE_END = 3  # per module, those whose stop followed a global RNG stream first
MISSING = "missing-notebook"  # a module of several notebooks: the first one's key alone, graded by autograder grade


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
                # A student's scores: the mistake's notebook as the runner ran it, the module's other notebooks
                # as the key (the student submitted the key there).
                scores[student] = {}
                for part in module.notebooks:
                    ran = student.removeprefix(CATALOG) if part.file == outcome["notebook"] else catalog_runner.KEY
                    scores[student].update(catalog_runner.scores(catalog_dir(module, catalog, part) / f"{ran}.ipynb"))
        return cls(module, course, results, scores, catalog)

    def part(self, notebook: Notebook | str | None = None) -> Notebook:
        """``notebook`` (or its file name); None means the module's only notebook."""
        if notebook is None:
            if len(self.module.notebooks) > 1:
                raise ValueError(f"{self.module.id} has {len(self.module.notebooks)} notebooks: name one")
            return self.module.notebooks[0]
        return self.module.notebook_named(notebook) if isinstance(notebook, str) else notebook

    def cross_checked(self) -> list[str]:
        """The mistakes graded both by the catalog runner and, whole, by `autograder grade`."""
        return sorted(s.removeprefix(GRADED) for s in self.results if s.startswith(GRADED))

    def autograded_total(self, student: str) -> float:
        return sum(s.score for s in self.scores[student].values() if not s.needs_manual_grade)

    def autograded_notebook(self, student: str, notebook: Notebook | str | None = None):
        """The student's notebook as graded (outputs included): nbgrader's autograded copy, or the runner's."""
        part = self.part(notebook)
        if student.startswith(CATALOG):
            mine = self.results[student].get("notebook") == part.file
            ran = student.removeprefix(CATALOG) if mine else catalog_runner.KEY
            return simulated.read(catalog_dir(self.module, self.catalog, part) / f"{ran}.ipynb")
        return simulated.read(self.course / "autograded" / student / self.module.id / part.file)

    def autograded_cell(self, student: str, grade_id: str):
        """A cell of the student's autograded notebook (the one of the module's notebooks that holds it)."""
        notebook = self.autograded_notebook(student, self.module.notebook_of_cell(grade_id))
        return next(c for c in notebook.cells if simulated.grade_id(c) == grade_id)

    def generated_release(self, notebook: Notebook | str | None = None) -> Path:
        return self.course / "release" / self.module.id / self.part(notebook).file


def catalog_dir(module: Module, catalog: Path, part: Notebook) -> Path:
    """Where the catalog runner ran one notebook of a module: one runner per notebook, each in its own folder
    (a module of one notebook keeps the folder itself)."""
    return catalog / part.stem if len(module.notebooks) > 1 else catalog


class Batches:
    """Grades each module once per session, even across xdist workers, and keeps every worker busy.

    Under `make test` a module's tests all run on one worker (tests/scheduling.py); run otherwise, two xdist
    workers may ask for the same module (see shared_run): the first grades it under a file lock in their
    shared directory. A worker that finds a module's batch being graded by the other does not
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
        # A module may be several notebooks of one assignment: every student submits all of them, and each
        # mistake of the catalog runs on the notebook that holds its cell (the key's copy of the others).
        keys = {part.file: simulated.read(REPO / "source" / module.id / part.file) for part in module.notebooks}
        wrong = {w.name: w for w in simulated.wrong_answers(module.id, REPO)}
        runners = {}
        for part in module.notebooks:
            mine = {name: w for name, w in wrong.items() if part.holds(w.cell)}
            runners[part.file] = (mine, catalog_runner.run_catalog(
                course / "source" / module.id / part.file,
                {name: {"cell": w.cell, "code": w.code, "through": list(w.cascades)} for name, w in mine.items()},
                [[*e.graded_cells, *e.solution_cells] for e in part.exercises],
                catalog_dir(module, self._catalog(module), part),
                timeout_s=20 * part.time_budget_s))  # a guard against endless loops: the key runs beside the mistakes
        homeless = sorted(set(wrong) - {name for mine, _ in runners.values() for name in mine})
        if homeless:
            raise RuntimeError(f"{module.id}: wrong answers {homeless} name a cell no notebook of the syllabus holds")
        claims = prose_claims.checked_in([REPO / "source" / module.id / f for f in keys],
                                         prose_claims.load_claims(module.id))
        contract = {
            # The key carries the prose claims' checking cell: one run proves both the grade and the story.
            "key": {f: prose_claims.with_checking_cell(nb, module.id, claims[REPO / "source" / module.id / f])
                    for f, nb in keys.items()},
            "blank": {f: simulated.read(course / "release" / module.id / f) for f in keys},
            "cheat-always-equal": {f: simulated.cheat(nb) for f, nb in keys.items()},
            "cheat-patched-testing": {f: simulated.cheat(nb, patch_testing=True) for f, nb in keys.items()},
        }
        for student, notebooks in contract.items():
            nbgrader_batch.submit(course, student, module.id, {f: simulated.to_json(nb) for f, nb in notebooks.items()})
        # The key, blank and cheats go through stock nbgrader, network off: the real tool decides the contract.
        results = nbgrader_batch.autograde(course, module.id, sorted(contract), offline=True)
        catalog = {}
        for part in module.notebooks:
            mine, runner = runners[part.file]
            out = catalog_dir(module, self._catalog(module), part)
            ran = catalog_runner.collect(runner, out, sorted(mine))
            if not ran[catalog_runner.KEY]["success"]:
                raise RuntimeError(f"{module.id}: the catalog runner's run of the key of {part.file} failed: "
                                   f"{ran[catalog_runner.KEY]['error']}")
            lost = {g: s for g, s in catalog_runner.scores(out / "key.ipynb").items()
                    if not s.needs_manual_grade and s.score < s.max_score}
            if lost:
                raise RuntimeError(f"{module.id}: the catalog runner's run of the key loses points in {sorted(lost)}: "
                                   "the runner no longer executes cells as a kernel does")
            catalog.update({name: {**ran[name], "notebook": part.file} for name in mine})
        results.update({CATALOG + name: outcome for name, outcome in catalog.items()})
        # The mistake the runner ran longest, graded whole by the grader; and the one it cut shortest, unless the
        # module's shortest early stops are run to the end anyway (EARLY_STOPS_RUN_TO_THE_END).
        ran = sorted((catalog[name].get("ran_cells", 0), name) for name in wrong if catalog[name]["success"])
        shortest = [] if module.id in EARLY_STOPS_RUN_TO_THE_END else ran[:1]
        checked = sorted({name for _, name in [*shortest, *ran[-1:]]})
        for name in checked:
            notebooks = dict(keys)
            mistaken = catalog[name]["notebook"]
            notebooks[mistaken] = simulated.with_cell(keys[mistaken], wrong[name].cell, wrong[name].code)
            nbgrader_batch.submit(course, GRADED + name, module.id,
                                  {f: simulated.to_json(nb) for f, nb in notebooks.items()})
        graded = [GRADED + name for name in checked]
        if len(module.notebooks) > 1:  # the first notebook's key alone: graded, the others zero with a reason
            first = module.notebooks[0].file
            nbgrader_batch.submit(course, MISSING, module.id, {first: simulated.to_json(keys[first])})
            graded.append(MISSING)
        results.update(grade_in_parallel(course, module.id, graded))
        (self.root / f"{module.id}-results.json").write_text(json.dumps(results, indent=1))
        return Batch.read(module, course, results, self._catalog(module))


def grade_in_parallel(course: Path, assignment: str, students: list[str]) -> dict[str, dict]:
    """`autograder grade` on ``students`` into the course's gradebook; results shaped like nbgrader_batch's."""
    if not students:
        return {}
    outcomes = batch.main(assignment=assignment, course=course, students=students, workers=2, progress=False,
                          feedback=False, report=False, exports=False)
    return {o.student: {"success": o.status == "graded", "seconds": o.seconds, "log": o.reason, "status": o.status,
                        "error": "" if o.status == "graded" else o.reason} for o in outcomes}


# The contract batches from the costliest to the cheapest, as measured (README, "Tests, CI and benchmarks"):
# 02's mistakes run about 19 later cells each, 03's and 06's follow a stream or a cached function, 04's stop soon.
COSTLIEST_FIRST = ("02-imbalance", "03-overfitting", "06-reliable-training", "05-privacy", "01-data-quality",
                   "04-explainability")


def _by_cost() -> tuple[str, ...]:
    ids = [m.id for m in MODULES]
    return tuple([m for m in COSTLIEST_FIRST if m in ids] + [m for m in ids if m not in COSTLIEST_FIRST])


def pytest_collection_modifyitems(session, config, items):
    """Each scope's tests together, the module batches first, costliest first (see scheduling.py)."""
    items[:] = scheduling.order(items, _by_cost())


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadscope`: a module's tests on the worker that grades its batch, a file's tests together."""
    if config.getoption("dist") != "loadscope":
        return None
    config.option.loadscopereorder = False  # xdist would put the scopes with the most tests first, not ours
    scheduling.ScopeScheduling.modules = tuple(m.id for m in MODULES)
    return scheduling.ScopeScheduling(config, log)


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
