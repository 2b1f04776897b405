"""The machine-readable syllabus (``course/syllabus.yml``): modules, exercises, graded cells, seeds."""
from __future__ import annotations

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
class Module:
    id: str
    title: str
    notebook: str
    time_budget_s: float
    expected_hours: tuple[float, float]  # a learner's time for the whole module, low and high (README, notebook)
    seeds: tuple[str, ...]
    objectives: tuple[str, ...]
    exercises: tuple[Exercise, ...] = field(default_factory=tuple)

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


def load_syllabus(text: str | None = None) -> list[Module]:
    """Parse the syllabus shipped with the package (or ``text``, for tests)."""
    if text is None:
        text = resources.files("course").joinpath("syllabus.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return [
        Module(
            id=m["id"],
            title=m["title"],
            notebook=m["notebook"],
            time_budget_s=float(m.get("time_budget_s", 30)),
            expected_hours=tuple(float(h) for h in m["expected_hours"]),
            seeds=tuple(m.get("seeds") or ()),
            objectives=tuple(m.get("objectives") or ()),
            exercises=tuple(_exercise(e) for e in m["exercises"]),
        )
        for m in data["modules"]
    ]


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
