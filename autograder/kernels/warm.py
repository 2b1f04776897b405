"""Warm kernels: one sandboxed fork server per grading slot, one freshly forked kernel per submission.

A fresh ipykernel pays its imports (pandas, scikit-learn, matplotlib, ipykernel itself: seconds of CPU)
before the first cell runs. `ForkServer` starts `autograder/kernels/forkserver.py` once per slot inside
bubblewrap, lets it import what the assignment imports, and from then on asks it for a kernel per
submission: a fork that takes its own mount namespace, drops its capabilities and starts ipykernel in
well under a second. After each submission the server kills everything left in the sandbox and the
job's directory is deleted, so nothing carries over from one student to the next.

jupyter_client drives the forked kernel through `autograder.glue.kernel_client.ForkProvisioner` (a kernel
provisioner, jupyter_client's own extension point), so nbgrader's Execute and nbclient run it exactly
like a spawned kernel.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder import sandbox
from autograder.kernels import forkserver
from autograder.limits import Limits

log = logging.getLogger(__name__)
SERVER_SOURCE = Path(forkserver.__file__).read_text()
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "IPython",
                  "matplotlib_inline.backend_inline", "jupyter_client.session",
                  # what IPython imports for a kernel's first traceback: a failing test would pay it every time
                  "stack_data", "executing", "asttokens", "pure_eval", "pygments.formatters.terminal256",
                  "pygments.styles",
                  "autograder.judge.kernel")  # both kernels of a judged submission start from it
SLOT_PREFIX = "autograder-slot-"
START_TIMEOUT = 180
SERVER_MEMORY = 1024**3  # the warm server itself (pandas, scikit-learn, matplotlib imported), shared by its forks
REQUEST_TIMEOUT = 30


# bubblewrap's --die-with-parent is the kernel's PR_SET_PDEATHSIG, which fires when the *thread* that started it
# exits: a server started from a short-lived thread (a Dask worker's warm-up or key canary) would die with it.
# Every server is started from this one thread, which lives as long as the process.
_launcher = ThreadPoolExecutor(1, thread_name_prefix="autograder-server-launcher")


class ServerError(RuntimeError):
    """The fork server did not start or stopped answering; the job is retried on a cold server."""


@dataclass(frozen=True)
class ServerKey:
    """Servers are interchangeable when these agree."""

    mode: str  # "bwrap" or "unsafe"
    preload: tuple[str, ...]
    processes: int
    env: tuple[tuple[str, str], ...]
    memory: int = 0  # one kernel's memory limit (bytes): with SERVER_MEMORY, the slot's cgroup v2 memory.max


class ForkServer:
    def __init__(self, key: ServerKey):
        self.key = key
        _remove_abandoned_slots()
        self.slot = Path(tempfile.mkdtemp(prefix=SLOT_PREFIX))
        (self.slot / "owner").write_text(str(os.getpid()))
        (self.slot / "jobs").mkdir()
        mpl = self.slot / "mpl"
        _seed_matplotlib_cache(mpl)
        self._lock = threading.Lock()
        env = dict(key.env)
        # One thread per kernel: the slots already use every core; BLAS threads would fight over them
        # (and a process must not fork while a BLAS thread pool exists).
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(name, "1")
        env.update(MPLCONFIGDIR=str(mpl), HOME=str(self.slot / "jobs"))
        isolated = key.mode == "bwrap"
        config = {"isolated": isolated, "preload": list(KERNEL_MODULES) + list(key.preload),
                  "cwd": str(self.slot / "jobs"), "keep": [str(p) for p in sandbox.kept_paths()],
                  "debug": log.isEnabledFor(logging.DEBUG)}
        cmd = [sys.executable, "-c", SERVER_SOURCE, json.dumps(config)]
        self.cgroup = None
        if isolated:
            # + bwrap, its init and the server; memory: one kernel's limit plus the server's preloaded imports
            memory = key.memory + SERVER_MEMORY if key.memory else None
            self.cgroup = sandbox.make_slot_cgroup(key.processes + 4, memory)
            cmd = sandbox.server_command(cmd, self.slot, env, self.cgroup, sandbox.FORK_HOLDS)
            env = {}
        self._log = open(self.slot / "server.log", "wb")
        self.proc = _launcher.submit(subprocess.Popen, cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._log, env=env or {**os.environ, **dict(key.env)},
                                     start_new_session=True).result()
        try:
            self.ready = self._read(START_TIMEOUT)
        except ServerError:
            self.close()
            raise

    # -- the control pipe --------------------------------------------------------------------------
    def _read(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            raise ServerError(f"the kernel fork server stopped answering ({self._log_tail()})")
        return json.loads(line)

    def request(self, op: str, timeout: float = REQUEST_TIMEOUT, **fields) -> dict:
        with self._lock:
            if self.proc.poll() is not None:
                raise ServerError(f"the kernel fork server exited ({self._log_tail()})")
            try:
                self.proc.stdin.write((json.dumps({"op": op, **fields}) + "\n").encode())
                self.proc.stdin.flush()
            except OSError as exc:
                raise ServerError(f"the kernel fork server is gone ({exc})") from None
            return self._read(timeout)

    def _log_tail(self) -> str:
        try:
            lines = (self.slot / "server.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1][:200] if lines else "no message"

    # -- jobs --------------------------------------------------------------------------------------
    def new_job(self, files: dict[str, bytes]) -> Path:
        """A fresh job directory: work/ (the submission's files) and run/ (sockets, HOME)."""
        job = self.slot / "jobs" / uuid.uuid4().hex
        work = job / "work"
        work.mkdir(parents=True)
        (job / "run" / "home").mkdir(parents=True)
        for rel, content in files.items():
            target = (work / rel).resolve()
            if work.resolve() not in target.parents:
                continue  # a name like ../../x never leaves the working directory
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        os.chmod(job, 0o755)
        return job

    def pair(self) -> None:
        """A socket pair for the next two kernels spawned with ``channel`` "student" and "judge"."""
        if not self.request("pair").get("ok"):
            raise ServerError("the kernel fork server could not make the judge's channel")

    def spawn(self, argv: list[str], job: Path, env: dict[str, str], limits: Limits, channel: str | None = None) -> int:
        # RLIMIT_NPROC counts every process of the (outside) user, so the cap is the kernel's share on top
        # of what the instructor already runs; the slot's pids cgroup, where there is one, is the exact cap.
        reply = self.request("spawn", argv=argv, cwd=str(job / "work"), job=str(job), env=env,
                             limits=limits.as_dict(), nproc=limits.processes + _processes_of_this_user(),
                             **({"channel": channel} if channel else {}))
        if reply.get("limits") != limits.as_dict():  # the server applies what it echoes: nothing may be lost
            self.signal(int(reply["pid"]), signal.SIGKILL)
            raise ServerError(f"the fork server received the limits {reply.get('limits')}, not {limits.as_dict()}")
        return int(reply["pid"])

    def poll(self, pid: int) -> int | None:
        return self.request("poll", pid=pid)["exit"]

    def signal(self, pid: int, signum: int) -> None:
        self.request("signal", pid=pid, sig=int(signum))

    def finish(self, job: Path) -> bool:
        """Kill whatever the job left running and delete its files; False when the server is not reusable."""
        try:
            clean = bool(self.request("reap")["ok"])
        except ServerError:
            clean = False
        shutil.rmtree(job, ignore_errors=True)
        for leftover in (self.slot / "jobs").iterdir():  # whatever a kernel wrote next to its job
            shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink()
        return clean and self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:  # exited between the poll and the kill
                log.debug("fork server %s exited already", self.slot.name)
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            stream.close()
        self._log.close()
        if log.isEnabledFor(logging.DEBUG):
            log.debug("fork server %s closed; its log:\n%s", self.slot.name,
                      (self.slot / "server.log").read_text(errors="replace")[-20_000:])
        sandbox.remove_cgroup(self.cgroup)
        shutil.rmtree(self.slot, ignore_errors=True)


def _remove_abandoned_slots() -> None:
    """Delete the slot directories (students' files included) of graders that were killed before cleaning up."""
    for slot in Path(tempfile.gettempdir()).glob(f"{SLOT_PREFIX}*"):
        try:
            owner = int((slot / "owner").read_text())
            if slot.stat().st_uid != os.getuid():
                continue
        except (OSError, ValueError):
            continue  # not finished being created, or not ours
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(slot, ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's


def _processes_of_this_user() -> int:
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:  # exited while counted
                continue
    return count


def _seed_matplotlib_cache(dest: Path) -> None:
    """Copy the font cache, so that the server does not rebuild it (seconds of CPU)."""
    dest.mkdir(parents=True, exist_ok=True)
    try:
        from matplotlib import get_cachedir

        for font_list in Path(get_cachedir()).glob("fontlist-*.json"):
            shutil.copy(font_list, dest / font_list.name)
    except Exception:  # matplotlib absent or unreadable cache: the server builds it
        log.debug("matplotlib's font cache not copied", exc_info=True)


# -- one process's idle servers --------------------------------------------------------------------
_idle: dict[ServerKey, list[ForkServer]] = {}
_idle_lock = threading.Lock()


def acquire(key: ServerKey) -> ForkServer:
    with _idle_lock:
        servers = _idle.get(key, [])
        while servers:
            server = servers.pop()
            if server.proc.poll() is None:
                return server
            server.close()
        stale = [k for k in _idle if k != key]
        for other in stale:  # another assignment's servers: free their memory
            for server in _idle.pop(other):
                server.close()
    return ForkServer(key)


def release(server: ForkServer, job: Path | None) -> None:
    reusable = server.finish(job) if job is not None else server.proc.poll() is None
    if not reusable:
        server.close()
        return
    with _idle_lock:
        _idle.setdefault(server.key, []).append(server)


def prestart(key: ServerKey, count: int = 1) -> None:
    """Start ``count`` idle servers now (a pool worker does this while the first notebook is sanitized)."""
    started = []
    try:
        for _ in range(count):
            started.append(ForkServer(key))
    finally:
        for server in started:
            release(server, None)


@atexit.register
def close_all() -> None:
    with _idle_lock:
        for servers in _idle.values():
            for server in servers:
                server.close()
        _idle.clear()


def imports_of(nb) -> list[str]:
    """The modules a notebook's code cells import (``from a.b import c`` gives ``a.b``), in order, once each.

    Read from the instructor's source notebook, never from a submission, so a student cannot choose what
    the server imports.
    """
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    found: dict[str, None] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(transform(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found[node.module] = None
    return list(found)
