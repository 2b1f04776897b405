"""The sandbox limits travel whole: every field of Limits has an option and reaches the kernel's fork server."""
from __future__ import annotations

import resource
from dataclasses import fields

import nbformat
import pytest

from autograder import cli, worker
from autograder.kernels import warm
from autograder.limits import Limits
from autograder.sandbox import check_available

pytestmark = pytest.mark.xdist_group("grader")

# Not the defaults, so that a field that falls back to its default on the way is noticed.
ASKED = Limits(memory=3 * 1024**3, processes=50, cell_timeout=25, notebook_timeout=90, output=5000,
               file_size=64 * 1024**2)


def test_every_field_has_an_option_and_the_command_line_sets_it():
    """Check that `autograder grade` offers one option per Limits field and passes each value on"""
    argv = ["grade", "A"]
    for f in fields(Limits):
        argv += [f.metadata["option"], str(getattr(ASKED, f.name))]
    args = cli.build_parser().parse_args(argv)
    assert Limits.from_options(args) == ASKED
    assert Limits.from_options(cli.build_parser().parse_args(["grade", "A"])) == Limits()


def test_a_bad_value_names_its_option():
    """Check that an unreadable size says which option and how to write it"""
    args = cli.build_parser().parse_args(["grade", "A", "--memory", "lots"])
    with pytest.raises(ValueError, match=r"--memory: cannot read the size 'LOTS': write it like 2G"):
        Limits.from_options(args)


def test_a_field_the_worker_does_not_know_is_refused_not_dropped():
    """Check that a job from a newer grader fails with a message instead of losing a limit"""
    assert Limits.from_dict(ASKED.as_dict()) == ASKED
    with pytest.raises(ValueError, match=r"unknown sandbox limits \['gpu'\].*update it"):
        Limits.from_dict({**ASKED.as_dict(), "gpu": 1})


def test_every_field_reaches_the_fork_server_and_takes_effect(monkeypatch):
    """Check that the fork server receives every field of Limits and the kernel runs under them"""
    sent = []
    stock_request = warm.ForkServer.request

    def spy(self, op, *args, **kwargs):
        reply = stock_request(self, op, *args, **kwargs)
        if op == "spawn":
            sent.append((kwargs["limits"], reply["limits"]))
        return reply

    monkeypatch.setattr(warm.ForkServer, "request", spy)
    code = ("import resource\n"
            "print(resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_FSIZE)[0])")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    job = {"notebook": nbformat.writes(nb), "files": {}, "limits": ASKED.as_dict(), "mode": check_available(),
           "execute_config": {"timeout": 20}, "env": {}, "preload": []}
    result = worker.run_submission(job)
    assert result["status"] == "graded", result["reason"]
    assert sent == [(ASKED.as_dict(), ASKED.as_dict())]
    printed = nbformat.reads(result["notebook"], as_version=4).cells[0].outputs[0]["text"].split()
    assert [int(x) for x in printed] == [ASKED.memory, ASKED.file_size]
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != ASKED.memory  # set in the kernel, not in the grader


def test_the_judge_is_on_unless_turned_off():
    """Check that `autograder grade` runs tests in the judge kernel by default and `--no-judge` turns it off"""
    assert cli.build_parser().parse_args(["grade", "A"]).judge is True
    assert cli.build_parser().parse_args(["grade", "A", "--no-judge"]).judge is False
