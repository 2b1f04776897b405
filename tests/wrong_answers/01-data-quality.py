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
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
'''

_IMPUTE_OK = '''
def impute_train_test(train, test):
    medians = train[train.select_dtypes("number").columns].median()
    return train.fillna(medians), test.fillna(medians)
'''

_PIPELINE = '''
def clinic_pipeline(numeric, categorical, classifier):
    categories = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder({onehot}))
    columns = ColumnTransformer([
        ("numeric", SimpleImputer({numeric_fill}), list(numeric)),
        ("categorical", categories, list(categorical)),
    ]{remainder})
    return Pipeline([("columns", columns), ("classifier", {classifier})])
'''
_PIPE = dict(onehot='handle_unknown="ignore", sparse_output=False', numeric_fill='strategy="median", add_indicator=True',
             remainder="", classifier="clone(classifier)")


def _pipeline(**changes):
    text = _PIPELINE
    for key, value in dict(_PIPE, **changes).items():
        text = text.replace("{" + key + "}", value)
    return text


_MODEL_OK = _pipeline()

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

_FENCES_OK = """

def flag_outside(batch, fences):
    low, high = fences
    batch = np.asarray(batch, dtype=float)
    return (batch < low) | (batch > high)
"""

_HUBER = """
from scipy.optimize import brentq
from sklearn.linear_model import HuberRegressor, LinearRegression


def huber_line(x, y, epsilon=1.35, n_iter=100):
    {prepare}
    design = np.column_stack([np.ones_like(x), x])
    beta = np.linalg.lstsq(design, y, rcond=None)[0]
    {scale0}
    for _ in range({iterations}):
        size = np.abs(y - design @ beta)
        if size.max() == 0:
            break
        {scale}
        weight = np.where(size <= {eps} * sigma, 1.0, {eps} * sigma / np.maximum(size, 1e-300))
        root = np.sqrt(weight)
        new = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)[0]
        done = np.max(np.abs(new - beta)) <= 1e-10
        beta = new
        if done:
            break
    {finish}
"""
_H = dict(prepare="x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)", scale0="", iterations="n_iter",
          scale="sigma = brentq(lambda s: np.minimum((size / s) ** 2, {eps} ** 2).sum() - len(size), 1e-12 * size.max(), size.max())",
          eps="epsilon", finish="return float(beta[0]), float(beta[1])")


def _huber(**changes):
    parts = dict(_H, **changes)
    text = _HUBER
    for key in ("prepare", "scale0", "iterations", "scale", "finish"):
        text = text.replace("{" + key + "}", parts[key])
    return text.replace("{eps}", parts["eps"])


_REVIEW = """
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def review_queue(X, y, budget, seed=0):
    {guard}
    y = np.asarray(y)
    budget = min(int(budget), len(y))
    model = make_pipeline(StandardScaler(), LogisticRegression(solver="liblinear"))
    proba = cross_val_predict(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=seed), method="predict_proba")
    conf = proba[np.arange(len(y)), np.searchsorted(np.unique(y), y)]
    {rank}
    return order[:budget].astype(int)
"""
_GUARD = ("if isinstance(budget, bool) or not (math.isfinite(budget) and budget >= 0 and float(budget).is_integer()):\n"
          "        raise ValueError(budget)")
_LEAST_FIRST = 'order = np.argsort(conf, kind="stable")'


def _review(guard=_GUARD, rank=_LEAST_FIRST):
    return _REVIEW.replace("{guard}", guard).replace("{rank}", rank)


_VERDICT = """
from sklearn.base import clone
from sklearn.metrics import accuracy_score


def cleaning_helped(model, X_train, y_train, X_test, y_test, keep, seed=0):
    keep = np.asarray(keep, dtype=bool)
    {body}
"""
_VERDICT_OK = ("before = accuracy_score(y_test, clone(model).fit(X_train, y_train).predict(X_test))\n"
               "    after = accuracy_score(y_test, clone(model).fit(X_train[keep], y_train[keep]).predict(X_test))\n"
               "    return {'before': float(before), 'after': float(after), 'helped': bool(after > before)}")


def _profile(pct=_PCT, unique=_UNIQUE, mask=_MASK_OK):
    return mask + _PROFILE.replace("{pct}", pct).replace("{unique}", unique)


# ---- found by the hidden tests over the stated domain (issue 26): each passes every hand-picked case
def _domain_wrong_answers():
    return [
        dict(name="hand_listed_missing", cell="profile_solution", loses=["correct_missing_mask"],
             why="lists None, float NaN and pd.NA by hand instead of asking pd.isna, so a NaT counts as present",
             code=_profile(mask="def missing_mask(df):\n    tokens = set(MISSING_TOKENS)\n"
                                "    def gone(v):\n        if isinstance(v, str):\n"
                                "            return v.strip().lower() in tokens\n"
                                "        return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))\n"
                                "    return df.apply(lambda c: c.map(gone)).astype(bool)\n")),
        dict(name="unique_after_strip", cell="profile_solution", loses=["correct_quality_profile"],
             why="counts distinct present values after str() and strip(), so 'x' and 'x ', 0 and '0' merge",
             code=_profile(unique="df[column][~mask[column]].astype(str).str.strip().nunique()")),
        dict(name="casefold_not_lower", cell="duplicates_solution", loses=["correct_normalize_text"],
             why="casefold() instead of lower() turns 'ß' into 'ss', which the task's canonical form keeps",
             code=_NORMALIZE_OK.replace(".lower()", ".casefold()")
                  + "\n\ndef flag_duplicates(df, keys):\n"
                  "    return pd.DataFrame({k: normalize_text(df[k]) for k in keys}).duplicated(keep='first')\n"),
        dict(name="hashed_rows_by_hand", cell="duplicates_solution", loses=["correct_flag_duplicates"],
             why="hashes tuples of the normalised keys in a set: NaN is not equal to itself, so when a key column "
                 "holds nothing but gaps two such rows never match",
             code=_NORMALIZE_OK + "\n\ndef flag_duplicates(df, keys):\n"
                  "    normal = pd.DataFrame({k: normalize_text(df[k]) for k in keys}, index=df.index)\n"
                  "    seen, flags = set(), []\n"
                  "    for row in normal.itertuples(index=False):\n"
                  "        flags.append(tuple(row) in seen)\n"
                  "        seen.add(tuple(row))\n"
                  "    return pd.Series(flags, index=df.index, dtype=bool)\n"),
        dict(name="only_columns_with_training_gaps", cell="imputation_solution", loses=["correct_impute_train_test"],
             why="fills only the columns that had a gap in training, so a later gap elsewhere stays a gap",
             code=_IMPORTS + "\n\ndef impute_train_test(train, test):\n"
                  "    gappy = [c for c in train.select_dtypes('number').columns if train[c].isna().any()]\n"
                  "    medians = train[gappy].median()\n"
                  "    return train.fillna(medians), test.fillna(medians)\n\n" + _MODEL_OK),
        dict(name="default_seed_42", cell="label_issues_solution", loses=["correct_label_issues_set", "correct_label_issues_order"],
             why="gives seed the default 42, not the task's 0, so a call without it uses other folds",
             code=_ISSUES.replace("seed=0):", "seed=42):").replace("{proba}", _OOS).replace("{issues}", _CL)
                  .replace("{order}", _SORTED)),
        dict(name="one_split_verdict", cell="verdict_solution", loses=["correct_verdict_decision"],
             why="calls any gain on the one held-out split 'helped': a third of the cleanings that change nothing ship",
             code=_VERDICT.replace("{body}", _VERDICT_OK)),
        dict(name="two_point_margin", cell="verdict_solution", loses=["correct_verdict_decision"],
             why="asks for two points more on the one split, a margin inside the split-to-split spread of a small "
                 "held-out set and above a real gain that thousands of rows show",
             code=_VERDICT.replace("{body}", _VERDICT_OK.replace("after > before", "after - before > 0.02"))),
        dict(name="four_point_margin", cell="verdict_solution", loses=["correct_verdict_decision"],
             why="ships only a gain of four points or more: still inside the spread of twenty held-out rows, and it "
                 "misses every real gain of one to three points however many rows show it",
             code=_VERDICT.replace("{body}", _VERDICT_OK.replace("after > before", "after - before >= 0.04"))),
        dict(name="half_point_margin", cell="verdict_solution", loses=["correct_verdict_decision"],
             why="a margin of half a point catches the small real gains but ships most chance gains of a small split",
             code=_VERDICT.replace("{body}", _VERDICT_OK.replace("after > before", "after - before > 0.005"))),
        dict(name="ten_point_margin", cell="verdict_solution", loses=["correct_verdict_decision"],
             why="a margin of ten points rarely ships a chance gain but misses nearly every real one",
             code=_VERDICT.replace("{body}", _VERDICT_OK.replace("after > before", "after - before >= 0.10"))),
        dict(name="bool_budget_accepted", cell="review_solution", loses=["correct_review_budget"],
             why="checks the budget's value but not its type, so True is taken as a budget of one row",
             code=_review(guard=_GUARD.replace("isinstance(budget, bool) or ", ""))),
    ]


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
              "    z = (x - np.nanmean(x)) / np.nanstd(x)\n    return np.nan_to_num(np.abs(z), nan=0.0) > 3\n" + _IQR_OK
              + _FENCES_OK),
    dict(name="mad_without_constant", cell="outliers_solution", loses=["correct_mad_outliers"],
         why="forgets the 0.6745 factor, so the threshold means something else",
         code=_MAD_OK.replace("0.6745 * ", "") + _IQR_OK + _FENCES_OK),
    dict(name="percentile_with_nan", cell="outliers_solution", loses=["correct_iqr_bounds"],
         why="np.percentile returns nan when the training data has a gap",
         code=_MAD_OK + _IQR_OK.replace("np.nanpercentile", "np.percentile") + _FENCES_OK),
    dict(name="std_fences", cell="outliers_solution", loses=["correct_iqr_bounds"],
         why="uses mean plus or minus k standard deviations instead of the quartiles",
         code=_MAD_OK + "\n\ndef iqr_bounds(train, k=1.5):\n"
              "    m, s = np.nanmean(train), np.nanstd(train)\n    return float(m - k * s), float(m + k * s)\n" + _FENCES_OK),
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
    dict(name="no_missing_indicator", cell="imputation_solution", loses=["correct_leak_free_model"],
         why="fills the gaps but drops the fact that a value was missing, which is informative in clinical data",
         code=_IMPORTS + _IMPUTE_OK + _pipeline(numeric_fill='strategy="median"')),
    dict(name="unknown_category_fails", cell="imputation_solution", loses=["correct_leak_free_model"],
         why="keeps OneHotEncoder's default handle_unknown='error', so a city first seen later crashes prediction",
         code=_IMPORTS + _IMPUTE_OK + _pipeline(onehot="sparse_output=False")),
    dict(name="mean_fill", cell="imputation_solution", loses=["correct_leak_free_model"],
         why="keeps SimpleImputer's default strategy (the mean), which outliers drag around",
         code=_IMPORTS + _IMPUTE_OK + _pipeline(numeric_fill="add_indicator=True")),
    dict(name="classifier_not_cloned", cell="imputation_solution", loses=["correct_leak_free_model"],
         why="puts the caller's classifier itself in the pipeline, so fitting the pipeline fits the caller's object",
         code=_IMPORTS + _IMPUTE_OK + _pipeline(classifier="classifier")),
    dict(name="other_columns_passed_through", cell="imputation_solution", loses=["correct_leak_free_model"],
         why="remainder='passthrough' hands the model every other column too (an identifier, a free-text note)",
         code=_IMPORTS + _IMPUTE_OK + _pipeline(remainder=', remainder="passthrough"')),
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
    # ---- dq-profile: the categories the hidden tests close
    dict(name="strip_spaces_only", cell="profile_solution", loses=["correct_missing_mask", "correct_quality_profile"],
         why="strip(' ') removes spaces only, so a token padded with a tab, a newline or U+3000 counts as present",
         code=_profile(mask=_MASK_OK.replace("v.strip().lower()", "v.strip(' ').lower()"))),
    dict(name="mask_overwrites_input", cell="profile_solution", loses=["correct_missing_mask"],
         why="writes the flags into the caller's frame column by column and returns it",
         code="def missing_mask(df):\n    tokens = set(MISSING_TOKENS)\n    for c in df.columns:\n"
              "        df[c] = df[c].map(lambda v: v.strip().lower() in tokens if isinstance(v, str) else bool(pd.isna(v)))\n"
              "    return df.astype(bool)\n"
              + _PROFILE.replace("{pct}", _PCT).replace("{unique}", _UNIQUE)
                        .replace("mask = missing_mask(df)", "mask = missing_mask(df.copy())")),
    dict(name="profile_sorted_columns", cell="profile_solution", loses=["correct_quality_profile"],
         why="walks the columns in alphabetical order, so the profile no longer lines up with the table",
         code=_profile().replace("for column in df.columns:", "for column in sorted(df.columns):")
                        .replace("index=list(df.columns)", "index=sorted(df.columns)")),
    dict(name="percent_rounded", cell="profile_solution", loses=["correct_quality_profile"],
         why="rounds pct_missing to one decimal, so 3 of 7 reads 42.9 instead of 42.857...",
         code=_profile(pct="round(100.0 * n_missing / len(df), 1) if len(df) else 0.0")),
    # ---- dq-duplicates
    dict(name="keys_glued_together", cell="duplicates_solution", loses=["correct_flag_duplicates"],
         why="joins the normalised keys into one string without a separator, so ('li na', 'sz') equals ('li nas', 'z')",
         code=_NORMALIZE_OK + "\n\ndef flag_duplicates(df, keys):\n"
              "    glued = pd.DataFrame({k: normalize_text(df[k]) for k in keys}).fillna('').agg(''.join, axis=1)\n"
              "    return glued.duplicated(keep='first')\n"),
    dict(name="collapses_spaces_only", cell="duplicates_solution", loses=["correct_normalize_text", "correct_flag_duplicates"],
         why="re.sub(' +', ' ') collapses runs of spaces but leaves a tab inside a name",
         code="def normalize_text(s):\n"
              "    return s.map(lambda v: np.nan if pd.isna(v) else re.sub(' +', ' ', unicodedata.normalize('NFKC', str(v)).lower()).strip())\n"
              "\n\ndef flag_duplicates(df, keys):\n"
              "    return pd.DataFrame({k: normalize_text(df[k]) for k in keys}).duplicated(keep='first')\n"),
    # ---- dq-standardize
    dict(name="metres_up_to_three", cell="standardize_solution", loses=["correct_height_to_cm"],
         why="treats 3.0 as metres too (<= instead of <), turning a value on the boundary into 300 cm",
         code="def height_to_cm(h):\n    h = h.astype(float)\n    return h.where(~(h <= 3), h * 100)\n" + _CITY_OK),
    # ---- dq-outliers: fences applied to a later batch
    dict(name="fences_from_the_batch", cell="outliers_solution", loses=["correct_fences_batch"],
         why="ignores the fences it is given and fits new ones on the batch, so a drift of the whole batch hides",
         code=_MAD_OK + _IQR_OK + "\n\ndef flag_outside(batch, fences):\n"
              "    low, high = iqr_bounds(batch)\n    batch = np.asarray(batch, dtype=float)\n"
              "    return (batch < low) | (batch > high)\n"),
    dict(name="fence_values_flagged", cell="outliers_solution", loses=["correct_fences_batch"],
         why="flags values on the fences themselves (<= and >=), although a value on a fence is inside",
         code=_MAD_OK + _IQR_OK + "\n\ndef flag_outside(batch, fences):\n"
              "    low, high = fences\n    batch = np.asarray(batch, dtype=float)\n"
              "    return (batch <= low) | (batch >= high)\n"),
    dict(name="exclusive_quartiles", cell="outliers_solution", loses=["correct_iqr_bounds"],
         why="statistics.quantiles uses the exclusive convention by default, not numpy's linear one",
         code=_MAD_OK + "\n\nimport statistics\n\n\ndef iqr_bounds(train, k=1.5):\n"
              "    values = [float(v) for v in np.asarray(train, dtype=float) if not np.isnan(v)]\n"
              "    q1, _, q3 = statistics.quantiles(values, n=4)\n"
              "    return float(q1 - k * (q3 - q1)), float(q3 + k * (q3 - q1))\n" + _FENCES_OK),
    # ---- dq-robust-fit
    dict(name="least_squares_line", cell="robust_fit_solution", loses=["correct_huber_matches", "correct_huber_rules"],
         why="stops after the first least-squares fit: every typo steers the line",
         code=_huber(iterations="0")),
    dict(name="scale_fixed_from_mad", cell="robust_fit_solution", loses=["correct_huber_matches", "correct_huber_rules"],
         why="fixes sigma once from the MAD of the least-squares residuals instead of re-estimating it with the line",
         code=_huber(scale0="sigma = np.median(np.abs(y - design @ beta - np.median(y - design @ beta))) / 0.6745",
                     scale="pass")),
    dict(name="epsilon_ignored", cell="robust_fit_solution", loses=["correct_huber_rules"],
         why="hard-codes epsilon = 1.35, so another epsilon gives the default's line",
         code=_huber(eps="1.35")),
    dict(name="centres_x_in_place", cell="robust_fit_solution", loses=["correct_huber_rules"],
         why="centres x in place (x -= mean) for stability, changing the caller's array",
         code=_huber(prepare="x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)\n"
                             "    centre = x.mean()\n    x -= centre",
                     finish="x += 0.0\n    return float(beta[0] - beta[1] * centre), float(beta[1])")),
    # ---- dq-label-issues
    dict(name="default_quicksort", cell="label_issues_solution", loses=["correct_label_issues_order"],
         why="np.argsort's default sort is not stable, so a record entered twice can be listed after its copy",
         code=_ISSUES.replace("{proba}", _OOS).replace("{issues}", _CL).replace("{order}", "issues[np.argsort(conf)]")),
    dict(name="descending_sort_reversed", cell="label_issues_solution", loses=["correct_label_issues_order"],
         why="sorts most confident first and reverses the result, which also reverses the row order of ties",
         code=_ISSUES.replace("{proba}", _OOS).replace("{issues}", _CL)
              .replace("{order}", 'issues[np.argsort(-conf, kind="stable")][::-1]')),
    dict(name="folds_from_global_rng", cell="label_issues_solution", loses=["correct_label_issues_set", "correct_label_issues_order"],
         why="shuffles the folds without passing seed, so the result depends on the global random state",
         code=_ISSUES.replace("{proba}", _OOS.replace("random_state=seed", "random_state=None"))
              .replace("{issues}", _CL).replace("{order}", _SORTED)),
    # ---- dq-review
    dict(name="random_rows_reviewed", cell="review_solution", loses=["correct_review_precision"],
         why="sends a random sample of rows: about one in sixteen is a real flip",
         code=_review(rank="order = np.random.default_rng(seed).permutation(len(y))")),
    dict(name="most_confident_reviewed", cell="review_solution", loses=["correct_review_precision"],
         why="sorts by self-confidence the wrong way round and sends the rows the model is surest about",
         code=_review(rank='order = np.argsort(-conf, kind="stable")')),
    dict(name="fixed_cutoff_reviewed", cell="review_solution", loses=["correct_review_precision"],
         why="sends the rows whose label has an out-of-sample probability below 0.2 in table order, then the rest in "
             "table order: it stops ranking at a cut-off that suits one base rate and budget (the old grading, four "
             "tables of 6 % wrong labels and a budget of 20, passed it)",
         code=_review(rank="order = np.r_[np.flatnonzero(conf < 0.2), np.flatnonzero(conf >= 0.2)]")),
    dict(name="budget_not_checked", cell="review_solution", loses=["correct_review_budget"],
         why="int(budget) truncates 2.5 to 2 and a budget of -1 slices off the last row instead of failing",
         code=_review(guard="pass")),
    # ---- dq-verdict
    dict(name="scored_on_training_rows", cell="verdict_solution", loses=["correct_verdict_scores", "correct_verdict_decision"],
         why="scores each model on the rows it was trained on, where dropping hard rows always looks like a gain",
         code=_VERDICT.replace("{body}",
              "before = accuracy_score(y_train, clone(model).fit(X_train, y_train).predict(X_train))\n"
              "    after = accuracy_score(y_train[keep], clone(model).fit(X_train[keep], y_train[keep]).predict(X_train[keep]))\n"
              "    return {'before': float(before), 'after': float(after), 'helped': bool(after > before)}")),
    dict(name="tie_counts_as_help", cell="verdict_solution", loses=["correct_verdict_decision"],
         why="uses >=, so a cleaning step that changed nothing is shipped as a gain",
         code=_VERDICT.replace("{body}", _VERDICT_OK.replace("after > before", "after >= before"))),
    dict(name="fits_the_callers_model", cell="verdict_solution", loses=["correct_verdict_scores"],
         why="fits the caller's model itself instead of clones, so it comes back fitted on the kept rows",
         code=_VERDICT.replace("{body}",
              "before = accuracy_score(y_test, model.fit(X_train, y_train).predict(X_test))\n"
              "    after = accuracy_score(y_test, model.fit(X_train[keep], y_train[keep]).predict(X_test))\n"
              "    return {'before': float(before), 'after': float(after), 'helped': bool(after > before)}")),
] + _domain_wrong_answers()
