"""Card transactions with rare fraud: the data set of module 02-imbalance.

Generated, never downloaded: a fixed seed gives the same rows on every machine.
Fraud is rare (3 % by default) and overlaps the legitimate traffic, so a model
that always answers "legitimate" looks excellent on accuracy and catches nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.properties import recorded

FEATURES = [
    "amount",
    "hour",
    "distance_km",
    "tx_last_24h",
    "merchant_risk",
    "card_present",
    "account_age_days",
]


@recorded  # a grader replays the answer key's results (course.properties.recorded)
def make_transactions(
    n_samples: int = 3000, fraud_rate: float = 0.03, seed: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """Return ``(X, y)``: ``n_samples`` card transactions and their label (1 = fraud).

    Exactly ``round(n_samples * fraud_rate)`` rows are fraud (at least 1), shuffled
    among the others. Every feature is numeric; fraud differs from legitimate
    traffic by a shift in each feature, with a large overlap.
    """
    if not 0.0 < fraud_rate < 1.0:
        raise ValueError(f"fraud_rate must be strictly between 0 and 1, got {fraud_rate}")
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    rng = np.random.default_rng(seed)
    n_fraud = max(1, int(round(n_samples * fraud_rate)))
    y = np.zeros(n_samples, dtype=np.int64)
    y[:n_fraud] = 1
    y = rng.permutation(y)
    fraud = y == 1
    n = n_samples

    amount = np.exp(rng.normal(3.6 + 0.8 * fraud, 0.9))
    # legitimate traffic peaks in the afternoon, fraud at night
    hour_centre = np.where(fraud, 2.0, 14.0)
    hour = np.mod(np.round(rng.normal(hour_centre, 5.0)), 24)
    distance_km = np.exp(rng.normal(1.5 + 1.0 * fraud, 1.1))
    tx_last_24h = rng.poisson(np.where(fraud, 4.0, 2.0))
    merchant_risk = rng.beta(np.where(fraud, 3.0, 2.0), np.where(fraud, 4.0, 6.0))
    card_present = (rng.random(n) < np.where(fraud, 0.35, 0.7)).astype(np.int64)
    account_age_days = np.round(np.exp(rng.normal(6.0 - 0.6 * fraud, 1.0)))

    X = pd.DataFrame(
        {
            "amount": np.round(amount, 2),
            "hour": hour.astype(np.int64),
            "distance_km": np.round(distance_km, 2),
            "tx_last_24h": tx_last_24h.astype(np.int64),
            "merchant_risk": np.round(merchant_risk, 3),
            "card_present": card_present,
            "account_age_days": account_age_days.astype(np.int64),
        },
        columns=FEATURES,
    )
    return X, pd.Series(y, name="is_fraud")
