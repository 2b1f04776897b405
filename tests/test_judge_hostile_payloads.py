"""Forged messages from a student's kernel: the judge decides what it accepts where it receives them.

The student's kernel holds its end of the judge's pipe and can write any bytes to it, so these tests put a
forger there: it answers each request of a judge `Endpoint` with a raw reply written by hand. Every forgery
must fail the one request it answers (the test that made it) with a clear message, and the next request
must be served as usual.
"""
from __future__ import annotations

import json
import threading
import time
from multiprocessing import Pipe

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import FunctionTransformer

from autograder.judge import values
from autograder.judge.proxies import CallTimeout, Endpoint, Remote, RemoteError
from autograder.judge.values import Refused


class Forger:
    """The student's end of the pipe, answering each request with the next scripted raw reply."""

    def __init__(self, conn):
        self.conn = conn

    def answer(self, value: str | None = None, raw: bytes | None = None, **fields) -> None:
        request = json.loads(self.conn.recv_bytes())
        if raw is not None:
            self.conn.send_bytes(raw)
        reply = {"id": request["id"], **fields}
        if value is not None:
            reply["value"] = value
        self.conn.send_bytes(json.dumps(reply).encode())


@pytest.fixture
def pair():
    here, there = Pipe()
    yield Endpoint(here, judge=True), Forger(there)
    here.close()
    there.close()


def forged_lookup(pair, value: str):
    judge, forger = pair
    thread = threading.Thread(target=forger.answer, kwargs={"value": value})
    thread.start()
    try:
        return judge.lookup("model")[1]
    finally:
        thread.join(5)


def honest_lookup_still_works(pair):
    assert forged_lookup(pair, values.dumps([1, 2.5])) == [1, 2.5]


def named(module, qualname, ref=None):
    return json.dumps({"named": [module, qualname, ref]})


@pytest.mark.parametrize("module, qualname", [
    ("builtins", "exec"), ("builtins", "eval"), ("os", "system"),
    ("random", "_os.system"),  # a private attribute of a trusted module
    ("typing", "sys.exit"),  # a hop through another module
    ("numpy", "exec"), ("json", "codecs.open"), ("functools", "reduce.__call__"),
    ("sklearn.metrics", "roc_auc_score"),  # not where the function says it lives: not canonical
    ("numpy", "random.seed"), ("pandas", "read_pickle.__globals__"),
])
def test_a_global_named_as_anything_but_a_canonical_library_function_is_refused(pair, module, qualname):
    with pytest.raises(Refused, match="is not a function or class the test can use by name"):
        forged_lookup(pair, named(module, qualname))
    honest_lookup_still_works(pair)


def test_a_canonical_library_function_read_directly_is_the_judges_own(pair):
    from sklearn.metrics import roc_auc_score

    assert forged_lookup(pair, named("sklearn.metrics._ranking", "roc_auc_score", "s1")) is roc_auc_score
    assert forged_lookup(pair, named("numpy", "log1p")) is np.log1p


@pytest.mark.parametrize("name", ["os", "subprocess", "numpy._core", "builtins", "sys"])
def test_a_module_outside_the_trusted_packages_is_refused(pair, name):
    with pytest.raises(Refused, match="the test must import it itself"):
        forged_lookup(pair, json.dumps({"mod": name}))
    honest_lookup_still_works(pair)


def test_a_builtin_named_inside_an_estimator_arrives_as_a_proxy_of_the_students(pair):
    honest = json.loads(values.dumps(FunctionTransformer(np.log1p), lambda f: "s7", by_reference=True))
    state = honest["est"][2]["dict"]
    for item in state:
        if item[0] == {"s": "func"}:
            item[1] = {"named": ["builtins", "exec", "s7"]}
    got = forged_lookup(pair, json.dumps(honest))
    assert type(got) is FunctionTransformer and type(got.func) is Remote  # runs in the student's kernel, if at all
    # ... and so does a library function nested in a value: no library code runs here with the student's arguments
    state[[i for i, item in enumerate(state) if item[0] == {"s": "func"}][0]][1] = {"named": ["pandas", "read_pickle", "s8"]}
    assert type(forged_lookup(pair, json.dumps(honest)).func) is Remote
    state[[i for i, item in enumerate(state) if item[0] == {"s": "func"}][0]][1] = {"named": ["builtins", "exec", None]}
    with pytest.raises(Refused):
        forged_lookup(pair, json.dumps(honest))


@pytest.mark.parametrize("key", ["predict", "score", "fit", "__class__", "__dict__", "get_params", "classes"])
def test_estimator_state_that_would_shadow_the_class_or_is_no_attribute_of_it_is_refused(pair, key):
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    honest = json.loads(values.dumps(LogisticRegression().fit(X, y), lambda f: "s3", by_reference=True))
    honest["est"][2]["dict"].append([{"s": key}, {"ref": ["s3", "function predict (defined in the notebook)"]}])
    with pytest.raises(Refused, match="would hide the class's own|not a parameter or fitted attribute"):
        forged_lookup(pair, json.dumps(honest))
    honest_lookup_still_works(pair)


@pytest.mark.parametrize("forged, words", [
    ({"red": ["sklearn.linear_model._logistic", "LogisticRegression", {"tuple": []}, {"s": None}]},
     "not a class of the library the judge rebuilds"),
    ({"red": ["sklearn.base", "clone", {"tuple": []}, {"s": None}]}, "not a class of the library the judge rebuilds"),
    ({"red": ["sklearn.tree._tree", "newObj", {"tuple": [{"named": ["sklearn.base", "BaseEstimator", None]}]},
              {"s": None}]}, "not a class of the library the judge rebuilds"),
    ({"est": ["sklearn.utils._bunch", "Bunch", {"dict": []}]}, "not a scikit-learn or imbalanced-learn estimator"),
    ({"est": ["sklearn.linear_model", "LogisticRegression", {"dict": []}]}, "not a scikit-learn"),  # not canonical
    ({"est": ["os", "system", {"dict": []}]}, "not a scikit-learn"),
    ({"zzz": 1}, "unknown value tag zzz"),
    ({"s": [1, 2]}, "a malformed scalar"),
    ({"list": {"s": 1}}, "a malformed container"),
    ({"gen": ["__import__", {"dict": []}]}, "not one of numpy's bit generators"),
    ({"nd": {"dtype": "|O", "shape": [1], "data": ""}}, "object dtype"),
    ({"a": 1, "b": 2}, "a malformed value"),
])
def test_forged_rebuilds_unknown_tags_and_malformed_values_are_refused(pair, forged, words):
    with pytest.raises(Refused, match=words):
        forged_lookup(pair, json.dumps(forged))
    honest_lookup_still_works(pair)


def test_a_nested_bomb_is_refused_and_names_no_value(pair):
    bomb = '{"list":[' * 5000 + '{"s":1}' + "]}" * 5000
    with pytest.raises(Refused, match="nested more than"):
        forged_lookup(pair, bomb)
    with pytest.raises(Refused, match="nested more than"):
        forged_lookup(pair, '{"list":[' * (values.MAX_DEPTH + 5) + '{"s":1}' + "]}" * (values.MAX_DEPTH + 5))
    honest_lookup_still_works(pair)


def test_a_malformed_frame_fails_that_request_only(pair):
    judge, forger = pair
    thread = threading.Thread(target=forger.answer, kwargs={"raw": b"\xff not json"})
    thread.start()
    with pytest.raises(RemoteError, match="malformed message"):
        judge.lookup("model")
    thread.join(5)
    forger.conn.recv_bytes() if forger.conn.poll(0.1) else None
    honest_lookup_still_works(pair)


def test_a_forged_error_never_carries_its_message_into_the_test(pair):
    judge, forger = pair
    for error, kind in ((["ValueError", "ValueError", "secret: [3, 1, 4]"], ValueError),
                        (["Refused", "Refused", "secret: [3, 1, 4]"], Refused),
                        (["Leak_3_1_4" * 9, "Exception", "secret: [3, 1, 4]"], RemoteError)):
        thread = threading.Thread(target=forger.answer, kwargs={"error": error, "where": ["f" * 500, 3]})
        thread.start()
        with pytest.raises(kind) as raised:
            judge.lookup("model")
        thread.join(5)
        assert "secret" not in str(raised.value) and "[3, 1, 4]" not in str(raised.value)
        assert "Leak" not in str(raised.value) and "fff" not in str(raised.value)
    honest_lookup_still_works(pair)


def test_the_students_serve_loop_survives_garbage_and_answers_the_next_request():
    here, there = Pipe()
    student = Endpoint(there, {"answer": 42})
    threading.Thread(target=student.serve, daemon=True).start()
    for frame in (b"\x00garbage", b"[1, 2]", b'{"op": ["call"], "id": 1}', b'{"op": "call", "id": [1]}',
                  b'{"op": "nope", "id": 2}', b'{"op": "call", "id": 3, "ref": "s999", "args": "{}", "kwargs": 1}',
                  b'{"id": 7}', b'{"op": "release", "keep": 5, "id": 4}'):
        here.send_bytes(frame)
    judge = Endpoint(here, judge=True)
    judge.deadline = time.monotonic() + 10
    assert judge.lookup("answer") == (True, 42)
    here.close()


def test_references_are_released_after_each_test_cell():
    here, there = Pipe()

    def make():
        return object()

    student = Endpoint(there, {"make": make})
    threading.Thread(target=student.serve, daemon=True).start()
    judge = Endpoint(here, judge=True)
    kept = judge.lookup("make")[1]()  # a proxy the test still holds after the cell
    for _ in range(50):
        judge.lookup("make")[1]()  # proxies nothing holds
    judge.after_cell()
    assert len(student._refs) == 1  # `make` and 50 objects are gone with their proxies; `kept` stays
    assert object.__getattribute__(kept, "_ref") in student._refs
    here.close()


def test_a_call_that_never_returns_fails_its_own_test_and_the_next_one_runs():
    here, there = Pipe()

    def hang(x):
        while True:
            x += 1

    def double(x):
        return 2 * x

    student = Endpoint(there, {"hang": hang, "double": double})
    threading.Thread(target=student.serve, daemon=True).start()
    judge = Endpoint(here, judge=True)
    judge.deadline = time.monotonic() + 1
    start = time.monotonic()
    with pytest.raises(CallTimeout, match="your function did not return within 1 s on one of the hidden inputs"):
        judge.lookup("hang")[1](3)
    assert time.monotonic() - start < 3
    judge.deadline = time.monotonic() + 5  # the next test cell
    assert judge.lookup("double")[1](21) == 42
    deadline = time.monotonic() + 5
    while student._running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert student._running == {}  # the loop was cancelled: its thread is idle again, ready for the next call
    assert len(student._idle) >= 1
    here.close()


def test_the_judge_answers_only_callbacks_never_a_release_or_a_forbid_from_the_student(pair):
    judge, forger = pair
    spy = object()
    ref = judge._refer(spy)
    answers = []

    def student():
        request = json.loads(forger.conn.recv_bytes())
        for op in ({"op": "release", "keep": []}, {"op": "forbid", "names": ["numpy.mean"]}, {"op": "get", "name": "x"}):
            forger.conn.send_bytes(json.dumps({**op, "id": 99}).encode())
            answers.append(json.loads(forger.conn.recv_bytes()))
        forger.conn.send_bytes(json.dumps({"id": request["id"], "value": values.dumps(1)}).encode())

    thread = threading.Thread(target=student)
    thread.start()
    assert judge.lookup("x") == (True, 1)
    thread.join(5)
    assert [a["error"][0] for a in answers] == ["ValueError"] * 3
    assert judge._refs[ref] is spy and np.mean.__module__ == "numpy"  # nothing released, nothing patched
