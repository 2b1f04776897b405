"""What one submission may use, as one value that travels whole from the command line to the kernel.

`Limits` goes from `autograder grade`'s options into the job (`as_dict`), through the pool, to the
worker (`from_dict`) and, every field of it, to the fork server that sets them on each kernel. Adding a
field is one edit here (and its use where it takes effect); `tests/test_limits.py` fails if a field
does not arrive.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

GIB = 1024**3


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Times in seconds, sizes in bytes."""

    memory: int = 2 * GIB
    processes: int = 64
    cell_timeout: int | None = None  # None: the course's Execute.timeout (nbgrader_config.py)
    notebook_timeout: int = 600
    output: int = 1_000_000
    file_size: int = 256 * 1024**2

    def as_dict(self) -> dict:
        """Plain data for a job (pickled to a Dask worker, JSON to the fork server)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Limits":
        """The inverse of `as_dict`; a field this version does not know is an error, never dropped."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown sandbox limits {unknown}: the worker runs an older autograder, update it")
        return cls(**data)


def parse_size(text: str) -> int:
    """'2G', '512M', '1000000' -> bytes."""
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    factor = {"K": 1024, "M": 1024**2, "G": GIB, "T": 1024 * GIB}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "KMGT" else text
    try:
        return int(float(number) * factor)
    except ValueError:
        raise ValueError(f"cannot read the size {text!r}: write it like 2G, 512M or 1000000") from None
