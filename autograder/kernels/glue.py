"""Every touch of nbgrader's, jupyter_client's and nbformat's private parts, in one file.

Each item below relies on something those libraries do not promise to keep; each has a canary in
`tests/test_glue_canaries.py` that fails loudly in `make test` after an upgrade that breaks it,
instead of slowly (or silently) in a classroom:

nbgrader
- `autograde_app`: `Autograde.convert_single_notebook`'s two passes (`_sanitizing`, `_init_preprocessors`),
  re-done without its process-wide `setenv(NBGRADER_EXECUTION=...)`;
- `stock_autograde_preprocessors`: the default of the `Autograde.autograde_preprocessors` trait;
- `remove_hidden_test_region`: `ClearHiddenTests._remove_hidden_test_region`;
- `faster_nbgrader`: rebinds `nbgrader.api.create_engine`, `nbgrader.api.Base.metadata.create_all` and
  `nbgrader.nbgraderformat.common.jsonschema` while a batch runs.
jupyter_client
- `ForkProvisioner`: a `LocalProvisioner` whose process is a fork of the warm server;
- `ipc_socket_path`: the file name zmq's ipc transport gives a kernel's socket (`{ip}-{port}`): were it
  to change, every warm kernel would wait 30 s for sockets that never appear;
- `ForkedKernelClient`: `_async_wait_for_ready`, `_handle_kernel_info_reply`, `_async_is_alive`;
- `ForkedKernelManager`: `_async_wait`, `_async_pre_start_kernel`, `transport = "ipc"`.
nbformat
- `rejoin_lines` from `nbformat.v4.rwbase`.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from queue import Empty

import jsonschema
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbformat.v4.rwbase import rejoin_lines  # noqa: F401  (sources saved as lists of lines, as on disk)

from autograder.kernels.warm import ForkServer, ServerError
from autograder.limits import Limits


# == nbgrader ======================================================================================
def stock_autograde_preprocessors() -> list:
    """nbgrader's own Autograde pipeline, in its order."""
    from nbgrader.converters import Autograde

    return Autograde.class_traits()["autograde_preprocessors"].make_dynamic_default()


# sha256 of the dedented source of nbgrader's `Autograde.convert_single_notebook` that `autograde_class`
# re-does (nbgrader 0.9.6): a canary compares it with the installed nbgrader's, so a change there is re-copied.
COPIED_CONVERT_SINGLE_NOTEBOOK = "e5f0fad7cb7ed25683dbfb19037fba4325bbda50fc9bfd85ea9ec0c726b8b9b0"


def autograde_class() -> type:
    """nbgrader's Autograde converter minus one process-wide side effect (see `convert_single_notebook`)."""
    from nbgrader.converters import Autograde

    class ThreadSafeAutograde(Autograde):
        # What autograder.batch hands this run's preprocessors (the pool, the job's fields) and what they leave
        # for it (the worker's result or error, Realign's reasons): in nbgrader's `resources`, as
        # resources["autograder"], one dict per run, so that nothing travels in a thread-local side channel.
        batch_run: dict | None = None

        def init_single_notebook_resources(self, notebook_filename: str) -> dict:
            resources = super().init_single_notebook_resources(notebook_filename)
            if self.batch_run is not None:
                resources["autograder"] = self.batch_run
            return resources

        def init_assignment(self, assignment_id: str, student_id: str) -> None:
            """nbgrader's, copying only the submission's regular files (`autograder.intake` says why): what is
            not is added to this student's `CourseDirectory.ignore`, which nbgrader's copy walk honours."""
            from autograder import intake

            folder = self._format_source(assignment_id, student_id)
            self.coursedir.ignore = list(self.coursedir.ignore) + intake.ignore_globs(
                folder, intake.irregular(Path(folder)))
            super().init_assignment(assignment_id, student_id)

        def convert_single_notebook(self, notebook_filename: str) -> None:
            """nbgrader's two passes, without `utils.setenv(NBGRADER_EXECUTION=...)` around the second:
            it unsets the variable for every thread at once (and the kernel gets it from the worker)."""
            self._sanitizing = True
            self._init_preprocessors()
            super(Autograde, self).convert_single_notebook(notebook_filename)
            notebook_filename = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
            self._sanitizing = False
            self._init_preprocessors()
            try:
                super(Autograde, self).convert_single_notebook(notebook_filename)
            finally:
                self._sanitizing = True

    return ThreadSafeAutograde


def remove_hidden_test_region(preprocessor, cell) -> bool:
    """Cut the ### BEGIN/END HIDDEN TESTS region out of ``cell``; True when there was one."""
    from nbgrader.preprocessors import ClearHiddenTests

    return ClearHiddenTests(parent=preprocessor)._remove_hidden_test_region(cell)


# -- costs nbgrader pays again for every notebook, paid once while `autograder grade` runs --------
# nbgrader's own code does the grading; these only remove repeated set-up that does not change results:
# - its metadata validator calls `jsonschema.validate(meta, schema)` for every cell, which checks the
#   *schema* against the meta-schema each time (a fifth of nbgrader's CPU per notebook): here the
#   schema is checked once and its validator reused;
# - every `Gradebook(...)` creates a new SQLAlchemy engine, whose compiled-statement cache starts empty,
#   so every query is compiled again, and checks every table exists: here the Gradebooks opened during
#   grading share one engine per database URL (engines are thread-safe; each Gradebook still has its own
#   session), and the tables are checked once per engine.
# Both are undone when the context exits, so nothing outside grading sees them.
class _CachedSchemaJsonschema:
    """Stands in for the `jsonschema` module inside nbgrader's metadata validator."""

    ValidationError = jsonschema.ValidationError

    def __getattr__(self, name):
        return getattr(jsonschema, name)

    @staticmethod
    def validate(instance, schema):
        error = jsonschema.exceptions.best_match(_validator(_freeze(schema)).iter_errors(instance))
        if error is not None:
            raise error


def _freeze(schema):
    import json

    return json.dumps(schema, sort_keys=True)


@lru_cache(maxsize=16)
def _validator(frozen: str):
    import json

    schema = json.loads(frozen)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@contextmanager
def faster_nbgrader():
    from nbgrader import api
    from nbgrader.nbgraderformat import common

    engines: dict[str, object] = {}
    lock = threading.Lock()
    stock_create_engine = api.create_engine

    def shared_engine(url, *args, **kwargs):
        with lock:
            key = str(url)
            if key not in engines:
                engines[key] = stock_create_engine(url, *args, **kwargs)
            return engines[key]

    metadata, checked = api.Base.metadata, set()
    stock_create_all = metadata.create_all

    def create_all_once(bind=None, **kwargs):
        if bind is None or id(bind) not in checked:
            stock_create_all(bind=bind, **kwargs)
            if bind is not None:
                checked.add(id(bind))

    stock_jsonschema = common.jsonschema
    api.create_engine, common.jsonschema = shared_engine, _CachedSchemaJsonschema()
    metadata.create_all = create_all_once
    try:
        yield
    finally:
        api.create_engine, common.jsonschema = stock_create_engine, stock_jsonschema
        del metadata.create_all  # the class's method again
        for engine in engines.values():
            engine.dispose()


# == jupyter_client ================================================================================
def ipc_socket_path(ip: str, port: int) -> Path:
    """The file of a kernel's socket under the ipc transport, as jupyter_client names it."""
    return Path(f"{ip}-{port}")


class ForkProvisioner(LocalProvisioner):
    """Launches the kernel by asking the fork server; polls and signals it the same way."""

    pid: int | None = None
    exit_code: int | None = None

    @property
    def has_process(self) -> bool:
        return self.pid is not None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        km = self.parent
        try:
            argv = cmd[cmd.index("ipykernel_launcher") + 1:]
        except ValueError:
            raise RuntimeError(f"warm kernels run ipykernel only, not {cmd[:3]}") from None
        self.pid = km.server.spawn(argv, km.job, km.job_env, km.limits, km.channel)
        await self._sockets_bound()
        return self.connection_info

    async def _sockets_bound(self, timeout: float = 30) -> None:
        """Return once the kernel listens: a client that connects earlier waits zmq's 100 ms reconnect interval."""
        import asyncio

        km = self.parent
        ports = [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port]
        sockets = [ipc_socket_path(km.ip, port) for port in ports]
        deadline = time.monotonic() + timeout
        while not all(s.exists() for s in sockets) and time.monotonic() < deadline:
            if await self.poll() is not None:
                return  # the kernel died: jupyter_client reports it
            await asyncio.sleep(0.002)

    async def poll(self) -> int | None:
        if self.pid is None:
            return self.exit_code if self.exit_code is not None else 0
        try:
            return km_server(self).poll(self.pid)
        except ServerError:
            return -1

    async def wait(self) -> int | None:
        import asyncio

        while (code := await self.poll()) is None:
            await asyncio.sleep(0.005)
        self.exit_code, self.pid = code, None
        return code

    async def send_signal(self, signum: int) -> None:
        if self.pid is not None:
            try:
                km_server(self).signal(self.pid, signum)
            except ServerError:
                pass

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    def kill_now(self) -> None:
        """From another thread (the notebook's time limit): SIGKILL without the event loop."""
        if self.pid is not None:
            try:
                km_server(self).signal(self.pid, signal.SIGKILL)
            except ServerError:
                pass


def km_server(provisioner: ForkProvisioner) -> ForkServer:
    return provisioner.parent.server


class ForkedKernelClient(AsyncKernelClient):
    """jupyter_client's client, minus a fixed 0.2 s wait per kernel start.

    Stock `wait_for_ready` waits for 0.2 s of silence on IOPub after the kernel_info reply; nbclient only
    reads messages whose parent is the cell it runs, so draining what has already arrived is enough.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected once the reply's status message arrives on it
                    await self.iopub_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while await self.iopub_channel.msg_ready():
            await self.iopub_channel.get_msg(timeout=0)

    wait_for_ready = _async_wait_for_ready


class ForkedKernelManager(AsyncKernelManager):
    """A kernel manager for one job: its kernel is forked by ``server``, its sockets live in the job's run/."""

    server: ForkServer | None = None
    job: Path | None = None
    job_env: dict[str, str] = {}
    limits: Limits = Limits()
    channel: str | None = None  # "student" or "judge" in a judged submission (autograder.judge.kernel)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"  # Unix sockets in the job's run directory: reachable across namespaces
        self.ip = str(self.job / "run" / "kernel")
        self.connection_file = str(self.job / "run" / "kernel.json")
        self.client_factory = ForkedKernelClient

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # A forked kernel dies within milliseconds of SIGKILL: poll that often, not every 0.1 s.
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


def manager_class(server: ForkServer, job: Path, env: dict[str, str], limits: Limits,
                  channel: str | None = None) -> type:
    return type("JobKernelManager", (ForkedKernelManager,),
                {"server": server, "job": job, "job_env": env, "limits": limits, "channel": channel})
