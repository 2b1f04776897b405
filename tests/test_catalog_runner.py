"""The catalog runner's shortcut: a mistake's notebook stops early only when the rest provably runs as the key's.

tools/notebook_state.py decides what the remaining cells can reach; tools/catalog_runner.py forks the key and
compares. These tests pin the rules the proof rests on, and check the shortcut against full runs of a catalog.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from tools import catalog_runner, notebook_state
from tools.notebook_state import digest, later_reads, reached, what_keeps_the_rest_apart
from conftest import EARLY_STOPS_RUN_TO_THE_END, SHORTEST_RUN_TO_THE_END, module_params
from processes import alive_in_group


def test_a_name_the_later_cells_assign_before_reading_is_their_own():
    assert later_reads(["x = f(y)", "print(x)"]) == {"f", "y", "print"}


def test_what_a_loop_or_a_branch_binds_may_not_exist_after_it():
    reads = later_reads(["for i in items:\n    last = i\n", "if flag:\n    z = 1\n", "print(i, last, z)"])
    assert {"i", "last", "z", "items", "flag"} <= reads


def test_inside_a_loop_its_target_and_what_its_body_assigned_first_are_bound():
    assert later_reads(["for col, v in rows:\n    w = v * 2\n    print(col, w)"]) == {"rows", "print"}


def test_a_functions_parameters_and_locals_are_not_globals_but_its_free_names_are():
    reads = later_reads(["def f(a, b=default):\n    tmp = a + helper(b)\n    return [k for k in tmp if k > limit]"])
    assert reads == {"default", "helper", "limit"}


def test_an_augmented_assignment_reads_its_target():
    assert later_reads(["total += 1"]) == {"total"}


def test_the_first_iterable_of_a_comprehension_is_read_in_the_enclosing_scope():
    assert later_reads(["[x for x in x]"]) == {"x"}


def test_a_cell_that_does_not_parse_rules_the_early_stop_out():
    assert later_reads(["x = (1,"]) is None


def test_a_function_is_digested_by_its_code_not_its_name():
    namespace = {}
    exec("def clean(s):\n    return s.strip()", namespace)
    first = namespace["clean"]
    exec("def clean(s):\n    return s.lower()", namespace)
    first.__module__ = namespace["clean"].__module__ = "__main__"
    assert digest(first)[0] != digest(namespace["clean"])[0]


def test_an_object_holding_a_changed_function_differs_too():
    from sklearn.preprocessing import FunctionTransformer

    def scale(X):
        return X * 2

    def scale_wrong(X):
        return X * 3

    for fn in (scale, scale_wrong):
        fn.__module__ = "__main__"
        fn.__qualname__ = "scale"
    assert digest(FunctionTransformer(scale))[0] != digest(FunctionTransformer(scale_wrong))[0]


def test_arrays_are_digested_by_content():
    assert digest(np.arange(5.0))[0] == digest(np.arange(5.0).copy())[0]
    assert digest(np.arange(5.0))[0] != digest(np.arange(1.0, 6.0))[0]


def test_a_value_that_cannot_be_hashed_is_never_assumed_equal():
    gen = (i for i in range(3))
    assert digest(gen)[0] is None
    theirs = reached({"gen": gen}, later_reads(["next(gen)"]), {})
    assert what_keeps_the_rest_apart({"gen": gen}, {}, theirs, ["next(gen)"]) == {"gen"}


def test_a_helper_that_calls_a_changed_function_is_followed_to_it():
    key, mistake = {}, {}
    for namespace, body in ((key, "s.strip()"), (mistake, "s.lower()")):
        exec(f"def clean(s):\n    return {body}\ndef pipeline(s):\n    return clean(s) + '!'", namespace)
        for fn in ("clean", "pipeline"):
            namespace[fn].__module__ = "__main__"
        del namespace["__builtins__"]
    theirs = reached(key, later_reads(["pipeline(' a ')"]), {})
    assert "clean" in what_keeps_the_rest_apart(mistake, {}, theirs, ["pipeline(' a ')"])
    rebinds = ["clean = str.upper", "print(clean('a'))"]
    assert what_keeps_the_rest_apart(mistake, {}, reached(key, later_reads(rebinds), {}), rebinds) == set()


def test_a_later_cell_that_reaches_globals_dynamically_rules_the_early_stop_out():
    assert what_keeps_the_rest_apart({}, {}, {}, ["print(globals()['x'])"]) == {"<dynamic access: globals>"}
    assert what_keeps_the_rest_apart({}, {}, {}, ["print(vars()['x'])"]) == {"<dynamic access: vars>"}
    assert what_keeps_the_rest_apart({}, {}, {}, ["f = vars\nf(model)"]) == {"<dynamic access: vars>"}


def test_vars_or_dir_of_an_object_reads_that_object_not_the_globals():
    assert later_reads(["before = vars(model)", "names = dir(sampler)"]) == {"model", "sampler"}


def test_a_cell_that_writes_to_a_module_rules_the_early_stop_out():
    import pandas as pd

    namespace = {"np": np, "pd": pd, "frame": pd.DataFrame({"a": [1]})}
    cells = ["np.mean = lambda x: 0", "pd.options.display.precision = 3", "pd.set_option('display.width', 10)",
             "setattr(np, 'median', len)", "del np.nanmean", "np.random.seed(0)", "frame.b = 1", "x = np.mean",
             "def patch():\n    np.std = len"]
    assert notebook_state.module_writes(cells, namespace) == {
        "np.mean", "pd.options.display.precision", "set_option(...)", "setattr(...)", "np.nanmean", "np.std"}
    assert notebook_state.module_writes(["frame.b = 1", "x = np.mean(frame)"], namespace) == set()


def test_the_libraries_settings_are_compared_like_globals():
    import sklearn  # noqa: F401  (its config is compared once it is imported)

    theirs = reached({}, set(), {})
    assert theirs.keys() >= set(notebook_state.SETTINGS) - {"<matplotlib.rcParams>"}
    assert None not in theirs.values()
    old = np.seterr(all="ignore")
    try:
        assert what_keeps_the_rest_apart({}, {}, theirs, ["1 + 1"]) == {"<numpy.seterr>"}
    finally:
        np.seterr(**old)
    assert what_keeps_the_rest_apart({}, {}, theirs, ["1 + 1"]) == set()


# EARLY_STOPS_RUN_TO_THE_END (conftest): the module whose notebook runs fastest, so its mistakes run to the end
# cheaply, and the module whose mistakes stop early only by following numpy's global stream through the later cells
# (`_rng_apart`). The other modules' shortest stop is graded whole by autograder grade instead (conftest, test_contract).


@pytest.mark.slow
@pytest.mark.parametrize("module", [p for p in module_params() if p.values[0].id in EARLY_STOPS_RUN_TO_THE_END])
def test_the_shortest_early_stops_score_what_running_to_the_end_scores(batches, module, tmp_path):
    """The mistakes of a catalog that the shortcut cut shortest (where a wrong proof would show; first those
    whose stop followed a global RNG stream), run to the end with every example drawn by hypothesis (no
    replay), score on every cell what the shortcuts (the early stop, the replayed examples) gave them."""
    from tools import simulated
    from conftest import REPO

    batch = batches.get(module)
    catalog = {w.name: w for w in simulated.wrong_answers(module.id, REPO)}
    stopped = [n for n in catalog if batch.results[f"wrong-{n}"].get("stopped_before")]
    assert len(stopped) >= len(catalog) // 2, f"only {len(stopped)} of {len(catalog)} mistakes stopped early"

    def followed_a_stream(name):
        return any("<numpy.random>" in why for why in batch.results[f"wrong-{name}"]["kept_apart_by"].values())

    shortest = sorted(stopped, key=lambda n: (not followed_a_stream(n),
                                              batch.results[f"wrong-{n}"]["ran_cells"]))[:SHORTEST_RUN_TO_THE_END]
    for part in module.notebooks:  # each mistake runs on the notebook that holds its cell
        wrong = {name: catalog[name] for name in shortest if part.holds(catalog[name].cell)}
        if not wrong:
            continue
        work, full_dir = tmp_path / part.stem / "work", tmp_path / part.stem / "full"
        work.mkdir(parents=True)
        (work / part.file).write_text((REPO / "source" / module.id / part.file).read_text())
        proc = catalog_runner.run_catalog(
            work / part.file,
            {n: {"cell": w.cell, "code": w.code, "through": list(w.cascades)} for n, w in wrong.items()},
            [], full_dir, timeout_s=20 * part.time_budget_s, stop_early=False, replay_examples=False)
        full = catalog_runner.collect(proc, full_dir, sorted(wrong))
        for name in wrong:
            assert full[name]["success"], full[name]["error"]
            assert full[name]["stopped_before"] is None
            whole = catalog_runner.scores(full_dir / f"{name}.ipynb")
            merged = batch.scores[f"wrong-{name}"]  # the student's scores, every notebook of the module merged
            assert whole == {cell: merged.get(cell) for cell in whole}, f"{name}: stopping early changed its scores"


def test_an_interrupted_collect_stops_the_runner_and_everything_it_started(tmp_path):
    """Ctrl-C (or a `kill` of tools.mutation) while waiting leaves no runner or kernel behind."""
    import signal
    import subprocess

    runner = subprocess.Popen(["sh", "-c", "sleep 300 & sleep 300"], start_new_session=True)  # a runner and a child

    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(1)
    try:
        with pytest.raises(KeyboardInterrupt):
            catalog_runner.collect(runner, tmp_path, [])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    deadline = time.monotonic() + 10  # SIGKILL is delivered asynchronously
    while alive_in_group(runner.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive_in_group(runner.pid), "the runner's process group still runs"



def _key_notebook(tmp_path, cells):
    """A key of code cells, each (source, grade_id, graded, solution, points), written as tmp_path/key.ipynb."""
    import nbformat

    from notebook_cells import nbgrader_meta

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src, metadata=nbgrader_meta(
        gid, grade=grade, solution=solution, points=points)) for src, gid, grade, solution, points in cells])
    key = tmp_path / "key.ipynb"
    nbformat.write(nb, str(key))
    return key


def test_a_mistake_run_only_to_the_end_of_its_own_exercise(tmp_path):
    """tools/mutation.py's question: do the exercise's own tests catch the change? A change that only a later
    exercise's test notices is run, and scored, to the end of its own exercise and no further."""
    cells = [("def double(x):\n    return 2 * x", "double_solution", False, True, 0),
             ("assert double(0) == 0", "correct_double", True, False, 1),  # too weak to see a change
             ("def quadruple(x):\n    return double(double(x))", "quadruple_solution", False, True, 0),
             ("assert quadruple(1) == 4", "correct_quadruple", True, False, 1)]
    key = _key_notebook(tmp_path, cells)
    mistake = {"cell": "double_solution", "code": "def double(x):\n    return 3 * x", "through": []}
    proc = catalog_runner.run_catalog(
        key, {"whole": mistake, "own": {**mistake, "own_exercise": True}},
        [["double_solution", "correct_double"], ["quadruple_solution", "correct_quadruple"]], tmp_path / "out",
        jobs=1, timeout_s=120, offline=False)
    results = catalog_runner.collect(proc, tmp_path / "out", ["whole", "own"])
    assert results["whole"]["success"] and results["own"]["success"]
    whole = catalog_runner.scores(tmp_path / "out" / "whole.ipynb")
    own = catalog_runner.scores(tmp_path / "out" / "own.ipynb")
    assert whole["correct_double"].score == 1 and whole["correct_quadruple"].score == 0
    assert own["correct_double"].score == 1 and own["correct_quadruple"].score == 1  # not run: not counted
    assert results["own"]["stopped_before"] == "quadruple_solution"


def test_a_mistakes_later_explorations_replay_the_keys_examples_and_its_own_failure_draws_again(tmp_path):
    """The key's run records what each exploration drew; a mistake replays it where its function still passes
    (the later exercise) and draws again where it fails (its own), scoring what drawing everything gives."""
    explore = ("from hypothesis import strategies as st\nfrom course.properties import explore\n"
               "def agrees(x):\n    assert {f}(x) == {ref}, 'wrong'\n"
               "explore(agrees, x=st.integers(-50, 50))")
    cells = [("def double(x):\n    return 2 * x", "double_solution", False, True, 0),
             (explore.format(f="double", ref="2 * x"), "correct_double", True, False, 1),
             ("def square(x):\n    return x * x", "square_solution", False, True, 0),
             (explore.format(f="square", ref="x ** 2"), "correct_square", True, False, 1)]
    key = _key_notebook(tmp_path, cells)
    mistake = {"cell": "double_solution", "code": "def double(x):\n    return x + x + (x > 3)", "through": []}
    runs = {}
    for replay in (True, False):
        out = tmp_path / f"replay-{replay}"
        proc = catalog_runner.run_catalog(key, {"off_above_three": mistake},
                                          [["double_solution", "correct_double"], ["square_solution", "correct_square"]],
                                          out, jobs=1, timeout_s=120, offline=False, stop_early=False,
                                          replay_examples=replay)
        runs[replay] = catalog_runner.collect(proc, out, ["off_above_three"])["off_above_three"]
        assert runs[replay]["success"], runs[replay]["error"]
        runs[replay]["scores"] = catalog_runner.scores(out / "off_above_three.ipynb")
    assert runs[True]["examples"] == {"pass": 1, "fail": 1, "miss": 0}  # square's replayed, double's failed
    assert runs[False]["examples"] == {"pass": 0, "fail": 0, "miss": 0}  # no book: everything drawn
    assert runs[True]["scores"] == runs[False]["scores"]
    assert runs[True]["scores"]["correct_double"].score == 0 and runs[True]["scores"]["correct_square"].score == 1


def _two_exercise_catalog(tmp_path, later_test: str) -> dict:
    """A key whose first exercise draws from numpy's global stream, a mistake that draws more, and a second
    exercise whose test cell is ``later_test``: the mistake's run, stopped early or not."""
    cells = [("import numpy as np\nnp.random.seed(0)", "setup", False, False, 0),
             ("def f():\n    np.random.rand(3)\n    return 1", "f_solution", False, True, 0),
             ("assert f() == 1", "correct_f", True, False, 1),
             ("def g(x):\n    return x + 1", "g_solution", False, True, 0),
             (later_test, "correct_g", True, False, 1)]
    key = _key_notebook(tmp_path, cells)
    mistake = {"cell": "f_solution", "code": "def f():\n    np.random.rand(5)\n    return 1", "through": []}
    proc = catalog_runner.run_catalog(key, {"draws_more": mistake},
                                      [["f_solution", "correct_f"], ["g_solution", "correct_g"]], tmp_path / "out",
                                      jobs=1, timeout_s=120, offline=False)
    return catalog_runner.collect(proc, tmp_path / "out", ["draws_more"])["draws_more"]


def test_a_later_draw_whose_value_nothing_keeps_does_not_hold_a_mistake_apart(tmp_path):
    """Only the global stream differs after the mistake's exercise; the later test draws from it but leaves and
    shows the same whatever the stream's position, so the rest runs as for the key: the mistake stops there."""
    result = _two_exercise_catalog(tmp_path, "np.random.rand(2)\nassert g(1) == 2")
    assert result["success"], result["error"]
    assert result["stopped_before"] == "g_solution", result


def test_a_later_draw_that_shows_holds_a_mistake_apart_to_the_end(tmp_path):
    """The later test prints a draw: what it shows depends on where the stream stood, so the mistake runs on."""
    result = _two_exercise_catalog(tmp_path, "print(np.random.rand())\nassert g(1) == 2")
    assert result["success"], result["error"]
    assert result["stopped_before"] is None and "<numpy.random>" in result["kept_apart_by"]["g_solution"], result
