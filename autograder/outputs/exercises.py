"""Graded cells grouped into the exercises a learner and an instructor name (course/syllabus.yml).

An assignment the syllabus does not know (a course's own) gets one exercise per graded cell, titled by
its grade_id, so every output still works.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    key: str  # a column name: the syllabus id, else the grade_id
    title: str
    objective: str
    cells: tuple[str, ...]  # grade_ids of its graded cells, in notebook order
    manual: bool  # a free response graded by hand


def exercises(assignment: str, cells: list[str], manual: set[str]) -> list[Exercise]:
    """The exercises of ``assignment`` covering ``cells`` (grade_ids in notebook order)."""
    try:
        from course.syllabus import module

        known = module(assignment).exercises
    except (ImportError, KeyError):
        known = ()
    found: dict[str, Exercise] = {}
    for name in cells:
        owner = next((e for e in known if name in e.graded_cells), None)
        if owner is None:
            found[name] = Exercise(name, name, "", (name,), name in manual)
        elif owner.id in found:
            previous = found[owner.id]
            found[owner.id] = Exercise(owner.id, owner.title, owner.objective, (*previous.cells, name),
                                       previous.manual)
        else:
            found[owner.id] = Exercise(owner.id, owner.title, owner.objective, (name,), owner.kind == "manual")
    return list(found.values())
