"""`autograder grade --scheduler`: a real `dask scheduler` and two `dask worker` processes on loopback."""
from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from autograder import cli
from tools import nbgrader_batch

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

ASSIGNMENT = "01-data-quality"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "submitted"
STUDENTS = ["os-exit", "deleted-test", "invalid-json", "missing-notebook"]
BLANK = ["blank-1", "blank-2"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dask_cluster(tmp_path: Path, workers: int, worker_env: dict | None = None):
    """A `dask scheduler` and ``workers`` single-thread `dask worker` processes on loopback; yields the address."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    logs = (tmp_path / "dask.log").open("w")
    procs = [subprocess.Popen([*dask, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=logs, stderr=subprocess.STDOUT)]
    for n in range(workers):
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--nworkers", "1",
             "--no-dashboard", "--name", f"w{n}", "--local-directory", str(tmp_path / f"w{n}")],
            stdout=logs, stderr=subprocess.STDOUT, env={**os.environ, **(worker_env or {})}))
    try:
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        logs.close()


@pytest.fixture
def cluster(tmp_path):
    with dask_cluster(tmp_path, workers=2) as address:
        yield address


def test_grade_through_a_dask_cluster(tmp_path, cluster, capsys):
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    for student in STUDENTS:
        shutil.copytree(FIXTURES / student, course / "submitted" / student)
    blank = (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    for student in BLANK:  # enough notebooks to execute that both single-thread workers get some
        nbgrader_batch.submit(course, student, ASSIGNMENT, {f"{ASSIGNMENT}.ipynb": blank})
    code = cli.main(["grade", ASSIGNMENT, "--course", str(course), "--scheduler", cluster, "--quiet",
                     "--no-feedback", "--no-report"])
    out = capsys.readouterr().out
    assert code == 0, out
    scores = nbgrader_batch.scores(course, ASSIGNMENT)
    assert sorted(scores) == sorted(STUDENTS + BLANK)
    points = {s: sum(c.score for c in cells.values() if not c.needs_manual_grade) for s, cells in scores.items()}
    assert points == {"os-exit": 4, "deleted-test": 0, "invalid-json": 0, "missing-notebook": 0,
                      "blank-1": 0, "blank-2": 0}
    with (course / "exports" / ASSIGNMENT / "grades.csv").open() as handle:
        grades = {row["student"]: row for row in csv.DictReader(handle)}
    assert {grades[s]["status"] for s in STUDENTS} == {"crashed", "graded", "invalid", "missing"}
    executed = [s for s in STUDENTS + BLANK if grades[s]["status"] in ("graded", "crashed")]
    assert {grades[s]["worker"].rsplit("/", 1)[-1] for s in executed} == {"w0", "w1"}  # both machines worked


def test_unreachable_scheduler_is_one_clear_line(tmp_path, capsys):
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    shutil.copytree(FIXTURES / "invalid-json", course / "submitted" / "invalid-json")
    code = cli.main(["grade", ASSIGNMENT, "--course", str(course), "--scheduler", f"tcp://127.0.0.1:{free_port()}",
                     "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "dask scheduler" in err[0]


def test_a_worker_without_bubblewrap_fails_the_key_canary_before_grading(tmp_path, capsys):
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    shutil.copytree(FIXTURES / "os-exit", course / "submitted" / "os-exit")
    no_bwrap = {"PATH": str(Path(sys.executable).parent)}  # a grading machine set up without `make venv` as root
    with dask_cluster(tmp_path, workers=1, worker_env=no_bwrap) as address:
        code = cli.main(["grade", ASSIGNMENT, "--course", str(course), "--scheduler", address, "--quiet",
                         "--no-feedback", "--no-report"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert "does not score full marks on the Dask worker" in err[0] and "no submission was graded" in err[0]
    assert "bubblewrap (bwrap) is not installed on the worker" in err[0] and "/w0" in err[0]
    assert nbgrader_batch.scores(course, ASSIGNMENT) == {}


def key_job(test: str) -> dict:
    """A one-test answer key as the batch sends it (judged, sandboxed)."""
    from dataclasses import asdict

    import nbformat

    from autograder.limits import Limits
    from autograder.sandbox import check_available

    cell = nbformat.v4.new_code_cell(test)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1,
                                 "grade_id": "correct_key", "schema_version": 3}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer = 42"), cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"notebook": nbformat.writes(nb), "files": {}, "limits": asdict(Limits(cell_timeout=30, notebook_timeout=90)),
            "mode": check_available(), "execute_config": {"timeout": 30}, "env": {}, "preload": [], "judge": True}


def test_every_worker_grades_the_key_before_a_submission_late_joiners_included():
    """Check that the key canary's WorkerPlugin, set up on a worker (as distributed does for every worker, one
    that joins mid-batch included), grades the key there: the batch's verdict reads that result, submissions wait
    for it, and a worker whose key falls short of full marks refuses every submission (a grader error)"""
    from autograder import canary
    from autograder.pools import dask as dask_pool

    passing, failing = key_job("assert answer == 42"), key_job("assert answer == 43, 'not the key'")
    student = key_job("assert answer == 42")
    dask_pool._Proof({"key": passing}).setup(worker=None)
    assert canary.failures("key", dask_pool._key_result(dask_pool._digest(passing))) == []
    assert dask_pool._proven_run(student)["status"] == "graded"
    dask_pool._Proof({"key": failing}).setup(worker=None)  # a worker that joins with a broken environment
    with pytest.raises(RuntimeError, match=r"does not grade the answer key to full marks.*key: correct_key"):
        dask_pool._proven_run(student)
    assert canary.failures("key", dask_pool._key_result(dask_pool._digest(failing)))
