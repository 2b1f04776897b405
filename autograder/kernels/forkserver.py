"""The warm kernel factory that runs inside a grading sandbox: import once, fork a fresh kernel per student.

Started by `autograder.kernels.warm.ForkServer` as ``python -c <this file> CONFIG`` inside bubblewrap, so it
needs nothing but the standard library and the modules it preloads (the assignment's own imports:
pandas, scikit-learn, matplotlib, ipykernel...). It never runs student code itself: each kernel is a
fork that first leaves the server's view of the world and then starts ipykernel's IPKernelApp.

A forked kernel, before any student code runs (isolated mode, i.e. inside bubblewrap):
- gets its own mount and IPC namespaces: a private /tmp (showing only the read-only paths every kernel needs
  that live under /tmp, e.g. a course cloned there) and /dev/shm, and of the slot directory only its job's ``work``
  (read-write, the current directory) and ``run`` (the kernel's sockets), at the same paths;
- drops every capability (the server keeps CAP_SYS_ADMIN only to build that view) and sets no_new_privs;
- starts its own session, gets rlimits on address space, file size, processes and core dumps;
- closes the server's control pipe and reseeds numpy's global generator (a fork would share it).
The server is not dumpable, so a kernel cannot ptrace it or read its memory; after each job `reap`
kills every other process in the sandbox's PID namespace, so nothing a student started outlives it.

Protocol: one JSON object per line on the control pipe (the server's stdin/stdout at start-up; its
fds 0-2 then point to /dev/null and stderr, so a library that prints cannot corrupt a reply).
Requests: pair {} (a socket pair for the next student and judge kernels), spawn {argv, cwd, job, env, limits
(every field of autograder.limits.Limits), nproc, channel ("student" | "judge", optional)}, poll {pid},
signal {pid, sig}, reap {}; each gets one reply line. The first line the server writes is {"ready": true, "preloaded": [...], "seconds": s}.
"""
import ctypes
import gc
import json
import logging
import os
import resource
import signal
import socket
import sys
import time

CLONE_NEWNS, CLONE_NEWIPC = 0x00020000, 0x08000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 0x4000, 1 << 18
MNT_DETACH = 2
PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 4, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
HOLD = "/autograder-job"  # empty mount points bubblewrap creates, used while building a kernel's view
NEW_TMP = "/autograder-tmp"

libc = ctypes.CDLL(None, use_errno=True)
# On the server's stderr (its slot's server.log) when the grader runs with --debug: `warm.ForkServer` passes
# "debug" and relays the log when it closes the server.
log = logging.getLogger("autograder.kernels.forkserver")


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source, target, fstype, flags, data=None):
    _check(libc.mount(source.encode() if source else None, target.encode(),
                      fstype.encode() if fstype else None, flags, data.encode() if data else None),
           f"mount {target}")


def preload(modules):
    loaded = []
    for name in modules:
        try:
            __import__(name)
            loaded.append(name)
        except BaseException:  # a module that fails to import is simply imported by the kernel, as usual
            log.debug("preloading %s failed", name, exc_info=True)
    return loaded


def warm_tracebacks():
    """Format throw-away tracebacks, as a kernel does for a failing cell: the first one costs ~40 ms of
    lexer and style set-up, and the first through the judge's proxies ~25 ms more to parse their source;
    paid here once instead of by every submission with a failing test."""
    try:
        from IPython.core import ultratb

        def fail():
            raise AssertionError("warm-up")

        raising = [fail]
        proxies = sys.modules.get("autograder.judge.proxies")
        if proxies is not None:  # a failing test's traceback passes through the proxy it called
            raising.append(lambda: setattr(proxies.Remote.__new__(proxies.Remote), "warm_up", 1))
        for function in raising:
            try:
                function()
            except (AssertionError, AttributeError):
                ultratb.AutoFormattedTB(mode="Context").structured_traceback(*sys.exc_info())
    except BaseException:  # only a kernel's first traceback is slower
        log.debug("warming up tracebacks failed", exc_info=True)


def private_view(job, keep=()):
    """This process alone sees a fresh /tmp holding only job/work and job/run (same paths as outside).

    ``keep``: read-only paths every kernel needs (the interpreter, the virtualenv, the course package);
    those that live under /tmp (a course cloned there) are shown in the fresh /tmp too."""
    work, run = os.path.join(job, "work"), os.path.join(job, "run")
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC), "unshare")  # IPC too: no System V segment outlives a job
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount(job, HOLD, None, MS_BIND | MS_REC)
    _mount("tmpfs", NEW_TMP, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    for path in keep:
        inside = os.path.relpath(path, "/tmp")
        if inside != "." and not inside.startswith("..") and os.path.isdir(path):
            target = os.path.join(NEW_TMP, inside)
            os.makedirs(target, exist_ok=True)
            _mount(path, target, None, MS_BIND | MS_REC)  # a bind keeps bubblewrap's read-only flag
    _mount(NEW_TMP, "/tmp", None, MS_BIND | MS_REC)
    _check(libc.umount2(NEW_TMP.encode(), MNT_DETACH), "umount")
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    slot = os.path.dirname(os.path.dirname(job))
    if os.path.isdir(slot):  # the slot lives outside /tmp: cover it too
        _mount("tmpfs", slot, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    os.makedirs(work, exist_ok=True)
    os.makedirs(run, exist_ok=True)
    _mount(os.path.join(HOLD, "work"), work, None, MS_BIND)
    _mount(os.path.join(HOLD, "run"), run, None, MS_BIND)
    _check(libc.umount2(HOLD.encode(), MNT_DETACH), "umount")


def drop_privileges():
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    _check(libc.capset(ctypes.byref(Header(LINUX_CAPABILITY_VERSION_3, 0)), (Data * 2)()), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    with open("/proc/self/status") as status:
        caps = {line.split(":")[0]: int(line.split()[1], 16) for line in status if line.startswith("Cap")}
    if caps.get("CapEff") or caps.get("CapPrm") or caps.get("CapAmb"):
        raise OSError("capabilities survived the drop")


def become_kernel(request, isolated, control_fds, keep=(), channel=None, others=()):
    """In the forked child: build the sandbox view, then run ipykernel. Never returns.

    ``channel``: this kernel's end of the judge's socket pair (request["channel"] says its role);
    ``others``: every other end this server holds, closed here so that no kernel holds another's."""
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)  # the kernel's own banner is not the student's output
        for fd in control_fds:
            os.close(fd)
        for sock in others:
            sock.close()
        judge = request.get("channel") == "judge"
        os.setsid()  # jupyter_client interrupts the kernel's process group, never the server
        if isolated:
            private_view(request["job"], keep)
            drop_privileges()
        # A student's kernel may read its own /proc entries; the judge stays undumpable, so the student's
        # kernel (same user, same PID namespace) can neither ptrace it nor read or write its memory.
        libc.prctl(PR_SET_DUMPABLE, 0 if judge else 1, 0, 0, 0)
        limits = request["limits"]
        resource.setrlimit(resource.RLIMIT_AS, (limits["memory"], limits["memory"]))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_size"], limits["file_size"]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        nproc = request["nproc"]  # RLIMIT_NPROC counts the whole user's processes: the caller adds them
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        if judge:
            del sys.path[0]  # the judge imports nothing from a folder a student could write to
        else:
            sys.path[0] = request["cwd"]  # as `python -m ipykernel_launcher` started in this directory
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()  # a fork shares the server's global generator
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        if channel is not None:
            from autograder.judge.kernel import launch

            launch(request["argv"], channel.detach(), request["channel"])
        else:
            from ipykernel.kernelapp import IPKernelApp

            IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        code = 70
    os._exit(code)


def reap(isolated, exits, kernels):
    """Kill every process in the sandbox but this one (and bubblewrap's init), then collect them."""
    killed = 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if isolated:
            try:
                os.kill(-1, signal.SIGKILL)  # inside our own PID namespace: everything but init and us
                killed += 1
            except ProcessLookupError:  # nothing left to kill
                log.debug("reap: no process left to kill")
        else:
            for pid in kernels:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError) as exc:  # the kernel's group is gone already
                    log.debug("reap: kernel group %s not killed (%s)", pid, exc)
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            exits[pid] = os.waitstatus_to_exitcode(status)
        if not isolated or not _others_alive():
            break
        time.sleep(0.01)
    kernels.clear()
    return {"ok": not (isolated and _others_alive()), "rounds": killed}


def _others_alive():
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, me):
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    state = stat.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state not in ("Z", "X"):
                return True
    return False


def serve(config):
    start = time.perf_counter()
    if config.get("debug"):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s forkserver %(levelname)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
        log.propagate = False
    isolated = config["isolated"]
    requests = os.fdopen(os.dup(0), "r")
    replies = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # anything a preloaded library prints goes to the log, not into a reply
    os.chdir(config["cwd"])
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no kernel may ptrace the server or read its memory
    loaded = preload(config["preload"])
    warm_tracebacks()
    gc.freeze()  # the imported objects are never collected: a kernel's GC need not touch (and copy) their pages
    control_fds = (requests.fileno(), replies.fileno())
    exits, kernels = {}, set()
    pair = {}  # role -> this server's copy of that kernel's end of the judge channel, until it is forked

    def reply(obj):
        replies.write(json.dumps(obj) + "\n")
        replies.flush()

    reply({"ready": True, "preloaded": loaded, "seconds": time.perf_counter() - start})
    for line in requests:
        request = json.loads(line)
        op = request["op"]
        if op == "pair":
            for end in pair.values():
                end.close()
            student, judge = socket.socketpair()
            pair = {"student": student, "judge": judge}
            reply({"ok": True})
            continue
        if op == "spawn":
            mine = pair.pop(request.get("channel"), None)
            pid = os.fork()
            if pid == 0:
                become_kernel(request, isolated, control_fds, config.get("keep", ()), mine, tuple(pair.values()))
            if mine is not None:
                mine.close()
            kernels.add(pid)
            reply({"pid": pid, "limits": request["limits"]})  # what the kernel got, whole: the caller checks it
        elif op == "poll":
            pid = request["pid"]
            if pid not in exits:
                try:
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        exits[pid] = os.waitstatus_to_exitcode(status)
                except ChildProcessError:
                    exits.setdefault(pid, -1)
            reply({"exit": exits.get(pid)})
        elif op == "signal":
            try:
                os.killpg(request["pid"], request["sig"])
            except (ProcessLookupError, PermissionError):
                try:
                    os.kill(request["pid"], request["sig"])
                except (ProcessLookupError, PermissionError) as exc:  # the kernel exited already
                    log.debug("signal %s to kernel %s not sent (%s)", request["sig"], request["pid"], exc)
            reply({"ok": True})
        elif op == "reap":
            reply(reap(isolated, exits, kernels))
        else:
            reply({"error": f"unknown request {op!r}"})


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]))
