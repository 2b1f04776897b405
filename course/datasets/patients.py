"""A messy clinic table for module 01-data-quality, with every flaw injected on purpose and recorded.

Flaws (each listed in the returned truth so tests and lessons can measure what a cleaning step finds):
exact duplicates, near duplicates (case, spaces, full-width characters), missing values written five ways,
heights in metres among centimetres, city names spelled several ways, blood-pressure typos (an extra or a dropped digit),
and flipped diagnosis labels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from course.properties import recorded

CITIES = ("Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Chengdu")

# Spellings seen in the raw table, after normalising case and spaces, mapped to the canonical city.
CITY_ALIASES = {
    "beijing": "Beijing", "bj": "Beijing", "peking": "Beijing", "北京": "Beijing",
    "shanghai": "Shanghai", "sh": "Shanghai", "上海": "Shanghai",
    "guangzhou": "Guangzhou", "gz": "Guangzhou", "canton": "Guangzhou", "广州": "Guangzhou",
    "shenzhen": "Shenzhen", "sz": "Shenzhen", "深圳": "Shenzhen",
    "chengdu": "Chengdu", "cd": "Chengdu", "成都": "Chengdu",
}

# Strings that mean "no value" in the raw exports (compared after strip() and lower()).
MISSING_TOKENS = ("", "na", "n/a", "null", "none", "?", "-")

_FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun"]
_GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Yan", "Jun", "Yong", "Xiu", "Tao", "Hui"]


@dataclass
class PatientsTruth:
    """What was injected, by row label of the returned table."""

    exact_duplicates: list[int] = field(default_factory=list)
    near_duplicates: list[int] = field(default_factory=list)
    height_in_metres: list[int] = field(default_factory=list)
    bp_typos: list[int] = field(default_factory=list)
    flipped_labels: list[int] = field(default_factory=list)


def _clean_patients(n: int, rng: np.random.Generator) -> pd.DataFrame:
    family = rng.choice(_FAMILY, n)
    given = rng.choice(_GIVEN, n)
    names = [f"{f} {g}" for f, g in zip(family, given)]
    emails = [f"{g.lower()}.{f.lower()}{i}@example.cn" for i, (f, g) in enumerate(zip(family, given))]
    age = rng.integers(18, 90, n)
    height = np.round(rng.normal(168, 9, n), 1)
    weight = np.round(rng.normal(66, 11, n), 1)
    smoker = rng.random(n) < 0.25
    bp = np.round(rng.normal(118, 12, n) + 0.35 * (age - 50))
    chol = np.round(rng.normal(5.0, 0.9, n), 2)
    logit = -9.0 + 0.05 * age + 0.035 * bp + 0.6 * chol + 0.9 * smoker
    disease = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({
        "record_id": [f"R{i:05d}" for i in range(n)],
        "name": names,
        "email": emails,
        "age": age.astype(float),
        "height": height,
        "weight_kg": weight,
        "city": rng.choice(CITIES, n),
        "smoker": np.where(smoker, "yes", "no"),
        "systolic_bp": bp,
        "cholesterol": chol,
        "disease": disease,
    })


def _near_copy(row: pd.Series, rng: np.random.Generator) -> pd.Series:
    """The same person typed again: other case, stray spaces, sometimes full-width letters."""
    row = row.copy()
    variant = rng.integers(0, 3)
    if variant == 0:
        row["name"] = "  " + row["name"].upper()
    elif variant == 1:
        row["name"] = row["name"].replace(" ", "   ") + " "
        if isinstance(row["email"], str):
            row["email"] = row["email"].upper()
    else:
        # Full-width Latin letters come from Chinese input methods; NFKC folds them back.
        row["name"] = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in row["name"])
    return row


@recorded  # a grader replays the answer key's results (course.properties.recorded)
def make_patients(n: int = 400, seed: int = 0, return_truth: bool = False):
    """A raw clinic export of about ``n`` patients plus injected duplicates, typos and gaps.

    Returns the table, or ``(table, PatientsTruth)`` when ``return_truth`` is set.
    """
    rng = np.random.default_rng(seed)
    df = _clean_patients(n, rng)
    truth = PatientsTruth()

    # Label noise first, on the clean rows: about 6% of diagnoses flipped.
    flip = rng.choice(n, size=max(1, int(0.06 * n)), replace=False)
    df.loc[flip, "disease"] = 1 - df.loc[flip, "disease"]

    # Units: some sites typed height in metres.
    metres = rng.choice(n, size=max(1, n // 10), replace=False)
    df.loc[metres, "height"] = np.round(df.loc[metres, "height"] / 100, 3)

    # Categories: the same city spelled several ways.
    aliases = {c: [a for a, v in CITY_ALIASES.items() if v == c] for c in CITIES}
    messy = rng.random(n) < 0.3
    df.loc[messy, "city"] = [
        rng.choice([a.upper(), " " + a.title() + " ", a]) for a in
        (rng.choice(aliases[c]) for c in df.loc[messy, "city"])
    ]
    df.loc[rng.random(n) < 0.2, "smoker"] = rng.choice(["Y", "N", "1", "0", "TRUE"], 1)[0]

    # Outliers: an extra digit typed into blood pressure, or the last digit dropped.
    typos = rng.choice(n, size=max(2, n // 40), replace=False)
    extra_digit, dropped_digit = typos[: len(typos) * 2 // 3], typos[len(typos) * 2 // 3:]
    df.loc[extra_digit, "systolic_bp"] = df.loc[extra_digit, "systolic_bp"] * 10
    df.loc[dropped_digit, "systolic_bp"] = (df.loc[dropped_digit, "systolic_bp"] // 10).astype(float)

    # Missing values, written the ways real exports write them.
    for col, rate in (("age", 0.05), ("weight_kg", 0.08), ("cholesterol", 0.06)):
        df.loc[rng.random(n) < rate, col] = np.nan
    df["email"] = df["email"].astype(object)
    gaps = rng.random(n) < 0.04
    df.loc[gaps, "email"] = rng.choice(["", "N/A", "null", "?", None], int(gaps.sum()))

    truth.height_in_metres = sorted(int(i) for i in metres)
    truth.bp_typos = sorted(int(i) for i in typos)
    truth.flipped_labels = sorted(int(i) for i in flip)

    # Duplicates: re-entered records appended at the end, exact and near.
    exact_src = rng.choice(n, size=max(1, n // 40), replace=False)
    near_src = rng.choice(np.setdiff1d(np.arange(n), exact_src), size=max(1, n // 25), replace=False)
    extra = [df.loc[i].copy() for i in exact_src] + [_near_copy(df.loc[i], rng) for i in near_src]
    start = len(df)
    df = pd.concat([df, pd.DataFrame(extra)], ignore_index=True)
    truth.exact_duplicates = list(range(start, start + len(exact_src)))
    truth.near_duplicates = list(range(start + len(exact_src), len(df)))
    df["record_id"] = [f"R{i:05d}" for i in range(len(df))]
    return (df, truth) if return_truth else df


def make_label_noise_task(n: int = 600, noise: float = 0.1, seed: int = 0):
    """A three-class tabular task with a known fraction of labels flipped at random.

    Returns ``(X, y_noisy, y_true)``; the rows whose labels differ are the planted label errors.
    """
    from sklearn.datasets import make_classification

    X, y_true = make_classification(
        n_samples=n, n_features=6, n_informative=4, n_redundant=0, n_classes=3,
        n_clusters_per_class=1, class_sep=1.6, random_state=seed,
    )
    rng = np.random.default_rng(seed + 1)
    y = y_true.copy()
    flip = rng.choice(n, size=int(noise * n), replace=False)
    y[flip] = (y[flip] + rng.integers(1, 3, flip.size)) % 3
    return X, y, y_true


SMOKER_SPELLINGS = {"yes": 1.0, "y": 1.0, "1": 1.0, "true": 1.0, "no": 0.0, "n": 0.0, "0": 0.0, "false": 0.0}
REVIEW_FEATURES = ("age", "systolic_bp", "cholesterol", "smoker")


@recorded  # a grader replays the answer key's results (course.properties.recorded)
def make_review_task(n: int = 400, seed: int = 0):
    """The clinic table's own diagnoses, with its planted label flips, ready for a review queue.

    The first ``n`` rows of ``make_patients(n, seed)`` (the appended duplicates left out), with the other flaws
    repaired as modules 01's exercises repair them: blood-pressure typos set missing, ``smoker`` mapped to 0/1,
    gaps filled with the column's median. Returns ``(X, y, flipped)``: a float array of ``REVIEW_FEATURES``,
    the recorded (noisy) diagnoses, and a boolean array, True where the diagnosis was flipped.
    """
    df, truth = make_patients(n=n, seed=seed, return_truth=True)
    df = df.iloc[:n].copy()
    df.loc[truth.bp_typos, "systolic_bp"] = np.nan
    df["smoker"] = df["smoker"].astype(str).str.strip().str.lower().map(SMOKER_SPELLINGS)
    features = df[list(REVIEW_FEATURES)].astype(float)
    X = features.fillna(features.median()).to_numpy()
    flipped = np.zeros(n, dtype=bool)
    flipped[truth.flipped_labels] = True
    return X, df["disease"].to_numpy(dtype=int), flipped


# ---- A messy export: the same facts written the ways a hand-kept spreadsheet writes them.

SMOKER_TRUE = ("Y", "y", "1", "TRUE", "true", "Yes", "yes")
SMOKER_FALSE = ("N", "n", "0", "FALSE", "false", "No", "no")
_PADDING = ("", "", " ", "  ", "\t", "\u3000", " \n")
_EXPORT_COLUMNS = ("record_id", "smoker", "visit_date", "city")


def _date_token(day: pd.Timestamp, style: int) -> str:
    if style == 0:
        return f"{day.year}年{day.month}月{day.day}日"
    if style == 1:
        return day.strftime("%Y-%m-%d")
    if style == 2:
        return day.strftime("%d/%m/%Y")  # day first, as the clinic writes it
    return day.strftime("%Y%m%d")


def make_messy_export(n: int = 40, seed: int = 0, return_truth: bool = False):
    """A small export of visits kept by hand: ``record_id``, ``smoker``, ``visit_date``, ``city``, all text.

    ``smoker`` is written Y/N/1/0/TRUE/false/yes with stray whitespace (spaces, tabs, U+3000); dates come as
    ``2023年1月5日``, ``2023-01-05``, ``05/01/2023`` (day first) or ``20230105``; one Chinese city name was saved
    as UTF-8 and read back as GBK (``北京`` shows as ``鍖椾含``). A few cells are blank, a few cannot be read
    (``maybe``, ``05-01-2023``, ``2023年2月30日``, an unknown city). With ``return_truth`` also returns what
    each cell means: a frame with the typed ``smoker`` (boolean), ``visit_date`` (datetime) and canonical ``city``,
    and the list of ``(row, column, reason)`` for every cell that must come back missing, reason one of
    ``"missing"``, ``"unrecognised"``, ``"impossible date"``.
    """
    rng = np.random.default_rng(seed)
    pad = lambda text: str(rng.choice(_PADDING)) + text + str(rng.choice(_PADDING))  # noqa: E731
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    smoker = rng.random(n) < 0.3
    cities = rng.choice(CITIES, n)
    aliases = {c: [a for a, v in CITY_ALIASES.items() if v == c] for c in CITIES}
    rows, typed, failures = [], [], []
    broken = {  # row -> (column, raw, reason), at distinct rows so every kind appears once
        "smoker": [("", "missing"), ("maybe", "unrecognised"), (None, "missing")],
        "visit_date": [("2023年2月30日", "impossible date"), ("05-01-2023", "unrecognised"), ("\u3000", "missing"),
                       ("31/04/2023", "impossible date")],
        "city": [("Lhasa", "unrecognised"), ("N/A", "missing")],
    }
    special = rng.choice(n, size=sum(len(v) for v in broken.values()) + 1, replace=False)
    where, k = {}, 0
    for column, cases in broken.items():
        for raw_value, reason in cases:
            where[int(special[k])] = (column, raw_value, reason)
            k += 1
    mangled_row = int(special[k])
    for i in range(n):
        city = str(cities[i])
        alias = str(rng.choice(aliases[city]))
        city_text = pad(str(rng.choice([alias, alias.upper(), alias.title()])))
        if i == mangled_row:
            chinese = [a for a in aliases[city] if not a.isascii()][0]
            city_text = chinese.encode("utf-8").decode("gbk")
        row = {
            "record_id": f"V{seed % 1000:03d}-{i:04d}",
            "smoker": pad(str(rng.choice(SMOKER_TRUE if smoker[i] else SMOKER_FALSE))),
            "visit_date": pad(_date_token(days[i], int(rng.integers(0, 4)))),
            "city": city_text,
        }
        value = {"smoker": bool(smoker[i]), "visit_date": days[i], "city": city}
        if i in where:
            column, raw_value, reason = where[i]
            row[column] = raw_value
            value[column] = None
            failures.append((i, column, reason))
        rows.append(row)
        typed.append(value)
    raw = pd.DataFrame(rows, columns=list(_EXPORT_COLUMNS)).astype(object)
    order = {c: j for j, c in enumerate(_EXPORT_COLUMNS)}
    failures.sort(key=lambda f: (f[0], order[f[1]]))
    if not return_truth:
        return raw
    truth = pd.DataFrame(typed)
    truth["smoker"] = truth["smoker"].astype("boolean")
    truth["visit_date"] = pd.to_datetime(truth["visit_date"])
    return raw, truth, failures
