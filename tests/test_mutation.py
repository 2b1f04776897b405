"""tools/mutation.py: the mutants it makes of an answer key, and the survivors file it trusts."""
from __future__ import annotations

import ast

import pytest

from course.syllabus import load_syllabus
from tools import mutation

CELL = '''import numpy as np

def clipped_mean(x, low=0, high=1):
    """Mean of x clipped to [low, high]."""
    ### BEGIN SOLUTION
    if low > high:
        raise ValueError("low must not exceed high")
    y = np.clip(np.asarray(x, dtype=float).copy(), low, high)
    return float(np.mean(y)) if len(y) and True else 0.0
    ### END SOLUTION

def untouched(a):
    return a + 1
'''


def sites(source=CELL):
    return [(s.operator, mutation._splice(source, s)) for s in mutation._sites(ast.parse(source),
                                                                             mutation._solution_lines(source))]


def test_mutants_change_only_the_solution_between_the_markers():
    made = sites()
    assert made, "no mutant made"
    for operator, code in made:
        assert code is not None and code != CELL, operator
        assert code.splitlines()[-1] == "    return a + 1", f"{operator} changed code outside the markers"
        assert '"""Mean of x clipped to [low, high]."""' in code, f"{operator} changed the docstring"
        assert operator == "drop-guard" or '"low must not exceed high"' in code, f"{operator} changed a message"


def test_the_kinds_of_change_a_practitioner_makes():
    operators = {op for op, _ in sites()}
    for expected in ("Gt->GtE", "drop-guard", "drop-copy", ".mean->.median", "And->Or", "True->False"):
        assert expected in operators, (expected, sorted(operators))


def test_a_dropped_guard_and_a_swapped_comparison_read_as_intended():
    made = dict(sites())
    assert "raise ValueError" not in made["drop-guard"] and "    pass\n" in made["drop-guard"]
    assert "if (low >= high):" in made["Gt->GtE"]


def test_a_fixed_sample_spreads_over_the_operators():
    module = load_syllabus()[0]
    first, second = mutation.mutants(module, 5), mutation.mutants(module, 5)
    assert [m.id for m in first] == [m.id for m in second], "the sample must be the same on every run"
    per_exercise = {}
    for m in first:
        per_exercise.setdefault(m.exercise, []).append(m.operator.split("->")[0])
    assert all(len(ops) <= 5 for ops in per_exercise.values())
    assert any(len(set(ops)) > 1 for ops in per_exercise.values())


@pytest.mark.parametrize("module", load_syllabus(), ids=lambda m: m.id)
def test_every_listed_equivalent_mutant_is_still_made_and_says_why(module):
    listed = mutation.equivalents(module.id)  # raises when a reason is missing
    made = {m.id for m in mutation.mutants(module, 0)}
    stale = sorted(set(listed) - made)
    assert not stale, (f"tests/mutation/{module.id}.yml lists mutants the key no longer gives: {stale} "
                       "(re-run python -m tools.mutation and update the file)")


def test_every_solution_cell_gives_mutants():
    for module in load_syllabus():
        per_cell = {m.cell for m in mutation.mutants(module, 0)}
        cells = {c for e in module.autograded for c in e.solution_cells}
        assert len(per_cell) >= len(cells) // 2, f"{module.id}: most solution cells give no mutant"
