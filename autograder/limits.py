"""What one submission may use, as one value that travels whole from the command line to the kernel.

Each field of `Limits` names its own command-line option (`option`), so `autograder grade` offers every
field; the job carries it whole (`as_dict`) through the pool to the worker (`from_dict`, which refuses a
field it does not know rather than drop it), and the worker hands it whole to the fork server, which
applies it to each kernel. Adding a field is one edit here, plus the line where it takes effect;
`tests/test_limits.py` fails if a field does not reach the fork server.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

GIB = 1024**3


def parse_size(text: str) -> int:
    """'2G', '512M', '1000000' -> bytes."""
    text = str(text).strip().upper().removesuffix("B").removesuffix("I")
    factor = {"K": 1024, "M": 1024**2, "G": GIB, "T": 1024 * GIB}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "KMGT" else text
    try:
        return int(float(number) * factor)
    except ValueError:
        raise ValueError(f"cannot read the size {text!r}: write it like 2G, 512M or 1000000") from None


def _option(flag: str, help: str, parse=int) -> dict:
    return {"option": flag, "help": help, "parse": parse}


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Times in seconds, sizes in bytes."""

    memory: int = field(default=2 * GIB, metadata=_option("--memory", "memory per submission, e.g. 2G", parse_size))
    processes: int = field(default=64, metadata=_option("--processes", "processes per submission"))
    # None: the course's Execute.timeout (nbgrader_config.py)
    cell_timeout: int | None = field(default=None, metadata=_option(
        "--cell-timeout", "seconds per cell (default: the course's Execute.timeout)"))
    notebook_timeout: int = field(default=600, metadata=_option("--notebook-timeout", "seconds per notebook"))
    output: int = field(default=1_000_000, metadata=_option("--max-output", "characters of output kept per notebook"))
    file_size: int = field(default=256 * 1024**2, metadata=_option(
        "--max-file-size", "largest file a submission may write, e.g. 256M", parse_size))

    def as_dict(self) -> dict:
        """Plain data for a job (pickled to a Dask worker, JSON to the fork server)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Limits":
        """The inverse of `as_dict`; a field this version does not know is an error, never dropped."""
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown sandbox limits {unknown}: this worker runs an older autograder, update it")
        return cls(**data)

    @classmethod
    def add_options(cls, parser) -> None:
        """One command-line option per field."""
        for f in fields(cls):
            default = f.default
            if default is None:
                shown = ""
            elif f.metadata["parse"] is parse_size:
                shown = f" (default: {default // 1024**2}M)"
            else:
                shown = f" (default: {default})"
            parser.add_argument(f.metadata["option"], dest=f"limit_{f.name}", metavar="N",
                                help=f.metadata["help"] + shown)

    @classmethod
    def from_options(cls, args) -> "Limits":
        """The Limits the command line asked for; a field left out keeps its default."""
        given = {}
        for f in fields(cls):
            value = getattr(args, f"limit_{f.name}")
            if value is not None:
                try:
                    given[f.name] = f.metadata["parse"](value)
                except ValueError as exc:
                    raise ValueError(f"{f.metadata['option']}: {exc}") from None
        return cls(**given)
