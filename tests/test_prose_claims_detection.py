"""What counts as a quoted number in the prose, on tiny notebooks (tests/prose_claims.py)."""
import nbformat
import pytest

import prose_claims
from prose_claims import Check, Claim


def notebook(tmp_path, *markdown):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(m) for m in markdown])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    return path


def numbers(tmp_path, text, claims=()):
    return [m.split(" in ")[0] for m in prose_claims.uncovered_numbers(notebook(tmp_path, text), list(claims))]


def test_results_in_prose_are_claims(tmp_path):
    assert numbers(tmp_path, "Recall rises from about a third to above 80 %, AUC 0.96.") == ["'third'", "'80 %'", "'0.96'"]


def test_exercise_numbers_points_seeds_and_code_are_not(tmp_path):
    text = ("## 3. Profile the table (3 points)\n\nExercise 2 and module 01 cite `000_1480d155a4fd848c.txt` Q13/Q16 "
            "and 004 Q4, see §9. Call `fit(X, random_state=0)`; $b = \\Delta/\\epsilon$; F1 and float16.\n"
            "1. first step")
    assert numbers(tmp_path, text) == []


def test_a_claim_covers_its_quote_across_line_breaks(tmp_path):
    claim = Claim("AUC 0.96 with the leak", (Check(value="auc", low=0.9, high=1.0),))
    assert numbers(tmp_path, "We get AUC 0.96\nwith the leak and 0.80 without.", [claim]) == ["'0.80'"]


def test_chinese_ratios_count(tmp_path):
    assert numbers(tmp_path, "召回率从三分之一升到两倍") == ["'三分之一'", "'两倍'"]


def test_a_check_is_a_value_in_a_band_or_a_graded_cell(tmp_path):
    with pytest.raises(ValueError, match="tested_by"):
        prose_claims._check({"value": "x"}, "here")
    assert prose_claims._check({"tested_by": "correct_x"}, "here").tested_by == "correct_x"
    with pytest.raises(ValueError, match="upside down"):
        prose_claims._check({"value": "x", "band": [2, 1]}, "here")
