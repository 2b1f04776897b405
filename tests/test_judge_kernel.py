"""The judge kernel, end to end (`autograder grade --judge`): test cells run where no student code ran.

Each case is a small notebook of student cells and nbgrader test cells executed by the worker with
``judge`` on; the same notebook without the judge shows what the student's trick does to a test that
runs in the student's own kernel (the stock nbgrader way).
"""
from __future__ import annotations

import json
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
    return [[o.get("ename") for o in c.outputs if o.output_type == "error"] for c in executed(*cells, judge=judge)]


def assert_passes_in_the_judge_and_in_one_kernel(*cells) -> None:
    """The last cell (a test) passes graded both ways: one verdict in the judge and in the student's kernel."""
    assert run(*cells)[-1] == [], "fails in the judge kernel"
    assert run(*cells, judge=False)[-1] == [], "fails in one kernel"


def executed(*cells, judge: bool = True, cell_timeout: int = 20) -> list:
    """The cells as the worker left them (with their outputs)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) if isinstance(c, str) else c for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    job = {"notebook": nbformat.writes(nb), "files": {},
           "limits": asdict(Limits(cell_timeout=cell_timeout, notebook_timeout=90)),
           "mode": check_available(), "execute_config": {"timeout": cell_timeout}, "env": {}, "preload": ["numpy"],
           "judge": judge}
    result = worker.run_submission(job)
    assert result["status"] == "graded", result["reason"]
    return nbformat.reads(result["notebook"], as_version=4).cells


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
    assert_passes_in_the_judge_and_in_one_kernel(student, graded_test(test))


def test_the_global_generators_stay_one_sequence_across_calls_cells_and_cached_gaussians():
    """Check that draws alternate between the test and the learner's functions as in one kernel: successive calls,
    a call that draws nothing, a draw in a learner's cell between two tests, and numpy's cached second gaussian"""
    student = ("import numpy as np, random\n"
               "def draw():\n    return float(np.random.random()), random.random()\n"
               "def gauss():\n    return float(np.random.standard_normal())\n"
               "def pure(x):\n    return x + 1")
    first = ("import numpy as np, random\n"
             "np.random.seed(5)\nrandom.seed(5)\n"
             "ours, theirs = np.random.RandomState(5), random.Random(5)\n"
             "want = [(float(ours.random_sample()), theirs.random()) for _ in range(3)]\n"
             "assert [draw(), draw()] == want[:2], 'two calls draw the next two numbers'\n"
             "assert pure(1) == 2\n"
             "assert (float(np.random.random()), random.random()) == want[2], 'the test goes on from the calls'\n"
             "np.random.seed(2)\npair = np.random.RandomState(2)\n"
             "assert gauss() == float(pair.standard_normal())\n"
             "assert float(np.random.standard_normal()) == float(pair.standard_normal()), 'the cached gaussian is shared'")
    between = "spent = np.random.random(4)  # a learner's cell draws between two tests"
    second = ("import numpy as np\n"
              "np.random.seed(8)\nexpected = np.random.RandomState(8).random_sample(2).tolist()\n"
              "assert [draw()[0], float(np.random.random())] == expected")
    cells = (student, graded_test(first, "correct_first"), between, graded_test(second, "correct_second"))
    assert run(*cells) == [[], [], [], []], "fails in the judge kernel"
    assert run(*cells, judge=False) == [[], [], [], []], "fails in one kernel"


def test_a_forbidden_routine_called_by_the_learner_is_caught_in_the_judge_as_in_one_kernel():
    test = ("from course.properties import forbidden\n"
            "with forbidden('sklearn.metrics.roc_auc_score'):\n"
            "    got = auc([0, 1, 1], [0.1, 0.7, 0.9])\n"
            "assert got == 1.0")
    library = "from sklearn.metrics import roc_auc_score\ndef auc(y, s):\n    return roc_auc_score(y, s)"
    by_module = "import sklearn.metrics\ndef auc(y, s):\n    return float(sklearn.metrics.roc_auc_score(y, s))"
    own = ("def auc(y, s):\n    pos = [b for a, b in zip(y, s) if a]\n    neg = [b for a, b in zip(y, s) if not a]\n"
           "    return sum(p > n for p in pos for n in neg) / (len(pos) * len(neg))")
    for judge in (True, False):
        for cheat in (library, by_module):
            cells = executed(cheat, graded_test(test), judge=judge)
            error = [o for o in cells[-1].outputs if o.output_type == "error"]
            assert [o.ename for o in error] == ["AssertionError"], (judge, cheat)
            assert "your function called sklearn.metrics.roc_auc_score" in error[0].evalue
        assert run(own, graded_test(test), judge=judge)[-1] == []
    # a name outside the trusted packages is refused where the learner's code runs, as a failure of that test
    bad = graded_test("from course.properties import forbidden\nwith forbidden('os.system'):\n    auc([0, 1], [0, 1])")
    assert run(own, bad)[-1] == ["Refused"]


def test_a_pipeline_over_a_notebook_function_is_cloned_as_in_one_kernel():
    student = ("import numpy as np\nfrom sklearn.pipeline import make_pipeline\n"
               "from sklearn.preprocessing import FunctionTransformer\nfrom sklearn.linear_model import LogisticRegression\n"
               "def square(X):\n    return np.asarray(X) ** 2\n"
               "def build():\n    return make_pipeline(FunctionTransformer(square), FunctionTransformer(np.log1p),\n"
               "                         LogisticRegression())")
    test = ("import numpy as np\nfrom sklearn.base import clone\nfrom sklearn.model_selection import cross_val_score\n"
            "rng = np.random.default_rng(0)\nX = rng.normal(size=(60, 2))\ny = (X[:, 0] ** 2 > 0.5).astype(int)\n"
            "model = build()\nclone(model).fit(X, y)\n"
            "assert cross_val_score(model, X, y, cv=3).mean() > 0.8, 'the squared feature separates the classes'")
    assert_passes_in_the_judge_and_in_one_kernel(student, graded_test(test))


def test_a_layout_dependent_mistake_gets_one_verdict_in_the_judge_and_in_one_kernel():
    """The hidden inputs reach the learner's function with their layout (Fortran order, strided and reversed views):
    hashing a view's buffer or reading it in memory order fails in the judge as in one kernel, where a C copy of
    each input would pass; the answer that reads values passes both ways."""
    test = ("import numpy as np\nbase = np.arange(24.0).reshape(4, 6)\n"
            "for x in (base, np.asfortranarray(base), base[::-1, ::2], base.T):\n"
            "    assert fingerprint(x) == fingerprint(np.ascontiguousarray(x)), 'a view has the fingerprint of its values'")
    buffer = "import hashlib\ndef fingerprint(x):\n    return hashlib.sha256(x).hexdigest()"
    memory_order = ("import hashlib\ndef fingerprint(x):\n"
                    "    return hashlib.sha256(x.ravel(order='K').tobytes()).hexdigest()")
    right = ("import hashlib\nimport numpy as np\ndef fingerprint(x):\n"
             "    return hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest() + str(x.shape)")
    for mistake in (buffer, memory_order):
        in_one_kernel = run(mistake, graded_test(test), judge=False)[-1]
        assert in_one_kernel and run(mistake, graded_test(test))[-1], mistake
    assert_passes_in_the_judge_and_in_one_kernel(right, graded_test(test))


def test_a_call_that_never_returns_fails_its_own_test_and_the_later_tests_run():
    student = "def double(x):\n    while x == 7:\n        pass\n    return 2 * x"
    cells = executed(student, graded_test("assert double(7) == 14"), graded_test("assert double(21) == 42", "b"),
                     cell_timeout=5)
    hung = [o for o in cells[1].outputs if o.output_type == "error"]
    assert [o.ename for o in hung] == ["CallTimeout"]
    assert "your function did not return within 4 s on one of the hidden inputs" in hung[0].evalue
    assert [o for o in cells[2].outputs if o.output_type == "error"] == []


def test_what_the_learners_code_prints_or_raises_on_hidden_inputs_stays_out_of_the_feedback():
    student = ("def leak(x):\n    print('SECRET', x)\n    import sys\n    print('SECRET', x, file=sys.stderr)\n"
               "    from IPython.display import display\n    display('SECRET')\n"
               "    if x > 100:\n        raise ValueError(f'SECRET input {x}')\n    return x")
    tests = (graded_test("assert leak(5) == 5, 'leak(5) should be 5'\nassert leak(6) == 7, 'the test says: 6 -> 7'"),
             graded_test("leak(31330 + 7)", "b"))
    cells = executed(student, *tests)
    text = json.dumps([c.outputs for c in cells[1:]])
    assert "SECRET" not in text and "31337" not in text
    failed = [o for o in cells[1].outputs if o.output_type == "error"]
    assert [o.ename for o in failed] == ["AssertionError"] and failed[0].evalue == "the test says: 6 -> 7"
    raised = [o for o in cells[2].outputs if o.output_type == "error"]
    assert [o.ename for o in raised] == ["ValueError"] and "in leak, line 8 of its cell" in raised[0].evalue
