"""The key canary: failures() reads an executed key with nbgrader's scoring; prove() stops with one error."""
from __future__ import annotations

from concurrent.futures import Future

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder import canary, worker


def graded(gid, points=1, outputs=()):
    cell = new_code_cell("assert f(1) == 2", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": gid, "points": points, "schema_version": 3}})
    cell.outputs = list(outputs)
    return cell


def result(*cells, status="graded", reason=""):
    return {"notebook": worker.notebook_to_json(new_notebook(cells=list(cells))), "status": status,
            "reason": reason}


ERROR = new_output("error", ename="ModuleNotFoundError", evalue="No module named 'course'\nmore", traceback=[])


def test_a_key_with_every_test_passing_has_no_failure():
    assert canary.failures("hw", result(new_code_cell("x = 1"), graded("a"), graded("b", 2))) == []


def test_failing_test_cells_are_named_with_their_first_error_line_after_the_cause():
    setup = new_code_cell("import course")
    setup.outputs = [ERROR]
    warned = graded("b", outputs=[new_output("stream", name="stderr", text="\nFutureWarning: old API\n")])
    named = graded("a", outputs=[new_output("error", ename="NameError", evalue="name 'f' is not defined",
                                            traceback=[])])
    assert canary.failures("hw", result(setup, named, warned)) == [
        "hw: cell 0 (not graded): ModuleNotFoundError: No module named 'course'",
        "hw: a: NameError: name 'f' is not defined",
        "hw: b: stderr: FutureWarning: old API"]


def test_a_key_that_did_not_finish_says_so():
    found = canary.failures("hw", result(graded("a"), status="timeout", reason="notebook time limit of 5 s reached"))
    assert found == ["hw: timeout (notebook time limit of 5 s reached)"]


def done(value=None, error=None) -> Future:
    future = Future()
    future.set_exception(error) if error else future.set_result(value)
    return future


def test_the_verdict_passes_silently_and_stops_with_one_error_naming_the_worker():
    good = result(graded("a"))
    bad = result(graded("a", outputs=[ERROR]))
    jobs = {"hw": {"notebook": "{}"}}
    canary.start([("in this environment", lambda job: done(good))], jobs, "01").wait()
    with pytest.raises(canary.CanaryFailed) as failed:
        canary.start([("on the Dask worker tcp://a", lambda job: done(good)),
                      ("on the Dask worker tcp://b", lambda job: done(bad)),
                      ("on the Dask worker tcp://c", lambda job: done(error=RuntimeError("bwrap missing\nx")))],
                     jobs, "01").wait()
    text = str(failed.value)
    assert "\n" not in text and "the answer key of 01 does not score full marks on every worker" in text
    assert "on the Dask worker tcp://b: hw: a: ModuleNotFoundError: No module named 'course'" in text
    assert "on the Dask worker tcp://c: hw: RuntimeError: bwrap missing" in text and "tcp://a" not in text


def test_start_returns_while_the_key_runs_and_the_verdict_is_known_once_awaited():
    running = Future()
    verdict = canary.start([("in this environment", lambda job: running)], {"hw": {"notebook": "{}"}}, "01")
    assert not verdict.failed()  # nothing known yet: the first students run meanwhile
    running.set_result(result(graded("a", outputs=[ERROR])))
    assert not verdict.failed()  # known only once someone waits for it
    for _ in range(2):  # every waiting thread gets the same error
        with pytest.raises(canary.CanaryFailed, match="hw: a: ModuleNotFoundError"):
            verdict.wait()
    assert verdict.failed()


def test_key_jobs_carry_the_source_notebook_cleared_and_its_regular_files(tmp_path):
    nb = new_notebook(cells=[graded("a", outputs=[ERROR])])
    nbformat.write(nb, str(tmp_path / "hw.ipynb"))
    (tmp_path / "data.csv").write_text("a\n1\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "data.csv")
    (tmp_path / "notes.bak").write_text("ignored")
    jobs = canary.key_jobs(tmp_path, {"mode": "unsafe"}, ignore=["*.bak"])
    assert list(jobs) == ["hw"] and jobs["hw"]["mode"] == "unsafe"
    assert jobs["hw"]["files"] == {"data.csv": b"a\n1\n"}
    assert worker.notebook_from_json(jobs["hw"]["notebook"]).cells[0].outputs == []
