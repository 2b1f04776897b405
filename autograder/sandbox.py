"""The sandbox a grading slot's kernels run in: bubblewrap namespaces, a pids cgroup, what must not be seen.

bubblewrap starts the slot's warm server (`autograder.kernels.forkserver`) with read-only system directories, the
Python installation and virtualenv and the `course` package, and one writable directory (the slot's);
no network (a fresh network namespace), its own PID namespace (everything in it dies with it), no
environment but what is passed, and only CAP_SYS_ADMIN inside its own user namespace, which each forked
kernel uses to build its private view and then drops with every other capability. A cgroup per slot
caps the process count (and, on cgroup v2, the memory) where the cgroup file system is writable
(`make_slot_cgroup`; RLIMIT_NPROC, set per kernel, does not bind root). Memory (RLIMIT_AS), file-size
and core limits are set per kernel by the server.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")


class SandboxUnavailable(RuntimeError):
    """No way to isolate student code on this machine; the message says what to do."""


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def check_available(unsafe: bool = False) -> str:
    """'bwrap' when the sandbox works here, 'unsafe' when allowed to run without; otherwise raise."""
    if unsafe:
        return "unsafe"
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed, so student code cannot be isolated: "
            "`apt-get install bubblewrap` (or pass --unsafe to grade without a sandbox)")
    with tempfile.TemporaryDirectory(prefix="autograder-probe-") as slot:
        (Path(slot) / "jobs").mkdir()
        probe = subprocess.run(server_command(["/bin/true"], Path(slot), {}, None, FORK_HOLDS),
                               capture_output=True, text=True)
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise SandboxUnavailable(
            f"bubblewrap cannot create namespaces here ({why}): enable user namespaces "
            "(sysctl kernel.unprivileged_userns_clone=1) or run as root, or pass --unsafe")
    return "bwrap"


def _system_mounts() -> list[str]:
    args: list[str] = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        path = Path(top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            args += ["--ro-bind", top, top]
    # Only what the dynamic loader and libc need from /etc: never shadow, ssh keys or credentials.
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "hosts",
                 "alternatives", "fonts", "mime.types"):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    # The CPU topology (lscpu reads it): without it joblib's loky finds "0 physical cores" and warns on
    # stderr in the first scikit-learn call that asks, and nbgrader zeroes a cell that writes to stderr.
    args += ["--ro-bind-try", "/sys/devices/system/cpu", "/sys/devices/system/cpu"]
    return args


def kept_paths() -> list[Path]:
    """What every kernel sees, read-only at its own path: the interpreter, the virtualenv, the course package
    and this package (the judge's kernel side; code only, the course directory with its keys stays out)."""
    import autograder

    return sorted({Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), _course_package(),
                   Path(autograder.__file__).resolve().parent})


def _course_package() -> Path:
    """The learner-side `course` package kernels import (hints, checks), wherever it is installed from."""
    import course

    return Path(course.__file__).resolve().parent


def _python_mounts() -> list[str]:
    return [arg for p in kept_paths() for arg in ("--ro-bind", str(p), str(p))]


FORK_HOLDS = ("/autograder-job", "/autograder-tmp")  # must match autograder/kernels/forkserver.py's HOLD and NEW_TMP


def server_command(cmd: list[str], slot: Path, env: dict[str, str], cgroup: Path | None,
                   holds: tuple[str, ...]) -> list[str]:
    """``cmd`` (the fork server) run in the cgroup, inside bubblewrap, with ``slot`` its only writable directory.

    The server keeps CAP_SYS_ADMIN inside the sandbox's user namespace, and only to give each forked
    kernel its own mount namespace; the kernel drops it (and every other capability) before any
    student code runs. ``holds`` are empty mount points the server uses while building that view.
    """
    args = ["--die-with-parent", "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000",
            "--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN", "--clearenv",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/var/tmp"]
    args += [a for hold in holds for a in ("--dir", hold)]
    args += _system_mounts() + _python_mounts()
    args += ["--bind", str(slot), str(slot), "--chdir", str(slot / "jobs"), "--remount-ro", "/"]
    setenv = [a for k, v in sorted(env.items()) for a in ("--setenv", k, v)]
    procs = str(cgroup / "cgroup.procs") if cgroup is not None else ""
    # The shell joins the cgroup, then becomes bubblewrap; SIGINT to a kernel's group never reaches it.
    prefix = ["/bin/sh", "-c", 'trap "" INT; if [ -n "$0" ]; then echo $$ > "$0" || exit 1; fi; exec "$@"', procs]
    return [*prefix, bwrap_path(), *args, *setenv, "--", *cmd]


def remove_cgroup(cgroup: Path | None) -> None:
    """Kill anything left in the cgroup and remove it."""
    if cgroup is None:
        return
    for _ in range(20):
        try:
            pids = [int(p) for p in (cgroup / "cgroup.procs").read_text().split()]
        except OSError:
            log.debug("cgroup %s: its processes unreadable (gone already?)", cgroup, exc_info=True)
            break
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # exited between the read and the kill
                log.debug("cgroup %s: process %s already gone", cgroup, pid)
        time.sleep(0.05)
    try:
        cgroup.rmdir()
    except OSError:  # still populated after a second of SIGKILLs, or removed by someone else: left behind
        log.debug("cgroup %s not removed", cgroup, exc_info=True)


def make_slot_cgroup(processes: int, memory: int | None = None, root: Path = CGROUP_ROOT,
                     self_cgroup: Path = Path("/proc/self/cgroup")) -> Path | None:
    """A fresh cgroup for one grading slot, capped at ``processes`` (and ``memory`` bytes on cgroup v2).

    cgroup v2 (one unified hierarchy, the default on current Debian, Ubuntu and Fedora): a child of this
    process's own cgroup, where that subtree is delegated to us (writable, with the pids controller
    enabled for children, or enableable); it gets pids.max and, where the memory controller is there
    too, memory.max. cgroup v1: a child of the pids hierarchy, pids.max only. None where neither is
    writable (a container without delegation): RLIMIT_NPROC and RLIMIT_AS per kernel still apply.
    """
    if (root / "cgroup.controllers").exists():
        return _v2_cgroup(processes, memory, root, self_cgroup)
    return _v1_pids_cgroup(processes, root / "pids")


def _v2_cgroup(processes: int, memory: int | None, root: Path, self_cgroup: Path) -> Path | None:
    try:
        own = next(line.split("::", 1)[1].strip() for line in self_cgroup.read_text().splitlines()
                   if line.startswith("0::"))
    except (OSError, StopIteration):
        log.debug("no slot cgroup: this process's cgroup v2 path is unreadable", exc_info=True)
        return None
    parent = root / own.lstrip("/")
    control = parent / "cgroup.subtree_control"
    if not os.access(parent, os.W_OK) or not control.exists():
        log.debug("no slot cgroup: %s is not delegated to this user", parent)
        return None
    enabled = control.read_text().split()
    available = (parent / "cgroup.controllers").read_text().split() if (parent / "cgroup.controllers").exists() else []
    for controller in ("pids", "memory"):
        if controller not in enabled and controller in available:
            try:  # refused when the parent itself holds processes (cgroup v2's no-internal-process rule)
                control.write_text(f"+{controller}")
                enabled.append(controller)
            except OSError:
                log.debug("cgroup controller %s not enabled under %s", controller, parent, exc_info=True)
    if "pids" not in enabled:
        log.debug("no slot cgroup: the pids controller is not enabled under %s", parent)
        return None
    path = parent / f"autograder-{uuid.uuid4().hex[:12]}"
    try:
        path.mkdir()
        (path / "pids.max").write_text(str(processes))
        if memory is not None and "memory" in enabled:
            (path / "memory.max").write_text(str(memory))
    except OSError:
        log.debug("no slot cgroup: %s could not be made", path, exc_info=True)
        remove_cgroup(path if path.exists() else None)
        return None
    return path


def _v1_pids_cgroup(limit: int, hierarchy: Path) -> Path | None:
    if not os.access(hierarchy, os.W_OK):
        log.debug("no slot cgroup: %s is not writable", hierarchy)
        return None
    path = hierarchy / f"autograder-{uuid.uuid4().hex[:12]}"
    try:
        path.mkdir()
        (path / "pids.max").write_text(str(limit))
    except OSError:
        log.debug("no slot cgroup: %s could not be made", path, exc_info=True)
        return None
    return path
