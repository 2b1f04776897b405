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


class Judge(Endpoint):
    def get(self, name: str):
        """The student's global ``name``, as a test cell in the judge kernel reads it (`StudentNames`)."""
        found, value = self.lookup(name)
        if not found:
            raise NameError(f"name {name!r} is not defined in the student's notebook")
        return value


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

    class Odd(Exception):
        pass

    def odd():
        raise Odd("strange")

    def draw():
        return float(np.random.random()), random.random()

    def reseed():
        np.random.seed(7)

    def peek(spy):
        # a hostile student goes past the proxy and asks the judge for a private attribute directly
        try:
            return object.__getattribute__(spy, "_endpoint").attr(object.__getattribute__(spy, "_ref"), "__dict__")
        except AttributeError as refused:
            return f"refused: {refused}"

    def clone_it(model):
        from sklearn.base import clone

        return clone(model)

    def auc_of(y, s):
        return roc_auc_score(y, s)

    def fit_in_place(model, X, y):
        return model.fit(X, y)  # sklearn's fit returns the model itself

    def copy_of(xs):
        return list(xs)

    stash = []

    def remember(store):
        stash.append(store)  # a cache the function keeps between calls

    def touch_remembered():
        stash[-1]["touched"] = stash[-1].get("touched", 0) + 1

    import random
    from sklearn.metrics import roc_auc_score

    namespace = {"mean": mean, "fit_twice": fit_twice, "drop_first": drop_first, "append_in_place": append_in_place,
                 "closure": closure, "forge": forge, "boom": boom, "cheat": AlwaysEqual(), "answer": np.arange(3), "odd": odd,
                 "draw": draw, "reseed": reseed, "peek": peek, "clone_it": clone_it, "np": np, "pd": pd,
                 "roc_auc_score": roc_auc_score, "auc_of": auc_of, "fit_in_place": fit_in_place, "copy_of": copy_of,
                 "remember": remember, "touch_remembered": touch_remembered,
                 "sum": lambda xs: 0}
    here, there = Pipe()
    student = Endpoint(there, namespace)
    thread = threading.Thread(target=student.serve, daemon=True)
    thread.start()
    yield Judge(here, judge=True)
    here.close()
    thread.join(timeout=5)


def test_values_cross_by_value_and_functions_run_where_they_were_defined(judge):
    assert np.array_equal(judge.get("answer"), np.arange(3)) and type(judge.get("answer")) is np.ndarray
    mean = judge.get("mean")
    assert mean([1, 2, 3]) == 2.0 and type(mean([1, 2])) is float
    assert judge.get("closure")()() == 42  # a function a student function returns is a proxy too


def test_a_student_object_and_a_missing_name_reach_the_test_as_failures(judge):
    cheat = judge.get("cheat")  # an object of the student's own class is a proxy, never a value ...
    with pytest.raises(Refused, match="AlwaysEqual .*is an object, not a value a test can compare"):
        assert cheat == 42  # ... so the always-equal trick fails where the test compares
    with pytest.raises(NameError, match="name 'nope' is not defined in the student's notebook"):
        judge.get("nope")
    assert judge.lookup("nope") == (False, None)
    with pytest.raises(ValueError) as raised:  # a built-in exception arrives as itself: `except ValueError` works
        judge.get("boom")()
    # ... with the learner's function, never its message (it could spell out the hidden inputs)
    assert "raised by your code" in str(raised.value) and "no" not in str(raised.value).split()
    with pytest.raises(RemoteError, match="^Odd raised by your code") as raised:  # a student's class never crosses
        judge.get("odd")()
    assert "strange" not in str(raised.value)


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
    with pytest.raises(AttributeError, match="raised by your code"):  # the proxy refused the write
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


def test_a_model_fitted_by_the_function_is_the_callers_own_fitted_model(judge):
    """A function that fits the estimator it was handed changes the caller's object, and returning it returns
    that object: a test for "fit a clone, leave mine alone" sees what one kernel would show."""
    from sklearn.linear_model import LinearRegression

    model = LinearRegression()
    X, y = np.arange(6.0).reshape(-1, 1), 1.0 + 2.0 * np.arange(6.0)
    got = judge.get("fit_in_place")(model, X, y)
    assert got is model
    assert hasattr(model, "coef_") and abs(model.coef_[0] - 2.0) < 1e-9
    xs = [1, 2]
    again = judge.get("copy_of")(xs)
    assert again == xs and again is not xs


def test_a_container_handed_in_keeps_one_identity_until_the_test_cell_ends(judge):
    store = {}
    judge.get("remember")(store)
    judge.get("touch_remembered")()
    judge.get("touch_remembered")()
    assert store == {"touched": 2}  # within a cell: the function's kept copy is the test's dict
    judge.after_cell()  # what the judge kernel does after every cell
    judge.get("touch_remembered")()
    assert store == {"touched": 2}  # the next cell's calls no longer write back into it


def test_a_scripted_model_handed_in_calls_back_into_the_judge_at_any_depth(judge):
    seen = []

    class Model:
        calls = "read by the student"

        def fit(self, X):
            seen.append(X.shape[0])  # the student's fit_twice calls this, which runs here, in the judge

    assert judge.get("fit_twice")(Model(), np.zeros((4, 1))) == "read by the student"
    assert seen == [4, 2]


def test_the_global_generators_behave_as_in_one_kernel(judge):
    import random

    np.random.seed(3)
    random.seed(3)
    expected = (float(np.random.random()), random.random())
    np.random.seed(3)
    random.seed(3)
    assert judge.get("draw")() == expected  # the test seeded, the student's function drew from that state
    assert float(np.random.random()) != expected[0]  # ... and the draw advanced the test's generator too
    judge.get("reseed")()
    assert np.random.get_state()[1].tolist() == np.random.RandomState(7).get_state()[1].tolist()


def test_library_names_resolve_to_the_judges_own_copies(judge):
    from sklearn.metrics import roc_auc_score

    assert judge.get("np") is np and judge.get("pd") is pd  # modules by name: the judge's, never the student's
    assert judge.get("roc_auc_score") is roc_auc_score  # a reference computed with the student's import is clean


def test_only_public_attributes_of_a_judge_object_can_be_read(judge):
    class Spy:
        _secret = "the key"

    assert judge.get("peek")(Spy()).startswith("refused: __dict__: only public attributes")


def test_a_spy_cloned_by_scikit_learn_is_cloned_in_the_judge(judge):
    from sklearn.base import BaseEstimator

    class Counting(BaseEstimator):
        clones = 0

        def __init__(self, alpha=1.0):
            self.alpha = alpha

        def __sklearn_clone__(self):
            Counting.clones += 1
            return Counting(alpha=self.alpha)

    copy = judge.get("clone_it")(Counting(alpha=2.0))
    assert Counting.clones == 1  # the judge's class counted the clone the student's code asked for
    assert copy.alpha == 2.0
