"""The answer key's example book in `autograder grade`: the key canary's judge records it, the judges of later
submissions replay it, and a submission scores and reads exactly as without it."""
from __future__ import annotations

import json
import os
from concurrent.futures import Future
from dataclasses import asdict

import nbformat
import pytest

from autograder import canary, worker
from autograder.judge import kernel as judge_kernel
from autograder.limits import Limits
from autograder.sandbox import check_available
from course import properties

pytestmark = pytest.mark.xdist_group("grader")
SECRET = os.urandom(32).hex()

KEY = "def top2(values):\n    return sorted(values)[:2]"
WRONG = "def top2(values):\n    return sorted(values)[:2] if len(values) < 4 else sorted(values)[1:3]"
TEST = '''from hypothesis import strategies as st
from course.properties import explore

def _agrees(values, k):
    expected = sorted(values)[:2]
    got = top2(list(values))
    assert got == expected, f"expected {expected}, got {got}: the two smallest, in order"

explore(_agrees, values=st.lists(st.integers(-3, 3)), k=st.sampled_from([1, 2]))
'''


def notebook(solution: str, extra: str = ""):
    test = nbformat.v4.new_code_cell(TEST + extra)
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 2,
                                 "grade_id": "correct_top2", "schema_version": 3}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(solution), test])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def job(solution: str, examples: dict | None = None, extra: str = "") -> dict:
    found = {"notebook": nbformat.writes(notebook(solution, extra)), "files": {},
             "limits": asdict(Limits(cell_timeout=30, notebook_timeout=90)), "mode": check_available(),
             "execute_config": {"timeout": 30}, "env": {}, "preload": ["numpy", "hypothesis"], "judge": True}
    return {**found, "examples": examples} if examples else found


def errors_of(result) -> list[str]:
    cells = nbformat.reads(result["notebook"], as_version=4).cells
    return [f"{o['ename']}: {o['evalue']}" for o in cells[-1].outputs if o.output_type == "error"]


def test_the_keys_judge_records_and_a_later_judge_replays_to_the_same_verdicts():
    recorded = worker.run_submission(job(KEY, {"mode": "record", "secret": SECRET, "source": "s"}))
    assert recorded["status"] == "graded" and not errors_of(recorded)
    book = recorded["examples"]
    assert properties.ExampleBook.loads(book, bytes.fromhex(SECRET), "s").entries  # signed, one explore call
    replay = {"mode": "replay", "book": book, "secret": SECRET, "source": "s"}
    for solution, replayed in ((KEY, {"pass": 1}), (WRONG, {"fail": 1})):
        plain, with_book = worker.run_submission(job(solution)), worker.run_submission(job(solution, replay))
        assert errors_of(with_book) == errors_of(plain)
        assert with_book["examples_replayed"] == replayed
        assert "examples_replayed" not in plain
    assert errors_of(plain) and "Smallest input found that breaks it" in errors_of(plain)[0]


GENERATED = ("from course.datasets.patients import make_review_task as _task\n"
             "_X, _y, _flipped = _task(n=120, seed=607)\n"
             "assert top2([3, 1, 2]) == [1, 2] and _X.shape == (120, 4) and _flipped.dtype == bool")


def test_a_generator_the_keys_judge_called_is_replayed_to_later_judges_from_its_book():
    """Check that a data set generator a hidden test calls is recorded by the key's judge and replayed, with the
    same verdicts, by a later judge (its own book comes back unchanged: nothing recorded while replaying)"""
    recorded = worker.run_submission(job(KEY, {"mode": "record", "secret": SECRET, "source": "s"}, extra=GENERATED))
    assert recorded["status"] == "graded" and not errors_of(recorded)
    book = properties.ExampleBook.loads(recorded["examples"], bytes.fromhex(SECRET), "s")
    assert len(book.results) == 1 and book.entries
    replay = {"mode": "replay", "book": recorded["examples"], "secret": SECRET, "source": "s"}
    for solution in (KEY, WRONG):
        with_book = worker.run_submission(job(solution, replay, extra=GENERATED))
        assert errors_of(with_book) == errors_of(worker.run_submission(job(solution, extra=GENERATED)))


@pytest.mark.parametrize("damage", ["secret", "source"])
def test_a_judge_handed_a_book_it_cannot_trust_draws_with_hypothesis(damage):
    book = worker.run_submission(job(KEY, {"mode": "record", "secret": SECRET, "source": "s"}))["examples"]
    replay = {"mode": "replay", "book": book, "secret": SECRET, "source": "s"}
    replay["secret" if damage == "secret" else "source"] = os.urandom(32).hex() if damage == "secret" else "other"
    result = worker.run_submission(job(WRONG, replay))
    assert "examples_replayed" not in result  # not loaded: nothing replayed
    assert errors_of(result) == errors_of(worker.run_submission(job(WRONG)))


def test_the_judge_takes_the_book_from_its_environment_and_leaves_no_trace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    environ = dict(zip(judge_kernel.EXAMPLES_ENV, ("record", SECRET, "s")), OTHER="1")
    keep = judge_kernel.use_examples(environ)
    try:
        assert environ == {"OTHER": "1"} and properties._book.recording
        keep()
        written = (tmp_path / judge_kernel.EXAMPLES_FILE).read_bytes()
        assert properties.ExampleBook.loads(written, bytes.fromhex(SECRET), "s").entries == {}
        environ = dict(zip(judge_kernel.EXAMPLES_ENV, ("replay", os.urandom(32).hex(), "s")))
        assert judge_kernel.use_examples(environ) is None  # another secret: left aside
        environ = dict(zip(judge_kernel.EXAMPLES_ENV, ("replay", SECRET, "s")))
        keep = judge_kernel.use_examples(environ)
        assert properties._book.replaying
        keep()
        assert json.loads((tmp_path / judge_kernel.EXAMPLES_REPLAYED).read_text()) == {}
        assert judge_kernel.use_examples({}) is None
    finally:
        properties.use_examples(None)


def done(result: dict | None = None, error: Exception | None = None) -> Future:
    future = Future()
    future.set_exception(error) if error else future.set_result(result)
    return future


def test_the_canary_hands_the_book_out_only_once_the_key_proved_itself(tmp_path):
    key = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(KEY)])
    nbformat.write(key, str(tmp_path / "top.ipynb"))
    jobs = canary.key_jobs(tmp_path, {"judge": True}, secret=SECRET)
    assert jobs["top"]["examples"] == {"mode": "record", "secret": SECRET,
                                       "source": canary.source_digest(tmp_path / "top.ipynb")}
    assert "examples" not in canary.key_jobs(tmp_path, {"judge": False}, secret=SECRET)["top"]
    assert "examples" not in canary.key_jobs(tmp_path, {"judge": True})["top"]

    graded = {"status": "graded", "notebook": jobs["top"]["notebook"], "examples": b"book"}
    running = Future()
    verdict = canary.Verdict([("here", "top", running)], "a", 1, "here")
    assert verdict.examples("top") is None  # never waits for the key
    running.set_result(graded)
    assert verdict.examples("top") == b"book" and verdict.examples("other") is None
    failing = canary.Verdict([("here", "top", done(error=RuntimeError("lost worker")))], "a", 1, "here")
    assert failing.examples("top") is None


def test_a_judged_job_carries_the_book_for_its_notebook_once_the_canary_recorded_it(tmp_path):
    import notebook_cells
    from autograder import batch

    root = notebook_cells.tiny_source(tmp_path, "a1", KEY, TEST)
    config = batch.load_config(root, None)
    running = Future()
    ctx = batch._Context(course=root, assignment="a1", config=config, pool=None, limits=Limits(), mode="unsafe",
                         execute_config={}, force=False, verdict=canary.Verdict([("here", "a1", running)], "a1", 1, "here"))
    assert ctx.examples_job("a1") == {}  # the key is still running: this submission draws
    key = canary.key_jobs(root / "source" / "a1", ctx.job_template(), secret=ctx.secret)["a1"]
    running.set_result({"status": "graded", "notebook": key["notebook"], "examples": b"book"})
    assert ctx.examples_job("a1") == {"examples": {"mode": "replay", "book": b"book", "secret": ctx.secret,
                                                   "source": key["examples"]["source"]}}
    assert ctx.examples_job("another") == {} and ctx.examples_job(None) == {}
    ctx.judge = False  # --no-judge: the tests run in the student's kernel, which never gets a book
    assert ctx.examples_job("a1") == {}
    assert len(ctx.secret) == 64 and ctx.secret != batch._Context(course=root, assignment="a1", config=config,
                                                                    pool=None, limits=Limits(), mode="unsafe",
                                                                    execute_config={}, force=False).secret
