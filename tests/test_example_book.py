"""course.properties.ExampleBook: hypothesis's examples recorded for the key and replayed for a learner give
hypothesis's own verdict, message for message, and a book that is not exactly the key's is never trusted."""
from __future__ import annotations

import importlib.util
import math
import random
import re
import unicodedata
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings, strategies as st

import notebook_cells
from autograder.glue import hypothesis_engine
from course import properties
from course.properties import Counterexample, ExampleBook, explore, use_examples

REPO = Path(__file__).resolve().parent.parent
SECRET = b"the grader's secret"


@pytest.fixture(autouse=True)
def no_book_left():
    yield
    use_examples(None)


def verdict(check, book=None, **strategies) -> str:
    """What `explore` says: "pass" or the Counterexample's message (anything else propagates)."""
    previous = use_examples(book)
    try:
        explore(check, **strategies)
        return "pass"
    except Counterexample as error:
        return str(error)
    finally:
        use_examples(previous)


def recorded(check, **strategies) -> ExampleBook:
    book = ExampleBook("record", "source-digest")
    assert verdict(check, book, **strategies) == "pass"
    return book


def replaying(book: ExampleBook, source: str = "source-digest") -> ExampleBook:
    return ExampleBook.loads(book.dumps(SECRET), SECRET, source)


def smallest_two(values):
    return sorted(values)[:2]


LEARNER = {"f": smallest_two}
LISTS = {"values": st.lists(st.integers(-3, 3)), "scale": st.sampled_from([1.0, 2.5])}


def agrees(values, scale):
    expected = sorted(values)[:2]
    got = LEARNER["f"](values)
    assert got == expected, f"expected {expected}, got {got}: the two smallest, in order"


def drops_the_smallest_of_long_lists(values):
    return sorted(values)[:2] if len(values) < 4 else sorted(values)[1:3]


def test_the_keys_examples_replay_to_a_pass_without_drawing():
    book = replaying(recorded(agrees, **LISTS))
    LEARNER["f"] = smallest_two
    assert verdict(agrees, book, **LISTS) == "pass"
    assert list(book.replayed.values()) == ["pass"]


def test_a_failure_on_a_recorded_example_falls_back_and_shrinks_as_hypothesis_does():
    book = replaying(recorded(agrees, **LISTS))
    LEARNER["f"] = drops_the_smallest_of_long_lists
    try:
        plain = verdict(agrees, **LISTS)
        replayed = verdict(agrees, book, **LISTS)
    finally:
        LEARNER["f"] = smallest_two
    assert list(book.replayed.values()) == ["fail"]
    assert replayed == plain
    shown = re.search(r"values = \[(.*)\]", plain).group(1)
    assert len(shown.split(",")) == 4, plain  # shrunk by hypothesis to the shortest list that fails


def test_a_learner_that_fails_once_then_passes_is_reported_flaky():
    book = replaying(recorded(agrees, **LISTS))
    calls = []

    def fails_on_its_third_call(values):
        calls.append(1)
        return [99] if len(calls) == 3 else sorted(values)[:2]

    LEARNER["f"] = fails_on_its_third_call
    try:
        message = verdict(agrees, book, **LISTS)
    finally:
        LEARNER["f"] = smallest_two
    assert message.startswith("your function gave different answers for the same input on two calls"), message
    assert message.endswith("[FlakyFailure]"), message


def test_another_secret_a_changed_byte_or_another_source_is_refused_whole():
    blob = recorded(agrees, **LISTS).dumps(SECRET)
    with pytest.raises(ValueError, match="not signed"):
        ExampleBook.loads(blob, b"a student's guess", "source-digest")
    forged = blob.replace(b'"valid"', b'"invalid"', 1)
    assert forged != blob
    with pytest.raises(ValueError, match="not signed"):
        ExampleBook.loads(forged, SECRET, "source-digest")
    with pytest.raises(ValueError, match="another source notebook"):
        ExampleBook.loads(blob, SECRET, "the digest of an edited source")


@pytest.mark.parametrize("damage", ["validity", "generator state", "truncated pickle", "other check", "other strategy"])
def test_a_book_that_differs_from_this_run_gives_way_to_hypothesis(damage):
    book = replaying(recorded(agrees, **LISTS))
    (key, examples), = book.entries.items()
    data, validity, rng = examples[0]  # the simplest example: the wrong learner passes it
    strategies = dict(LISTS)
    check = agrees
    if damage == "validity":
        examples[0] = (data, "invalid", rng)
    elif damage == "generator state":
        examples[0] = (data, validity, "0" * 16)
    elif damage == "truncated pickle":
        examples[0] = (data[:-3], validity, rng)
    elif damage == "other check":
        def check(values, scale):  # same name, other code
            assert LEARNER["f"](values) == sorted(values)[:2], "changed"
        check.__qualname__ = agrees.__qualname__
    else:
        strategies["scale"] = st.sampled_from([1.0, 3.5])
    LEARNER["f"] = drops_the_smallest_of_long_lists
    try:
        assert verdict(check, book, **strategies) == verdict(check, **strategies)
    finally:
        LEARNER["f"] = smallest_two
    assert list(book.replayed.values()) == ["miss"]


def test_what_cannot_be_replayed_faithfully_is_not_recorded():
    class NotALibrarys:
        pass

    def anything(**example):
        pass

    book = ExampleBook("record")
    use_examples(book)
    explore(anything, thing=st.builds(NotALibrarys))  # an object of the notebook's own
    explore(anything, n=st.integers(), table=st.just([1, 2, 3]))  # one list handed to every call: a mutation carries over
    explore(anything, n=st.integers(), x=st.just(np.zeros(3)).map(lambda a: a[::2]))  # views of one array
    explore(anything, names=st.sets(st.text()))  # iterates in an order the process's hash seed decides
    use_examples(None)
    assert not book.entries
    reasons = list(book.refused.values())
    assert "not a library's" in reasons[0] and reasons[1:3] == ["an object shared between examples"] * 2, reasons
    assert reasons[3] == "Unrecordable: a set", reasons


def test_an_assumption_rejected_for_the_key_is_replayed_as_rejected():
    def positive_only(values, scale):
        assume(sum(values) > 0)
        assert LEARNER["f"](values) == sorted(values)[:2], "the two smallest"

    book = recorded(positive_only, **LISTS)
    (examples,) = book.entries.values()
    assert {validity for _, validity, _ in examples} == {"valid", "invalid"}
    replay = replaying(book)
    assert verdict(positive_only, replay, **LISTS) == "pass"
    assert list(replay.replayed.values()) == ["pass"]


FRAMES = dict(LISTS, frame=st.builds(lambda n: pd.DataFrame({"a": np.arange(n, dtype=float)}), st.integers(0, 4)))


def test_a_replay_hands_the_check_the_examples_hypothesis_drew_each_a_fresh_copy():
    drawn = []

    def mutates(frame, values, scale):  # as a learner's function may: the next example must not see it
        drawn.append((frame.copy(), list(values), scale))
        frame.iloc[:, :] = -1.0
        values.append(99)

    book = recorded(mutates, **FRAMES)
    by_hypothesis = list(drawn)
    replay = replaying(book)
    (key,) = replay.entries
    for _ in range(2):  # twice from the same book: each use loads its own copies
        drawn.clear()
        assert replay.replay(key, mutates, properties.grading_settings()) == "pass"
        assert len(drawn) == len(by_hypothesis) > 10
        for (f1, v1, s1), (f2, v2, s2) in zip(drawn, by_hypothesis):
            assert f1.equals(f2) and v1 == v2 and s1 == s2


def test_without_a_book_explore_is_plain_hypothesis(monkeypatch):
    """The default (stock nbgrader, a learner's kernel): nothing is looked up, recorded or replayed."""
    assert properties._book is None

    def never(*_):
        raise AssertionError("a book was consulted")

    monkeypatch.setattr(ExampleBook, "key", never)
    LEARNER["f"] = drops_the_smallest_of_long_lists
    try:
        first, second = verdict(agrees, **LISTS), verdict(agrees, **LISTS)
    finally:
        LEARNER["f"] = smallest_two
    assert first == second and "Smallest input found that breaks it:" in first, first


def test_a_check_that_needs_hypothesis_context_gives_way_to_hypothesis():
    from hypothesis import note

    def notes(values, scale):
        note(f"values {values}")
        agrees(values, scale)

    book = replaying(recorded(notes, **LISTS))
    assert verdict(notes, book, **LISTS) == "pass"
    assert list(book.replayed.values()) == ["miss"]


# -- the glue's canary: hypothesis still calls a test as `per_example` reproduces ---------------------------
def test_per_example_gives_a_check_the_state_hypothesis_gives_it():
    """Fails after a hypothesis upgrade that changes how it seeds the global generators or sets up a call."""
    inside = []

    @settings(derandomize=True, database=None, max_examples=5)
    @given(st.integers())
    def test(n):
        inside.append((properties._rng_digest(), np.random.random(), random.random(), __import__("sys").getrecursionlimit()))

    np.random.seed(123)
    test()
    after_hypothesis = np.random.get_state()[1][:4].tolist()
    with hypothesis_engine.per_example(properties.grading_settings()):
        replayed = (properties._rng_digest(), np.random.random(), random.random())
        limit = __import__("sys").getrecursionlimit()
    assert np.random.get_state()[1][:4].tolist() == after_hypothesis  # restored, as hypothesis restores it
    assert all(call[:3] == replayed for call in inside), (inside[0], replayed)
    assert limit >= inside[0][3] - 100  # room on the stack as hypothesis gives (its limit is depth-relative)
    with hypothesis_engine.per_example(properties.grading_settings()), \
            pytest.raises(hypothesis_engine.UnsatisfiedAssumption):
        assume(False)  # without a warning: nbgrader zeroes a cell that writes to stderr


# -- on the course's own hidden tests: the key and catalogued wrong answers ---------------------------------
NOTEBOOK = REPO / "source" / "01-data-quality" / "01-data-quality.ipynb"
# caught by the exploration (a counterexample), then one caught by a fixed input before it
WRONG = ["hand_listed_missing", "casefold_not_lower", "hashed_rows_by_hand", "only_columns_with_training_gaps",
         "fraction_not_percent"]


def _catalog():
    spec = importlib.util.spec_from_file_location("wa01", REPO / "tests" / "wrong_answers" / "01-data-quality.py")
    catalog = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalog)
    return {entry["name"]: entry for entry in catalog.WRONG_ANSWERS}


def _explored_cells(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade") and "explore(" in c.source]


def _outcomes(namespace: dict, cells: list[str], book: ExampleBook | None) -> dict[str, str]:
    found = {}
    previous = use_examples(book)
    try:
        for grade_id in cells:
            try:
                exec(notebook_cells.hidden_tests(NOTEBOOK, grade_id), namespace)
                found[grade_id] = "ok"
            except Exception as error:  # noqa: BLE001 - the cell's verdict, as nbgrader would record it
                found[grade_id] = f"{type(error).__name__}: {error}"
    finally:
        use_examples(previous)
    return found


@pytest.mark.slow
def test_the_key_and_catalogued_mistakes_score_and_read_the_same_replayed():
    """01's hidden tests that explore, run plainly and from the key's recorded examples: same verdict and
    message on every cell, for the key and for catalogued wrong answers (which fail on replayed examples)."""
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    cells = _explored_cells(nb)
    solutions = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    from course.datasets.patients import CITY_ALIASES, MISSING_TOKENS

    def key_namespace() -> dict:
        namespace = {"np": np, "pd": pd, "math": math, "re": re, "unicodedata": unicodedata,
                     "CITY_ALIASES": CITY_ALIASES, "MISSING_TOKENS": MISSING_TOKENS}
        exec("from sklearn.linear_model import LogisticRegression\n"
             "from sklearn.model_selection import StratifiedKFold, cross_val_predict\n", namespace)
        for cell in solutions:
            notebook_cells.key_namespace(NOTEBOOK, cell, namespace)
        return namespace

    book = ExampleBook("record", "01")
    key = _outcomes(key_namespace(), cells, book)
    assert set(key.values()) == {"ok"}, key
    assert len(book.entries) == len(cells) and not book.refused, book.refused
    blob = book.dumps(SECRET)
    catalog = _catalog()
    failed_in_replay = 0
    for name in [None, *WRONG]:
        namespace = key_namespace()
        if name:
            exec(catalog[name]["code"], namespace)
        plain = _outcomes(namespace, cells, None)
        replay = ExampleBook.loads(blob, SECRET, "01")
        replayed = _outcomes(namespace, cells, replay)
        assert replayed == plain, name
        lost = {cell for cell, outcome in plain.items() if outcome != "ok"}
        if name:
            assert set(catalog[name]["loses"]) & set(cells) <= lost, (name, lost)
            failed_in_replay += list(replay.replayed.values()).count("fail")
        else:
            assert not lost and set(replay.replayed.values()) == {"pass"}
    assert failed_in_replay == 4  # the mistakes were caught on replayed examples, then shrunk by hypothesis


def test_an_explore_call_is_found_under_any_hash_seed():
    """The key canary's judge and a submission's judge are other processes, with other string hash seeds."""
    import os
    import subprocess
    import sys

    program = ("from hypothesis import strategies as st\n"
               "from course.properties import ExampleBook\n"
               "def check(word):\n"
               "    assert word in {'na', 'n/a', 'null', 'none', '?'}, 'a token'\n"
               "print(ExampleBook('record').key(check, {'word': st.sampled_from(['na', 'x'])}, 60))\n")
    keys = {subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=REPO,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(keys) == 1 and keys != {""}, keys


# -- a generator's results, recorded once per batch ---------------------------------------------------------
CALLS: list[tuple] = []


@properties.recorded
def _table(n: int, seed: int = 0):
    CALLS.append((n, seed))
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x": rng.normal(size=n), "s": [f"r{i}" for i in range(n)]}), rng.random(n)


@properties.recorded
def _two_tables(n: int):
    return _table(n, 1), _table(n, 2)


@properties.recorded
def _global_draw(n: int):
    return np.random.random(n)


def test_a_recorded_function_computes_once_for_the_key_and_each_later_run_gets_a_fresh_equal_copy():
    """Check that the key's run records a generator's result, a replay returns an equal fresh copy without calling
    it, other arguments are computed, and nothing changes without a book"""
    CALLS.clear()
    key = ExampleBook("record", "s")
    use_examples(key)
    made = _table(5, seed=3)
    assert CALLS == [(5, 3)] and len(key.results) == 1
    learner = ExampleBook.loads(key.dumps(SECRET), SECRET, "s")
    use_examples(learner)
    first, second = _table(5, seed=3), _table(5, seed=3)
    assert CALLS == [(5, 3)], "replayed, not computed again"
    pd.testing.assert_frame_equal(first[0], made[0])
    np.testing.assert_array_equal(first[1], made[1])
    assert first[0] is not second[0] and first[1] is not second[1]
    first[0].loc[0, "x"] = 99.0
    assert second[0].loc[0, "x"] == made[0].loc[0, "x"], "each call gets its own copy, as from the function"
    _table(6, seed=3)
    assert CALLS[-1] == (6, 3), "arguments the key never used are computed"
    use_examples(None)
    _table(5, seed=3)
    assert CALLS[-1] == (5, 3)


def test_only_plain_arguments_outermost_calls_and_functions_that_leave_the_generators_alone_are_recorded():
    """Check that a call inside a recorded call is not recorded apart, a function that draws from the global
    generators is refused (a replay would not advance them), and a non-plain argument is never a key"""
    book = ExampleBook("record", "s")
    use_examples(book)
    _two_tables(4)
    assert len(book.results) == 1, "only the outer call"
    _global_draw(3)
    assert len(book.results) == 1 and any("global generators" in why for why in book.refused.values())
    _table(np.int64(4))
    assert len(book.results) == 1, "a numpy integer is not a plain argument"


def test_the_course_generators_a_hidden_test_calls_are_recorded():
    """Check that the data set generators hidden tests call with their own seeds record and replay exactly"""
    from course.datasets.patients import make_review_task

    key = ExampleBook("record", "s")
    use_examples(key)
    made = make_review_task(n=300, seed=601)
    assert len(key.results) == 1
    use_examples(ExampleBook.loads(key.dumps(SECRET), SECRET, "s"))
    for got, want in zip(make_review_task(n=300, seed=601), made):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype
