"""Proxies both ways over one byte pipe: a judge Endpoint in the test, a student Endpoint serving in a thread."""
from __future__ import annotations

import threading
from multiprocessing import Pipe

import numpy as np
import pandas as pd
import pytest

from autograder.judge.proxies import Endpoint, RemoteError
from autograder.judge.values import Refused


class AlwaysEqual:
    def __eq__(self, other):
        return True


@pytest.fixture
def judge():
    """The student's namespace, as their notebook left it, served on the far end of a pipe."""
    def mean(xs):
        return sum(xs) / len(xs)

    def fit_twice(model, X):
        model.fit(X)
        model.fit(X[:2])
        return model.calls

    def drop_first(frame):
        frame.loc[frame.index[0], "a"] = 0  # mutates its input: the test must see it
        frame["seen"] = 1
        return len(frame)

    def append_in_place(xs):
        xs.append(99)
        xs[0] = -1

    def closure():
        return lambda: 42

    def forge(spy):
        spy.calls = []  # a student trying to edit what the judge's spy recorded

    def boom():
        raise ValueError("no\nsecond line")

    namespace = {"mean": mean, "fit_twice": fit_twice, "drop_first": drop_first, "append_in_place": append_in_place,
                 "closure": closure, "forge": forge, "boom": boom, "cheat": AlwaysEqual(), "answer": np.arange(3),
                 "sum": lambda xs: 0}
    here, there = Pipe()
    student = Endpoint(there, namespace)
    thread = threading.Thread(target=student.serve, daemon=True)
    thread.start()
    yield Endpoint(here, judge=True)
    here.close()
    thread.join(timeout=5)


def test_values_cross_by_value_and_functions_run_where_they_were_defined(judge):
    assert np.array_equal(judge.get("answer"), np.arange(3)) and type(judge.get("answer")) is np.ndarray
    mean = judge.get("mean")
    assert mean([1, 2, 3]) == 2.0 and type(mean([1, 2])) is float
    assert judge.get("closure")()() == 42  # a function a student function returns is a proxy too


def test_a_student_object_and_a_missing_name_reach_the_test_as_failures(judge):
    with pytest.raises(Refused, match="AlwaysEqual"):
        judge.get("cheat")
    with pytest.raises(RemoteError, match="name 'nope' is not defined in the student's notebook"):
        judge.get("nope")
    with pytest.raises(RemoteError, match="^ValueError: no$"):
        judge.get("boom")()


def test_a_spy_handed_in_stays_in_the_judge_and_is_called_back(judge):
    class Spy:
        def __init__(self):
            self.calls = []

        def fit(self, X):
            self.calls.append(len(X))
            return self

    spy = Spy()
    assert judge.get("fit_twice")(spy, np.zeros((5, 2))) == [5, 2]  # the student read spy.calls by reference
    assert spy.calls == [5, 2]
    with pytest.raises(RemoteError, match="cannot be changed"):
        judge.get("forge")(spy)
    assert spy.calls == [5, 2]


def test_a_function_that_mutates_its_input_is_seen_doing_so(judge):
    frame = pd.DataFrame({"a": [1, 2, 3]}, index=[7, 8, 9])
    assert judge.get("drop_first")(frame) == 3
    assert list(frame.columns) == ["a", "seen"] and frame.index.tolist() == [7, 8, 9]
    assert frame["a"].tolist() == [0, 2, 3] and frame["seen"].tolist() == [1, 1, 1]
    xs = [1, 2]
    judge.get("append_in_place")(xs)
    assert xs == [-1, 2, 99]


def test_a_scripted_model_handed_in_calls_back_into_the_judge_at_any_depth(judge):
    seen = []

    class Model:
        calls = "read by the student"

        def fit(self, X):
            seen.append(X.shape[0])  # the student's fit_twice calls this, which runs here, in the judge

    assert judge.get("fit_twice")(Model(), np.zeros((4, 1))) == "read by the student"
    assert seen == [4, 2]
