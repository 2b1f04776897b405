"""Module 05-privacy: the data generator is deterministic, and the key's randomised answers pass their
statistical hidden checks on many seeds (the tolerances do not flake)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from tools import simulated
from course.datasets.people import DIRECT_IDENTIFIERS, make_people, make_public_register

NOTEBOOK = REPO / "source" / "05-privacy" / "05-privacy.ipynb"


@pytest.fixture(scope="module")
def key():
    """The key's solution cells, executed in one namespace."""
    namespace = {"np": np, "pd": pd, "DIRECT_IDENTIFIERS": DIRECT_IDENTIFIERS, "MODULUS": 2**61 - 1,
                 "RELEASE_QIS": ["birth_band", "sex", "postcode"]}
    exec("import hashlib, hmac", namespace)
    for cell in simulated.solution_cells(simulated.read(NOTEBOOK)):
        exec(re.sub(r"### (BEGIN|END) SOLUTION", "", cell.source), namespace)
    return namespace


def test_people_are_deterministic_and_full_of_quasi_identifiers():
    a, b = make_people(n=300, seed=4), make_people(n=300, seed=4)
    assert a.equals(b) and not a.equals(make_people(n=300, seed=5))
    assert a["phone"].is_unique and a["phone"].str.len().eq(11).all()
    assert (a.groupby(["birth_date", "sex", "postcode"]).size() == 1).mean() > 0.9
    register = make_public_register(a, n_others=100, seed=1)
    assert register.equals(make_public_register(a, n_others=100, seed=1)) and len(register) == 400


def test_dp_mean_noise_check_passes_on_2000_seeds(key):
    data = np.concatenate([np.random.default_rng(5).uniform(-1, 13, 36), [30.0, 45.0, 60.0, -2.0]])
    b = 12.0 / 40 / 2.0
    true_mean = float(np.mean(np.clip(data, 0.0, 12.0)))
    assert abs(float(np.mean(data)) - true_mean) > 1.0  # the unclipped mean is far outside the check's band
    # The key's releases are the clipped mean plus the generator's Laplace stream, draw for draw ...
    gen = np.random.default_rng(0)
    released = np.array([key["dp_mean"](data, 0.0, 12.0, 2.0, gen) for _ in range(3)])
    assert np.allclose(released - true_mean, np.random.default_rng(0).laplace(0.0, b, 3), rtol=0, atol=1e-12)
    # ... so the hidden check's statistic over 500 releases can be replayed, vectorised, on 2000 seeds.
    for seed in range(2000):
        arr = true_mean + np.random.default_rng(seed).laplace(0.0, b, 500)
        assert abs(arr.mean() - true_mean) <= 6 * np.sqrt(2) * b / np.sqrt(500), seed
        assert abs(arr.var() / (2 * b * b) - 1) <= 0.6, seed


def test_randomised_response_check_passes_on_200_seeds(key):
    n, p = 20000, 0.6
    truth = np.zeros(n, dtype=bool)
    truth[: n // 2] = True
    tol = 6 * np.sqrt(0.25 / (n // 2))
    for seed in range(200):
        r = key["randomised_response"](truth, p, np.random.default_rng(seed))
        assert abs(r[truth].mean() - (p + (1 - p) / 2)) <= tol
        assert abs(r[~truth].mean() - (1 - p) / 2) <= tol


def test_share_uniformity_check_passes_on_many_seeds(key):
    m = 1_000_003
    for seed in range(200):
        gen = np.random.default_rng(seed)
        firsts, lasts = [], []
        for secret in range(300):
            shares = key["make_shares"](secret, 4, gen, m)
            firsts.append(shares[0])
            lasts.append(shares[-1])
        for values in (firsts, lasts):
            assert abs(np.mean(values) - m / 2) <= 6 * m / np.sqrt(12 * 300)
        assert len(set(lasts)) > 290


def test_patient_records_are_deterministic_and_noisy():
    from course.datasets.people import RECORD_FEATURES, make_patient_records
    X, y = make_patient_records(n=400, seed=3)
    X2, y2 = make_patient_records(n=400, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2) and X.shape == (400, len(RECORD_FEATURES))
    assert set(np.unique(y).tolist()) == {0, 1} and 0.3 < y.mean() < 0.7


def test_dp_sgd_noise_check_passes_on_200_seeds(key):
    """The hidden check of correct_noisy_step on the key: its noise is rng.normal's stream draw for draw, so the
    check's statistics over 5 steps of a 2400-parameter model can be replayed on 200 seeds quickly."""
    from notebook_cells import key_namespace
    key_namespace(NOTEBOOK, "dpsgd_helpers", key)
    g = np.random.default_rng(4321)
    B, d = 30, 2400
    Xs = np.hstack([np.ones((B, 1)), g.normal(size=(B, d - 1))])
    ys = (g.random(B) < 0.5).astype(float)
    w = g.normal(size=d) * 0.02
    clip, sigma, lr = 0.5, 1.5, 0.2
    exact = key["noisy_gradient_step"](w, Xs, ys, clip, 0.0, lr, np.random.default_rng(0))
    summed = (w - exact) * B / lr
    gen = np.random.default_rng(0)
    noise = np.array([(w - key["noisy_gradient_step"](w, Xs, ys, clip, sigma, lr, gen)) * B / lr - summed for _ in range(3)])
    assert np.allclose(noise, np.random.default_rng(0).normal(0.0, sigma * clip, size=(3, d)), rtol=0, atol=1e-9)
    n_rep, target = 5, sigma * clip
    for seed in range(200):
        draws = np.random.default_rng(seed).normal(0.0, target, size=(n_rep, d))
        assert abs(draws.mean()) <= 6 * target / np.sqrt(n_rep * d)
        assert abs(draws.var() / target**2 - 1) <= 0.1
        assert abs(np.mean(draws.var(axis=1, ddof=1)) / target**2 - 1) <= 0.1


def test_membership_attack_properties_hold_on_many_splits(key):
    """The hidden check of correct_attack_detects_overfit uses two fixed seeds; the property it asserts (an overfit
    forest leaks, AUC > 0.7; a strongly regularised logistic model stays within 0.1 of chance) holds on many more."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from course.datasets.people import make_patient_records
    key["roc_auc_score"] = roc_auc_score
    for seed in range(20):
        X, y = make_patient_records(n=500, seed=seed)
        Xa, ya, Xb, yb = X[:250], y[:250], X[250:], y[250:]
        leak = key["loss_threshold_attack"](RandomForestClassifier(n_estimators=50, random_state=seed).fit(Xa, ya), Xa, ya, Xb, yb)
        calm = key["loss_threshold_attack"](LogisticRegression(C=0.01).fit(Xa, ya), Xa, ya, Xb, yb)
        assert leak > 0.7 and abs(calm - 0.5) < 0.1, (seed, leak, calm)


def test_report_noisy_max_check_passes_on_200_seeds(key):
    """The key releases argmax(counts + rng.laplace(0, 1/eps, size)) draw for draw, so the hidden check's frequency
    test over 500 releases is replayed, vectorised, on 2000 seeds."""
    counts, eps = np.array([10.0, 9.0, 7.0, 3.0, 9.5]), 0.5
    gen = np.random.default_rng(0)
    released = [key["report_noisy_max"](counts, eps, gen) for _ in range(50)]
    replay = np.argmax(counts + np.random.default_rng(0).laplace(0.0, 1 / eps, size=(50, 5)), axis=1)
    assert released == replay.tolist()
    ref = np.argmax(counts + np.random.default_rng(2468).laplace(0.0, 1 / eps, size=(200_000, 5)), axis=1)
    p_ref = np.bincount(ref, minlength=5) / len(ref)
    n_rep = 500
    tol = 5 * np.sqrt(p_ref * (1 - p_ref) / n_rep) + 5 * np.sqrt(p_ref * (1 - p_ref) / len(ref)) + 1e-3
    for seed in range(2000):
        picks = np.argmax(counts + np.random.default_rng(seed).laplace(0.0, 1 / eps, size=(n_rep, 5)), axis=1)
        assert np.all(np.abs(np.bincount(picks, minlength=5) / n_rep - p_ref) <= tol), seed


def test_gaussian_counts_check_passes_on_500_seeds(key):
    """The key's noise is rng.normal(0, sigma, size=k) draw for draw, so the hidden check of correct_gaussian_counts
    (mean band and two-sample KS distance against reference samples at level 1e-6) is replayed on 500 seeds."""
    from notebook_cells import hidden_tests
    source = hidden_tests(NOTEBOOK, "correct_gaussian_counts")
    assert "size=24_000" in source and "n_codes, m = 30, 6000, 9" in source and "eps, delta = 0.6, 1e-6" in source
    n_codes, m, eps, delta = 6000, 9, 0.6, 1e-6
    sigma = np.sqrt(2.0 * np.log(1.25 / delta)) * np.sqrt(m) / eps
    codes = np.random.default_rng(1).random((30, n_codes)) < 0.001
    out = key["dp_code_counts"](codes, m, eps, delta, np.random.default_rng(5))
    assert np.allclose(out - codes.sum(axis=0), np.random.default_rng(5).normal(0.0, sigma, size=n_codes), rtol=0, atol=1e-9)
    reference = np.sort(np.random.default_rng(97).normal(0.0, sigma, size=24_000))
    limit = np.sqrt(-np.log(0.5e-6) / 2) * np.sqrt((n_codes + len(reference)) / (n_codes * len(reference)))
    worst = 0.0
    for seed in range(500):
        noise = np.sort(np.random.default_rng(seed).normal(0.0, sigma, size=n_codes))
        grid = np.concatenate([noise, reference])
        ks = np.max(np.abs(np.searchsorted(noise, grid, side="right") / n_codes
                           - np.searchsorted(reference, grid, side="right") / len(reference)))
        assert abs(noise.mean()) <= 6 * sigma / np.sqrt(n_codes), seed
        worst = max(worst, ks)
    assert worst <= limit, (worst, limit)
