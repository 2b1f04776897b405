"""Module 02-imbalance: its data is deterministic, and its randomised hidden tests never flake on a correct answer."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import notebook_cells
from course.datasets.imbalance import make_transactions

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "source" / "02-imbalance" / "02-imbalance.ipynb"


def cell_source(grade_id: str) -> str:
    return notebook_cells.cell_source(NOTEBOOK, grade_id)


def hidden_tests(grade_id: str) -> str:
    return notebook_cells.hidden_tests(NOTEBOOK, grade_id)


def key_namespace() -> dict:
    return notebook_cells.key_namespace(NOTEBOOK, "smote_solution", {"np": np})


def test_transactions_are_deterministic_and_rare():
    X1, y1 = make_transactions()
    X2, y2 = make_transactions()
    assert X1.equals(X2) and y1.equals(y2)
    assert int(y1.sum()) == 90 and len(y1) == 3000
    assert not make_transactions(seed=1)[0].equals(X1)
    for n, rate in [(600, 0.05), (4000, 0.01), (50, 0.001)]:
        X, y = make_transactions(n_samples=n, fraud_rate=rate, seed=3)
        assert X.shape == (n, 7) and int(y.sum()) == max(1, round(n * rate))
        assert not X.isna().any().any()


def test_smote_lambda_spread_check_never_flakes_on_the_key():
    """The location-and-scale check of correct_smote_segments passes the key at 200 pairs of seeds."""
    hidden = hidden_tests("correct_smote_segments")
    explored = "explore(on_segments_with_drawn_lambdas"
    assert explored in hidden and "for seed in (0, 11):" in hidden
    definitions, _, rest = hidden.partition(explored)
    sample_check = rest[rest.index("\n# lambda's location and scale"):]
    for seed in range(0, 400, 2):
        namespace = key_namespace()
        exec(definitions + sample_check.replace("for seed in (0, 11):", f"for seed in ({seed}, {seed + 1}):"), namespace)


def _other_correct_smote(X, y, n_new, k=5, minority_label=1, rng=0):
    """A correct SMOTE that draws in another order, with other methods, and interpolates from the neighbour's end."""
    from sklearn.neighbors import NearestNeighbors

    X_min = np.asarray(X, dtype=float)[np.asarray(y, dtype=object) == minority_label]
    rng = np.random.default_rng(rng) if isinstance(rng, int) else rng
    lam = rng.uniform(size=n_new)
    base = rng.choice(len(X_min), size=n_new)
    nn = NearestNeighbors(n_neighbors=k + 1).fit(X_min).kneighbors(X_min, return_distance=False)
    # kneighbors lists the sample itself first unless a duplicate ties with it; the task promises distinct rows
    nn = nn[:, 1:]
    partner = nn[base, rng.choice(k, size=n_new)] if n_new else np.empty(0, dtype=int)
    return X_min[partner] + (1 - lam)[:, None] * (X_min[base] - X_min[partner])


@pytest.mark.parametrize("grade_id", ["correct_smote_shape", "correct_smote_segments", "correct_smote_neighbours"])
def test_smote_hidden_tests_accept_another_correct_implementation(grade_id):
    exec(hidden_tests(grade_id), {"np": np, "smote": _other_correct_smote})


def test_every_exercise_has_hints_and_wrong_answers():
    syllabus = yaml.safe_load((REPO / "course" / "syllabus.yml").read_text(encoding="utf-8")) or {}
    found = [m for m in syllabus.get("modules") or [] if m.get("id") == "02-imbalance"]
    if found:
        module = found[0]
    else:  # not merged yet: the module's own fragment
        fragment = REPO / ".fragments" / "02-imbalance.syllabus.yml"
        module = yaml.safe_load(fragment.read_text(encoding="utf-8"))[0]
    hints = yaml.safe_load((REPO / "course" / "hints" / "02-imbalance.yml").read_text(encoding="utf-8"))
    namespace: dict = {}
    exec((REPO / "tests" / "wrong_answers" / "02-imbalance.py").read_text(encoding="utf-8"), namespace)
    for exercise in module["exercises"]:
        assert 2 <= len(hints[exercise["id"]]) <= 3, exercise["id"]
        if exercise["kind"] == "autograded":
            mine = [w for w in namespace["WRONG_ANSWERS"] if w["cell"] in exercise["solution_cells"]]
            assert len(mine) >= 2, f"{exercise['id']} needs two wrong answers"
            assert all(set(w["loses"]) <= set(exercise["graded_cells"]) for w in mine)


# ---------------------------------------------------------------- exercises 5, 7 and 8: other correct answers pass

def _manual_loop_cv(model, sampler, X, y, n_splits=5, seed=0):
    """A correct fix written as an explicit fold loop, with clones, instead of an imblearn Pipeline."""
    from sklearn.base import clone
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import StratifiedKFold

    scores = []
    for train, test in StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(X, y):
        X_fit, y_fit = clone(sampler).fit_resample(X.iloc[train], y.iloc[train])
        fitted = clone(model).fit(X_fit, y_fit)
        scores.append(average_precision_score(y.iloc[test], fitted.predict_proba(X.iloc[test])[:, 1]))
    return np.array(scores)


@pytest.mark.parametrize("grade_id", ["correct_cv_scores", "correct_cv_no_leak"])
def test_cv_hidden_tests_accept_a_correct_fold_loop(grade_id):
    """The spies watch what the sampler saw and what the model scored, not how the loop is written."""
    exec(hidden_tests(grade_id), {"np": np, "honest_cv_scores": _manual_loop_cv})


def _odds_form_cost_answers():
    """Correct answers written another way: the correction in odds, the threshold moved to the raw scale."""
    def expected_cost(y_true, flagged, c_fp, c_fn):
        y_true = np.asarray(y_true).astype(int)
        flagged = np.asarray(flagged).astype(int)
        return float(np.mean(c_fp * flagged * (1 - y_true) + c_fn * (1 - flagged) * y_true))

    def prior_shift(proba, sample_rate, true_rate):
        p = np.array(proba, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = p / (1 - p) * (true_rate / (1 - true_rate)) / (sample_rate / (1 - sample_rate))
            return np.where(np.isinf(odds), 1.0, odds / (1 + odds))

    def cost_flags(proba, c_fp, c_fn, sample_rate, true_rate):
        if not all(np.isfinite(c) and c > 0 for c in (c_fp, c_fn)):
            raise ValueError("costs must be positive and finite")
        return prior_shift(proba, sample_rate, true_rate) >= c_fp / (c_fp + c_fn)

    return {"expected_cost": expected_cost, "prior_shift": prior_shift, "cost_flags": cost_flags}


@pytest.mark.parametrize("grade_id", ["correct_expected_cost", "correct_prior_shift", "correct_cost_flags"])
def test_cost_hidden_tests_accept_an_algebraically_equal_answer(grade_id):
    """Rows within 1e-9 of the Bayes threshold are not judged: an equal formula may round the other way there."""
    exec(hidden_tests(grade_id), {"np": np, **_odds_form_cost_answers()})


def test_ship_decision_rejects_the_cheapest_on_one_holdout_set():
    """The rule the old task dictated (lowest cost on one hold-out set, no uncertainty) fails the decision budget."""
    answers = _odds_form_cost_answers()

    def choose_model(y_holdout, flags_by_model, c_fp, c_fn):
        costs = {name: answers["expected_cost"](y_holdout, f, c_fp, c_fn) for name, f in flags_by_model.items()}
        return sorted(costs, key=lambda name: costs[name])[0], costs  # sorted is stable: the first of ties

    with pytest.raises(AssertionError, match="fresh hold-out sets"):
        exec(hidden_tests("correct_ship_choice"), {"np": np, "choose_model": choose_model})


def test_smote_then_originals_first_holds_for_the_leak_demo():
    """The leak demo scores original rows by position: imbalanced-learn keeps them first, synthetic rows after."""
    from imblearn.over_sampling import SMOTE

    X, y = make_transactions(n_samples=600, fraud_rate=0.05, seed=4)
    X_bal, y_bal = SMOTE(random_state=0).fit_resample(X, y)
    assert X_bal.iloc[: len(X)].equals(X) and y_bal.iloc[: len(y)].equals(y)
    assert (y_bal.iloc[len(y):] == 1).all()


# ---------------------------------------------------------------- exercise 8: another sound decision rule passes

def _bootstrap_choose_model(y_holdout, flags_by_model, c_fp, c_fn):
    """A paired bootstrap of the payments: ship a challenger when its 95 % interval of the gap lies below 0."""
    y = np.asarray(y_holdout) == 1
    rows = {k: np.where(y, c_fn * ~np.asarray(f).astype(bool), c_fp * np.asarray(f).astype(bool))
            for k, f in flags_by_model.items()}
    costs = {k: float(v.mean()) for k, v in rows.items()}
    production, *challengers = list(flags_by_model)
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(y), size=(400, len(y)))
    shipped = production
    for name in challengers:
        gap = rows[name] - rows[production]
        if np.quantile(gap[picks].mean(axis=1), 0.975) < 0 and costs[name] < costs[shipped]:
            shipped = name
    return shipped, costs


def test_ship_decision_accepts_a_paired_bootstrap():
    exec(hidden_tests("correct_ship_choice"), {"np": np, "choose_model": _bootstrap_choose_model})


# ---------------------------------------------------------------- exercise 7: the budget rejects rules a practitioner would

@pytest.mark.parametrize("rule", ["raw probabilities at the Bayes threshold", "corrected probabilities at 0.5",
                                  "the cost ratio upside down"])
def test_cost_decision_budget_rejects_unsound_rules(rule):
    def prior(p, s, t):
        r = (t / (1 - t)) / (s / (1 - s))
        return p * r / (p * r + 1 - p)

    def cost_flags(proba, c_fp, c_fn, sample_rate, true_rate):
        if not (np.isfinite(c_fp) and np.isfinite(c_fn) and c_fp > 0 and c_fn > 0):
            raise ValueError("costs")
        p = np.asarray(proba, dtype=float)
        if rule == "raw probabilities at the Bayes threshold":
            return p >= c_fp / (c_fp + c_fn)
        if rule == "corrected probabilities at 0.5":
            return prior(p, sample_rate, true_rate) >= 0.5
        return prior(p, sample_rate, true_rate) >= c_fn / (c_fp + c_fn)

    hidden = hidden_tests("correct_cost_flags")
    with pytest.raises(AssertionError, match="fresh scenarios"):
        exec(hidden, {"np": np, "cost_flags": cost_flags})
