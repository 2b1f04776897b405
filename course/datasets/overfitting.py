"""Data for module 03-overfitting: small, deterministic, generated or bundled with scikit-learn.

Nothing is downloaded: the digits come with scikit-learn, the rest is generated from fixed seeds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits, make_moons
from sklearn.model_selection import train_test_split

__all__ = ["make_noisy_sine", "make_noisy_moons", "load_clinic_visits", "load_noisy_digits", "load_small_digits"]


def make_noisy_sine(
    n_samples: int = 40, noise: float = 0.3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A one-feature regression task: y = sin(2*pi*x) + Gaussian noise, x uniform on [0, 1].

    Returns ``X`` of shape ``(n_samples, 1)`` and ``y`` of shape ``(n_samples,)``. Few points and
    visible noise make it easy to overfit with a high-degree polynomial.
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, n_samples)
    y = np.sin(2 * np.pi * x) + rng.normal(0.0, noise, n_samples)
    return x.reshape(-1, 1), y


def make_noisy_moons(
    n_samples: int = 600, noise: float = 0.35, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-moons with heavy noise: a two-class task whose border a deep tree chases.

    Returns ``X`` of shape ``(n_samples, 2)`` and ``y`` of shape ``(n_samples,)`` with labels 0 and 1, in
    random order. The noise makes neighbouring points disagree, so an unpruned tree memorises it.
    """
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    return make_moons(n_samples=n_samples, noise=noise, random_state=seed)


def load_noisy_digits(
    n_train: int = 300, n_val: int = 400, label_noise: float = 0.3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits, pixels scaled to [0, 1], split into a small train and a validation set.

    Flaw injected on purpose: a fraction ``label_noise`` of the *training* labels is replaced by a
    random digit (a rushed annotation job), so a flexible network can memorise wrong labels. The
    validation labels stay clean. Returns ``X_train, X_val, y_train, y_val``.
    """
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, train_size=n_train, test_size=n_val, random_state=seed, stratify=y
    )
    rng = np.random.default_rng(seed)
    y_train = y_train.copy()
    flip = rng.random(len(y_train)) < label_noise
    y_train[flip] = rng.integers(0, 10, int(flip.sum()))
    return X_train, X_val, y_train, y_val


def load_small_digits(
    n_train: int = 200, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's digits with few training images (pixels in [0, 16]) and the rest held out.

    Returns ``X_train, X_test, y_train, y_test``; rows are flattened 8x8 images (64 columns).
    """
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, train_size=n_train, random_state=seed, stratify=y)


def load_clinic_visits(
    n_patients: int = 150, max_visits: int = 4, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Module 01's clinic table as repeat visits: one to ``max_visits`` rows per patient, one diagnosis each.

    Each usable patient of ``make_patients`` (numeric age, blood pressure and cholesterol; one row per email)
    comes back for a random number of visits, each measured again with a little noise. Returns ``X`` (age,
    systolic_bp, cholesterol), ``y`` (the patient's diagnosis, the same at every visit) and ``patient`` (an id per
    row), rows shuffled. Rows of one patient are not independent: that is the flaw grouped CV must respect.
    """
    from course.datasets.patients import make_patients

    table = make_patients(n=n_patients, seed=seed)
    measured = table[["age", "systolic_bp", "cholesterol"]].apply(pd.to_numeric, errors="coerce")
    usable = (measured.notna().all(axis=1) & ~table["email"].duplicated()).to_numpy()
    base = measured.to_numpy(dtype=float)[usable]
    diagnosis = table["disease"].to_numpy()[usable]
    rng = np.random.default_rng(seed + 1)
    patient = np.repeat(np.arange(len(base)), rng.integers(1, max_visits + 1, len(base)))
    X = base[patient] + rng.normal(0.0, [0.5, 3.0, 0.15], size=(len(patient), 3))
    order = rng.permutation(len(patient))
    return X[order], diagnosis[patient][order], patient[order]
