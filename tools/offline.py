"""Run a command with the network switched off: a fresh network namespace holding only loopback.

`unshare --net` (util-linux) makes the namespace; inside it this module brings the loopback interface
up (Jupyter kernels talk to their clients over 127.0.0.1) and then execs the command, so no packet can
leave the machine while course notebooks run.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import socket
import struct
import sys

_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1


def offline_command(argv: list[str]) -> list[str]:
    """The argv that runs ``argv`` inside a new network namespace (user namespace too when not root)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        raise RuntimeError("`unshare` not found: install util-linux (apt-get install util-linux) to run offline")
    userns = [] if os.geteuid() == 0 else ["--map-root-user"]
    return [unshare, *userns, "--net", sys.executable, "-m", "tools.offline", "--", *argv]


def bring_loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifreq = struct.pack("16sH14s", b"lo", 0, b"\x00" * 14)
        flags = struct.unpack("16sH14s", fcntl.ioctl(s.fileno(), _SIOCGIFFLAGS, ifreq))[1]
        fcntl.ioctl(s.fileno(), _SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | _IFF_UP, b"\x00" * 14))


def network_interfaces() -> list[str]:
    return [name for _, name in socket.if_nameindex()]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python -m tools.offline -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    bring_loopback_up()
    if network_interfaces() != ["lo"]:
        print(f"refusing to run: interfaces {network_interfaces()} besides loopback are present", file=sys.stderr)
        return 3
    os.execvp(argv[0], argv)
    return 127  # not reached


if __name__ == "__main__":
    sys.exit(main())
