"""course.properties: what hidden tests share to explore a task's domain (COURSE_GUIDE §3)."""
from __future__ import annotations

import re
import sys
import types

import numpy as np
import pytest
from hypothesis import strategies as st

from course import notebooks
from course.syllabus import load_syllabus
from course.properties import Counterexample, RecordedGenerator, explore, forbidden, record_calls, shown


def test_a_correct_function_passes_every_example():
    seen = []

    def agrees(xs):
        seen.append(xs)
        assert sorted(xs) == sorted(xs, reverse=True)[::-1], "sorting is its own check"

    explore(agrees, xs=st.lists(st.integers()), max_examples=25)
    assert 1 < len(seen) <= 26


def test_a_failure_reports_the_message_and_the_smallest_input():
    def no_negatives(xs):
        assert all(x >= 0 for x in xs), f"expected no negative value, got {min(xs)}: the rule is x >= 0"

    with pytest.raises(Counterexample) as caught:
        explore(no_negatives, xs=st.lists(st.integers(-100, 100)))
    message = str(caught.value)
    assert message.startswith("expected no negative value, got -1: the rule is x >= 0"), message
    assert "xs = [-1]" in message, message  # shrunk to the minimal list


def test_the_same_examples_on_every_run():
    runs = []
    for _ in range(2):
        seen = []
        explore(lambda x: seen.append(x), x=st.floats(allow_nan=True), max_examples=20)
        runs.append(seen)
    assert [repr(x) for x in runs[0]] == [repr(x) for x in runs[1]]  # repr: NaN equals itself, -0.0 differs from 0.0


def test_no_example_database_is_written_beside_a_submission(tmp_path, monkeypatch):
    """hypothesis's default database is a `.hypothesis` folder in the working directory: a grade must leave none."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Counterexample):
        explore(lambda x: None if x < 3 else 1 / 0, x=st.integers(0, 10), max_examples=20)
    assert not list(tmp_path.iterdir())


HYPOTHESIS_OUTSIDE_EXPLORE = re.compile(r"@given|\bgiven\(|\bsettings\(|\bfind\(|\.example\(|@seed\b|register_random")


@pytest.mark.parametrize("module", load_syllabus(), ids=lambda m: m.id)
def test_the_notebooks_reach_hypothesis_only_through_explore(module):
    """explore's settings (derandomized, no database, no deadline) are the only ones a hidden test runs under."""
    for cell in (c for part in module.notebooks for c in notebooks.read(
            notebooks.course_notebook("source", module, part)).cells):
        if cell.cell_type == "code" and "hypothesis" in cell.source:
            found = HYPOTHESIS_OUTSIDE_EXPLORE.search(cell.source)
            assert not found, f"{module.id} {notebooks.grade_id(cell)}: {found.group(0)} runs hypothesis outside explore"


def test_an_exception_from_the_learners_code_is_named_by_its_type_only():
    def leaky(x):
        raise ValueError(f"the hidden input was {x!r}")

    with pytest.raises(Counterexample) as caught:
        explore(leaky, x=st.integers())
    assert "ValueError" in str(caught.value) and "hidden input was" not in str(caught.value)


def test_a_stub_reads_as_not_attempted():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(Counterexample, match="Not attempted yet"):
        explore(stub, x=st.integers())


def test_a_function_that_answers_differently_twice_is_told_so():
    seen = set()

    def stateful(x):
        first = x not in seen
        seen.add(x)
        assert not first, "fails only the first time it sees a value"

    with pytest.raises(Counterexample, match="different answers for the same input"):
        explore(stateful, x=st.integers())


def test_shown_marks_a_non_contiguous_array_and_cuts_long_values():
    a = np.arange(12.0).reshape(3, 4)[:, ::2]
    assert "not C-contiguous" in shown(a)
    assert len(shown(list(range(10_000)))) <= 600


def test_a_recorded_generator_draws_as_default_rng_and_keeps_every_draw():
    rng = RecordedGenerator(7)
    got = rng.laplace(0.0, 2.0, size=3)
    assert np.array_equal(got, np.random.default_rng(7).laplace(0.0, 2.0, size=3))
    (draw,) = rng.drawn("laplace")
    assert draw.argument("scale", 1) == 2.0 and draw.argument("loc", 0) == 0.0 and draw.value is got
    with pytest.raises(AttributeError, match="draw with one of the generator's methods"):
        rng.bit_generator


def test_forbidden_catches_a_call_through_the_module_and_through_a_global(monkeypatch):
    main = types.ModuleType("__main__")
    from sklearn.metrics import roc_auc_score

    main.roc_auc_score = roc_auc_score
    monkeypatch.setitem(sys.modules, "__main__", main)
    y, s = np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8])

    with pytest.raises(AssertionError, match="called sklearn.metrics.roc_auc_score"):
        with forbidden("sklearn.metrics.roc_auc_score"):
            main.roc_auc_score(y, s)
    import sklearn.metrics

    with pytest.raises(AssertionError, match="asks you to write yourself"):
        with forbidden("sklearn.metrics.roc_auc_score"):
            assert sklearn.metrics.roc_auc_score(y, s) == 1.0  # it still runs: the verdict comes after
    with forbidden("sklearn.metrics.roc_auc_score"):
        float(np.mean(s))  # not calling it passes
    assert main.roc_auc_score is roc_auc_score and sklearn.metrics.roc_auc_score is roc_auc_score


def test_record_calls_restores_the_routines_even_when_the_code_fails():
    import sklearn.metrics

    original = sklearn.metrics.roc_auc_score
    with pytest.raises(ZeroDivisionError):
        with record_calls(["sklearn.metrics.roc_auc_score"]):
            1 / 0
    assert sklearn.metrics.roc_auc_score is original
