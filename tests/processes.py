"""What is running on this machine, for tests that check nothing a student started outlives grading."""
from __future__ import annotations

from pathlib import Path


def command_lines() -> dict[int, str]:
    """Every live process's command line, arguments joined by spaces (processes that exit meanwhile are left out)."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
    return found


def running(part: str) -> list[str]:
    """``pid: command`` of every process whose command line contains ``part``."""
    return [f"{pid}: {cmd}" for pid, cmd in sorted(command_lines().items()) if part in cmd]


def alive_in_group(pgid: int) -> list[int]:
    """Processes of group ``pgid`` that still run (zombies wait for init to reap them; they run nothing)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive
