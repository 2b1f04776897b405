"""`autograder grade --scheduler`: a real `dask scheduler` and two `dask worker` processes on loopback."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import cli, nbgrader_batch

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

ASSIGNMENT = "01-data-quality"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "submitted"
STUDENTS = ["os-exit", "deleted-test", "invalid-json", "missing-notebook"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    logs = (tmp_path / "dask.log").open("w")
    procs = [subprocess.Popen([*dask, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=logs, stderr=subprocess.STDOUT)]
    for n in range(2):
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--nworkers", "1",
             "--no-dashboard", "--name", f"w{n}", "--local-directory", str(tmp_path / f"w{n}")],
            stdout=logs, stderr=subprocess.STDOUT))
    try:
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
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


def test_grade_through_a_dask_cluster(tmp_path, cluster, capsys):
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    for student in STUDENTS:
        shutil.copytree(FIXTURES / student, course / "submitted" / student)
    code = cli.main(["grade", ASSIGNMENT, "--course", str(course), "--scheduler", cluster, "--quiet",
                     "--no-feedback", "--no-report"])
    out = capsys.readouterr().out
    assert code == 0, out
    scores = nbgrader_batch.scores(course, ASSIGNMENT)
    assert sorted(scores) == sorted(STUDENTS)
    points = {s: sum(c.score for c in cells.values() if not c.needs_manual_grade) for s, cells in scores.items()}
    assert points == {"os-exit": 4, "deleted-test": 0, "invalid-json": 0, "missing-notebook": 0}
    grades = (course / "exports" / ASSIGNMENT / "grades.csv").read_text()
    assert "crashed" in grades and "invalid" in grades and "missing" in grades


def test_unreachable_scheduler_is_one_clear_line(tmp_path, capsys):
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    shutil.copytree(FIXTURES / "invalid-json", course / "submitted" / "invalid-json")
    code = cli.main(["grade", ASSIGNMENT, "--course", str(course), "--scheduler", f"tcp://127.0.0.1:{free_port()}",
                     "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "dask scheduler" in err[0]
