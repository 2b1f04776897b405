"""Module 04-explainability: its data is deterministic, and its randomised hidden test never flakes on a correct answer."""
from __future__ import annotations

from pathlib import Path

import numpy as np

import notebook_cells
from course.datasets.explainability import HONEST_FEATURES, LEAKY_FEATURE, make_loans

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "source" / "04-explainability" / "04-explainability.ipynb"


def cell_source(grade_id: str) -> str:
    return notebook_cells.cell_source(NOTEBOOK, grade_id)


def hidden_tests(grade_id: str) -> str:
    return notebook_cells.hidden_tests(NOTEBOOK, grade_id)


def key_namespace() -> dict:
    return notebook_cells.key_namespace(NOTEBOOK, "permutation_solution", {"np": np})


def test_loans_are_deterministic_with_a_planted_leak():
    first, second = make_loans(), make_loans()
    assert first.equals(second)
    assert list(first.columns) == HONEST_FEATURES + [LEAKY_FEATURE, "default"]
    assert len(first) == 2000 and not first.isna().any().any()
    assert 0.15 < first["default"].mean() < 0.35
    assert not make_loans(seed=1).equals(first)
    assert len(make_loans(n_samples=50, seed=3)) == 50
    # the leak: collections call defaulters, hardly anyone else
    calls = first.groupby("default")[LEAKY_FEATURE].mean()
    assert calls[1] > 5 * calls[0]
    # income and monthly income carry the same information
    assert np.corrcoef(first["income"], first["monthly_income"])[0, 1] > 0.99


class FastAccuracy:
    """A fitted binary LogisticRegression's accuracy, computed with plain numpy (identical predictions)."""

    def __init__(self, model):
        self.coef, self.intercept, self.classes = model.coef_.ravel(), float(model.intercept_[0]), model.classes_

    def score(self, X, y):
        predicted = self.classes[(np.asarray(X) @ self.coef + self.intercept > 0).astype(int)]
        return float(np.mean(predicted == np.asarray(y)))


def test_fast_accuracy_equals_the_model_score():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    for seed in range(20):
        Xs = np.random.default_rng(seed).normal(size=(100, 4))
        ys = np.random.default_rng(seed + 1).integers(0, 2, size=100)
        assert FastAccuracy(model).score(Xs, ys) == model.score(Xs, ys)


def test_permutation_tolerance_never_flakes_on_the_key():
    """The statistical check of correct_permutation_matches_sklearn passes the key on 200 random states."""
    hidden = hidden_tests("correct_permutation_matches_sklearn")
    assert "random_state=3)" in hidden
    namespace = key_namespace()
    key = namespace["permutation_importance_by_hand"]
    reference_part, student_part = hidden.split("_Xe_before = _Xe.copy()")
    exec(reference_part, namespace)  # the reference is the same for every seed: compute it once
    namespace["_model_h"] = FastAccuracy(namespace["_model_h"])  # same scores as LogisticRegression.score, 100x faster
    for seed in range(200):
        namespace["permutation_importance_by_hand"] = key
        exec("_Xe_before = _Xe.copy()" + student_part.replace("random_state=3)", f"random_state={seed})"), namespace)


def test_permutation_tolerance_never_flakes_on_the_reference_seed():
    """The same check also holds whatever seed the reference uses (a library upgrade may reshuffle)."""
    hidden = hidden_tests("correct_permutation_matches_sklearn")
    assert "n_repeats=60, random_state=5)" in hidden
    for seed in range(15):
        exec(hidden.replace("n_repeats=60, random_state=5)", f"n_repeats=60, random_state={seed})"), key_namespace())
