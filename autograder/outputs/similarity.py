"""Pairs of submissions whose solution cells are unusually alike (`autograder similarity A`), with copydetect.

Each submission's solution cells (nbgrader's `solution` code cells, in notebook order) are fingerprinted by
copydetect (winnowing over tokens in which every name is replaced, so renamed variables and reordered
functions still match); fingerprints of the release's own solution cells (the stub, signatures and
docstrings every learner starts from) are boilerplate and never count. Every pair is compared, and each
submission with the course's answer key (the source notebook's solution cells: public in an open course).
A pair is listed when the larger of its two overlap shares (copied tokens over the submission's tokens) is at
least the threshold; the page shows the matching lines highlighted side by side. A listed pair is a reason
to look, not a verdict: short answers to the same task can share much.
"""
from __future__ import annotations

import html
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import coursedir
from autograder.outputs import files

THRESHOLD = 0.5
KEY = "answer key"
_SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.M)


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    similarity: tuple[float, float]  # share of each one's tokens found in the other
    highlighted: tuple[str, str]  # HTML of each one's code with the shared parts marked

    @property
    def score(self) -> float:
        return max(self.similarity)


def solution_code(path: Path) -> str | None:
    """The solution cells of a notebook, in order, as one Python text (None: not a readable notebook)."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return None
    cells = [c.source for c in nb.cells if c.cell_type == "code"
             and c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    return _SOLUTION_MARKERS.sub("", "\n\n".join(cells)) + "\n"


def _notebooks_code(folder: Path) -> str | None:
    found = [solution_code(p) for p in sorted(folder.glob("*.ipynb"))]
    found = [code for code in found if code is not None]
    return "\n".join(found) if found else None


def fingerprints(codes: dict[str, str], template: str):
    """copydetect fingerprints of each code, the template's k-grams removed (copydetect's own boilerplate rule)."""
    from copydetect import CodeFingerprint
    from copydetect.defaults import GUARANTEE_THRESHOLD, NOISE_THRESHOLD

    boilerplate = CodeFingerprint("template.py", k=NOISE_THRESHOLD, win_size=1, fp=io.StringIO(template)).hashes
    boilerplate = np.unique(np.array(list(boilerplate)))
    window = GUARANTEE_THRESHOLD - NOISE_THRESHOLD + 1
    return {name: CodeFingerprint(f"{name}.py", k=NOISE_THRESHOLD, win_size=window, boilerplate=boilerplate,
                                  fp=io.StringIO(code))
            for name, code in codes.items()}


def compare(codes: dict[str, str], template: str, key: str | None, threshold: float = THRESHOLD) -> list[Pair]:
    """Every pair (and each against the key) at or above ``threshold``, most alike first."""
    from copydetect import compare_files
    from copydetect.utils import highlight_overlap

    everyone = dict(codes)
    if key is not None:
        everyone[KEY] = key
    prints = fingerprints(everyone, template)
    pairs = []
    for a, b in itertools.combinations(sorted(codes) + ([KEY] if key is not None else []), 2):
        if b == KEY and a == KEY:
            continue
        overlap, similarity, slices = compare_files(prints[a], prints[b])
        if overlap == 0 or max(similarity) < threshold:
            continue
        marked = tuple(highlight_overlap(prints[n].raw_code, s, "<mark>", "</mark>", escape_html=True)[0]
                       for n, s in zip((a, b), slices))
        pairs.append(Pair(a, b, (float(similarity[0]), float(similarity[1])), marked))
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))


def main(*, assignment: str, course: Path, threshold: float = THRESHOLD, config=None) -> Path:
    """Write reports/<assignment>-similarity.html from the submitted notebooks; returns its path."""
    course = Path(course)
    config = config if config is not None else coursedir.read_config(course)
    students = coursedir.find_students(course, config, assignment)
    codes = {}
    for student in students:
        code = _notebooks_code(Path(coursedir.format_dir(config, "submitted_directory", student, assignment)))
        if code is not None and code.strip():
            codes[student] = code
    template = _notebooks_code(Path(coursedir.format_dir(config, "release_directory", ".", assignment))) or ""
    key = _notebooks_code(Path(coursedir.format_dir(config, "source_directory", ".", assignment)))
    pairs = compare(codes, template, key, threshold)
    out = Path(course) / "reports" / f"{assignment}-similarity.html"
    return files.write_text(out, render(assignment, pairs, len(codes), threshold))


def render(assignment: str, pairs: list[Pair], students: int, threshold: float) -> str:
    from autograder.outputs.report import STYLE

    name = html.escape(assignment)
    among = [p for p in pairs if KEY not in (p.first, p.second)]
    keyed = [p for p in pairs if KEY in (p.first, p.second)]

    def section(pair: Pair) -> str:
        a, b = (html.escape(n) for n in (pair.first, pair.second))
        return (f"<h3>{a} and {b}: {100 * pair.similarity[0]:.0f} % of {a}'s code, {100 * pair.similarity[1]:.0f} % "
                f"of {b}'s</h3><div class='pair'><div><h4>{a}</h4><pre>{pair.highlighted[0]}</pre></div>"
                f"<div><h4>{b}</h4><pre>{pair.highlighted[1]}</pre></div></div>")

    summary = "".join(f"<tr><td>{html.escape(p.first)}</td><td>{html.escape(p.second)}</td>"
                      f"<td class='num'>{100 * p.score:.0f} %</td></tr>" for p in pairs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{name}: similar submissions</title>
<style>{STYLE}.pair{{display:grid;grid-template-columns:1fr 1fr;gap:1rem}}pre{{background:#f6f8fa;padding:.5rem;
overflow-x:auto;font-size:.8rem;white-space:pre-wrap}}mark{{background:#ffd33d}}</style></head><body>
<h1>{name}: similar submissions</h1>
<p>{students} submissions compared pairwise and with the answer key, on their solution cells, with the release's
own template removed (copydetect: names replaced, so renaming does not hide a copy). Listed: pairs where at least
{100 * threshold:.0f} % of one submission's code is found in the other. A listed pair is a reason to read both,
not a verdict.</p>
<table><thead><tr><th>Submission</th><th>Alike</th><th>Share</th></tr></thead><tbody>{summary or
    "<tr><td colspan=3>No pair above the threshold.</td></tr>"}</tbody></table>
<h2>Between students ({len(among)})</h2>{''.join(section(p) for p in among)}
<h2>With the answer key ({len(keyed)})</h2>{''.join(section(p) for p in keyed)}
</body></html>"""
