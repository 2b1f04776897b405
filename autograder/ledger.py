"""The ledger of outcomes: one JSON file per student under .autograder/<assignment>/.

It remembers what the gradebook cannot: the status and reason behind a score, the versions, the
worker, and the digest of the submission that was graded (so a resumed run skips it). Written
atomically, one file per student, so a killed run leaves only whole records.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

LEDGER_DIR = ".autograder"
# What a submission did (its own outcome): final for that submission's digest, a plain rerun keeps it.
STUDENT_OUTCOMES = frozenset({"graded", "timeout", "crashed", "missing", "empty", "invalid"})
# What the grader failed to do (a lost fork server or Dask worker, a locked gradebook): the next plain run
# grades that submission again; until then its gradebook row and manual grades stay as they were.
GRADER_OUTCOMES = frozenset({"error"})


@dataclass
class Outcome:
    """What happened to one submission: the gradebook row's totals and the reason behind them."""

    student: str
    status: str  # one of STUDENT_OUTCOMES or GRADER_OUTCOMES
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    needs_manual: bool = False
    seconds: float = 0.0
    versions: dict = field(default_factory=dict)
    worker: str = ""
    sandbox: str = ""
    digest: str = ""
    graded_at: str = ""
    skipped: bool = False  # already graded by an earlier run (resume)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "graded"


def final(previous: Outcome | None, digest: str) -> bool:
    """Whether ``previous`` stands for the submission whose digest is ``digest``: the submission's own outcome,
    recorded for that very file. A grader error never stands, and neither does a record of another version."""
    return previous is not None and previous.status in STUDENT_OUTCOMES and previous.digest == digest


def folder(course: Path, assignment: str) -> Path:
    return Path(course) / LEDGER_DIR / assignment


def read(ledger: Path, student: str) -> Outcome | None:
    """The student's recorded outcome, or None (never graded, or a record this version cannot read)."""
    path = ledger / f"{student}.json"
    try:
        return Outcome(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def write(ledger: Path, outcome: Outcome) -> None:
    tmp = ledger / f".{outcome.student}.json.tmp"
    data = asdict(outcome)
    data["skipped"] = False
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(ledger / f"{outcome.student}.json")


def read_outcomes(course: Path, assignment: str) -> list[Outcome]:
    """Every outcome recorded for ``assignment`` (by this or earlier runs)."""
    where = folder(course, assignment)
    found = [read(where, p.stem) for p in sorted(where.glob("*.json"))]
    return [o for o in found if o is not None]
