"""`autograder similarity A` finds planted copies (renamed variables, reordered functions, the answer key
renamed) and leaves honest look-alikes (the same three tasks solved independently) alone."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from autograder import cli
from autograder.outputs import similarity

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "sim"
STUBS = ["def moving_average(values, window):\n    \"\"\"Mean of each run of `window` values.\"\"\"\n",
         "def zscores(values):\n    \"\"\"Each value minus the mean, over the standard deviation.\"\"\"\n",
         "def top_words(text, n):\n    \"\"\"The n commonest words, lower-cased, ties in first-seen order.\"\"\"\n"]
KEY = ['''    out = []
    total = sum(values[:window])
    out.append(total / window)
    for i in range(window, len(values)):
        total += values[i] - values[i - window]
        out.append(total / window)
    return out''', '''    m = sum(values) / len(values)
    sd = (sum((v - m) ** 2 for v in values) / len(values)) ** 0.5
    if sd == 0:
        raise ValueError("constant input")
    return [(v - m) / sd for v in values]''', '''    counts = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return [word for word, _ in ranked[:n]]''']
ALICE = ['''def moving_average(values, window):
    """Mean of each run of `window` values."""
    result = []
    for start in range(0, len(values) - window + 1):
        chunk = values[start:start + window]
        acc = 0.0
        for x in chunk:
            acc = acc + x
        result.append(acc / len(chunk))
    return result''', '''def _mean(xs):
    s = 0.0
    for x in xs:
        s = s + x
    return s / len(xs)


def zscores(values):
    """Each value minus the mean, over the standard deviation."""
    mu = _mean(values)
    var = _mean([(x - mu) * (x - mu) for x in values])
    if var <= 0.0:
        raise ValueError("all values equal")
    return [(x - mu) / var ** 0.5 for x in values]''', '''def _tokens(text):
    cleaned = ""
    for ch in text:
        cleaned = cleaned + (ch.lower() if ch.isalnum() else " ")
    return [t for t in cleaned.split(" ") if t != ""]


def top_words(text, n):
    """The n commonest words, lower-cased, ties in first-seen order."""
    seen, tally = [], {}
    for t in _tokens(text):
        if t not in tally:
            seen.append(t)
            tally[t] = 0
        tally[t] = tally[t] + 1
    order = sorted(seen, key=lambda t: (-tally[t], seen.index(t)))
    return order[0:n]''']


def rename(code: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        code = re.sub(rf"\b{old}\b", new, code)
    return code


def reorder(cell: str) -> str:
    """The two functions of a cell in the other order."""
    first, second = cell.split("\n\n\n")
    return second + "\n\n\n" + first


BOB = [rename(ALICE[0], {"result": "averages", "chunk": "piece", "acc": "running", "start": "j"}),
       reorder(rename(ALICE[1], {"mu": "centre", "var": "spread", "xs": "items", "s": "tot"})),
       reorder(rename(ALICE[2], {"cleaned": "buf", "seen": "firsts", "tally": "freq", "order": "best"}))]
CAROL = ['''def moving_average(values, window):
    """Mean of each run of `window` values."""
    import numpy as np
    kernel = np.ones(window) / window
    return list(np.convolve(np.asarray(values, dtype=float), kernel, mode="valid"))''', '''def zscores(values):
    """Each value minus the mean, over the standard deviation."""
    import statistics
    centre = statistics.fmean(values)
    spread = statistics.pstdev(values)
    if not spread:
        raise ValueError("zero spread")
    return [(value - centre) / spread for value in values]''', '''def top_words(text, n):
    """The n commonest words, lower-cased, ties in first-seen order."""
    from collections import Counter
    return [w for w, _ in Counter(text.lower().split()).most_common(n)]''']
DAVE = ['''def moving_average(values, window):
    """Mean of each run of `window` values."""
    means, i = [], 0
    while i + window <= len(values):
        means.append(sum(values[i:i + window]) / window)
        i += 1
    return means''', '''def zscores(values):
    """Each value minus the mean, over the standard deviation."""
    import math
    n = len(values)
    avg = math.fsum(values) / n
    dev = math.sqrt(math.fsum((v - avg) ** 2 for v in values) / n)
    assert dev > 0, "constant"
    return [(v - avg) / dev for v in values]''', '''def top_words(text, n):
    """The n commonest words, lower-cased, ties in first-seen order."""
    import re
    words = re.findall(r"\\w+", text.lower())
    return sorted(dict.fromkeys(words), key=words.count, reverse=True)[:n]''']
EVE = [rename(s + k, {"out": "series", "total": "window_sum", "m": "avg", "sd": "std", "counts": "freq",
                      "ranked": "ordered", "i": "pos"}) for s, k in zip(STUBS, KEY)]


def notebook(cells: list[str]):
    meta = {"nbgrader": {"solution": True, "grade": False, "locked": False, "schema_version": 3}}
    nb = nbformat.v4.new_notebook(cells=[c for i, code in enumerate(cells) for c in (
        nbformat.v4.new_code_cell(code, metadata={"nbgrader": {**meta["nbgrader"], "grade_id": f"s{i}"}}),
        nbformat.v4.new_code_cell(f"assert True  # test {i}"))])
    return nbformat.writes(nb)


def a_class(root: Path) -> Path:
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    folders = {"source/sim": [s + "    ### BEGIN SOLUTION\n" + k + "\n    ### END SOLUTION" for s, k in zip(STUBS, KEY)],
               "release/sim": [s + "    # YOUR CODE HERE\n    raise NotImplementedError()" for s in STUBS]}
    for name, cells in {"alice": ALICE, "bob": BOB, "carol": CAROL, "dave": DAVE, "eve": EVE,
                        "blank": folders["release/sim"]}.items():
        folders[f"submitted/{name}/sim"] = cells
    for folder, cells in folders.items():
        (root / folder).mkdir(parents=True)
        (root / folder / "sim.ipynb").write_text(notebook(cells))
    return root


def test_planted_copies_are_found_and_honest_look_alikes_are_not(tmp_path, capsys):
    """Check that bob (alice renamed and reordered) pairs with alice, eve (the key renamed) with the key, and no
    other pair crosses the threshold, with the matching lines marked on the page"""
    course = a_class(tmp_path)
    assert cli.main(["similarity", ASSIGNMENT, "--course", str(course)]) == 0
    assert "similarity" in capsys.readouterr().out
    codes = {s: similarity._notebooks_code(course / "submitted" / s / ASSIGNMENT) for s in
             ("alice", "bob", "carol", "dave", "eve", "blank")}
    template = similarity._notebooks_code(course / "release" / ASSIGNMENT)
    key = similarity._notebooks_code(course / "source" / ASSIGNMENT)
    assert "BEGIN SOLUTION" not in key
    flagged = {(p.first, p.second) for p in similarity.compare(codes, template, key)}
    assert flagged == {("alice", "bob"), ("eve", similarity.KEY)}
    everything = {(p.first, p.second): p.score for p in similarity.compare(codes, template, key, threshold=0.0)}
    assert everything[("alice", "bob")] > 0.8 and everything[("eve", similarity.KEY)] > 0.8
    honest = [score for pair, score in everything.items() if pair not in flagged]
    assert max(honest) < 0.35, everything  # far below the threshold, not just under it
    page = (course / "reports" / f"{ASSIGNMENT}-similarity.html").read_text()
    assert "<mark>" in page and "alice and bob" in page and "eve and answer key" in page
    assert "carol and" not in page and "dave and" not in page and "blank and" not in page
