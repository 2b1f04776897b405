"""Execute one sanitized submission in its sandbox: the only step that runs student code.

Runs in a worker process (a local pool or a Dask worker), takes and returns plain data (notebook JSON,
file bytes), so it needs no shared file system. Uses nbgrader's own `Execute` preprocessor (nbclient
underneath) with three additions: the kernel starts inside `sandbox.Jail`, output is capped per
notebook, and a kernel that dies or overruns the notebook's time keeps the cells it finished, every
cell it did not finish is marked with an error (so a test cell that never ran earns nothing).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

from autograder.sandbox import Jail, Limits

VERSIONED = ("nbgrader", "nbclient", "ipykernel", "numpy", "pandas", "scikit-learn", "scipy", "matplotlib",
             "shap", "imbalanced-learn", "opendp")
PASSED_ENV = ("PYTHONHASHSEED", "LANG", "LC_ALL", "TZ", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
              "MKL_NUM_THREADS")


def versions() -> dict[str, str]:
    """The Python and package versions a grade was computed with (COURSE_GUIDE §7)."""
    found = {"python": sys.version.split()[0]}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel command runs inside the class attribute ``jail``."""

    jail: Jail | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.jail is not None:
            # Unix sockets in the run directory: reachable across the sandbox's network namespace.
            self.transport = "ipc"
            self.ip = str(self.jail.run / "kernel")
            self.connection_file = str(self.jail.run / "kernel.json")

    async def _async_start_kernel(self, **kwargs):
        if self.jail is not None:
            kwargs["cwd"] = str(self.jail.work)
            kwargs["env"] = self.jail.kernel_env(dict(os.environ))
            kwargs["stdout"] = kwargs["stderr"] = subprocess.DEVNULL  # the kernel's own banner, not the student's
        return await super()._async_start_kernel(**kwargs)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return self.jail.wrap(cmd) if self.jail is not None else cmd


class BoundedExecute(Execute):
    """nbgrader's Execute with an output budget per notebook and a record of the cells it finished."""

    output_budget = 1_000_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_used = 0
        self.truncated = False
        self.started: set[int] = set()
        self.finished: set[int] = set()

    def preprocess_cell(self, cell, resources, index):
        self.started.add(index)
        result = super().preprocess_cell(cell, resources, index)
        self.finished.add(index)
        return result

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
        if msg.get("msg_type") != "error" and self.output_used + size > self.output_budget:
            if not self.truncated:
                self.truncated = True
                note = nbformat.v4.new_output(
                    "stream", name="stderr",
                    text=f"\n[autograder: output truncated, more than {self.output_budget:,} characters printed]\n")
                outs.append(note)
            return None
        self.output_used += size
        return super().output(outs, msg, display_id, cell_index)


def _error(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _prepare_dirs(root: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    work, run = root / "work", root / "run"
    work.mkdir()
    (run / "home").mkdir(parents=True)
    for rel, content in files.items():
        target = (work / rel).resolve()
        if work.resolve() not in target.parents:
            continue  # a name like ../../x never leaves the working directory
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    _seed_matplotlib_cache(run / "home" / "mpl")
    return work, run


def _seed_matplotlib_cache(dest: Path) -> None:
    """Copy the font cache, so that each fresh kernel does not rebuild it (seconds of CPU)."""
    dest.mkdir(parents=True, exist_ok=True)
    try:
        from matplotlib import get_cachedir

        for font_list in Path(get_cachedir()).glob("fontlist-*.json"):
            shutil.copy(font_list, dest / font_list.name)
    except Exception:  # matplotlib absent or unreadable cache: the kernel builds it
        pass


def run_submission(job: dict) -> dict:
    """Execute ``job['notebook']`` (sanitized JSON) in a sandbox; returns the executed JSON and what happened.

    job keys: notebook, files {relative path: bytes}, limits (Limits fields), mode ('bwrap'|'unsafe'),
    execute_config {trait: value} for nbgrader's Execute, env {name: value} extra kernel variables.
    """
    start = time.perf_counter()
    limits = Limits(**job["limits"])
    nb = nbformat.reads(job["notebook"], as_version=4)
    root = Path(tempfile.mkdtemp(prefix="autograder-"))
    jail = None
    try:
        work, run = _prepare_dirs(root, job.get("files", {}))
        env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
        env.update(PATH=f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", HOME=str(run / "home"),
                   MPLCONFIGDIR=str(run / "home" / "mpl"), MPLBACKEND="module://matplotlib_inline.backend_inline",
                   TMPDIR="/tmp", NBGRADER_EXECUTION="autograde", PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.update(job.get("env", {}))
        jail = Jail(work=work, run=run, limits=limits, mode=job["mode"], env=env)
        km_class = type("JailedKernelManager", (SandboxedKernelManager,), {"jail": jail})
        config = dict(job.get("execute_config", {}))
        if limits.cell_timeout is not None:
            config["timeout"] = limits.cell_timeout
        executor = BoundedExecute(kernel_manager_class=km_class, **config)
        executor.output_budget = limits.output
        status, reason = _execute(executor, nb, work, run, jail, limits)
        return {
            "notebook": nbformat.writes(nb),
            "status": status,
            "reason": reason,
            "truncated": executor.truncated,
            "seconds": time.perf_counter() - start,
            "versions": versions(),
            "worker": os.uname().nodename,
            "sandbox": job["mode"],
        }
    finally:
        if jail is not None:
            jail.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def _execute(executor: BoundedExecute, nb, work: Path, run: Path, jail: Jail, limits: Limits) -> tuple[str, str]:
    """Run the notebook; mark unfinished cells; returns (status, reason)."""
    resources = {"metadata": {"path": str(work)}}
    overran = threading.Event()

    def kill_on_overrun():
        overran.set()
        km = executor.km
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None:
            try:
                process.kill()
            except Exception:
                pass

    timer = threading.Timer(limits.notebook_timeout, kill_on_overrun)
    timer.daemon = True
    status, reason = "graded", ""
    timer.start()
    try:
        executor.preprocess(nb, resources)
    except Exception as exc:  # DeadKernelError, a kernel that never started, ...
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
