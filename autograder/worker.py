"""Execute one sanitized submission in its sandbox: the only step that runs student code.

Runs in a worker process (a local pool or a Dask worker), takes and returns plain data (notebook JSON,
file bytes), so it needs no shared file system. Uses nbgrader's own `Execute` preprocessor (nbclient
underneath) with three additions: the kernel is forked warm inside the sandbox (`autograder.kernels.warm`), output is capped per
notebook, and a kernel that dies or overruns the notebook's time keeps the cells it finished, every
cell it did not finish is marked with an error (so a test cell that never ran earns nothing).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder import sandbox
from autograder.judge.kernel import CALL_SECONDS_ENV, CALL_SHARE, EXAMPLES_ENV, EXAMPLES_FILE, EXAMPLES_REPLAYED
from autograder.glue import kernel_client
from autograder.kernels import warm
from autograder.limits import Limits
from autograder.preprocessors.bounded_execute import BoundedExecute

log = logging.getLogger(__name__)

VERSIONED = ("nbgrader", "nbclient", "ipykernel", "numpy", "pandas", "scikit-learn", "scipy", "matplotlib",
             "shap", "imbalanced-learn", "opendp")
PASSED_ENV = ("PYTHONHASHSEED", "LANG", "LC_ALL", "TZ", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
              "MKL_NUM_THREADS")


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """The Python and package versions a grade was computed with (COURSE_GUIDE §7)."""
    found = {"python": sys.version.split()[0]}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def _error(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def notebook_to_json(nb) -> str:
    """A notebook between coordinator and worker: nbgrader validated it when it read the file, and validates
    it again when it writes the graded copy, so the hand-over skips nbformat's (slow) schema validation."""
    return json.dumps(nb)


def notebook_from_json(text: str):
    return kernel_client.rejoin_lines(nbformat.from_dict(json.loads(text)))


def server_key(job: dict) -> warm.ServerKey:
    """Which warm server can run ``job``: same sandbox mode, preloaded modules, process limit and environment."""
    passed = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    env = {**passed, "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "TMPDIR": "/tmp",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline", "NBGRADER_EXECUTION": "autograde",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", **job.get("env", {})}
    limits = Limits.from_dict(job["limits"])
    return warm.ServerKey(mode=job["mode"], preload=tuple(job.get("preload", ())), processes=limits.processes,
                          env=tuple(sorted(env.items())), memory=limits.memory)


def warm_up(job: dict, count: int = 1) -> None:
    """Start ``count`` warm servers in this process for jobs like ``job`` now, before the first one arrives."""
    warm.prestart(server_key(job), count)


def warm_up_soon(job: dict, count: int = 1) -> None:
    """Start ``count`` warm servers in the background, and return at once (a Dask worker's set-up)."""
    def start():
        try:
            warm_up(job, count)
        except Exception:  # the first job starts a server again and reports why it fails
            log.debug("warming up failed", exc_info=True)

    threading.Thread(target=start, name="autograder-warm-up", daemon=True).start()


# Where this process grades: set on a Dask worker by `autograder.pools.dask` ("host/worker-name").
PLACE: str | None = None


def worker_name() -> str:
    """Where a submission ran: the host, and the Dask worker's name when it ran on a cluster."""
    return PLACE or os.uname().nodename


def run_submission(job: dict) -> dict:
    """Execute ``job['notebook']`` (sanitized JSON) in a sandbox; returns the executed JSON and what happened.

    job keys: notebook, files {relative path: bytes}, limits (Limits fields), mode ('bwrap'|'unsafe'),
    execute_config {trait: value} for nbgrader's Execute, env {name: value} extra kernel variables,
    preload [module names the assignment imports: the warm kernel has them loaded already], examples (optional,
    judged jobs only: {mode "record" | "replay", book bytes to replay, secret hex, source digest}, the answer
    key's hypothesis examples, `course.properties.ExampleBook`; a recorded book comes back as result["examples"],
    how the replays ended as result["examples_replayed"]).
    """
    start = time.perf_counter()
    limits = Limits.from_dict(job["limits"])
    nb = notebook_from_json(job["notebook"])
    key = server_key(job)
    if job["mode"] == "bwrap" and sandbox.bwrap_path() is None:  # a cluster worker set up without it
        raise sandbox.SandboxUnavailable(f"bubblewrap (bwrap) is not installed on the worker {worker_name()}: "
                                         "`apt-get install bubblewrap` there, or stop that worker")
    base = dict(key.env)
    judged = bool(job.get("judge"))
    server = warm.acquire(key)
    folder = None
    try:
        folder = server.new_job(job.get("files", {}))
        # The kernel is killed and its sandbox reaped anyway: no graceful shutdown to wait for.
        config = {"shutdown_kernel": "immediate", **job.get("execute_config", {})}
        if limits.cell_timeout is not None:
            config["timeout"] = limits.cell_timeout
        executor = BoundedExecute(kernel_manager_class=kernel_client.manager_class(
            server, folder, _job_env(base, folder), limits, "student" if judged else None), **config)
        executor.output_budget = limits.output
        if judged:
            # The judge gets a job folder of its own, outside the student's view, with none of the
            # submission's files: nothing a student wrote can be imported or read there.
            examples = job.get("examples") or {}
            judge_folder = server.new_job({EXAMPLES_FILE: examples["book"]} if examples.get("book") else {})
            server.pair()
            judge_env = _job_env(base, judge_folder)
            if examples.get("mode") in ("record", "replay"):
                judge_env.update(zip(EXAMPLES_ENV, (examples["mode"], examples["secret"], examples["source"])))
            if isinstance(config.get("timeout"), (int, float)) and config["timeout"] > 0:
                judge_env[CALL_SECONDS_ENV] = str(config["timeout"] * CALL_SHARE)
            executor.judge = BoundedExecute(kernel_manager_class=kernel_client.manager_class(
                server, judge_folder, judge_env, limits, "judge"), **config)
        status, reason = _execute(executor, nb, folder / "work", limits)
        return {
            **(_examples_result(judge_folder / "work", examples.get("mode")) if judged else {}),
            "notebook": notebook_to_json(nb),
            "status": status,
            "reason": reason,
            "truncated": executor.truncated,
            "seconds": time.perf_counter() - start,
            "versions": dict(versions()),
            "worker": worker_name(),
            "sandbox": job["mode"],
        }
    finally:
        warm.release(server, folder)


def _examples_result(work: Path, mode: str | None) -> dict:
    """What the judge left of its example book: the book it recorded, or how its replays ended."""
    try:
        if mode == "record" and (work / EXAMPLES_FILE).is_file():
            return {"examples": (work / EXAMPLES_FILE).read_bytes()}
        if mode == "replay" and (work / EXAMPLES_REPLAYED).is_file():
            replayed = json.loads((work / EXAMPLES_REPLAYED).read_text())
            return {"examples_replayed": replayed} if isinstance(replayed, dict) else {}
    except (OSError, ValueError):  # a judge killed while writing: the next run records or replays again
        log.debug("the judge's example book could not be read", exc_info=True)
    return {}


def _job_env(base: dict[str, str], folder: Path) -> dict[str, str]:
    home = folder / "run" / "home"
    return {**base, "HOME": str(home), "MPLCONFIGDIR": str(home / "mpl")}


def _execute(executor: BoundedExecute, nb, work: Path, limits: Limits) -> tuple[str, str]:
    """Run the notebook; mark unfinished cells; returns (status, reason)."""
    resources = {"metadata": {"path": str(work)}}
    overran = threading.Event()

    def kill_on_overrun():
        overran.set()
        for client in (executor, executor.judge):
            provisioner = getattr(getattr(client, "km", None), "provisioner", None)
            if isinstance(provisioner, kernel_client.ForkProvisioner):
                provisioner.kill_now()

    timer = threading.Timer(limits.notebook_timeout, kill_on_overrun)
    timer.daemon = True
    status, reason = "graded", ""
    timer.start()
    try:
        executor.preprocess(nb, resources)
    except warm.ServerError:
        # The fork server lost while a kernel was being forked (only a spawn raises it; a server lost later makes
        # the kernel look dead): no student code has run, so it is the grader's failure, which the batch records
        # as an error for the next run to grade again, never as this student's crash.
        raise
    except Exception as exc:  # DeadKernelError, a kernel that died or never started, ...
        if overran.is_set():
            status, reason = "timeout", f"notebook time limit of {limits.notebook_timeout} s reached"
        else:
            status, reason = "crashed", f"kernel died ({type(exc).__name__}: {str(exc)[:200]})"
    finally:
        timer.cancel()
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    unfinished = [i for i in code if i not in executor.finished]
    if unfinished and status == "graded":
        status, reason = "crashed", "the kernel stopped before the end of the notebook"
    if unfinished:
        where = unfinished[0]
        grade_id = nb.cells[where].get("metadata", {}).get("nbgrader", {}).get("grade_id")
        reason += f" in cell {where}" + (f" ({grade_id})" if grade_id else "")
        reason += "; points earned before it are kept"
        for index in unfinished:
            cell = nb.cells[index]
            cell.outputs = list(cell.get("outputs", [])) + [
                _error("NotExecuted", f"the kernel stopped before this cell finished: {reason}")]
    else:
        timeouts = [i for i in code for o in nb.cells[i].get("outputs", [])
                    if o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError"]
        memory = [i for i in code for o in nb.cells[i].get("outputs", [])
                  if o.get("output_type") == "error" and o.get("ename") == "MemoryError"]
        if timeouts:
            status, reason = "timeout", f"cell {timeouts[0]} exceeded the cell time limit and was interrupted"
        elif memory:
            reason = f"cell {memory[0]} hit the memory limit ({limits.memory / 1024**3:g} GiB)"
    return status, reason
