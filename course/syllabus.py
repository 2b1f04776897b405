"""The machine-readable syllabus (``course/syllabus.yml``): modules, exercises, graded cells, seeds."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

import yaml

SEED_FILES = ("000_1480d155a4fd848c.txt", "004_adb09504beccefe3.txt")
ASKS = ("decision", "implementation")


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    kind: str  # "autograded" or "manual"
    objective: str
    solution_cells: tuple[str, ...]
    graded_cells: dict[str, float]
    seeds: tuple[str, ...]
    # What an autograded exercise asks of the learner (COURSE_GUIDE §9): "decision" (a choice a practitioner
    # makes, checked against a reference computed on fresh data) or "implementation". None for manual ones.
    asks: str | None = None

    @property
    def points(self) -> float:
        return float(sum(self.graded_cells.values()))


@dataclass(frozen=True)
class Notebook:
    """One notebook of a module (an nbgrader assignment may hold several): a learner works through each alone."""
    file: str  # e.g. "05a-deidentification-and-dp.ipynb", under source/<module>/ and release/<module>/
    title: str
    time_budget_s: float  # the key's run time the course allows (tools/bench.py, the contract)
    expected_hours: tuple[float, float]  # a learner's time for this notebook, low and high (README, its first cell)
    exercises: tuple[Exercise, ...] = field(default_factory=tuple)

    @property
    def stem(self) -> str:
        """The name nbgrader gives the notebook (its file name without .ipynb)."""
        return self.file.removesuffix(".ipynb")

    @property
    def autograded(self) -> tuple[Exercise, ...]:
        return tuple(e for e in self.exercises if e.kind == "autograded")

    def holds(self, grade_id: str) -> bool:
        return any(grade_id in e.graded_cells or grade_id in e.solution_cells for e in self.exercises)


@dataclass(frozen=True)
class Module:
    """One nbgrader assignment: one notebook, or several worked in order (``notebooks:`` in the syllabus)."""
    id: str
    title: str
    seeds: tuple[str, ...]
    objectives: tuple[str, ...]
    notebooks: tuple[Notebook, ...] = field(default_factory=tuple)

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        """Every exercise of the module, notebook after notebook."""
        return tuple(e for nb in self.notebooks for e in nb.exercises)

    @property
    def expected_hours(self) -> tuple[float, float]:
        """A learner's time for the whole module: the notebooks' times added up."""
        return (float(sum(nb.expected_hours[0] for nb in self.notebooks)),
                float(sum(nb.expected_hours[1] for nb in self.notebooks)))

    @property
    def autograded(self) -> tuple[Exercise, ...]:
        return tuple(e for e in self.exercises if e.kind == "autograded")

    @property
    def autograded_points(self) -> float:
        return float(sum(e.points for e in self.autograded))

    def exercise_of_cell(self, grade_id: str) -> Exercise:
        for exercise in self.exercises:
            if grade_id in exercise.graded_cells or grade_id in exercise.solution_cells:
                return exercise
        raise KeyError(f"{grade_id!r} belongs to no exercise of {self.id} in course/syllabus.yml")

    def notebook_of_cell(self, grade_id: str) -> Notebook:
        """The notebook that holds a graded or solution cell (by the syllabus)."""
        for notebook in self.notebooks:
            if notebook.holds(grade_id):
                return notebook
        raise KeyError(f"{grade_id!r} belongs to no exercise of {self.id} in course/syllabus.yml")

    def notebook_of_exercise(self, exercise_id: str) -> Notebook:
        for notebook in self.notebooks:
            if any(e.id == exercise_id for e in notebook.exercises):
                return notebook
        raise KeyError(f"{exercise_id!r} is no exercise of {self.id} in course/syllabus.yml")

    def notebook_named(self, name: str) -> Notebook:
        """A notebook by its file name or its stem (nbgrader's notebook id)."""
        for notebook in self.notebooks:
            if name in (notebook.file, notebook.stem):
                return notebook
        raise KeyError(f"{name!r} is no notebook of {self.id} in course/syllabus.yml")


def _exercise(raw: dict) -> Exercise:
    return Exercise(
        id=raw["id"],
        title=raw["title"],
        kind=raw.get("kind", "autograded"),
        objective=raw["objective"],
        solution_cells=tuple(raw.get("solution_cells") or ()),
        graded_cells={str(k): float(v) for k, v in (raw.get("graded_cells") or {}).items()},
        seeds=tuple(raw.get("seeds") or ()),
        asks=raw.get("asks"),
    )


def _notebook(raw: dict, title: str, exercises: list[dict]) -> Notebook:
    return Notebook(
        file=raw["notebook"] if "notebook" in raw else raw["file"],
        title=raw.get("title", title),
        time_budget_s=float(raw.get("time_budget_s", 30)),
        expected_hours=tuple(float(h) for h in raw["expected_hours"]),
        exercises=tuple(_exercise(e) for e in exercises),
    )


def _module(m: dict) -> Module:
    # A module with one notebook names it at the module's level (`notebook:`); a module of several lists them
    # under `notebooks:` (file, title, time budget, hours), and each of its `exercises:` names its `notebook:`.
    if "notebooks" in m:
        if "notebook" in m:
            raise ValueError(f"{m['id']}: give either `notebook:` or `notebooks:`, not both")
        files = [nb["file"] for nb in m["notebooks"]]
        stray = [e["id"] for e in m["exercises"] if e.get("notebook") not in files]
        if stray:
            raise ValueError(f"{m['id']}: exercises {stray} name no notebook of {files} (`notebook:`)")
        notebooks = tuple(_notebook(nb, m["title"], [e for e in m["exercises"] if e["notebook"] == nb["file"]])
                          for nb in m["notebooks"])
    else:
        notebooks = (_notebook(m, m["title"], m["exercises"]),)
    return Module(
        id=m["id"],
        title=m["title"],
        seeds=tuple(m.get("seeds") or ()),
        objectives=tuple(m.get("objectives") or ()),
        notebooks=notebooks,
    )


def load_syllabus(text: str | None = None) -> list[Module]:
    """Parse the syllabus shipped with the package (or ``text``, for tests)."""
    if text is None:
        text = resources.files("course").joinpath("syllabus.yml").read_text(encoding="utf-8")
    return list(_parsed(text))


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> tuple[Module, ...]:
    # PyYAML's pure-Python parser takes about a quarter of a second for the syllabus, and every feedback page
    # reads it: each text is parsed once per process (the modules are frozen, so sharing them is safe)
    return tuple(_module(m) for m in yaml.safe_load(text)["modules"])


def seed_duplicates(text: str | None = None) -> list[frozenset[str]]:
    """Groups of seed questions whose answers are verbatim copies of each other (one answer, cited once)."""
    if text is None:
        text = resources.files("course").joinpath("syllabus.yml").read_text(encoding="utf-8")
    return [frozenset(group) for group in yaml.safe_load(text).get("seed_duplicates") or ()]


def module(module_id: str) -> Module:
    for m in load_syllabus():
        if m.id == module_id:
            return m
    raise KeyError(f"module {module_id!r} is not in course/syllabus.yml")
