"""Realign a submission's nbgrader metadata with the source notebook, instead of failing it.

nbgrader trusts the metadata in the student's file. Three common states of that file turn a correct
notebook into 0 under stock nbgrader; each is repaired here, before nbgrader's own sanitizing, and
each repair leaves a reason for the row:

- **a copied cell** (a duplicated ``grade_id``, nbgrader#1083): stock `DeduplicateIds` empties the
  earlier copies' metadata to ``{}``, which `OverwriteCells` then reads as ``["grade_id"]`` (KeyError).
  Here the earlier copies lose their nbgrader metadata altogether: the cell still runs, it is graded once
  (the last copy, as nbgrader chooses).
- **forged metadata** (a cell marked graded that the source does not grade, edited points, a test cell
  unlocked): metadata with a ``grade_id`` the source lacks is removed; the grading fields of a known
  ``grade_id`` are set back to the source's. Points always come from the source.
- **metadata an editor dropped**: each source cell the submission no longer names is found among the
  cells without metadata, by cell id (nbformat 4.5 ids survive generate_assignment) or else by content
  (a locked cell by its released text, a solution cell by its place between matched cells and its
  likeness to the stub), and gets the source's metadata back.

Honest submissions are not touched: every step only acts on a cell whose metadata differs from the source.
"""
from __future__ import annotations

import copy
import difflib
import re
from functools import lru_cache
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

# The fields that decide how a cell is graded; the others (checksum, schema_version) nbgrader rewrites itself.
GRADING_FIELDS = ("grade", "solution", "locked", "task", "points")
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)
_SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.S)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader") or {}


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def released_text(cell) -> str:
    """What a source cell reads as in the release: hidden tests and solutions taken out (nbgrader's markers)."""
    return _SOLUTION.sub("", _HIDDEN.sub("", cell.source)).strip()


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def realign(nb, source) -> list[str]:
    """Repair ``nb``'s nbgrader metadata in place against the ``source`` notebook; returns the reasons."""
    known = {grade_id(c): c for c in source.cells if grade_id(c)}
    reasons = []
    reasons += _drop_duplicates(nb)
    reasons += _drop_or_reset_forged(nb, known)
    reasons += _restore_dropped(nb, source)
    return reasons


def _drop_duplicates(nb) -> list[str]:
    seen, copies = set(), []
    for cell in reversed(nb.cells):  # the last copy keeps its metadata, as in nbgrader's DeduplicateIds
        gid = grade_id(cell)
        if gid is None:
            continue
        if gid in seen:
            del cell.metadata["nbgrader"]
            copies.append(gid)
        seen.add(gid)
    if not copies:
        return []
    return [f"copied cells graded once (the last copy): {', '.join(sorted(set(copies)))}"]


def _drop_or_reset_forged(nb, known: dict) -> list[str]:
    ignored, reset = [], []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        gid = meta.get("grade_id")
        if gid not in known:
            del cell.metadata["nbgrader"]
            if any(meta.get(f) for f in ("grade", "solution", "locked", "task")):
                ignored.append(str(gid) if gid else "(no grade_id)")
            continue
        truth = nbgrader_meta(known[gid])
        changed = [f for f in GRADING_FIELDS if meta.get(f) != truth.get(f)]
        for field in changed:
            if field in truth:
                meta[field] = copy.deepcopy(truth[field])
            else:
                meta.pop(field, None)
        if changed:
            reset.append(f"{gid} ({', '.join(changed)})")
    reasons = []
    if ignored:
        reasons.append(f"nbgrader metadata the source does not have, ignored: {', '.join(ignored)}")
    if reset:
        reasons.append(f"nbgrader metadata edited, set back to the source's: {', '.join(reset)}")
    return reasons


def _restore_dropped(nb, source) -> list[str]:
    """Give back the source's metadata to cells that lost it; anchored cells keep the order monotone."""
    named = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
    missing = [j for j, c in enumerate(source.cells) if grade_id(c) and grade_id(c) not in named]
    if not missing:
        return []
    free = {i for i, c in enumerate(nb.cells) if not nbgrader_meta(c)}
    match: dict[int, int] = {}  # source index -> submission index
    by_id: dict[str, int] = {}
    for i in sorted(free):  # a copied cell may repeat an id: the first keeps it
        by_id.setdefault(nb.cells[i].get("id") or "", i)
    for j in missing:
        i = by_id.get(source.cells[j].get("id"))
        if i is not None and nb.cells[i].cell_type == source.cells[j].cell_type:
            match[j] = i
    how = {j: "cell id" for j in match}
    # Anchors: every source cell whose place in the submission is known, named or matched, or an unlabelled
    # source cell whose text is still there unchanged (the demo cells between exercises).
    anchors = {j: named[grade_id(c)] for j, c in enumerate(source.cells) if grade_id(c) in named}
    anchors.update(match)
    taken = set(anchors.values())
    for j, cell in enumerate(source.cells):
        if j in anchors or grade_id(cell) in named or (grade_id(cell) and nbgrader_meta(cell).get("solution")):
            continue
        i = _find_text(nb, free - taken, cell, *_gap(anchors, j, len(nb.cells)))
        if i is not None:
            anchors[j] = i
            taken.add(i)
            if grade_id(cell):
                match[j], how[j] = i, "content"
    for j in missing:  # solution cells last: the student's answer is whatever code fills its gap
        if j in match or not nbgrader_meta(source.cells[j]).get("solution"):
            continue
        low, high = _gap(anchors, j, len(nb.cells))
        candidates = [i for i in sorted(free - taken) if low < i < high
                      and nb.cells[i].cell_type == source.cells[j].cell_type]
        if candidates:
            stub = released_text(source.cells[j])
            i = max(candidates, key=lambda i: (_likeness(nb.cells[i].source, stub), -i))
            match[j], how[j] = i, "content"
            anchors[j] = i
            taken.add(i)
    for j, i in match.items():
        nb.cells[i].setdefault("metadata", {})["nbgrader"] = copy.deepcopy(nbgrader_meta(source.cells[j]))
    if not match:
        return []
    ways = sorted(set(how.values()))
    names = ", ".join(grade_id(source.cells[j]) for j in sorted(match))
    if len(match) > 6:  # a whole notebook's worth: the count says it, the row stays readable
        names = f"all {len(match)} cells" if len(match) == len(missing) else f"{len(match)} of {len(missing)} cells"
    return [f"nbgrader metadata missing, matched to the source by {' and '.join(ways)}: {names}"]


def _gap(anchors: dict[int, int], j: int, size: int) -> tuple[int, int]:
    """The submission indices strictly between the anchors before and after source cell ``j``."""
    before = [i for k, i in anchors.items() if k < j]
    after = [i for k, i in anchors.items() if k > j]
    return (max(before) if before else -1), (min(after) if after else size)


def _find_text(nb, free: set[int], cell, low: int, high: int) -> int | None:
    """The free submission cell in (low, high) that holds the source cell: its released text, its full text,
    or failing both the likest text (at least 80 % alike: a test cell the student edited is still found)."""
    texts = {released_text(cell), cell.source.strip()} - {""}
    candidates = [i for i in sorted(free) if low < i < high and nb.cells[i].cell_type == cell.cell_type]
    if not texts or not candidates:
        return None
    for i in candidates:
        if nb.cells[i].source.strip() in texts:
            return i
    score, i = max((max(_likeness(nb.cells[i].source.strip(), t) for t in texts), -i) for i in candidates)
    return -i if score >= 0.8 else None


def read_source(path: Path):
    """The source notebook at ``path``, parsed once per version of the file (realign only reads it)."""
    stat = Path(path).stat()
    return _read_source(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_source(path: str, mtime_ns: int, size: int):
    return nbformat.read(path, as_version=4)


class Realign(NbGraderPreprocessor):
    """Runs `realign` against the assignment's source notebook before nbgrader's sanitizing."""

    source_folder = Unicode("", help="The assignment's source folder (its notebooks are the reference)").tag(config=True)

    def preprocess(self, nb, resources):
        path = Path(self.source_folder) / f"{resources['nbgrader']['notebook']}.ipynb"
        if not self.source_folder or not path.exists():
            return nb, resources
        reasons = realign(nb, read_source(path))
        if "autograder" in resources:  # grading a batch: the reasons reach the student's outcome
            resources["autograder"]["realigned"].extend(reasons)
        return nb, resources
