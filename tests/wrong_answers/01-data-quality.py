"""Wrong answers learners really write in 01-data-quality; each must score 0 on the cells in `loses`.

Each entry replaces one whole solution cell of the key; everything else in the notebook stays correct.
"""

_MASK_OK = '''
def missing_mask(df):
    tokens = set(MISSING_TOKENS)
    return df.apply(lambda c: c.map(lambda v: v.strip().lower() in tokens if isinstance(v, str) else bool(pd.isna(v)))).astype(bool)
'''

_PROFILE = '''
def quality_profile(df):
    mask = missing_mask(df)
    rows = []
    for column in df.columns:
        n_missing = int(mask[column].sum())
        rows.append({
            "dtype": str(df[column].dtype),
            "n_missing": n_missing,
            "pct_missing": {pct},
            "n_unique": int({unique}),
        })
    return pd.DataFrame(rows, index=list(df.columns), columns=["dtype", "n_missing", "pct_missing", "n_unique"])
'''
_PCT = "100.0 * n_missing / len(df) if len(df) else 0.0"
_UNIQUE = "df[column][~mask[column]].nunique()"

_NORMALIZE_OK = '''
def normalize_text(s):
    return s.map(lambda v: np.nan if pd.isna(v) else " ".join(unicodedata.normalize("NFKC", str(v)).lower().split()))
'''

_CITY_OK = '''
def canonical_city(s):
    return normalize_text(s).map(CITY_ALIASES)
'''

_HEIGHT_OK = '''
def height_to_cm(h):
    h = h.astype(float)
    return h.where(~(h < 3), h * 100)
'''

_MAD_OK = '''
def mad_outliers(x, threshold=3.5):
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    med = np.median(x[ok])
    mad = np.median(np.abs(x[ok] - med))
    out = np.zeros(x.shape, dtype=bool)
    out[ok] = (x[ok] != med) if mad == 0 else np.abs(0.6745 * (x[ok] - med) / mad) > threshold
    return out
'''

_IQR_OK = '''
def iqr_bounds(train, k=1.5):
    q1, q3 = np.nanpercentile(np.asarray(train, dtype=float), [25, 75])
    return float(q1 - k * (q3 - q1)), float(q3 + k * (q3 - q1))
'''

_IMPORTS = '''
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
'''

_IMPUTE_OK = '''
def impute_train_test(train, test):
    medians = train[train.select_dtypes("number").columns].median()
    return train.fillna(medians), test.fillna(medians)
'''

_MODEL_OK = '''
def leak_free_model():
    return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(max_iter=1000))
'''

_ISSUES = '''
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict


def find_label_issues(X, y, n_splits=5, seed=0):
    y = np.asarray(y)
    {proba}
    t = np.array([proba[y == j, j].mean() for j in range(proba.shape[1])])
    confident = proba >= t
    estimated = np.where(confident, proba, -np.inf).argmax(axis=1)
    {issues}
    conf = proba[issues, y[issues]]
    return {order}
'''
_OOS = ('proba = cross_val_predict(LogisticRegression(max_iter=1000), X, y, '
        'cv=StratifiedKFold(n_splits, shuffle=True, random_state=seed), method="predict_proba")')
_CL = "issues = np.flatnonzero(confident.any(axis=1) & (estimated != y))"
_SORTED = 'issues[np.argsort(conf, kind="stable")]'

_VALIDATE = '''
def validate_rows(df):
    def number(v):
        try:
            return float(v)
        except (TypeError, ValueError):
            return float("nan")
    rules = [("age_range", "age", 0, 120), ("height_range", "height_cm", 50, 250),
             ("email_format", "email", None, None), ("bp_range", "systolic_bp", 60, 250)]
    found = []
    for label, rec in df.iterrows():
        for rule, col, lo, hi in rules:
            v = rec[col]
            if lo is None:
                ok = isinstance(v, str) and re.fullmatch(EMAIL_PATTERN, v) is not None
            else:
                ok = {range_check}
            if not ok:
                found.append({{"row": label, "rule": rule, "message": f"{{col}} is invalid: {{v!r}}"}})
    {result}
'''
_IN_RANGE = "lo <= number(v) <= hi"
_FRAME = 'return pd.DataFrame(found, columns=["row", "rule", "message"])'


def _profile(pct=_PCT, unique=_UNIQUE, mask=_MASK_OK):
    return mask + _PROFILE.replace("{pct}", pct).replace("{unique}", unique)


WRONG_ANSWERS = [
    # ---- dq-profile
    dict(name="isna_only", cell="profile_solution", loses=["correct_missing_mask", "correct_quality_profile"],
         why="trusts df.isna(), so 'N/A', '' and '?' count as present",
         code=_profile(mask="def missing_mask(df):\n    return df.isna()\n")),
    dict(name="tokens_without_strip", cell="profile_solution", loses=["correct_missing_mask"],
         why="compares tokens without strip(), so ' N/A ' and '  ' count as present",
         code=_profile(mask=_MASK_OK.replace("v.strip().lower()", "v.lower()"))),
    dict(name="fraction_not_percent", cell="profile_solution", loses=["correct_quality_profile"],
         why="reports pct_missing as a fraction from 0 to 1",
         code=_profile(pct="n_missing / len(df) if len(df) else 0.0")),
    dict(name="unique_counts_tokens", cell="profile_solution", loses=["correct_quality_profile"],
         why="counts distinct values including the missing-value tokens",
         code=_profile(unique="df[column].nunique()")),
    # ---- dq-duplicates
    dict(name="duplicated_without_normalising", cell="duplicates_solution", loses=["correct_flag_duplicates"],
         why="calls df.duplicated() on the raw keys: near duplicates survive",
         code=_NORMALIZE_OK + "\n\ndef flag_duplicates(df, keys):\n    return df.duplicated(subset=keys)\n"),
    dict(name="flags_first_copy_too", cell="duplicates_solution", loses=["correct_flag_duplicates"],
         why="keep=False flags the first occurrence too, so dropping the flags loses the patient",
         code=_NORMALIZE_OK + "\n\ndef flag_duplicates(df, keys):\n"
              "    return pd.DataFrame({k: normalize_text(df[k]) for k in keys}).duplicated(keep=False)\n"),
    dict(name="no_nfkc", cell="duplicates_solution", loses=["correct_normalize_text", "correct_flag_duplicates"],
         why="lower-cases and strips but leaves full-width letters as they are",
         cascades=["correct_canonical_city"],  # canonical_city reuses normalize_text, as exercise 3 asks
         code=_NORMALIZE_OK.replace('unicodedata.normalize("NFKC", str(v))', "str(v)")
              + "\n\ndef flag_duplicates(df, keys):\n"
              "    return pd.DataFrame({k: normalize_text(df[k]) for k in keys}).duplicated(keep='first')\n"),
    dict(name="strip_lower_only", cell="duplicates_solution", loses=["correct_normalize_text"],
         why="strips the ends but keeps runs of inner whitespace",
         code="def normalize_text(s):\n"
              "    return s.map(lambda v: np.nan if pd.isna(v) else unicodedata.normalize('NFKC', str(v)).lower().strip())\n"
              "\n\ndef flag_duplicates(df, keys):\n"
              "    return pd.DataFrame({k: normalize_text(df[k]) for k in keys}).duplicated(keep='first')\n"),
    # ---- dq-standardize
    dict(name="whole_column_unit", cell="standardize_solution", loses=["correct_height_to_cm"],
         why="decides metres or centimetres once for the whole column from its median",
         code="def height_to_cm(h):\n    h = h.astype(float)\n    return h * 100 if h.median() < 3 else h\n" + _CITY_OK),
    dict(name="rounds_heights", cell="standardize_solution", loses=["correct_height_to_cm"],
         why="rounds to whole centimetres, losing the measured precision",
         code="def height_to_cm(h):\n    h = h.astype(float)\n    return h.where(~(h < 3), h * 100).round()\n" + _CITY_OK),
    dict(name="map_without_normalising", cell="standardize_solution", loses=["correct_canonical_city"],
         why="looks raw spellings up in the alias table, so ' BJ ' and 'Beijing' are unknown",
         code=_HEIGHT_OK + "\n\ndef canonical_city(s):\n    return s.map(CITY_ALIASES)\n"),
    dict(name="unknown_city_kept", cell="standardize_solution", loses=["correct_canonical_city"],
         why="keeps unknown spellings as they are, inventing new categories",
         code=_HEIGHT_OK + "\n\ndef canonical_city(s):\n    return normalize_text(s).map(CITY_ALIASES).fillna(s)\n"),
    # ---- dq-outliers
    dict(name="mean_std_zscore", cell="outliers_solution", loses=["correct_mad_outliers"],
         why="uses mean and standard deviation, which the outliers themselves inflate (masking)",
         code="def mad_outliers(x, threshold=3.5):\n    x = np.asarray(x, dtype=float)\n"
              "    z = (x - np.nanmean(x)) / np.nanstd(x)\n    return np.nan_to_num(np.abs(z), nan=0.0) > 3\n" + _IQR_OK),
    dict(name="mad_without_constant", cell="outliers_solution", loses=["correct_mad_outliers"],
         why="forgets the 0.6745 factor, so the threshold means something else",
         code=_MAD_OK.replace("0.6745 * ", "") + _IQR_OK),
    dict(name="percentile_with_nan", cell="outliers_solution", loses=["correct_iqr_bounds"],
         why="np.percentile returns nan when the training data has a gap",
         code=_MAD_OK + _IQR_OK.replace("np.nanpercentile", "np.percentile")),
    dict(name="std_fences", cell="outliers_solution", loses=["correct_iqr_bounds"],
         why="uses mean plus or minus k standard deviations instead of the quartiles",
         code=_MAD_OK + "\n\ndef iqr_bounds(train, k=1.5):\n"
              "    m, s = np.nanmean(train), np.nanstd(train)\n    return float(m - k * s), float(m + k * s)\n"),
    # ---- dq-imputation
    dict(name="pooled_median", cell="imputation_solution", loses=["correct_impute_train_test"],
         why="computes medians on train and test together: the test split leaks into training",
         code=_IMPORTS + "\n\ndef impute_train_test(train, test):\n"
              "    both = pd.concat([train, test])\n"
              "    medians = both[both.select_dtypes('number').columns].median()\n"
              "    return train.fillna(medians), test.fillna(medians)\n" + _MODEL_OK),
    dict(name="each_split_own_median", cell="imputation_solution", loses=["correct_impute_train_test"],
         why="fills the test split with its own medians, computed from the data it will be scored on",
         code=_IMPORTS + "\n\ndef impute_train_test(train, test):\n"
              "    num = train.select_dtypes('number').columns\n"
              "    return train.fillna(train[num].median()), test.fillna(test[num].median())\n" + _MODEL_OK),
    dict(name="pipeline_without_imputer", cell="imputation_solution", loses=["correct_leak_free_model"],
         why="imputes the whole table beforehand and leaves the imputer out of the pipeline",
         code=_IMPORTS + _IMPUTE_OK + "\n\ndef leak_free_model():\n"
              "    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))\n"),
    dict(name="mean_imputer", cell="imputation_solution", loses=["correct_leak_free_model"],
         why="keeps SimpleImputer's default strategy (the mean), which outliers drag around",
         code=_IMPORTS + _IMPUTE_OK + "\n\ndef leak_free_model():\n"
              "    return make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=1000))\n"),
    # ---- dq-label-issues
    dict(name="in_sample_probabilities", cell="label_issues_solution", loses=["correct_label_issues_set"],
         why="fits on all rows and predicts the same rows: the model has memorised the wrong labels",
         code=_ISSUES.replace("{proba}", "proba = LogisticRegression(max_iter=1000).fit(X, y).predict_proba(X)")
              .replace("{issues}", _CL).replace("{order}", _SORTED)),
    dict(name="argmax_disagrees", cell="label_issues_solution", loses=["correct_label_issues_set"],
         why="flags rows whose argmax differs from the label, ignoring per-class thresholds",
         code=_ISSUES.replace("{proba}", _OOS).replace("{issues}", "issues = np.flatnonzero(proba.argmax(axis=1) != y)")
              .replace("{order}", _SORTED)),
    dict(name="index_order", cell="label_issues_solution", loses=["correct_label_issues_order"],
         why="returns the issues in row order, so a reviewer starts with arbitrary rows",
         code=_ISSUES.replace("{proba}", _OOS).replace("{issues}", _CL).replace("{order}", "issues")),
    dict(name="most_confident_first", cell="label_issues_solution", loses=["correct_label_issues_order"],
         why="sorts by self-confidence the wrong way round",
         code=_ISSUES.replace("{proba}", _OOS).replace("{issues}", _CL)
              .replace("{order}", 'issues[np.argsort(-conf, kind="stable")]')),
    # ---- dq-validation
    dict(name="nan_passes", cell="validation_solution", loses=["correct_validation_rules"],
         why="tests 'value < low or value > high', which is False for NaN, so missing values pass",
         code=_VALIDATE.replace("{range_check}", "not (number(v) < lo or number(v) > hi)")
              .replace("{result}", _FRAME).replace("{{", "{").replace("}}", "}")),
    dict(name="strict_bounds", cell="validation_solution", loses=["correct_validation_columns", "correct_validation_rules"],
         why="uses strict inequalities, rejecting the valid boundary values",
         code=_VALIDATE.replace("{range_check}", "lo < number(v) < hi")
              .replace("{result}", _FRAME).replace("{{", "{").replace("}}", "}")),
    dict(name="empty_frame_without_columns", cell="validation_solution", loses=["correct_validation_columns"],
         why="builds the frame from an empty list without naming the columns",
         code=_VALIDATE.replace("{range_check}", _IN_RANGE)
              .replace("{result}", "return pd.DataFrame(found)").replace("{{", "{").replace("}}", "}")),
    dict(name="grouped_by_rule", cell="validation_solution", loses=["correct_validation_rules"],
         why="lists violations rule by rule instead of row by row",
         code=_VALIDATE.replace("{range_check}", _IN_RANGE)
              .replace("{result}", "order = ['age_range', 'height_range', 'email_format', 'bp_range']\n"
                       "    found.sort(key=lambda f: order.index(f['rule']))\n    " + _FRAME)
              .replace("{{", "{").replace("}}", "}")),
]
