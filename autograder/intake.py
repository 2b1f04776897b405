"""What of a submission folder may reach the sandbox: regular files only.

A symbolic link in a submission points wherever the student chose: at the course's answer key, at
/etc/shadow, at /dev/zero. A FIFO blocks the copy that reads it; a device streams forever. Copying
follows links and opens FIFOs (nbgrader's `shutil.copy`), so they are found here with `lstat`, which
never follows, and left out of the copy by name; the gradebook row says what was dropped.
"""
from __future__ import annotations

import glob
import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISLNK, "symlink"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"),
          (stat.S_ISSOCK, "socket"))


def kind(path: Path) -> str | None:
    """None for a regular file or a directory, else what it is instead ('symlink', 'FIFO', ...)."""
    mode = os.lstat(path).st_mode
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "special file")


def irregular(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` that is not a regular file or a real directory: {relative path: kind}.

    Walks without following links, so nothing under a linked directory is looked at either.
    """
    found: dict[str, str] = {}
    if not folder.is_dir() or folder.is_symlink():
        return found
    for top, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(top) / name
            what = kind(path)
            if what is not None:
                found[str(path.relative_to(folder))] = what
    return dict(sorted(found.items()))


def ignore_globs(folder: str, dropped: dict[str, str]) -> list[str]:
    """nbgrader `CourseDirectory.ignore` entries that skip exactly ``dropped`` when it copies ``folder``.

    nbgrader matches each entry with `glob.glob(os.path.join(dirname, entry))` against the paths its walk
    of ``folder`` yields: ``folder`` must be spelt as nbgrader spells it. An escaped path matches that
    one entry (a dangling link included) and no other file of the same name.
    """
    return [glob.escape(os.path.join(folder, relative)) for relative in dropped]


def skipped_by_copy(folder: str) -> list[str]:
    """What nbgrader's copy of the submission ``folder`` (spelt as nbgrader spells it) must skip: every entry that
    is not a regular file, as `CourseDirectory.ignore` entries (`autograder.glue.converter` hands them over)."""
    return ignore_globs(folder, irregular(Path(folder)))


def reason(dropped: dict[str, str]) -> str | None:
    """The row's words for what was dropped, or None."""
    if not dropped:
        return None
    listed = ", ".join(f"{path} ({what})" for path, what in dropped.items())
    return f"dropped, not regular files: {listed}"
