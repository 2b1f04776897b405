"""jupyter_client's kernel manager and client, and nbformat, where the grader relies on their private parts.

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

import logging
import signal
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbformat.v4.rwbase import rejoin_lines  # noqa: F401  (sources saved as lists of lines, as on disk)

from autograder.kernels.warm import ForkServer, ServerError
from autograder.limits import Limits

log = logging.getLogger(__name__)


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
            log.debug("kernel %s: its fork server is gone, so is the kernel", self.pid, exc_info=True)
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
            except ServerError:  # the server took its kernels with it
                log.debug("kernel %s: signal %s not sent, its fork server is gone", self.pid, signum, exc_info=True)

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    def kill_now(self) -> None:
        """From another thread (the notebook's time limit): SIGKILL without the event loop."""
        if self.pid is not None:
            try:
                km_server(self).signal(self.pid, signal.SIGKILL)
            except ServerError:  # the server took its kernels with it
                log.debug("kernel %s: not killed, its fork server is gone", self.pid, exc_info=True)


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
