"""Warm kernels (autograder/kernels/warm.py, forkserver.py): fast, and nothing carries over between students.

Each submission's kernel is a fork of a sandboxed server that imported the assignment's modules once.
These tests run small notebooks one after another through the same server (as one grading slot
does) and check what one student could leave behind for, or take from, the next.
"""
from __future__ import annotations

from dataclasses import asdict

import nbformat
import pytest

from autograder import worker
from autograder.kernels import warm
from autograder.limits import Limits
from autograder.sandbox import check_available
from processes import running

pytestmark = pytest.mark.xdist_group("grader")


def run(*sources: str, preload=("numpy",), mode: str | None = None,
        limits: Limits = Limits(cell_timeout=20, notebook_timeout=60)) -> tuple[dict, list[str]]:
    """Execute code cells as one submission; returns the result and each cell's printed text."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    job = {"notebook": nbformat.writes(nb), "files": {"data.txt": b"mine\n"},
           "limits": asdict(limits), "mode": mode or check_available(),
           "execute_config": {"timeout": 20}, "env": {}, "preload": list(preload)}
    result = worker.run_submission(job)
    cells = nbformat.reads(result["notebook"], as_version=4).cells
    printed = ["".join(o.get("text", "") + (o.get("evalue", "") if o.output_type == "error" else "")
                       for o in c.outputs) for c in cells]
    return result, printed


def idle_servers() -> list[warm.ForkServer]:
    return [s for servers in warm._idle.values() for s in servers]


def test_the_same_warm_server_forks_a_fresh_kernel_for_each_submission():
    _, first = run("import os, numpy\nprint(os.getpid(), os.getppid(), 'numpy' in __import__('sys').modules)")
    server = idle_servers()
    _, second = run("import os\nprint(os.getpid(), os.getppid())")
    kernel_a, parent_a, preloaded = first[0].split()
    kernel_b, parent_b = second[0].split()
    assert preloaded == "True"
    assert parent_a == parent_b and kernel_a != kernel_b  # one server, two kernels
    assert [s.proc.pid for s in idle_servers()] == [s.proc.pid for s in server]
    assert list((server[0].slot / "jobs").iterdir()) == []  # the last job's files are gone


def test_nothing_one_student_leaves_reaches_the_next():
    leave = r'''
import os, subprocess, numpy, sys
for path in ("/tmp/left.txt", "../left.txt", os.path.expanduser("~/left.txt"), "/dev/shm/left.txt"):
    try:
        open(path, "w").write("left")
    except OSError:
        pass
subprocess.Popen(["sleep", "4244"], start_new_session=True)
import ctypes
ctypes.CDLL(None).shmget(4242, 4096, 0o1666)  # a System V shared memory segment, key 4242
os.environ["LEFT"] = "1"
numpy.LEFT = 1
sys.modules["math"].pi = 3
print(numpy.random.rand())'''
    look = r'''
import os, math, numpy, glob
found = [p for p in ("/tmp/left.txt", "../left.txt", os.path.expanduser("~/left.txt"), "/dev/shm/left.txt")
         if os.path.exists(p)]
alive = [p for p in glob.glob("/proc/[0-9]*/cmdline") if b"4244" in open(p, "rb").read()]
import ctypes
segment = ctypes.CDLL(None).shmget(4242, 0, 0o666)  # -1: no such segment
print(found, alive, segment, os.environ.get("LEFT"), hasattr(numpy, "LEFT"), math.pi > 3)
print(numpy.random.rand())'''
    _, first = run(leave)
    _, second = run(look)
    assert second[0].splitlines()[0] == "[] [] -1 None False True"
    assert float(first[0]) != float(second[0].splitlines()[1])  # numpy's global generator is reseeded per kernel
    assert running("sleep 4244") == []


def test_a_kernel_has_no_capabilities_and_cannot_read_the_server():
    probe = r'''
import os
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
caps = [status[k].strip() for k in ("CapEff", "CapPrm", "CapAmb", "NoNewPrivs")]
server = os.getppid()
denied = []
for name in ("mem", "environ", "maps"):
    try:
        open(f"/proc/{server}/{name}", "rb").read(1)
    except OSError:
        denied.append(name)
print(caps, denied, os.getcwd().endswith("/work"), open("data.txt").read().strip())'''
    _, printed = run(probe)
    assert printed[0].strip() == ("['0000000000000000', '0000000000000000', '0000000000000000', '1'] "
                                  "['mem', 'environ', 'maps'] True mine")


def test_a_fork_bomb_stops_at_the_process_limit_and_leaves_nothing_behind():
    bomb = r'''
import subprocess
started = []
try:
    for _ in range(500):
        started.append(subprocess.Popen(["sleep", "4245"]))
except OSError as exc:
    print(len(started), exc.errno)'''
    result, printed = run(bomb, limits=Limits(processes=24, cell_timeout=20, notebook_timeout=60))
    count, errno = printed[0].split()
    assert 0 < int(count) < 24 and int(errno) == 11, printed  # EAGAIN: the limit, not the loop, ended it
    assert running("sleep 4245") == []


def test_a_student_who_kills_the_server_only_loses_their_own_run():
    killed, printed = run("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport time; time.sleep(2)",
                          "print('after')")
    assert killed["status"] in ("graded", "crashed")
    _, again = run("print('next student runs')")
    assert again == ["next student runs\n"]


def test_unsafe_mode_runs_without_a_sandbox_and_cleans_up_only_its_own_kernel():
    import subprocess

    bystander = subprocess.Popen(["sleep", "30"])  # the grader's own processes are not a kernel's to kill
    try:
        result, printed = run("import os\nprint(os.path.exists('/proc/1/cmdline'), os.getcwd().endswith('/work'))",
                              mode="unsafe")
        assert result["sandbox"] == "unsafe" and printed == ["True True\n"]
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_preload_list_comes_from_the_source_notebook_imports():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np, pandas\nfrom sklearn.tree import X"),
        nbformat.v4.new_code_cell("from . import local\nimport numpy\n!ls"),
        nbformat.v4.new_markdown_cell("import os"),
    ])
    assert warm.imports_of(nb) == ["numpy", "pandas", "sklearn.tree"]


def test_server_start_failure_is_one_clear_error(monkeypatch):
    key = warm.ServerKey(mode="unsafe", preload=(), processes=64, env=(("PATH", "/nonexistent"),))
    monkeypatch.setattr(warm, "SERVER_SOURCE", "import sys; sys.stderr.write('broken server\\n'); sys.exit(3)")
    with pytest.raises(warm.ServerError, match="broken server"):
        warm.ForkServer(key)


def test_a_server_started_by_a_thread_outlives_it():
    """Check that a fork server started from a short-lived thread (a Dask worker's warm-up, its key canary) is still
    there once the thread has exited: bubblewrap's --die-with-parent follows the thread that started it"""
    import threading
    import time

    key = warm.ServerKey(mode=check_available(), preload=(), processes=64, env=(("PATH", "/usr/bin:/bin"),))
    started = []
    thread = threading.Thread(target=lambda: started.append(warm.ForkServer(key)))
    thread.start()
    thread.join()
    time.sleep(0.5)
    try:
        assert started[0].proc.poll() is None and started[0].request("pair").get("ok")
    finally:
        started[0].close()


def test_with_debug_the_servers_own_failures_reach_the_graders_log(caplog, tmp_path):
    """Check that with the grader's loggers at DEBUG (`autograder --debug`) what the fork server and the sandbox
    went past instead of failing (a preload that does not import, a cgroup that will not go) is logged"""
    from autograder import sandbox

    caplog.set_level("DEBUG", logger="autograder")
    key = warm.ServerKey(mode=check_available(), preload=("no_such_module_for_the_log",), processes=64,
                         env=(("PATH", "/usr/bin:/bin"),))
    warm.ForkServer(key).close()
    relayed = [r.getMessage() for r in caplog.records if r.name == "autograder.kernels.warm"]
    assert any("preloading no_such_module_for_the_log failed" in m for m in relayed), relayed
    sandbox.remove_cgroup(tmp_path / "not-a-cgroup")
    assert any(r.name == "autograder.sandbox" and "not removed" in r.getMessage() for r in caplog.records)


def test_a_cluster_worker_without_bubblewrap_refuses_in_one_clear_line(monkeypatch):
    from autograder import sandbox

    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match=r"not installed on the worker .*apt-get install bubblewrap"):
        run("print('never runs')", mode="bwrap")


def test_a_course_under_tmp_stays_visible_read_only_and_nothing_beside_it(monkeypatch, tmp_path):
    """A course cloned into /tmp: the kernel's fresh /tmp still shows its package, read-only, and not its source/."""
    from autograder import sandbox

    package, key = tmp_path / "course", tmp_path / "source" / "key.txt"
    package.mkdir()
    (package / "kept.txt").write_text("kept")
    key.parent.mkdir()
    key.write_text("the answer key")
    stock = sandbox.kept_paths
    monkeypatch.setattr(sandbox, "kept_paths", lambda: [*stock(), package])
    warm.close_all()  # idle servers were started without that path
    probe = f'''
import os
print(open("{package}/kept.txt").read(), os.path.exists("{key}"), os.listdir("{tmp_path}"))
try:
    open("{package}/new.txt", "w")
except OSError as exc:
    print("refused", exc.errno)'''
    try:
        _, printed = run(probe)
    finally:
        warm.close_all()
    assert printed == ["kept False ['course']\nrefused 30\n"]  # 30: EROFS, a read-only file system
    assert not (package / "new.txt").exists()
