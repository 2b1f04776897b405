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


def test_dp_mean_noise_check_passes_on_200_seeds(key):
    data = np.random.default_rng(5).uniform(-1, 13, 40)
    b = 12.0 / 40 / 2.0
    true_mean = float(np.mean(np.clip(data, 0.0, 12.0)))
    # The key's releases are the clipped mean plus the generator's Laplace stream, draw for draw ...
    gen = np.random.default_rng(0)
    released = np.array([key["dp_mean"](data, 0.0, 12.0, 2.0, gen) for _ in range(3)])
    assert np.allclose(released - true_mean, np.random.default_rng(0).laplace(0.0, b, 3), rtol=0, atol=1e-12)
    # ... so the hidden check's statistic over 4000 releases can be replayed fast on 200 seeds.
    for seed in range(200):
        arr = true_mean + np.random.default_rng(seed).laplace(0.0, b, 4000)
        assert abs(arr.mean() - true_mean) <= 6 * np.sqrt(2) * b / np.sqrt(4000)
        assert abs(arr.var() / (2 * b * b) - 1) <= 0.2


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
    for seed in range(60):
        gen = np.random.default_rng(seed)
        firsts, lasts = [], []
        for secret in range(2000):
            shares = key["make_shares"](secret, 4, gen, m)
            firsts.append(shares[0])
            lasts.append(shares[-1])
        for values in (firsts, lasts):
            assert abs(np.mean(values) - m / 2) <= 6 * m / np.sqrt(12 * 2000)
        assert len(set(lasts)) > 1900
