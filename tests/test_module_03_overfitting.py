"""Module 03-overfitting: its data is deterministic, and its hidden tests accept other correct answers."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

import notebook_cells
from course.datasets.overfitting import (load_clinic_visits, load_noisy_digits, load_small_digits, make_noisy_moons,
                                         make_noisy_sine)

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "source" / "03-overfitting" / "03-overfitting.ipynb"


def cell_source(grade_id: str) -> str:
    return notebook_cells.cell_source(NOTEBOOK, grade_id)


def hidden_tests(grade_id: str) -> str:
    return notebook_cells.hidden_tests(NOTEBOOK, grade_id)


def test_noisy_sine_is_deterministic():
    X1, y1 = make_noisy_sine()
    X2, y2 = make_noisy_sine()
    assert X1.shape == (40, 1) and y1.shape == (40,)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(make_noisy_sine(seed=1)[1], y1)
    assert 0.0 <= X1.min() and X1.max() <= 1.0


def test_noisy_moons_are_deterministic_balanced_and_shuffled():
    X1, y1 = make_noisy_moons()
    X2, y2 = make_noisy_moons()
    assert X1.shape == (600, 2) and y1.shape == (600,) and set(y1.tolist()) == {0, 1}
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert abs(y1[:300].mean() - 0.5) < 0.1, "the notebook splits by position: both halves need both classes"
    assert not np.array_equal(make_noisy_moons(seed=1)[0], X1)


def test_clinic_visits_repeat_patients_with_one_diagnosis_each():
    X, y, patient = load_clinic_visits()
    again = load_clinic_visits()
    assert all(np.array_equal(a, b) for a, b in zip((X, y, patient), again))
    assert X.shape == (len(y), 3) and len(patient) == len(y) and np.isfinite(X).all()
    visits = np.bincount(patient)
    assert visits.min() >= 1 and visits.max() == 4 and (visits > 1).mean() > 0.5
    assert all(len(set(y[patient == p].tolist())) == 1 for p in np.unique(patient))


def test_noisy_digits_flip_training_labels_only():
    X_tr, X_val, y_tr, y_val = load_noisy_digits()
    again = load_noisy_digits()
    assert all(np.array_equal(a, b) for a, b in zip((X_tr, X_val, y_tr, y_val), again))
    assert X_tr.shape == (300, 64) and X_val.shape == (400, 64) and X_tr.max() <= 1.0
    clean = load_noisy_digits(label_noise=0.0)
    changed = float(np.mean(clean[2] != y_tr))
    assert 0.15 < changed < 0.35  # 30 % drawn, a tenth of them redrawn to the same digit
    assert np.array_equal(clean[3], y_val), "validation labels must stay clean"


def test_small_digits_are_deterministic_and_stratified():
    X_tr, X_te, y_tr, y_te = load_small_digits()
    assert X_tr.shape == (200, 64) and len(X_te) == 1797 - 200
    assert np.array_equal(y_tr, load_small_digits()[2])
    assert np.bincount(y_tr).min() >= 19


# ---- other correct implementations, written differently from the key --------------------------

def _train_val_scores(model, X_train, y_train, X_val, y_val):
    fitted = copy.deepcopy(model)
    fitted.fit(X_train, y_train)
    return fitted.score(X_train, y_train), fitted.score(X_val, y_val)


def _learning_curve_by_hand(model, X, y, train_sizes, cv):
    from sklearn.base import clone
    splits = list(cv.split(X, y))
    train = np.empty((len(train_sizes), len(splits)))
    val = np.empty_like(train)
    for j, (tr, va) in enumerate(splits):
        for i, n in enumerate(train_sizes):
            fitted = clone(model).fit(X[tr[:n]], y[tr[:n]])
            train[i, j], val[i, j] = fitted.score(X[tr[:n]], y[tr[:n]]), fitted.score(X[va], y[va])
    return train, val


def _diagnose_curve(train_sizes, train_scores, val_scores, target):
    from scipy import stats
    val, train = np.asarray(val_scores), np.asarray(train_scores)
    k = val.shape[1]
    se = val[-1].std(ddof=1) / np.sqrt(k)
    n = np.asarray(train_sizes, dtype=float)
    fits = []
    for c in np.arange(0.05, 2.0, 0.05):  # v = a - b n^-c, a and b by least squares
        basis = np.column_stack([np.ones(len(n)), -(n / n[-1]) ** -c])
        (a, b), *_ = np.linalg.lstsq(basis, val.mean(axis=1), rcond=None)
        fits.append((np.sum((basis @ [a, b] - val.mean(axis=1)) ** 2), a - b * 4.0 ** -c))
    projected = min(min(fits)[1], train[-1].mean())
    evidence = {"validation": float(val[-1].mean()), "standard error": float(se), "projected": float(projected)}
    if val[-1].mean() - stats.t.ppf(0.975, k - 1) * se >= target:
        return "ship", evidence
    if train[-1].mean() < target:
        return "more capacity", evidence
    return ("more data" if projected >= target else "more capacity"), evidence


def _choose_ensemble(fold_scores, trees, min_accuracy):
    from scipy import stats
    if min_accuracy != min_accuracy or min_accuracy < 0 or min_accuracy > 1:
        raise ValueError("a floor is an accuracy")
    ranked = sorted(fold_scores.items(), key=lambda item: trees[item[0]])
    for name, scores in ranked:  # a one-sided 97.5 % t bound instead of two standard errors
        k = len(scores)
        lower = np.mean(scores) - stats.t.ppf(0.975, k - 1) * np.std(scores, ddof=1) / np.sqrt(k)
        if lower >= min_accuracy:
            return name
    return None


def _pick_model(candidates, X, y, cv, min_accuracy):
    from sklearn.base import clone
    evidence = {}
    for name, model in candidates.items():
        evidence[name] = np.array([clone(model).fit(X[tr], y[tr]).score(X[va], y[va]) for tr, va in cv.split(X, y)])
    trees = {name: model.get_params().get("n_estimators", 1) for name, model in candidates.items()}
    return _choose_ensemble(evidence, trees, min_accuracy), evidence


def _group_kfold_indices(groups, k):
    ids = list(dict.fromkeys(groups.tolist() if hasattr(groups, "tolist") else groups))
    if len(ids) < k:
        raise ValueError("too few groups")
    size = {g: 0 for g in ids}
    for g in groups:
        size[g] += 1
    load, fold_of = [0] * k, {}
    first_seen = sorted(ids, key=lambda g: str(g))  # ties in size: np.unique's order, sorted labels
    for g in sorted(first_seen, key=lambda g: -size[g]):
        f = load.index(min(load))
        fold_of[g], load[f] = f, load[f] + size[g]
    folds = np.array([fold_of[g] for g in groups])
    return [(np.flatnonzero(folds != f), np.flatnonzero(folds == f)) for f in range(k)]


def _soft_threshold(z, gamma):
    if gamma != gamma or gamma < 0:
        raise ValueError("gamma")
    z = np.array(z, dtype=float)
    out = np.zeros_like(z)
    out[z > gamma] = z[z > gamma] - gamma
    out[z < -gamma] = z[z < -gamma] + gamma
    return out


def _lasso_coordinate_descent(X, y, alpha, n_sweeps=200):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n, w = len(y), np.zeros(X.shape[1])
    for _ in range(n_sweeps):
        for j in range(X.shape[1]):
            r = yc - Xc @ w + Xc[:, j] * w[j]
            norm = Xc[:, j] @ Xc[:, j] / n
            w[j] = _soft_threshold(np.array([Xc[:, j] @ r / n]), alpha)[0] / norm if norm else 0.0
    return w, float(y.mean() - X.mean(axis=0) @ w)


def _kfold_indices(n_samples, k):
    rows = np.arange(n_samples)
    return [(np.setdiff1d(rows, part), part) for part in np.array_split(rows, k)]


def _manual_cv_scores(model, X, y, k):
    from sklearn.base import clone
    return np.array([clone(model).fit(X[tr], y[tr]).score(X[va], y[va]) for tr, va in _kfold_indices(len(X), k)])


def _ridge_closed_form(X, y, alpha):
    X_c, y_c = X - X.mean(axis=0), y - y.mean()
    stacked = np.vstack([X_c, np.sqrt(alpha) * np.eye(X.shape[1])])
    target = np.concatenate([y_c, np.zeros(X.shape[1])])
    w = np.linalg.lstsq(stacked, target, rcond=None)[0]
    return w, y.mean() - X.mean(axis=0) @ w


def _lasso_survivors(X, y, alphas, feature_names):
    from sklearn.linear_model import Lasso
    std = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(std == 0, 1.0, std)  # StandardScaler leaves a constant column at 0
    return {a: [n for n, c in zip(feature_names, Lasso(alpha=a).fit(Z, y).coef_) if c != 0] for a in alphas}


def _early_stopping_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, classes=None):
    errors, best, waited = [], None, 0
    model = copy.deepcopy(model)
    known = np.unique(y_train) if classes is None else np.array(classes)
    for epoch in range(1, max_epochs + 1):
        model.partial_fit(X_train, y_train, classes=known)
        errors.append(1 - model.score(X_val, y_val))
        if best is None or errors[-1] < min(errors[:-1]):
            best, waited = (copy.deepcopy(model), epoch), 0
        else:
            waited += 1
            if waited == patience:
                break
    return best[0], best[1], errors


def _nested_cv(estimator, param_grid, X, y, inner_cv, outer_cv):
    from sklearn.model_selection import GridSearchCV
    scores, params = [], []
    for tr, te in outer_cv.split(X, y):
        search = GridSearchCV(estimator, param_grid, cv=inner_cv, refit=True).fit(X[tr], y[tr])
        scores.append(search.best_estimator_.score(X[te], y[te]))
        params.append(search.best_params_)
    return np.asarray(scores), params


def _shift_image(image, dx, dy):
    h, w = image.shape
    padded = np.pad(image, ((abs(dy), abs(dy)), (abs(dx), abs(dx))))
    return padded[abs(dy) - dy:abs(dy) - dy + h, abs(dx) - dx:abs(dx) - dx + w]


def _augment_with_shifts(X, y):
    shifted = [np.array([_shift_image(r.reshape(8, 8), dx, dy).ravel() for r in X])
               for dx, dy in [(0, -1), (0, 1), (-1, 0), (1, 0)]]  # another order of the shifts
    return np.vstack([X] + shifted), np.concatenate([y] * 5)


def _split_then_augment(X, y, test_size, seed):
    from sklearn.model_selection import train_test_split
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
    return (*_augment_with_shifts(X_tr, y_tr)[:1], X_te, _augment_with_shifts(X_tr, y_tr)[1], y_te)


OTHERS = {
    "train_val_scores": _train_val_scores, "learning_curve_by_hand": _learning_curve_by_hand,
    "diagnose_curve": _diagnose_curve, "pick_model": _pick_model, "choose_ensemble": _choose_ensemble, "group_kfold_indices": _group_kfold_indices,
    "soft_threshold": _soft_threshold, "lasso_coordinate_descent": _lasso_coordinate_descent, "kfold_indices": _kfold_indices, "manual_cv_scores": _manual_cv_scores,
    "ridge_closed_form": _ridge_closed_form, "lasso_survivors": _lasso_survivors,
    "early_stopping_fit": _early_stopping_fit, "nested_cv": _nested_cv, "shift_image": _shift_image,
    "augment_with_shifts": _augment_with_shifts, "split_then_augment": _split_then_augment,
}


@pytest.mark.parametrize("grade_id", [
    "correct_train_val_scores", "correct_learning_curve", "correct_diagnose_scripted", "correct_diagnose_fresh",
    "correct_ensemble_scores", "correct_pick_model", "correct_group_kfold", "correct_soft_threshold",
    "correct_lasso_cd", "correct_kfold_indices", "correct_manual_cv_scores", "correct_ridge_centred",
    "correct_ridge_intercept", "correct_lasso_survivors", "correct_early_stopping_epoch",
    "correct_early_stopping_restore", "correct_nested_scores", "correct_nested_params", "correct_shift_image",
    "correct_augment_with_shifts", "correct_split_then_augment",
])
def test_hidden_tests_accept_another_correct_implementation(grade_id):
    exec(hidden_tests(grade_id), {"np": np, **OTHERS})


def test_the_stand_in_model_catches_a_shallow_copy_as_a_real_mlp_would():
    """A real MLPClassifier updates coefs_ in place: a copy.copy snapshot keeps changing. So must the stand-in."""
    from sklearn.neural_network import MLPClassifier
    X, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
    mlp = MLPClassifier(hidden_layer_sizes=(4,), random_state=0).partial_fit(X, y, classes=[0, 1])
    shallow = copy.copy(mlp)
    before = shallow.coefs_[0].copy()
    mlp.partial_fit(X, y)
    assert not np.array_equal(shallow.coefs_[0], before), "scikit-learn no longer updates coefs_ in place"

    def shallow_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience):
        best, errors = None, []
        model = copy.deepcopy(model)  # the caller's model stays as given: only the snapshot is shallow
        for epoch in range(1, max_epochs + 1):
            model.partial_fit(X_train, y_train, classes=np.unique(y_train))
            errors.append(1 - model.score(X_val, y_val))
            if errors[-1] == min(errors) and errors.count(errors[-1]) == 1:
                best = (copy.copy(model), epoch)
            elif epoch - best[1] >= patience:
                break
        return best[0], best[1], errors

    with pytest.raises(AssertionError, match="shallow copy"):
        exec(hidden_tests("correct_early_stopping_restore"), {"np": np, "early_stopping_fit": shallow_fit})
