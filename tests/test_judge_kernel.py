"""The judge kernel, end to end (`autograder grade --judge`): test cells run where no student code ran.

Each case is a small notebook of student cells and nbgrader test cells executed by the worker with
``judge`` on; the same notebook without the judge shows what the student's trick does to a test that
runs in the student's own kernel (the stock nbgrader way).
"""
from __future__ import annotations

from dataclasses import asdict

import nbformat
import pytest

from autograder import worker
from autograder.limits import Limits
from autograder.sandbox import check_available

pytestmark = pytest.mark.xdist_group("grader")

STUB = "def double(x):\n    raise NotImplementedError()"
TEST = ("import numpy as np\n"
        "assert double(21) == 42, 'double(21) should be 42'\n"
        "assert np.allclose(double(np.arange(3)), [0, 2, 4]), 'double works on arrays'")


def graded_test(source: str, grade_id: str = "correct_double"):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1,
                                 "grade_id": grade_id, "schema_version": 3}
    return cell


def run(*cells, judge: bool = True) -> list:
    """Execute the cells (strings are student cells) as one submission; returns each cell's error names."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) if isinstance(c, str) else c for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    job = {"notebook": nbformat.writes(nb), "files": {}, "limits": asdict(Limits(cell_timeout=20, notebook_timeout=90)),
           "mode": check_available(), "execute_config": {"timeout": 20}, "env": {}, "preload": ["numpy"],
           "judge": judge}
    result = worker.run_submission(job)
    assert result["status"] == "graded", result["reason"]
    out = nbformat.reads(result["notebook"], as_version=4).cells
    return [[o.get("ename") for o in c.outputs if o.output_type == "error"] for c in out]


def test_an_honest_answer_passes_in_the_judge():
    errors = run("import numpy as np", "def double(x):\n    return 2 * x", graded_test(TEST))
    assert errors[-1] == []


def test_an_input_transformer_that_silences_every_later_cell_does_not_reach_the_tests():
    wrap = ("ip = get_ipython()\n"
            "def silence(lines):\n"
            "    return ['try:\\n'] + ['    ' + l for l in lines] + ['\\nexcept BaseException:\\n    pass\\n']\n"
            "ip.input_transformers_post.append(silence)")
    assert run(wrap, STUB, graded_test(TEST), judge=False)[-1] == []  # in one kernel a blank notebook passes
    assert run(wrap, STUB, graded_test(TEST))[-1] == ["NotImplementedError"]


def test_a_patched_reference_library_does_not_reach_the_tests():
    patch = ("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
             "def double(x):\n    return 42 if np.ndim(x) == 0 else x")
    assert run(patch, graded_test(TEST), judge=False)[-1] == []
    assert run(patch, graded_test(TEST))[-1] == ["AssertionError"]  # the judge's own numpy: the wrong answer fails


def test_an_always_equal_object_fails_where_the_test_compares_it():
    cheat = ("class Anything:\n    def __eq__(self, other):\n        return True\n"
             "def double(x):\n    return Anything()")
    assert run(cheat, graded_test("assert double(21) == 42, 'double(21) should be 42'"), judge=False)[-1] == []
    assert run(cheat, graded_test("assert double(21) == 42, 'double(21) should be 42'"))[-1] == ["Refused"]


def test_spies_stay_in_the_judge_and_the_global_generator_is_shared():
    student = ("import numpy as np\n"
               "def fit_twice(model, X):\n    model.fit(X)\n    model.fit(X[:1])\n    return len(X)\n"
               "def draw():\n    return float(np.random.random())")
    test = ("import numpy as np\n"
            "class Spy:\n    calls = []\n    def fit(self, X):\n        Spy.calls.append(len(X))\n        return self\n"
            "assert fit_twice(Spy(), np.zeros((3, 2))) == 3\n"
            "assert Spy.calls == [3, 1], Spy.calls\n"
            "np.random.seed(5)\n"
            "expected = float(np.random.RandomState(5).random_sample())\n"
            "assert draw() == expected, 'the student drew from the state the test seeded'")
    assert run(student, graded_test(test))[-1] == []
    assert run(student, graded_test(test), judge=False)[-1] == []
