"""Loan applications for module 04-explainability: a credit-default data set with a planted leak.

Generated deterministically (fixed seed, no network). Each row is one loan application; ``default`` is 1 when
the borrower defaulted within a year. The data carries two documented flaws that explanations must reveal:

- ``collection_calls`` leaks the target: it counts calls from the collections team, which only happen *after*
  a borrower stops paying, so it is unknown when the loan is decided;
- ``income`` and ``monthly_income`` are almost the same information (monthly is the yearly figure / 12 plus a
  little reporting noise), so importance methods split the credit between them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.properties import recorded

#: Features known when the loan is decided (the honest model may use all of these).
HONEST_FEATURES: list[str] = [
    "age",
    "income",
    "monthly_income",
    "debt_ratio",
    "credit_years",
    "late_payments",
    "loan_amount",
]

#: The leaky column: recorded after the outcome.
LEAKY_FEATURE: str = "collection_calls"

#: The planted interaction: applicants younger than YOUNG_AGE asking for more than BIG_LOAN_SHARE of their yearly
#: income get YOUNG_BIG_LOAN_LOGODDS more log-odds of default (a linear model cannot express it).
YOUNG_AGE: float = 30.0
BIG_LOAN_SHARE: float = 0.5
YOUNG_BIG_LOAN_LOGODDS: float = 2.2

#: What each column means (units in brackets).
FEATURE_DESCRIPTIONS: dict[str, str] = {
    "age": "age of the applicant [years]",
    "income": "yearly income [thousand EUR]",
    "monthly_income": "monthly income as declared on the form [thousand EUR], about income / 12",
    "debt_ratio": "monthly debt payments / monthly income [0-1]",
    "credit_years": "length of the credit history [years]",
    "late_payments": "late payments in the last two years [count]",
    "loan_amount": "amount asked for [thousand EUR]",
    "collection_calls": "calls from the collections team on this loan [count] (LEAK: happens after default)",
    "default": "1 if the loan defaulted within a year, else 0",
}


@recorded  # a grader replays the answer key's results (course.properties.recorded)
def make_loans(n_samples: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Return ``n_samples`` loan applications with a binary ``default`` target (about 20 % positives).

    The true risk grows with ``late_payments`` and ``debt_ratio``, falls with ``income`` and ``credit_years``,
    and jumps for young applicants asking for a large loan relative to their income (an interaction that a
    linear model cannot express). ``collection_calls`` is a planted leak; see the module docstring.
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    rng = np.random.default_rng(seed)
    age = rng.integers(21, 71, size=n_samples).astype(float)
    income = np.round(np.exp(rng.normal(np.log(42.0), 0.45, size=n_samples)), 1)
    monthly_income = np.round(income / 12.0 + rng.normal(0.0, 0.08, size=n_samples), 2)
    debt_ratio = np.round(rng.beta(2.0, 5.0, size=n_samples), 3)
    credit_years = np.round(np.minimum(age - 18.0, rng.gamma(3.0, 4.0, size=n_samples)), 1)
    late_payments = rng.poisson(0.4 + 2.0 * debt_ratio).astype(float)
    loan_amount = np.round(income * rng.uniform(0.1, 0.9, size=n_samples), 1)

    young_big_loan = (age < YOUNG_AGE) & (loan_amount / income > BIG_LOAN_SHARE)
    logit = (
        -2.6
        + 0.75 * late_payments
        + 9.0 * np.maximum(debt_ratio - 0.35, 0.0)
        - 1.1 * np.log(income / 42.0)
        - 0.04 * (credit_years - 10.0)
        + YOUNG_BIG_LOAN_LOGODDS * young_big_loan
    )
    default = (rng.random(n_samples) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    collection_calls = np.where(
        default == 1, rng.poisson(2.5, size=n_samples), rng.poisson(0.15, size=n_samples)
    ).astype(float)

    return pd.DataFrame(
        {
            "age": age,
            "income": income,
            "monthly_income": monthly_income,
            "debt_ratio": debt_ratio,
            "credit_years": credit_years,
            "late_payments": late_payments,
            "loan_amount": loan_amount,
            "collection_calls": collection_calls,
            "default": default,
        }
    )
