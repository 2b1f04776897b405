"""A synthetic table of people with PII: the data set of module 05-privacy.

Generated, never downloaded: a fixed seed gives the same rows on every machine. Every person
is invented. The flaws are on purpose:

- direct identifiers (name, email, phone) sit next to a sensitive attribute (diagnosis);
- phone numbers come from a handful of known 7-digit blocks (carrier prefix + region code),
  so the space of possible numbers is small enough to enumerate;
- emails embed the name and often the birth year;
- the quasi-identifiers (birth date, sex, postcode) single out most people, and a public
  register (``make_public_register``) lists them with names, ready for a linkage attack;
- incomes are heavy-tailed with a few extreme values, so an unclipped mean is dominated by them;
- patient records (``make_patient_records``) have a noisy outcome, so an overfit model memorises its
  training rows and leaks who was in them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.properties import recorded

DIRECT_IDENTIFIERS: tuple[str, ...] = ("name", "email", "phone")
QUASI_IDENTIFIERS: tuple[str, ...] = ("birth_date", "sex", "postcode")
SENSITIVE: str = "diagnosis"

# Phone numbers are 11 digits: a 7-digit block (carrier prefix + region code) and 4 free digits.
PHONE_BLOCKS: tuple[str, ...] = ("1380013", "1391021", "1502103", "1860755", "1770571")

_CITY_POSTCODES = {"Beijing": "100", "Shanghai": "200", "Guangzhou": "510", "Shenzhen": "518", "Hangzhou": "310"}
_SURNAMES = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao",
]
_GIVEN = [
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang",
    "Yong", "Yan", "Jie", "Juan", "Tao", "Ming", "Chao", "Xiuying", "Xia", "Ping",
    "Gang", "Hui", "Hua", "Dan", "Bo", "Ning", "Yu", "Hao", "Xin", "Rui",
]
_DOMAINS = ["163.com", "qq.com", "126.com", "example.cn", "mail.example.com"]
_DIAGNOSES = ["none", "hypertension", "diabetes", "asthma", "depression", "hiv"]
_DIAGNOSIS_P = [0.60, 0.15, 0.10, 0.08, 0.05, 0.02]


def _people_core(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Names, birth dates, sex and postcodes of ``n`` invented people."""
    surname = rng.choice(_SURNAMES, size=n)
    given = rng.choice(_GIVEN, size=n)
    name = np.char.add(np.char.add(surname, " "), given)
    # birth years 1950-2005, fewer old and young people; a uniform day within the year
    year = np.clip(np.round(rng.normal(1980, 11, size=n)), 1950, 2005).astype(int)
    day = rng.integers(0, 365, size=n)
    birth_date = pd.to_datetime(pd.Series(year).astype(str) + "-01-01") + pd.to_timedelta(day, unit="D")
    sex = rng.choice(["F", "M"], size=n)
    city = rng.choice(list(_CITY_POSTCODES), size=n, p=[0.3, 0.25, 0.15, 0.15, 0.15])
    district = rng.integers(0, 6, size=n)
    street = rng.integers(0, 40, size=n)
    postcode = [f"{_CITY_POSTCODES[c]}{d}{s:02d}" for c, d, s in zip(city, district, street)]
    return pd.DataFrame(
        {"name": name, "birth_date": birth_date.to_numpy(), "sex": sex, "postcode": postcode}
    )


@recorded  # a grader replays the answer key's results (course.properties.recorded)
def make_people(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Return ``n`` invented people: identifiers, quasi-identifiers and sensitive columns.

    Columns: ``person_id`` (int), ``name``, ``email``, ``phone`` (11 digits, unique),
    ``birth_date`` (datetime64), ``sex`` ("F"/"M"), ``postcode`` (6 digits),
    ``diagnosis`` (sensitive category) and ``monthly_income`` (CNY, heavy-tailed).
    """
    if n < 1 or n > len(PHONE_BLOCKS) * 10_000:
        raise ValueError(f"n must be between 1 and {len(PHONE_BLOCKS) * 10_000}, got {n}")
    rng = np.random.default_rng(seed)
    df = _people_core(n, rng)
    local = df["name"].str.lower().str.replace(" ", ".", regex=False)
    with_year = rng.random(n) < 0.6
    suffix = np.where(with_year, df["birth_date"].dt.year.astype(str).str[-2:], "")
    df["email"] = local + suffix + "@" + rng.choice(_DOMAINS, size=n)
    numbers = rng.choice(len(PHONE_BLOCKS) * 10_000, size=n, replace=False)
    df["phone"] = [f"{PHONE_BLOCKS[k // 10_000]}{k % 10_000:04d}" for k in numbers]
    df["diagnosis"] = rng.choice(_DIAGNOSES, size=n, p=_DIAGNOSIS_P)
    income = np.exp(rng.normal(np.log(9000), 0.55, size=n))
    rich = rng.choice(n, size=max(1, n // 200), replace=False)
    income[rich] *= rng.uniform(30, 80, size=len(rich))
    df["monthly_income"] = np.round(income, -1)
    df.insert(0, "person_id", np.arange(1, n + 1, dtype=np.int64))
    columns = ["person_id", "name", "email", "phone", "birth_date", "sex", "postcode", "diagnosis", "monthly_income"]
    return df[columns]


def make_public_register(people: pd.DataFrame, n_others: int = 1500, seed: int = 1) -> pd.DataFrame:
    """A public list (a club's member list, a voter roll) naming everyone in ``people`` and others.

    Columns: ``name``, ``birth_date``, ``sex``, ``postcode``; rows shuffled, no sensitive data.
    Joining it with a "de-identified" release on the quasi-identifiers puts names back.
    """
    rng = np.random.default_rng(seed)
    others = _people_core(n_others, rng)
    register = pd.concat([people[["name", "birth_date", "sex", "postcode"]], others], ignore_index=True)
    order = rng.permutation(len(register))
    return register.iloc[order].reset_index(drop=True)


RECORD_FEATURES: tuple[str, ...] = (
    "age", "bmi", "systolic_bp", "glucose", "cholesterol", "visits_last_year", "smoker", "days_in_hospital",
)


@recorded  # a grader replays the answer key's results (course.properties.recorded)
def make_patient_records(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` invented patients' standardised features and whether they were readmitted (0/1).

    The outcome is drawn from a logistic model of the features, so even the best model errs on about a
    quarter of the patients: a model that fits its training rows perfectly has memorised them, which is
    what a membership-inference attack detects. Columns follow ``RECORD_FEATURES``.
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(RECORD_FEATURES)))
    weights = np.array([0.9, 0.5, 0.4, 0.8, 0.0, 0.6, 0.3, 0.0])
    p = 1.0 / (1.0 + np.exp(-(X @ weights - 0.2)))
    y = (rng.random(n) < p).astype(np.int64)
    return X, y


def make_clinic_release(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """A clinic's "anonymised" release: ``birth_band`` (10-year), ``sex``, ``postcode`` (3 digits + ``***``), ``diagnosis``.

    It is 5-anonymous on the three quasi-identifiers (classes under 5 rows are suppressed, as real releases do),
    but diagnoses depend on who people are, as in real records: older patients have more hypertension and
    diabetes, and the planted flaw is the district's HIV service, which makes every young man of postcode
    518*** in the release an HIV patient: a homogeneous class that a homogeneity attack reads off.
    """
    rng = np.random.default_rng(seed)
    band = rng.choice([1950, 1960, 1970, 1980, 1990], size=n, p=[0.12, 0.18, 0.25, 0.25, 0.20])
    sex = rng.choice(["F", "M"], size=n)
    prefix = rng.choice(["100", "200", "510", "518", "310"], size=n, p=[0.3, 0.25, 0.15, 0.15, 0.15])
    old = band <= 1960
    p_old = [0.35, 0.30, 0.20, 0.10, 0.05, 0.0]
    p_young = [0.55, 0.08, 0.05, 0.15, 0.15, 0.02]
    diagnosis = np.where(old, rng.choice(_DIAGNOSES, size=n, p=p_old), rng.choice(_DIAGNOSES, size=n, p=p_young))
    diagnosis[(prefix == "518") & (sex == "M") & (band == 1990)] = "hiv"
    release = pd.DataFrame({"birth_band": band.astype(np.int64), "sex": sex,
                            "postcode": np.char.add(prefix, "***"), "diagnosis": diagnosis})
    sizes = release.groupby(["birth_band", "sex", "postcode"])["diagnosis"].transform("size")
    return release[sizes >= 5].reset_index(drop=True)
