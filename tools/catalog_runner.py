"""Run a module's wrong-answer catalog by forking the key's process at the cell each mistake replaces.

A catalogued mistake is the key with one solution cell changed, so every cell before that one runs the
same code as the key and leaves the same state. Running ~50 such notebooks from the top (what `autograder
grade` must do for a class, where every notebook differs from the first cell) spends most of the contract's
time re-running the key's opening cells. Here one process runs the key cell by cell in an IPython shell;
just before the cell a mistake changes, it forks, and the child runs the mistake and the cells after it. Fork
copies the process, so the child starts from exactly the state (globals, RNG streams, warning registry) a
top-to-bottom run would have (Python's `random`, which a fork reseeds, is restored).

A child also stops early: a second fork runs the key itself to the end and publishes, at the end of every
exercise, digests of what the remaining cells can reach (tools/notebook_state.py). When, at such a boundary,
nothing the rest can reach differs from the key's, the rest runs as it did for the key and scores what the
key scores there (full marks); the child stops and records where. A global RNG stream that alone differs is
followed through the key's run: cells that do not move it cannot read it, and each cell that moves it is
probed from another position of the stream, to show that it resets it (tests that disturb the global RNG seed
it) or that nothing it leaves or shows depends on where the stream stood (`_rng_apart`). Anything else keeps
the child running, and its result says which globals did (`kept_apart_by`).

Each child writes its executed notebook, with outputs recorded as a Jupyter kernel records them (streams,
display data, the execute result, errors, in order); `scores()` reads them with nbgrader's own
`determine_grade`, the rule `nbgrader autograde` applies to a cell's outputs. The contract checks these
scores against `autograder grade` on part of the catalog (tests/test_contract.py), and the key's own run
here must earn full marks, or the runner's semantics have drifted and the whole catalog run is refused.

    python -m tools.catalog_runner NOTEBOOK PLAN.json OUT_DIR   (run offline by `run_catalog`)
"""
from __future__ import annotations

import base64
import io
import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import nbformat

from autograder.coursedir import CellScore
from tools import notebook_state
from tools.nbgrader_batch import child_env

KEY = "key"
PROBE_SEED = 20261203  # any streams other than the key's


def run_catalog(notebook: Path, mistakes: dict[str, dict], exercises: list[list[str]], out: Path, jobs: int = 2,
                timeout_s: float = 600, offline: bool = True, stop_early: bool = True,
                replay_examples: bool = True) -> subprocess.Popen:
    """Start the runner on ``notebook`` (a key), network off, in a child process; returns it (see `collect`).

    ``mistakes``: name -> {"cell": grade_id, "code": source, "through": [grade_ids it cascades to]}, and
    optionally "own_exercise": true to run it only to the end of its own exercise (the later cells unexecuted);
    ``exercises``: the grade_ids of each exercise's cells, whose ends are where a mistake may stop early
    (``stop_early=False`` runs every mistake to the end: the reference the early stops are tested against);
    ``replay_examples``: a mistake's hidden tests replay the hypothesis examples the key's run drew for them
    (`course.properties.ExampleBook`: the same verdicts, without drawing them again) rather than drawing them."""
    out.mkdir(parents=True, exist_ok=True)
    plan = out / "plan.json"
    plan.write_text(json.dumps({"jobs": jobs, "timeout_s": timeout_s, "mistakes": mistakes,
                                "exercises": exercises if stop_early else [], "replay_examples": replay_examples}))
    argv = [sys.executable, "-m", "tools.catalog_runner", str(notebook), str(plan), str(out)]
    if offline:
        from tools.offline import offline_command

        argv = offline_command(argv)
    # The kernel's environment as autograder gives it: one BLAS thread (a process must not fork while a BLAS
    # thread pool runs), a fixed hash seed, the inline matplotlib backend.
    env = child_env(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                    MPLBACKEND="module://matplotlib_inline.backend_inline", NBGRADER_EXECUTION="autograde")
    log = open(out / "runner.log", "wb")
    # A session of its own, so that `collect` can stop the runner and every kernel it forked at once.
    return subprocess.Popen(argv, cwd=notebook.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def collect(proc: subprocess.Popen, out: Path, names: list[str]) -> dict[str, dict]:
    """Wait for the runner; per mistake (and the key): success, seconds, and the reason when it failed.

    Interrupted (Ctrl-C, or SIGTERM where the caller turns it into SystemExit), it stops the runner and its
    kernels first: nothing keeps running after the tool that started it."""
    try:
        proc.wait()
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        raise
    results = {}
    for name in [KEY, *names]:
        status = out / f"{name}.json"
        if status.exists():
            results[name] = json.loads(status.read_text())
        else:
            tail = (out / "runner.log").read_text(errors="replace")[-2000:]
            results[name] = {"success": False, "seconds": 0.0,
                             "error": f"the catalog runner left no result (exit {proc.returncode}): {tail}"}
    return results


def scores(executed: Path) -> dict[str, CellScore]:
    """Every graded cell's score in an executed notebook, by nbgrader's rule for a cell's outputs."""
    from nbgrader.utils import determine_grade, is_grade

    table = {}
    for cell in nbformat.read(str(executed), as_version=4).cells:
        if is_grade(cell):
            score, max_score = determine_grade(cell)
            table[cell.metadata.nbgrader["grade_id"]] = CellScore(
                score=float(score or 0.0), max_score=float(max_score), needs_manual_grade=score is None)
    return table


# ---- inside the runner process -------------------------------------------------------------------------

def _shell():
    """An IPython shell that records each cell's outputs the way ipykernel publishes them."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Recorder:
        outputs: list = []

        @classmethod
        def add(cls, output_type, **fields):
            cls.outputs.append(nbformat.v4.new_output(output_type, **fields))

        @classmethod
        def stream(cls, name, text):
            last = cls.outputs[-1] if cls.outputs else None
            if last is not None and last.output_type == "stream" and last.name == name:
                last.text += text
            elif text:
                cls.add("stream", name=name, text=text)

    class Stream(io.TextIOBase):
        def __init__(self, name):
            self.name = name

        def writable(self):
            return True

        def write(self, text):
            Recorder.stream(self.name, text)
            return len(text)

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            Recorder.add("display_data", data=_jsonable(data), metadata=metadata or {})

        def clear_output(self, wait=False):
            Recorder.outputs.clear()

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            Recorder.add("execute_result", data=_jsonable(format_dict), metadata=md_dict or {},
                         execution_count=self.shell.execution_count)

        def finish_displayhook(self):
            pass

    class Shell(InteractiveShell):
        displayhook_class = Hook
        display_pub_class = Publisher

        def enable_gui(self, gui=None):
            pass  # `%matplotlib inline` needs no event loop

        def _showtraceback(self, etype, evalue, stb):
            Recorder.add("error", ename=etype.__name__, evalue=str(evalue), traceback=list(stb))

    from traitlets.config import Config

    # No history database: forked children writing one sqlite file would print "Session/line number was not
    # unique" into a cell's output, as no kernel does.
    config = Config()
    config.HistoryManager.enabled = False
    shell = Shell.instance(config=config)
    shell.recorder, shell.streams = Recorder, (Stream("stdout"), Stream("stderr"))
    return shell


def _jsonable(data: dict) -> dict:
    return {k: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v for k, v in data.items()}


def _execute(shell, cell) -> None:
    shell.recorder.outputs = []
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = shell.streams
    try:
        shell.run_cell(cell.source, store_history=True)
    finally:
        sys.stdout, sys.stderr = saved
    cell.outputs = shell.recorder.outputs
    cell.execution_count = shell.execution_count - 1


def _run(shell, nb, start: int, out: Path, name: str, checks: list[int], stop_at: int | None = None,
         book=None) -> None:
    """Run cells ``start``.. of ``nb``; at each boundary in ``checks`` stop if the rest provably runs as for the key;
    at ``stop_at`` stop whatever the state (the later cells are not graded: see ``own_exercise`` in `main`).
    With a replaying ``book``, each cell's tests first replay the examples the key's run drew for them."""
    began = time.perf_counter()
    stopped, apart = None, {}
    if book is not None:
        book.replayed = {}  # this mistake's own replays (the copy it was forked with holds the parent's)
    for index in range(start, len(nb.cells)):
        if index == stop_at:
            stopped = index
            break
        if index in checks:
            blockers = sorted(_what_keeps_the_rest_apart(shell, nb, index, out, start))
            if not blockers:
                stopped = index
                break
            apart[_cell_name(nb.cells[index], index)] = blockers[:10]
        if nb.cells[index].cell_type == "code":
            _take_examples(book, out, index)
            _execute(shell, nb.cells[index])
    nb.metadata["catalog_runner"] = {"stopped_before_cell": stopped}
    nbformat.write(nb, str(out / f"{name}.ipynb"))
    (out / f"{name}.json").write_text(json.dumps({
        "success": True, "seconds": time.perf_counter() - began, "error": "",
        "ran_cells": (stopped if stopped is not None else len(nb.cells)) - start,
        "stopped_before": None if stopped is None else _cell_name(nb.cells[stopped], stopped),
        "kept_apart_by": apart,
        # how each hidden test's exploration ended: "pass" replayed the key's examples, "fail"/"miss" drew its own
        "examples": {outcome: sum(1 for o in (book.replayed if book else {}).values() if o == outcome)
                     for outcome in ("pass", "fail", "miss")}}))


def _cell_name(cell, index: int) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index}"


def _run_key(shell, nb, out: Path, boundaries: list[int], book=None) -> None:
    """The key itself, top to bottom, publishing its state at every boundary for the mistakes to compare with,
    for every later cell whether it moved a global RNG stream and, if so, whether it reset it (see
    `_rng_apart`), and, with a recording ``book``, the hypothesis examples each cell's tests drew."""
    began = time.perf_counter()
    probes = []
    for index, cell in enumerate(nb.cells):
        if index in boundaries:
            _publish(out / f"state-{index}.pickle", _state(shell, nb, index))
        if cell.cell_type != "code":
            continue
        if not boundaries or index < boundaries[0]:
            _execute_recording(shell, cell, book, out / f"examples-{index}.pickle")
            continue
        before = notebook_state.streams()
        probes.append(_fork(lambda: _probe(shell, nb, index, out)))
        _execute_recording(shell, cell, book, out / f"examples-{index}.pickle")
        after = notebook_state.streams()
        moved = sorted(s for s in after if after[s] != before.get(s))
        if moved:
            _publish(out / f"after-{index}.pickle", _state(shell, nb, index + 1))
            _publish(out / f"after-outputs-{index}.pickle", _outputs(cell))
        _publish(out / f"moved-{index}.pickle", moved)
    for probe in probes:
        os.waitpid(probe, 0)
    nbformat.write(nb, str(out / f"{KEY}.ipynb"))
    raised = [_cell_name(c, i) for i, c in enumerate(nb.cells)
              if any(o.output_type == "error" for o in c.get("outputs", []))]
    (out / f"{KEY}.json").write_text(json.dumps({
        "success": not raised, "seconds": time.perf_counter() - began, "ran_cells": len(nb.cells),
        # An early stop assumes the key's cells bind what they assign: a key that raises is fixed first.
        "error": f"the key raises in {raised[0]}: fix it before the catalog is graded" if raised else ""}))


def _execute_recording(shell, cell, book, examples: Path) -> None:
    """Execute the key's ``cell``; with a recording ``book``, publish the examples its tests drew."""
    recorded = set(book.entries) if book is not None else set()
    _execute(shell, cell)
    if book is not None:
        _publish(examples, {k: v for k, v in book.entries.items() if k not in recorded})


def _take_examples(book, out: Path, index: int) -> None:
    """Before cell ``index`` runs outside the key's run: the examples the key's run drew there, into ``book``."""
    if book is not None:
        book.entries.update(_key_state(out, f"examples-{index}.pickle") or {})


def _probe(shell, nb, index: int, out: Path) -> None:
    """Run the key's cell ``index`` from other positions of the RNG streams the key's own run shows it moves."""
    moved = _key_state(out, f"moved-{index}.pickle")
    if not moved:
        return
    if notebook_state.RNG_STREAMS[0] in moved:
        import numpy

        numpy.random.seed(PROBE_SEED)
    if notebook_state.RNG_STREAMS[1] in moved:
        random.seed(PROBE_SEED)
    _execute(shell, nb.cells[index])
    _publish(out / f"probe-outputs-{index}.pickle", _outputs(nb.cells[index]))
    _publish(out / f"probe-{index}.pickle", _state(shell, nb, index + 1))


def _outputs(cell) -> list:
    """What a cell showed, as a grade reads it (errors, results, text, figures), its execution count aside."""
    return [{k: v for k, v in output.items() if k != "execution_count"} for output in cell.get("outputs", [])]


def _state(shell, nb, index: int) -> dict:
    """The digests of what cells ``index``.. can reach."""
    mentioned = notebook_state.later_reads(_later(shell, nb, index))
    return notebook_state.reached(shell.user_ns, mentioned or set(), shell.user_ns_hidden)


def _rng_apart(nb, index: int, out: Path, streams: set[str]) -> bool:
    """Whether the global RNG ``streams``, which alone differ from the key's at ``index``, can change what follows.

    Same state but the streams in, same statements: the later cells draw from a stream where the key's do.
    Following the key's run from ``index``: cells that leave a stream alone read nothing from it. A cell that
    moves it is probed (the same cell run from another position of the streams it moves): if the probe ends in
    the key's state, the cell reset those streams (`np.random.seed(...)`, as tests that disturb them do) and
    they no longer differ; if it ends in the key's state but for those streams, showing what the key's run
    showed, what the cell did depends not on where the stream stood (a draw it discards, a model whose fit
    lands on the same result), and the streams still differ after it. Any other cell keeps the rest apart."""
    streams = set(streams)
    for later in range(index, len(nb.cells)):
        if not streams:
            return False
        if nb.cells[later].cell_type != "code":
            continue
        moved = _key_state(out, f"moved-{later}.pickle")
        if moved is None:
            return True
        if streams & set(moved):
            after, probe = _key_state(out, f"after-{later}.pickle"), _key_state(out, f"probe-{later}.pickle")
            if after is None or probe is None or any(v is None for v in after.values()):
                return True
            if after == probe:
                streams -= set(moved)
                continue
            rest = set(after) - set(moved)
            same_rest = set(after) == set(probe) and all(after[k] == probe[k] for k in rest)
            if not same_rest or (_key_state(out, f"after-outputs-{later}.pickle")
                                 != _key_state(out, f"probe-outputs-{later}.pickle")):
                return True
    return False


def _publish(path: Path, state: dict) -> None:
    path.with_suffix(".tmp").write_bytes(pickle.dumps(state))
    path.with_suffix(".tmp").rename(path)


def _what_keeps_the_rest_apart(shell, nb, index: int, out: Path, start: int) -> set[str]:
    """Empty when the rest of the notebook provably runs as the key's from ``index`` (tools/notebook_state.py
    says what that proves); else what stands in the way. ``start``: the first cell this mistake ran."""
    ran = [shell.transform_cell(c.source) for c in nb.cells[start:index] if c.cell_type == "code"]
    writes = notebook_state.module_writes(ran, shell.user_ns)
    if writes:
        return {f"<a cell writes to a module: {w}>" for w in writes}
    theirs = _key_state(out, f"state-{index}.pickle")
    if theirs is None:
        return {"<the key's state at this boundary>"}
    apart = notebook_state.what_keeps_the_rest_apart(shell.user_ns, shell.user_ns_hidden, theirs,
                                                     _later(shell, nb, index))
    if apart and apart <= set(notebook_state.RNG_STREAMS) and not _rng_apart(nb, index, out, apart):
        return set()
    return apart


def _key_state(out: Path, name: str) -> dict | None:
    """The key's published state ``name``, once its run gets there; None if it ended without publishing it."""
    ready = out / name
    while not ready.exists():
        if (out / f"{KEY}.json").exists():
            return None
        time.sleep(0.02)
    return pickle.loads(ready.read_bytes())


def _later(shell, nb, index: int) -> list[str]:
    """The code of cells ``index``.. as Python (magics rewritten by IPython)."""
    return [shell.transform_cell(c.source) for c in nb.cells[index:] if c.cell_type == "code"]


def _reap(children: dict, out: Path) -> None:
    """Collect the children that finished; kill any past its deadline; record why a child left no notebook."""
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if not pid:
            break
        name, began, _ = children.pop(pid)
        if not (out / f"{name}.json").exists():
            _failed(out, name, began, f"the run of {name} died ({_describe(status)})")
    for child, (name, began, deadline) in list(children.items()):
        if time.monotonic() > deadline:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            children.pop(child)
            _failed(out, name, began, f"{name} did not finish within {deadline - began:.0f} s: an endless loop?")


def _failed(out: Path, name: str, began: float, why: str) -> None:
    (out / f"{name}.json").write_text(json.dumps({"success": False, "seconds": time.monotonic() - began,
                                                  "error": why}))


def _describe(status: int) -> str:
    return f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"


def main(argv: list[str]) -> int:
    notebook, plan_path, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    plan = json.loads(plan_path.read_text())
    key = nbformat.read(str(notebook), as_version=4)
    where = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(key.cells)}
    ends = {g: max(where[c] for c in cells if c in where) + 1 for cells in plan["exercises"] for g in cells
            if any(c in where for c in cells)}
    boundaries = sorted(set(ends.values()))
    starts: dict[int, list[tuple[str, str, list[int]]]] = {}
    for name, mistake in plan["mistakes"].items():
        missing = [g for g in [mistake["cell"], *mistake["through"]] if g not in where]
        if missing:
            _failed(out, name, time.monotonic(), f"the key has no cell {missing[0]!r}: check the catalog")
            continue
        # Never before the end of the mistake's exercise and of the later cells it cascades to.
        first = max([ends.get(mistake["cell"], where[mistake["cell"]] + 1),
                     *(where[g] + 1 for g in mistake["through"])])
        checks = [b for b in boundaries if b >= first]
        # ``own_exercise``: only the cells up to the end of the mistake's exercise count (tools/mutation.py asks
        # whether the exercise's own tests catch a change to its key; the later cells stay unexecuted).
        stop_at = first if mistake.get("own_exercise") else None
        starts.setdefault(where[mistake["cell"]], []).append((name, mistake["code"], checks, stop_at))
    shell = _shell()
    children: dict[int, tuple[str, float, float]] = {}
    recording = replaying = None
    if plan.get("replay_examples"):
        from course.properties import ExampleBook, use_examples

        # The key records what its tests draw; this process and the mistakes forked from it replay. Both count
        # the explore calls the same way (this process runs the key's cells too), so each call finds its own.
        recording, replaying = ExampleBook("record"), ExampleBook("replay")
        use_examples(recording)
    key_pid = _fork(lambda: _run_key(shell, key, out, boundaries, recording))
    if replaying is not None:
        use_examples(replaying)
    children[key_pid] = (KEY, time.monotonic(), time.monotonic() + plan["timeout_s"])
    for index, cell in enumerate(key.cells):
        for name, code, checks, stop_at in starts.get(index, []):
            while len(children) - (key_pid in children) >= plan["jobs"]:
                _reap(children, out)
                time.sleep(0.02)
            mistake = nbformat.from_dict(json.loads(json.dumps(key)))
            mistake.cells[index].source = code
            pid = _fork(lambda: _run(shell, mistake, index, out, name, checks, stop_at, replaying))
            children[pid] = (name, time.monotonic(), time.monotonic() + plan["timeout_s"])
        if cell.cell_type == "code":
            _take_examples(replaying, out, index)
            _execute(shell, cell)
    while children:
        _reap(children, out)
        time.sleep(0.02)
    return 0


def _fork(work) -> int:
    # Python reseeds `random` in a forked child; a top-to-bottom run would continue the parent's stream.
    stream = random.getstate()
    pid = os.fork()
    if pid == 0:
        random.setstate(stream)
        try:
            work()
            os._exit(0)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
    return pid


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
