"""Plausible wrong answers of module 05-privacy: each must score 0 on the graded cells it `loses`.

Every entry replaces the whole source of one solution cell; the rest of the notebook keeps the key's answers.
"""

from tools.simulated import variant as _variant


# A correct Gaussian mechanism: each gaussian_* answer below changes one rule of it.
_GAUSSIAN = '''def gaussian_sigma(l2_sensitivity, epsilon, delta):
    epsilon, delta = float(epsilon), float(delta)
    if not 0.0 < epsilon < 1.0:
        raise ValueError("epsilon")
    if not 0.0 < delta < 1.0:
        raise ValueError("delta")
    return float(np.sqrt(2.0 * np.log(1.25 / delta)) * l2_sensitivity / epsilon)


def dp_code_counts(codes, max_codes, epsilon, delta, rng):
    codes = np.asarray(codes, dtype=bool)
    if len(codes) and int(codes.sum(axis=1).max()) > max_codes:
        raise ValueError("a row has more than max_codes codes")
    counts = codes.sum(axis=0).astype(float)
    sigma = gaussian_sigma(np.sqrt(max_codes), epsilon, delta)
    return counts + rng.normal(0.0, sigma, size=counts.shape)
'''

_GENERALISE = '''def generalise(df, year_width, postcode_digits):
    out = df.drop(columns=[c for c in DIRECT_IDENTIFIERS if c in df.columns])
    band = pd.to_datetime(out.pop("birth_date")).dt.year // year_width * year_width
    out["birth_band"] = band.astype("int64") if band.notna().all() else band.astype("Int64")
    out["postcode"] = out["postcode"].map(lambda code: code if pd.isna(code) else str(code)[:postcode_digits].ljust(6, "*"))
    return out


def choose_generalisation(df, k_target, year_widths, digit_options):
    best = None
    for width in year_widths:
        for digits in digit_options:
            sizes = generalise(df, width, digits).groupby(RELEASE_QIS, dropna=False).size()
            if len(sizes) and sizes.min() >= k_target:
                rank = (-len(sizes), width, -digits)
                if best is None or rank < best[0]:
                    best = (rank, (int(width), int(digits)))
    if best is None:
        raise ValueError("no setting reaches k")
    return best[1]
'''

_LDIV = '''def l_diversity(df, quasi_identifiers, sensitive):
    if len(df) == 0:
        return 0
    return int(df.groupby(list(quasi_identifiers), dropna=False)[sensitive].nunique(dropna=False).min())


def exposed_rows(df, quasi_identifiers, sensitive):
    distinct = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))
    return df.index[distinct.to_numpy() == 1].tolist()
'''

WRONG_ANSWERS = [
    # ------------------------------------------------------------ 1. pseudonymise-hmac
    dict(
        name="unkeyed_sha256",
        cell="pseudonymise_solution",
        loses=["correct_pseudonymise_hmac", "correct_pseudonymise_properties"],
        why="a plain hash ignores the key: the dictionary attack reverses every phone",
        code='''def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    return values.map(lambda v: hashlib.sha256(str(v).encode("utf-8")).hexdigest())
''',
    ),
    dict(
        name="key_prefixed_sha256",
        cell="pseudonymise_solution",
        loses=["correct_pseudonymise_hmac"],
        why="sha256(key + value) is a home-made MAC, open to length extension; HMAC is the standard construction",
        code='''def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    return values.map(lambda v: hashlib.sha256(key + str(v).encode("utf-8")).hexdigest())
''',
    ),
    dict(
        name="random_token_per_row",
        cell="pseudonymise_solution",
        loses=["correct_pseudonymise_hmac", "correct_pseudonymise_properties"],
        why="a fresh random token per row is not a pseudonym: equal values get different tokens, joins break",
        code='''import secrets


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    return values.map(lambda v: secrets.token_hex(32))
''',
    ),
    dict(
        name="hmac_of_stripped_text",
        cell="pseudonymise_solution",
        loses=["correct_pseudonymise_hmac"],
        why="strips whitespace before hashing: a tab or an ideographic space (U+3000) is part of the value, and two different values share a pseudonym",
        code='''def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    return values.map(lambda v: hmac.new(key, str(v).strip().encode("utf-8"), hashlib.sha256).hexdigest())
''',
    ),
    # ------------------------------------------------------------ 2. k-anonymity
    dict(
        name="groupby_drops_missing_keys",
        cell="k_anonymity_solution",
        loses=["correct_k_anonymity_edge_cases"],
        why="groupby drops rows whose key is NaN by default, hiding the tiny classes of rows with gaps",
        code='''def k_anonymity(df: pd.DataFrame, quasi_identifiers: list[str]) -> int:
    if len(df) == 0:
        return 0
    return int(df.groupby(list(quasi_identifiers)).size().min())
''',
    ),
    dict(
        name="counts_classes_not_smallest_class",
        cell="k_anonymity_solution",
        loses=["correct_k_anonymity", "correct_k_anonymity_edge_cases"],
        why="the number of distinct combinations is not k; k is the size of the smallest class",
        code='''def k_anonymity(df: pd.DataFrame, quasi_identifiers: list[str]) -> int:
    return int(len(df[list(quasi_identifiers)].drop_duplicates()))
''',
    ),
    dict(
        name="largest_class",
        cell="k_anonymity_solution",
        loses=["correct_k_anonymity", "correct_k_anonymity_edge_cases"],
        why="the largest class says how well most people hide, not how badly the most exposed one does",
        code='''def k_anonymity(df: pd.DataFrame, quasi_identifiers: list[str]) -> int:
    return int(df.groupby(list(quasi_identifiers), dropna=False).size().max())
''',
    ),
    dict(
        name="glued_quasi_identifier_text",
        cell="k_anonymity_solution",
        loses=["correct_k_anonymity"],
        why="glues the quasi-identifiers into one string without a separator: ('1', '23') and ('12', '3') collide into one class",
        code='''def k_anonymity(df: pd.DataFrame, quasi_identifiers: list[str]) -> int:
    if len(df) == 0:
        return 0
    keys = df[list(quasi_identifiers)].astype(str).agg("".join, axis=1)
    return int(keys.value_counts().min())
''',
    ),
    # ------------------------------------------------------------ 3. generalise-k5
    dict(
        name="drops_name_only",
        cell="generalise_solution",
        loses=["correct_generalise"],
        why="dropping the name but keeping phone and email leaves direct identifiers in the release",
        code=_variant(
            _GENERALISE,
            ('def generalise(df, year_width, postcode_digits):\n    out = df.drop(columns=[c for c in DIRECT_IDENTIFIERS if c in df.columns])\n',
             'def generalise(df: pd.DataFrame, year_width: int, postcode_digits: int) -> pd.DataFrame:\n    out = df.drop(columns=[c for c in ["name"] if c in df.columns])\n'),
        ),
    ),
    dict(
        name="rounds_years_to_nearest_band",
        cell="generalise_solution",
        loses=["correct_generalise", "correct_choose_generalisation"],
        why="rounds the year to the nearest band start instead of flooring: 1987 lands in the 1990s band",
        code='''def generalise(df: pd.DataFrame, year_width: int, postcode_digits: int) -> pd.DataFrame:
    out = df.drop(columns=[c for c in DIRECT_IDENTIFIERS if c in df.columns])
    years = pd.to_datetime(out.pop("birth_date")).dt.year
    out["birth_band"] = ((years / year_width).round() * year_width).astype("int64")
    out["postcode"] = out["postcode"].astype(str).str[:postcode_digits].str.ljust(6, "*")
    return out


def choose_generalisation(df, k_target, year_widths, digit_options):
    best = None
    for width in year_widths:
        for digits in digit_options:
            sizes = generalise(df, width, digits).groupby(RELEASE_QIS, dropna=False).size()
            if len(sizes) and sizes.min() >= k_target:
                rank = (-len(sizes), width, -digits)
                if best is None or rank < best[0]:
                    best = (rank, (int(width), int(digits)))
    if best is None:
        raise ValueError("no setting reaches k")
    return best[1]
''',
    ),
    dict(
        name="truncates_postcode_without_padding",
        cell="generalise_solution",
        loses=["correct_generalise"],
        why="a bare prefix ('100') mixes up codes of different lengths and breaks the fixed 6-character format",
        code='''def generalise(df: pd.DataFrame, year_width: int, postcode_digits: int) -> pd.DataFrame:
    out = df.drop(columns=[c for c in DIRECT_IDENTIFIERS if c in df.columns])
    years = pd.to_datetime(out.pop("birth_date")).dt.year
    out["birth_band"] = (years // year_width * year_width).astype("int64")
    out["postcode"] = out["postcode"].astype(str).str[:postcode_digits]
    return out


def choose_generalisation(df, k_target, year_widths, digit_options):
    best = None
    for width in year_widths:
        for digits in digit_options:
            sizes = generalise(df, width, digits).groupby(RELEASE_QIS, dropna=False).size()
            if len(sizes) and sizes.min() >= k_target:
                rank = (-len(sizes), width, -digits)
                if best is None or rank < best[0]:
                    best = (rank, (int(width), int(digits)))
    if best is None:
        raise ValueError("no setting reaches k")
    return best[1]
''',
    ),
    dict(
        name="maximises_k",
        cell="generalise_solution",
        loses=["correct_choose_generalisation"],
        why="the safest setting (largest k) over-generalises: it throws away detail the target k did not require",
        code='''def generalise(df: pd.DataFrame, year_width: int, postcode_digits: int) -> pd.DataFrame:
    out = df.drop(columns=[c for c in DIRECT_IDENTIFIERS if c in df.columns])
    band = pd.to_datetime(out.pop("birth_date")).dt.year // year_width * year_width
    out["birth_band"] = band.astype("int64") if band.notna().all() else band.astype("Int64")
    out["postcode"] = out["postcode"].map(lambda code: code if pd.isna(code) else str(code)[:postcode_digits].ljust(6, "*"))
    return out


def choose_generalisation(df, k_target, year_widths, digit_options):
    best, best_k = None, -1
    for width in year_widths:
        for digits in digit_options:
            k = int(generalise(df, width, digits).groupby(RELEASE_QIS).size().min())
            if k >= k_target and k > best_k:
                best, best_k = (int(width), int(digits)), k
    if best is None:
        raise ValueError("no setting reaches k")
    return best
''',
    ),
    dict(
        name="first_setting_that_reaches_k",
        cell="generalise_solution",
        loses=["correct_choose_generalisation"],
        why="stops at the first setting that reaches k in the caller's order, whatever it loses",
        code='''def generalise(df: pd.DataFrame, year_width: int, postcode_digits: int) -> pd.DataFrame:
    out = df.drop(columns=[c for c in DIRECT_IDENTIFIERS if c in df.columns])
    band = pd.to_datetime(out.pop("birth_date")).dt.year // year_width * year_width
    out["birth_band"] = band.astype("int64") if band.notna().all() else band.astype("Int64")
    out["postcode"] = out["postcode"].map(lambda code: code if pd.isna(code) else str(code)[:postcode_digits].ljust(6, "*"))
    return out


def choose_generalisation(df, k_target, year_widths, digit_options):
    for width in year_widths:
        for digits in digit_options:
            if generalise(df, width, digits).groupby(RELEASE_QIS).size().min() >= k_target:
                return (int(width), int(digits))
    raise ValueError("no setting reaches k")
''',
    ),
    dict(
        name="strictly_greater_than_k",
        cell="generalise_solution",
        loses=["correct_choose_generalisation"],
        why="k >= k_target is the definition; requiring k > k_target rejects the best setting when it hits k exactly",
        code=_variant(
            _GENERALISE,
            ('def generalise(df, year_width, postcode_digits):\n',
             'def generalise(df: pd.DataFrame, year_width: int, postcode_digits: int) -> pd.DataFrame:\n'),
            ('            if len(sizes) and sizes.min() >= k_target:\n',
             '            if len(sizes) and sizes.min() > k_target:\n'),
        ),
    ),
    # ------------------------------------------------------------ 4. l-diversity
    dict(
        name="ldiv_counts_rows",
        cell="ldiv_solution",
        loses=["correct_l_diversity"],
        why="returns the smallest class size, which is k: l counts distinct sensitive values, not rows",
        code=_variant(
            _LDIV,
            ('    return int(df.groupby(list(quasi_identifiers), dropna=False)[sensitive].nunique(dropna=False).min())\n',
             '    return int(df.groupby(list(quasi_identifiers), dropna=False).size().min())\n'),
            ('    distinct = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n    return df.index[distinct.to_numpy() == 1].tolist()\n',
             '    n = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n    return df.index[n.to_numpy() == 1].tolist()\n'),
        ),
    ),
    dict(
        name="ldiv_nunique_drops_missing",
        cell="ldiv_solution",
        loses=["correct_l_diversity"],
        why="nunique() drops NaN by default: a missing diagnosis is one more value an attacker cannot rule out",
        code=_variant(
            _LDIV,
            ('    return int(df.groupby(list(quasi_identifiers), dropna=False)[sensitive].nunique(dropna=False).min())\n',
             '    return int(df.groupby(list(quasi_identifiers), dropna=False)[sensitive].nunique().min())\n'),
            ('    distinct = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n    return df.index[distinct.to_numpy() == 1].tolist()\n',
             '    n = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n    return df.index[n.to_numpy() == 1].tolist()\n'),
        ),
    ),
    dict(
        name="exposed_positions_not_labels",
        cell="ldiv_solution",
        loses=["correct_exposed_rows"],
        why="returns row positions, not index labels: on a table with its own index they name the wrong people",
        code=_variant(
            _LDIV,
            ('    distinct = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n    return df.index[distinct.to_numpy() == 1].tolist()\n',
             '    n = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n    return [int(i) for i in np.flatnonzero(n.to_numpy() == 1)]\n'),
        ),
    ),
    dict(
        name="exposed_sorted_labels",
        cell="ldiv_solution",
        loses=["correct_exposed_rows"],
        why="sorts the labels instead of keeping the table's order, which the task states",
        code=_variant(
            _LDIV,
            ('    distinct = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n    return df.index[distinct.to_numpy() == 1].tolist()\n',
             '    n = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n    return sorted(df.index[n.to_numpy() == 1].tolist())\n'),
        ),
    ),
    # ------------------------------------------------------------ 4. laplace-mechanism
    dict(
        name="laplace_scale_upside_down",
        cell="laplace_solution",
        loses=["correct_dp_count", "correct_dp_mean_scale", "correct_dp_mean_noise"],
        why="scale epsilon / sensitivity: less noise when more privacy is asked for",
        code='''def dp_count(flags: np.ndarray, epsilon: float, rng: np.random.Generator) -> float:
    return float(np.count_nonzero(flags) + rng.laplace(0.0, epsilon / 1.0))


def dp_mean(values, lower, upper, epsilon, rng):
    clipped = np.clip(np.asarray(values, dtype=float), lower, upper)
    sensitivity = (upper - lower) / len(clipped)
    return float(clipped.mean() + rng.laplace(0.0, epsilon / sensitivity))
''',
    ),
    dict(
        name="mean_without_clipping",
        cell="laplace_solution",
        loses=["correct_dp_mean_scale", "correct_dp_mean_noise"],
        why="without clipping one value can move the mean arbitrarily far: the noise does not cover it",
        code='''def dp_count(flags: np.ndarray, epsilon: float, rng: np.random.Generator) -> float:
    return float(np.count_nonzero(flags) + rng.laplace(0.0, 1.0 / epsilon))


def dp_mean(values, lower, upper, epsilon, rng):
    values = np.asarray(values, dtype=float)
    return float(values.mean() + rng.laplace(0.0, (upper - lower) / len(values) / epsilon))
''',
    ),
    dict(
        name="bounds_from_the_data",
        cell="laplace_solution",
        loses=["correct_dp_mean_scale", "correct_dp_mean_noise"],
        why="the data's min and max leak the extremes and make the noise depend on the data",
        code='''def dp_count(flags: np.ndarray, epsilon: float, rng: np.random.Generator) -> float:
    return float(np.count_nonzero(flags) + rng.laplace(0.0, 1.0 / epsilon))


def dp_mean(values, lower, upper, epsilon, rng):
    values = np.asarray(values, dtype=float)
    lo, hi = values.min(), values.max()
    return float(values.mean() + rng.laplace(0.0, (hi - lo) / len(values) / epsilon))
''',
    ),
    dict(
        name="mean_sensitivity_not_divided_by_n",
        cell="laplace_solution",
        loses=["correct_dp_mean_scale", "correct_dp_mean_noise"],
        why="upper - lower is the sensitivity of the sum; the mean's is (upper - lower) / n",
        code='''def dp_count(flags: np.ndarray, epsilon: float, rng: np.random.Generator) -> float:
    return float(np.count_nonzero(flags) + rng.laplace(0.0, 1.0 / epsilon))


def dp_mean(values, lower, upper, epsilon, rng):
    clipped = np.clip(np.asarray(values, dtype=float), lower, upper)
    return float(clipped.mean() + rng.laplace(0.0, (upper - lower) / epsilon))
''',
    ),
    # ------------------------------------------------------------ 6. report-noisy-max
    dict(
        name="noisy_max_scale_upside_down",
        cell="noisy_max_solution",
        loses=["correct_report_noisy_max"],
        why="noise of scale epsilon instead of 1 / epsilon: at small epsilon almost no noise, so the true winner leaks",
        code='''def report_noisy_max(counts, epsilon, rng):
    counts = np.asarray(counts, dtype=float)
    return int(np.argmax(counts + rng.laplace(0.0, epsilon, size=counts.shape)))
''',
    ),
    dict(
        name="noisy_max_one_shared_draw",
        cell="noisy_max_solution",
        loses=["correct_report_noisy_max"],
        why="one noise draw added to every count shifts them all alike: the argmax never changes, nothing is private",
        code='''def report_noisy_max(counts, epsilon, rng):
    counts = np.asarray(counts, dtype=float)
    return int(np.argmax(counts + rng.laplace(0.0, 1.0 / epsilon)))
''',
    ),
    dict(
        name="noisy_max_exact_argmax",
        cell="noisy_max_solution",
        loses=["correct_report_noisy_max"],
        why="releases the exact argmax: it flips when one person joins, so it is not private at all",
        code='''def report_noisy_max(counts, epsilon, rng):
    return int(np.argmax(np.asarray(counts, dtype=float)))
''',
    ),
    dict(
        name="noisy_max_global_generator",
        cell="noisy_max_solution",
        loses=["correct_report_noisy_max"],
        why="draws the noise from numpy's global generator, not from rng: releases cannot be reproduced or audited",
        code='''def report_noisy_max(counts, epsilon, rng):
    counts = np.asarray(counts, dtype=float)
    return int(np.argmax(counts + np.random.laplace(0.0, 1.0 / epsilon, size=counts.shape)))
''',
    ),
    # ------------------------------------------------------------ 5. randomised-response
    dict(
        name="raw_yes_rate",
        cell="rr_solution",
        loses=["correct_rr_estimator"],
        why="the observed yes rate includes the coin's yeses: it is biased towards 1/2",
        code='''def randomised_response(truth, p_truth, rng):
    truth = np.asarray(truth, dtype=bool)
    honest = rng.random(truth.shape) < p_truth
    coin = rng.random(truth.shape) < 0.5
    return np.where(honest, truth, coin)


def estimate_proportion(responses, p_truth):
    return float(np.mean(np.asarray(responses, dtype=float)))
''',
    ),
    dict(
        name="estimate_ignores_coin_and_clips",
        cell="rr_solution",
        loses=["correct_rr_estimator"],
        why="divides by p_truth but forgets the (1 - p) / 2 yeses of the coin, then clips to [0, 1]",
        code='''def randomised_response(truth, p_truth, rng):
    truth = np.asarray(truth, dtype=bool)
    honest = rng.random(truth.shape) < p_truth
    coin = rng.random(truth.shape) < 0.5
    return np.where(honest, truth, coin)


def estimate_proportion(responses, p_truth):
    return float(min(1.0, max(0.0, np.mean(np.asarray(responses, dtype=float)) / p_truth)))
''',
    ),
    dict(
        name="lie_instead_of_coin",
        cell="rr_solution",
        loses=["correct_rr_mechanism"],
        why="answering the opposite of the truth is another design (Warner's) whose rates do not match this estimator",
        code='''def randomised_response(truth, p_truth, rng):
    truth = np.asarray(truth, dtype=bool)
    honest = rng.random(truth.shape) < p_truth
    return np.where(honest, truth, ~truth)


def estimate_proportion(responses, p_truth):
    yes_rate = float(np.mean(np.asarray(responses, dtype=float)))
    return (yes_rate - (1 - p_truth) / 2) / p_truth
''',
    ),
    dict(
        name="one_coin_for_everyone",
        cell="rr_solution",
        loses=["correct_rr_mechanism"],
        why="a single draw for the whole survey: everyone is honest, or everyone answers the same coin",
        code='''def randomised_response(truth, p_truth, rng):
    truth = np.asarray(truth, dtype=bool)
    if rng.random() < p_truth:
        return truth.copy()
    return np.full(truth.shape, rng.random() < 0.5)


def estimate_proportion(responses, p_truth):
    yes_rate = float(np.mean(np.asarray(responses, dtype=float)))
    return (yes_rate - (1 - p_truth) / 2) / p_truth
''',
    ),
    # ------------------------------------------------------------ 6. privacy-budget
    dict(
        name="budget_does_not_add_up",
        cell="accountant_solution",
        loses=["correct_accountant_sequential", "correct_accountant_parallel"],
        why="keeps only the largest epsilon seen, as if repeated queries were free",
        code='''class PrivacyAccountant:
    def __init__(self, total_epsilon: float) -> None:
        if not total_epsilon > 0:
            raise ValueError("total must be positive")
        self.total_epsilon = float(total_epsilon)
        self.spent = 0.0

    def remaining(self) -> float:
        return float(self.total_epsilon - self.spent)

    def spend(self, epsilon: float) -> float:
        if not epsilon > 0 or epsilon > self.total_epsilon + 1e-9:
            raise ValueError("refused")
        self.spent = max(self.spent, float(epsilon))
        return self.remaining()

    def spend_parallel(self, epsilons):
        if len(epsilons) == 0 or not min(epsilons) > 0:
            raise ValueError("refused")
        cost = max(epsilons)
        if self.spent + cost > self.total_epsilon + 1e-9:
            raise ValueError("refused")
        self.spent += float(cost)
        return self.remaining()
''',
    ),
    dict(
        name="charges_before_refusing",
        cell="accountant_solution",
        loses=["correct_accountant_sequential"],
        why="adds the cost first and raises afterwards: a refused query still eats the budget",
        code='''class PrivacyAccountant:
    def __init__(self, total_epsilon: float) -> None:
        if not total_epsilon > 0:
            raise ValueError("total must be positive")
        self.total_epsilon = float(total_epsilon)
        self.spent = 0.0

    def remaining(self) -> float:
        return float(self.total_epsilon - self.spent)

    def spend(self, epsilon: float) -> float:
        if not epsilon > 0:
            raise ValueError("refused")
        self.spent += float(epsilon)
        if self.spent > self.total_epsilon + 1e-9:
            raise ValueError("refused")
        return self.remaining()

    def spend_parallel(self, epsilons):
        if len(epsilons) == 0 or not min(epsilons) > 0:
            raise ValueError("refused")
        cost = max(epsilons)
        if self.spent + cost > self.total_epsilon + 1e-9:
            raise ValueError("refused")
        self.spent += float(cost)
        return self.remaining()
''',
    ),
    dict(
        name="refuses_at_exact_budget",
        cell="accountant_solution",
        loses=["correct_accountant_sequential"],
        why="uses >= against the total: the last query that fits exactly is refused",
        code='''class PrivacyAccountant:
    def __init__(self, total_epsilon: float) -> None:
        if not total_epsilon > 0:
            raise ValueError("total must be positive")
        self.total_epsilon = float(total_epsilon)
        self.spent = 0.0

    def remaining(self) -> float:
        return float(self.total_epsilon - self.spent)

    def spend(self, epsilon: float) -> float:
        if not epsilon > 0 or self.spent + epsilon >= self.total_epsilon:
            raise ValueError("refused")
        self.spent += float(epsilon)
        return self.remaining()

    def spend_parallel(self, epsilons):
        if len(epsilons) == 0 or not min(epsilons) > 0:
            raise ValueError("refused")
        cost = max(epsilons)
        if self.spent + cost > self.total_epsilon + 1e-9:
            raise ValueError("refused")
        self.spent += float(cost)
        return self.remaining()
''',
    ),
    dict(
        name="parallel_bins_charged_the_sum",
        cell="accountant_solution",
        loses=["correct_accountant_parallel"],
        why="queries on disjoint bins compose in parallel; charging the sum wastes the budget",
        code='''class PrivacyAccountant:
    def __init__(self, total_epsilon: float) -> None:
        if not total_epsilon > 0:
            raise ValueError("total must be positive")
        self.total_epsilon = float(total_epsilon)
        self.spent = 0.0

    def remaining(self) -> float:
        return float(self.total_epsilon - self.spent)

    def spend(self, epsilon: float) -> float:
        if not epsilon > 0 or self.spent + epsilon > self.total_epsilon + 1e-9:
            raise ValueError("refused")
        self.spent += float(epsilon)
        return self.remaining()

    def spend_parallel(self, epsilons):
        for e in epsilons:
            self.spend(e)
        return self.remaining()
''',
    ),
    dict(
        name="parallel_bins_charged_the_mean",
        cell="accountant_solution",
        loses=["correct_accountant_parallel"],
        why="the average epsilon under-charges: the person in the most expensive bin loses max(epsilons)",
        code='''class PrivacyAccountant:
    def __init__(self, total_epsilon: float) -> None:
        if not total_epsilon > 0:
            raise ValueError("total must be positive")
        self.total_epsilon = float(total_epsilon)
        self.spent = 0.0

    def remaining(self) -> float:
        return float(self.total_epsilon - self.spent)

    def spend(self, epsilon: float) -> float:
        if not epsilon > 0 or self.spent + epsilon > self.total_epsilon + 1e-9:
            raise ValueError("refused")
        self.spent += float(epsilon)
        return self.remaining()

    def spend_parallel(self, epsilons):
        return self.spend(sum(epsilons) / len(epsilons))
''',
    ),
    dict(
        name="nan_cost_accepted",
        cell="accountant_solution",
        loses=["correct_accountant_sequential", "correct_accountant_parallel"],
        why="tests cost <= 0 to refuse: NaN <= 0 is False, so a NaN cost is charged and the budget becomes NaN",
        code='''class PrivacyAccountant:
    def __init__(self, total_epsilon):
        if total_epsilon <= 0:
            raise ValueError("total must be positive")
        self.total_epsilon, self.spent = float(total_epsilon), 0.0

    def remaining(self):
        return float(self.total_epsilon - self.spent)

    def _charge(self, cost):
        if cost <= 0:
            raise ValueError("cost must be positive")
        if self.spent + cost > self.total_epsilon + 1e-9:
            raise ValueError("refused")
        self.spent += float(cost)
        return self.remaining()

    def spend(self, epsilon):
        return self._charge(epsilon)

    def spend_parallel(self, epsilons):
        if min(epsilons) <= 0:
            raise ValueError("cost must be positive")
        return self._charge(max(epsilons))
''',
    ),
    # ------------------------------------------------------------ 7. federated-averaging
    dict(
        name="unweighted_mean",
        cell="fedavg_solution",
        loses=["correct_federated_average", "correct_fedavg_round"],
        why="a plain mean gives a 20-row clinic the pull of a 188-row hospital",
        code='''def federated_average(client_params, client_sizes):
    return np.mean(np.stack([np.asarray(p, dtype=float) for p in client_params]), axis=0)


def fedavg_round(w, clients, local_update):
    return federated_average([local_update(w, X, y) for X, y in clients], [len(y) for _, y in clients])
''',
    ),
    dict(
        name="weighted_sum_not_normalised",
        cell="fedavg_solution",
        loses=["correct_federated_average", "correct_fedavg_round"],
        why="sums size-weighted parameters without dividing by the total size: the model blows up",
        code='''def federated_average(client_params, client_sizes):
    return sum(float(n) * np.asarray(p, dtype=float) for n, p in zip(client_sizes, client_params))


def fedavg_round(w, clients, local_update):
    return federated_average([local_update(w, X, y) for X, y in clients], [len(y) for _, y in clients])
''',
    ),
    dict(
        name="size_total_overflows_int32",
        cell="fedavg_solution",
        loses=["correct_federated_average"],
        why="adds the sizes in their own integer type: int32 sizes of large clients overflow and the weights turn negative",
        code='''def federated_average(client_params, client_sizes):
    total = sum(client_sizes)
    return sum((n / total) * np.asarray(p, dtype=float) for n, p in zip(client_sizes, client_params))


def fedavg_round(w, clients, local_update):
    return federated_average([local_update(w, X, y) for X, y in clients], [len(y) for _, y in clients])
''',
    ),
    dict(
        name="round_unweighted_mean",
        cell="fedavg_solution",
        loses=["correct_fedavg_round"],
        why="the round averages the clients' models without their sizes: it optimises another objective than the pooled one",
        code='''def federated_average(client_params, client_sizes):
    weights = np.asarray(client_sizes, dtype=float)
    return np.tensordot(weights / weights.sum(), np.stack([np.asarray(p, dtype=float) for p in client_params]), axes=1)


def fedavg_round(w, clients, local_update):
    return np.mean([local_update(w, X, y) for X, y in clients], axis=0)
''',
    ),
    dict(
        name="round_chains_clients",
        cell="fedavg_solution",
        loses=["correct_fedavg_round"],
        why="passes each client the previous client's model (sequential training), not the same global w",
        code='''def federated_average(client_params, client_sizes):
    weights = np.asarray(client_sizes, dtype=float)
    return np.tensordot(weights / weights.sum(), np.stack([np.asarray(p, dtype=float) for p in client_params]), axes=1)


def fedavg_round(w, clients, local_update):
    updates, current = [], w
    for X, y in clients:
        current = local_update(current, X, y)
        updates.append(current)
    return federated_average(updates, [len(y) for _, y in clients])
''',
    ),
    dict(
        name="round_weights_by_features",
        cell="fedavg_solution",
        loses=["correct_fedavg_round"],
        why="takes len(X[0]), the number of features, as the client's size: every client weighs the same",
        code='''def federated_average(client_params, client_sizes):
    weights = np.asarray(client_sizes, dtype=float)
    return np.tensordot(weights / weights.sum(), np.stack([np.asarray(p, dtype=float) for p in client_params]), axes=1)


def fedavg_round(w, clients, local_update):
    return federated_average([local_update(w, X, y) for X, y in clients], [len(X[0]) for X, _ in clients])
''',
    ),
    # ------------------------------------------------------------ 8. secret-sharing
    dict(
        name="secret_in_one_share",
        cell="shares_solution",
        loses=["correct_make_shares"],
        why="one share carries the secret and the others are zeros: the first party learns everything",
        code='''def make_shares(secret, n_parties, rng, modulus=MODULUS):
    return [int(secret) % modulus] + [0] * (n_parties - 1)


def secure_sum(client_shares, modulus=MODULUS):
    return sum(sum(int(s) for s in column) % modulus for column in zip(*client_shares)) % modulus
''',
    ),
    dict(
        name="last_share_not_reduced",
        cell="shares_solution",
        loses=["correct_make_shares"],
        why="secret - sum(others) is negative and far from uniform until reduced modulo the prime",
        code='''def make_shares(secret, n_parties, rng, modulus=MODULUS):
    shares = [int(rng.integers(0, modulus)) for _ in range(n_parties - 1)]
    return shares + [int(secret) - sum(shares)]


def secure_sum(client_shares, modulus=MODULUS):
    return sum(sum(int(s) for s in column) % modulus for column in zip(*client_shares)) % modulus
''',
    ),
    dict(
        name="secure_sum_without_modulus",
        cell="shares_solution",
        loses=["correct_secure_sum"],
        why="adds shares as plain integers: the result is the secret sum plus a multiple of the modulus",
        code='''def make_shares(secret, n_parties, rng, modulus=MODULUS):
    shares = [int(rng.integers(0, modulus)) for _ in range(n_parties - 1)]
    shares.append((int(secret) - sum(shares)) % modulus)
    return shares


def secure_sum(client_shares, modulus=MODULUS):
    return sum(sum(int(s) for s in column) for column in zip(*client_shares))
''',
    ),
    dict(
        name="secure_sum_one_party_only",
        cell="shares_solution",
        loses=["correct_secure_sum"],
        why="totals only the first party's shares, which are random noise on their own",
        code='''def make_shares(secret, n_parties, rng, modulus=MODULUS):
    shares = [int(rng.integers(0, modulus)) for _ in range(n_parties - 1)]
    shares.append((int(secret) - sum(shares)) % modulus)
    return shares


def secure_sum(client_shares, modulus=MODULUS):
    return sum(int(c[0]) for c in client_shares) % modulus
''',
    ),
    # ------------------------------------------------------------ 5. smallest-epsilon (decision)
    dict(
        name="epsilon_sensitivity_not_divided_by_n",
        cell="epsilon_solution",
        loses=["correct_smallest_epsilon"],
        why="uses upper - lower as the mean's sensitivity: one person among n moves the mean by (upper - lower) / n",
        code='''def smallest_epsilon(n, lower, upper, max_error, epsilons, confidence=0.95):
    meeting = [float(e) for e in epsilons if np.isfinite(e) and e > 0
               and 1 - np.exp(-max_error * e / (upper - lower)) >= confidence]
    if not meeting:
        raise ValueError("none")
    return float(min(meeting))
''',
    ),
    dict(
        name="epsilon_from_expected_error",
        cell="epsilon_solution",
        loses=["correct_smallest_epsilon"],
        why="asks only that the typical error b = Delta / epsilon be below max_error, ignoring the stated confidence",
        code='''def smallest_epsilon(n, lower, upper, max_error, epsilons, confidence=0.95):
    meeting = [float(e) for e in epsilons if np.isfinite(e) and e > 0 and (upper - lower) / n / e <= max_error]
    if not meeting:
        raise ValueError("none")
    return float(min(meeting))
''',
    ),
    dict(
        name="epsilon_normal_approximation",
        cell="epsilon_solution",
        loses=["correct_smallest_epsilon"],
        why="treats the Laplace noise as normal with the same sd sqrt(2) b: its tails are heavier, so the grant misses the target",
        code='''from statistics import NormalDist


def smallest_epsilon(n, lower, upper, max_error, epsilons, confidence=0.95):
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    needed = z * np.sqrt(2) * (upper - lower) / n / max_error
    meeting = [float(e) for e in epsilons if np.isfinite(e) and e > 0 and e >= needed]
    if not meeting:
        raise ValueError("none")
    return float(min(meeting))
''',
    ),
    dict(
        name="epsilon_simulated_with_few_draws",
        cell="epsilon_solution",
        loses=["correct_smallest_epsilon"],
        why="decides from 200 simulated releases: the estimate of the coverage is too noisy to tell a candidate 5 % from the threshold",
        code='''def smallest_epsilon(n, lower, upper, max_error, epsilons, confidence=0.95):
    base = np.abs(np.random.default_rng(0).laplace(0.0, 1.0, size=200))
    meeting = [float(e) for e in epsilons
               if np.isfinite(e) and e > 0 and np.mean(base * (upper - lower) / n / e <= max_error) >= confidence]
    if not meeting:
        raise ValueError("none")
    return float(min(meeting))
''',
    ),
    dict(
        name="epsilon_first_in_grid_order",
        cell="epsilon_solution",
        loses=["correct_smallest_epsilon"],
        why="returns the first candidate that meets the target in the order given, which spends more privacy than needed",
        code='''def smallest_epsilon(n, lower, upper, max_error, epsilons, confidence=0.95):
    for e in epsilons:
        e = float(e)
        if np.isfinite(e) and e > 0 and 1 - np.exp(-max_error * e * n / (upper - lower)) >= confidence:
            return e
    raise ValueError("none")
''',
    ),
    dict(
        name="epsilon_ignores_confidence_argument",
        cell="epsilon_solution",
        loses=["correct_smallest_epsilon"],
        why="hard-codes the 95 % of the notebook's target instead of using the confidence it is given",
        code='''def smallest_epsilon(n, lower, upper, max_error, epsilons, confidence=0.95):
    meeting = [float(e) for e in epsilons if np.isfinite(e) and e > 0
               and 1 - np.exp(-max_error * e * n / (upper - lower)) >= 0.95]
    if not meeting:
        raise ValueError("none")
    return float(min(meeting))
''',
    ),
    dict(
        name="epsilon_accepts_infinity",
        cell="epsilon_solution",
        loses=["correct_smallest_epsilon"],
        why="lets an infinite epsilon (no privacy at all) meet the target instead of refusing",
        code='''def smallest_epsilon(n, lower, upper, max_error, epsilons, confidence=0.95):
    meeting = [float(e) for e in epsilons if e > 0 and 1 - np.exp(-max_error * e * n / (upper - lower)) >= confidence]
    if not meeting:
        raise ValueError("none")
    return float(min(meeting))
''',
    ),
    # ------------------------------------------------------------ 10. membership-inference
    dict(
        name="attack_sign_flipped",
        cell="mia_solution",
        loses=["correct_attack_auc", "correct_attack_detects_overfit"],
        why="scores by the loss itself, so a high loss reads as 'member': the AUC comes out upside down",
        code='''def loss_threshold_attack(model, X_in, y_in, X_out, y_out):
    def losses(X, y):
        p = model.predict_proba(X)[np.arange(len(y)), np.searchsorted(model.classes_, np.asarray(y))]
        return -np.log(np.clip(p, 1e-12, 1.0))
    scores = np.concatenate([losses(X_in, y_in), losses(X_out, y_out)])
    return float(roc_auc_score(np.r_[np.ones(len(X_in)), np.zeros(len(X_out))], scores))
''',
    ),
    dict(
        name="attack_label_as_column_number",
        cell="mia_solution",
        loses=["correct_attack_auc"],
        why="indexes predict_proba by the label's value, which is right only when classes_ is exactly 0, 1, ...",
        code='''def loss_threshold_attack(model, X_in, y_in, X_out, y_out):
    def losses(X, y):
        p = model.predict_proba(X)[np.arange(len(y)), np.asarray(y).astype(int)]
        return -np.log(np.clip(p, 1e-12, 1.0))
    scores = -np.concatenate([losses(X_in, y_in), losses(X_out, y_out)])
    return float(roc_auc_score(np.r_[np.ones(len(X_in)), np.zeros(len(X_out))], scores))
''',
    ),
    dict(
        name="attack_confidence_not_true_label",
        cell="mia_solution",
        loses=["correct_attack_auc"],
        why="scores by the model's top probability, whatever the true label: a confident mistake then looks like a member",
        code='''def loss_threshold_attack(model, X_in, y_in, X_out, y_out):
    scores = np.concatenate([model.predict_proba(X_in).max(axis=1), model.predict_proba(X_out).max(axis=1)])
    return float(roc_auc_score(np.r_[np.ones(len(X_in)), np.zeros(len(X_out))], scores))
''',
    ),
    dict(
        name="attack_auc_ignores_ties",
        cell="mia_solution",
        loses=["correct_attack_auc"],
        why="counts only pairs where a member strictly beats a non-member; ties (a tree's 0/1 probabilities) must count half",
        code='''def loss_threshold_attack(model, X_in, y_in, X_out, y_out):
    def p_true(X, y):
        return model.predict_proba(X)[np.arange(len(y)), np.searchsorted(model.classes_, np.asarray(y))]
    s_in, s_out = np.log(np.clip(p_true(X_in, y_in), 1e-12, 1)), np.log(np.clip(p_true(X_out, y_out), 1e-12, 1))
    return float(np.mean(s_in[:, None] > s_out[None, :]))
''',
    ),
    # ------------------------------------------------------------ 11. release-model (decision)
    dict(
        name="release_by_auc_alone",
        cell="release_solution",
        loses=["correct_choose_release_model"],
        why="releases every model whose attack AUC is near chance: a model that memorised a few members keeps an AUC near 0.5, and a harmless gap raises it",
        code='''def choose_release_model(candidates):
    from sklearn.metrics import roc_auc_score
    evidence, safe = {}, []
    for name, review in candidates.items():
        m, o = review["member_scores"], review["nonmember_scores"]
        auc = roc_auc_score(np.r_[np.ones(len(m)), np.zeros(len(o))], np.r_[m, o])
        evidence[name] = float(auc)
        if auc <= 0.55:
            safe.append(name)
    return (max(safe, key=lambda k: candidates[k]["accuracy"]) if safe else None), evidence
''',
    ),
    dict(
        name="release_by_auc_with_tpr_evidence",
        cell="release_solution",
        loses=["correct_choose_release_model"],
        why="reports the right rate but decides by AUC: releases models that single out a few members, refuses harmless ones",
        code='''def choose_release_model(candidates):
    from sklearn.metrics import roc_auc_score
    def tpr(review):
        strangers = np.sort(review["nonmember_scores"])[::-1]
        return float(np.mean(review["member_scores"] > strangers[int(0.01 * len(strangers))]))
    evidence, safe = {}, []
    for name, review in candidates.items():
        m, o = review["member_scores"], review["nonmember_scores"]
        evidence[name] = tpr(review)
        if roc_auc_score(np.r_[np.ones(len(m)), np.zeros(len(o))], np.r_[m, o]) <= 0.55:
            safe.append(name)
    return (max(safe, key=lambda k: candidates[k]["accuracy"]) if safe else None), evidence
''',
    ),
    dict(
        name="release_point_estimate_no_uncertainty",
        cell="release_solution",
        loses=["correct_choose_release_model"],
        why="refuses any model whose measured rate exceeds 1 %: with a handful of non-members above the threshold, luck alone does that to safe models",
        code='''def choose_release_model(candidates):
    def tpr(review):
        strangers = np.sort(review["nonmember_scores"])[::-1]
        return float(np.mean(review["member_scores"] > strangers[int(0.01 * len(strangers))]))
    evidence = {name: tpr(review) for name, review in candidates.items()}
    safe = [name for name in candidates if evidence[name] <= 0.01]
    return (max(safe, key=lambda k: candidates[k]["accuracy"]) if safe else None), evidence
''',
    ),
    dict(
        name="release_most_accurate_ignores_leak",
        cell="release_solution",
        loses=["correct_choose_release_model"],
        why="ships the most accurate model without weighing the attack's evidence",
        code='''def choose_release_model(candidates):
    def tpr(review):
        strangers = np.sort(review["nonmember_scores"])[::-1]
        return float(np.mean(review["member_scores"] > strangers[int(0.01 * len(strangers))]))
    evidence = {name: tpr(review) for name, review in candidates.items()}
    return max(candidates, key=lambda k: candidates[k]["accuracy"]), evidence
''',
    ),
    dict(
        name="release_least_leaky_ignores_accuracy",
        cell="release_solution",
        loses=["correct_choose_release_model"],
        why="ships the candidate with the lowest measured rate, however inaccurate, and never refuses: privacy is a constraint, not the goal",
        code='''def choose_release_model(candidates):
    def tpr(review):
        strangers = np.sort(review["nonmember_scores"])[::-1]
        return float(np.mean(review["member_scores"] > strangers[int(0.01 * len(strangers))]))
    evidence = {name: tpr(review) for name, review in candidates.items()}
    return min(evidence, key=evidence.get), evidence
''',
    ),
    # ------------------------------------------------------------ 11b. clip-bound (decision)
    dict(
        name="clip_at_public_maximum",
        cell="clip_solution",
        loses=["correct_choose_clip_bound"],
        why="clips at the largest public value: no bias, but at a small n epsilon the noise swamps the mean",
        code='''def choose_clip_bound(public_sample, n, epsilon):
    return float(np.max(public_sample))
''',
    ),
    dict(
        name="clip_at_public_median",
        cell="clip_solution",
        loses=["correct_choose_clip_bound"],
        why="clips at the median: little noise, but the mean loses everything above it, however many rows there are",
        code='''def choose_clip_bound(public_sample, n, epsilon):
    return float(np.median(public_sample))
''',
    ),
    dict(
        name="clip_at_fixed_percentile",
        cell="clip_solution",
        loses=["correct_choose_clip_bound"],
        why="a fixed 99th percentile ignores n and epsilon: too high when the noise dominates, too low when the bias does",
        code='''def choose_clip_bound(public_sample, n, epsilon):
    return float(np.quantile(public_sample, 0.99))
''',
    ),
    dict(
        name="clip_noise_of_the_sum",
        cell="clip_solution",
        loses=["correct_choose_clip_bound"],
        why="weighs the bias against the noise of a sum (bound / epsilon), not of the mean (bound / (n epsilon)): the bound collapses towards zero",
        code='''def choose_clip_bound(public_sample, n, epsilon):
    x = np.sort(np.asarray(public_sample, dtype=float))
    clipped = np.array([np.minimum(x, c).mean() for c in x])
    return float(x[np.argmin((x.mean() - clipped) ** 2 + 2 * (x / epsilon) ** 2)])
''',
    ),
    # ------------------------------------------------------------ 6b. neighbour-relation (decision)
    dict(
        name="neighbour_histogram_scale_one_always",
        cell="neighbour_solution",
        loses=["correct_release_noise"],
        why="calibrates a histogram to sensitivity 1 under replace-one too: replacing a person moves two bins, so the promise holds only at 2 epsilon",
        code='''def release_noise(release):
    public, kind, eps = release["membership_public"], release["statistic"], release["epsilon"]
    if kind in ("count", "histogram"):
        delta = 1.0
    elif kind == "sum":
        delta = release["upper"] - release["lower"] if public else max(abs(release["lower"]), abs(release["upper"]))
    else:
        delta = (release["upper"] - release["lower"]) / release["n"]
    return ("replace-one" if public else "add/remove"), float(delta / eps)
''',
    ),
    dict(
        name="neighbour_sum_range_always",
        cell="neighbour_solution",
        loses=["correct_release_noise"],
        why="gives a sum the sensitivity upper - lower under add/remove too: a person who joins adds their whole value, up to max(|lower|, |upper|)",
        code='''def release_noise(release):
    public, kind, eps = release["membership_public"], release["statistic"], release["epsilon"]
    if kind == "count":
        delta = 1.0
    elif kind == "histogram":
        delta = 2.0 if public else 1.0
    elif kind == "sum":
        delta = release["upper"] - release["lower"]
    else:
        delta = (release["upper"] - release["lower"]) / release["n"]
    return ("replace-one" if public else "add/remove"), float(delta / eps)
''',
    ),
    dict(
        name="neighbour_always_add_remove",
        cell="neighbour_solution",
        loses=["correct_release_noise"],
        why="uses add/remove for every release: where who is in the data is public, the promise is about values (replace-one)",
        code='''def release_noise(release):
    kind, eps = release["statistic"], release["epsilon"]
    if kind in ("count", "histogram"):
        delta = 1.0
    elif kind == "sum":
        delta = max(abs(release["lower"]), abs(release["upper"]))
    else:
        delta = (release["upper"] - release["lower"]) / release["n"]
    return "add/remove", float(delta / eps)
''',
    ),
    # ------------------------------------------------------------ 12. dp-sgd
    dict(
        name="clip_the_batch_not_each_example",
        cell="dpsgd_solution",
        loses=["correct_clip_gradients", "correct_noisy_step"],
        why="clips the batch's mean gradient: one outlier can still dominate it, so no person's influence is bounded",
        code='''def clip_gradients(grads, clip):
    grads = np.asarray(grads, dtype=float)
    norm = np.linalg.norm(grads.mean(axis=0))
    return grads * min(1.0, clip / norm) if norm > 0 else grads.copy()


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    noise = rng.normal(0.0, sigma * clip, size=w.shape)
    return w - lr * (clipped.sum(axis=0) + noise) / len(X)
''',
    ),
    dict(
        name="clip_each_coordinate",
        cell="dpsgd_solution",
        loses=["correct_clip_gradients", "correct_noisy_step"],
        why="np.clip bounds each coordinate, not the norm: a row of d coordinates at clip has norm clip * sqrt(d)",
        code='''def clip_gradients(grads, clip):
    return np.clip(np.asarray(grads, dtype=float), -clip, clip)


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    noise = rng.normal(0.0, sigma * clip, size=w.shape)
    return w - lr * (clipped.sum(axis=0) + noise) / len(X)
''',
    ),
    dict(
        name="normalise_every_row",
        cell="dpsgd_solution",
        loses=["correct_clip_gradients", "correct_noisy_step"],
        why="scales every gradient to norm clip, enlarging the small ones: clipping only ever shrinks",
        code='''def clip_gradients(grads, clip):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    return np.where(norms > 0, grads * clip / np.where(norms > 0, norms, 1.0), 0.0)


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    noise = rng.normal(0.0, sigma * clip, size=w.shape)
    return w - lr * (clipped.sum(axis=0) + noise) / len(X)
''',
    ),
    dict(
        name="clip_in_place",
        cell="dpsgd_solution",
        loses=["correct_clip_gradients"],
        why="rescales the caller's array in place: the caller's gradients change under it",
        code='''def clip_gradients(grads, clip):
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    grads *= np.minimum(1.0, clip / np.maximum(norms, 1e-300))
    return grads


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    noise = rng.normal(0.0, sigma * clip, size=w.shape)
    return w - lr * (clipped.sum(axis=0) + noise) / len(X)
''',
    ),
    dict(
        name="noise_sd_sigma_not_sigma_clip",
        cell="dpsgd_solution",
        loses=["correct_noisy_step"],
        why="noise of sd sigma ignores the clip bound it must cover: the sensitivity of the sum is clip",
        code='''def clip_gradients(grads, clip):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * np.minimum(1.0, clip / np.maximum(norms, 1e-300))


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    noise = rng.normal(0.0, sigma, size=w.shape)
    return w - lr * (clipped.sum(axis=0) + noise) / len(X)
''',
    ),
    dict(
        name="noise_per_example",
        cell="dpsgd_solution",
        loses=["correct_noisy_step"],
        why="draws noise for every example and sums it: the sum's noise grows with sqrt(B), far from the sd sigma * clip the analysis assumes",
        code='''def clip_gradients(grads, clip):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * np.minimum(1.0, clip / np.maximum(norms, 1e-300))


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    noisy = clipped + rng.normal(0.0, sigma * clip, size=clipped.shape)
    return w - lr * noisy.sum(axis=0) / len(X)
''',
    ),
    dict(
        name="noise_from_global_generator",
        cell="dpsgd_solution",
        loses=["correct_noisy_step"],
        why="draws noise from numpy's global generator, not the rng it is given: runs cannot be reproduced or audited",
        code='''def clip_gradients(grads, clip):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * np.minimum(1.0, clip / np.maximum(norms, 1e-300))


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    noise = np.random.normal(0.0, sigma * clip, size=w.shape)
    return w - lr * (clipped.sum(axis=0) + noise) / len(X)
''',
    ),
    dict(
        name="step_updates_w_in_place",
        cell="dpsgd_solution",
        loses=["correct_noisy_step"],
        why="w -= ... changes the caller's parameters: a training loop that keeps the previous w sees it move",
        code='''def clip_gradients(grads, clip):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * np.minimum(1.0, clip / np.maximum(norms, 1e-300))


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    noise = rng.normal(0.0, sigma * clip, size=w.shape)
    w -= lr * (clipped.sum(axis=0) + noise) / len(X)
    return w
''',
    ),
    dict(
        name="secure_sum_int64_overflow",
        cell="shares_solution",
        loses=["correct_secure_sum"],
        why="adds the shares as an int64 numpy array: shares near 2**61 wrap around silently before the modulo",
        code='''def make_shares(secret, n_parties, rng, modulus=MODULUS):
    shares = [int(rng.integers(0, modulus)) for _ in range(n_parties - 1)]
    shares.append((int(secret) - sum(shares)) % modulus)
    return shares


def secure_sum(client_shares, modulus=MODULUS):
    totals = np.array(client_shares, dtype=np.int64).sum(axis=0) % modulus
    return int(totals.sum() % modulus)
''',
    ),
    # ------------------------------------------------------------ 14. gaussian-mechanism
    dict(
        name="gaussian_l1_sensitivity",
        cell="gaussian_solution",
        loses=["correct_gaussian_counts"],
        why="calibrates the Gaussian noise to the L1 sensitivity max_codes: one patient moves the vector of counts by sqrt(max_codes) in Euclidean norm, so the noise is sqrt(max_codes) times too large",
        code=_variant(_GAUSSIAN,
                  ('    sigma = gaussian_sigma(np.sqrt(max_codes), epsilon, delta)\n    return counts + rng.normal(0.0, sigma, size=counts.shape)\n',
                   '    return counts + rng.normal(0.0, gaussian_sigma(max_codes, epsilon, delta), size=counts.shape)\n')),
    ),
    dict(
        name="gaussian_variance_as_sd",
        cell="gaussian_solution",
        loses=["correct_gaussian_counts"],
        why="passes sigma squared to rng.normal, whose scale is the standard deviation: the noise is sigma times too wide",
        code=_variant(_GAUSSIAN,
                  ('    return counts + rng.normal(0.0, sigma, size=counts.shape)\n',
                   '    return counts + rng.normal(0.0, sigma**2, size=counts.shape)\n')),
    ),
    dict(
        name="gaussian_accepts_large_epsilon",
        cell="gaussian_solution",
        loses=["correct_gaussian_sigma"],
        why="applies the classic bound at epsilon >= 1 (and at NaN), where it is not proved: the release claims a guarantee it does not have",
        code=_variant(_GAUSSIAN,
                  ('    epsilon, delta = float(epsilon), float(delta)\n    if not 0.0 < epsilon < 1.0:\n        raise ValueError("epsilon")\n',
                   ''),
                  ('    sigma = gaussian_sigma(np.sqrt(max_codes), epsilon, delta)\n    return counts + rng.normal(0.0, sigma, size=counts.shape)\n',
                   '    return counts + rng.normal(0.0, gaussian_sigma(np.sqrt(max_codes), epsilon, delta), size=counts.shape)\n')),
    ),
    dict(
        name="gaussian_delta_not_checked",
        cell="gaussian_solution",
        loses=["correct_gaussian_sigma"],
        why="checks epsilon only: delta = 0 or 1 gives an infinite or zero sigma, and a negative delta a NaN, released as if private",
        code=_variant(_GAUSSIAN,
                  ('    epsilon, delta = float(epsilon), float(delta)\n',
                   ''),
                  ('    if not 0.0 < delta < 1.0:\n        raise ValueError("delta")\n    return float(np.sqrt(2.0 * np.log(1.25 / delta)) * l2_sensitivity / epsilon)\n',
                   '    with np.errstate(all="ignore"):\n        return float(np.sqrt(2.0 * np.log(1.25 / delta)) * l2_sensitivity / epsilon)\n'),
                  ('    sigma = gaussian_sigma(np.sqrt(max_codes), epsilon, delta)\n    return counts + rng.normal(0.0, sigma, size=counts.shape)\n',
                   '    return counts + rng.normal(0.0, gaussian_sigma(np.sqrt(max_codes), epsilon, delta), size=counts.shape)\n')),
    ),
    dict(
        name="gaussian_forgets_the_1_25",
        cell="gaussian_solution",
        loses=["correct_gaussian_sigma"],
        why="uses sqrt(2 ln(1 / delta)): the theorem's constant is 1.25 / delta, and a slightly smaller sigma is not covered by it",
        code=_variant(_GAUSSIAN,
                  ('    if not 0.0 < epsilon < 1.0:\n        raise ValueError("epsilon")\n    if not 0.0 < delta < 1.0:\n        raise ValueError("delta")\n    return float(np.sqrt(2.0 * np.log(1.25 / delta)) * l2_sensitivity / epsilon)\n',
                   '    if not (0.0 < epsilon < 1.0 and 0.0 < delta < 1.0):\n        raise ValueError("out of range")\n    return float(np.sqrt(2.0 * np.log(1.0 / delta)) * l2_sensitivity / epsilon)\n'),
                  ('    sigma = gaussian_sigma(np.sqrt(max_codes), epsilon, delta)\n    return counts + rng.normal(0.0, sigma, size=counts.shape)\n',
                   '    return counts + rng.normal(0.0, gaussian_sigma(np.sqrt(max_codes), epsilon, delta), size=counts.shape)\n')),
    ),
    # ------------------------------------------------------------ 15. choose-protection
    dict(
        name="protection_tokenise_everything",
        cell="protection_solution",
        loses=["correct_choose_protections"],
        why="one protection for every use: a token cannot be reversed for the support desk, and published tokens are linkable",
        code='''def choose_protections(uses):
    return ["tokenise" for use in uses]
''',
    ),
    dict(
        name="protection_pseudonymise_for_recovery",
        cell="protection_solution",
        loses=["correct_choose_protections"],
        why="a keyed hash where the original must be recovered: HMAC is one-way, so the support desk cannot read the phone number back",
        code='''def choose_protections(uses):
    choices = []
    for use in uses:
        by_output = "noisy_aggregate" if use["output"] == "counts" else "generalise"
        if use["needs_original"] or (use["links_tables"] and not use["leaves_organisation"]):
            choices.append("tokenise")
        else:
            choices.append(by_output)
    return choices
''',
    ),
    dict(
        name="protection_publishes_tokens",
        cell="protection_solution",
        loses=["correct_choose_protections"],
        why="checks the join before the audience: a published table of tokens is linkable across releases and by anyone who learns the key",
        code='''def choose_protections(uses):
    choices = []
    for use in uses:
        by_output = "noisy_aggregate" if use["output"] == "counts" else "generalise"
        if use["needs_original"]:
            choices.append("encrypt")
        elif use["links_tables"]:
            choices.append("tokenise")
        else:
            choices.append(by_output)
    return choices
''',
    ),
    dict(
        name="protection_copied_from_the_notebook",
        cell="protection_solution",
        loses=["correct_choose_protections"],
        why="returns the answers for the notebook's four uses whatever the uses are: the rule was never applied",
        code='''def choose_protections(uses):
    return ["tokenise", "noisy_aggregate", "encrypt", "noisy_aggregate"][: len(uses)]
''',
    ),
    # ------------------------------------------------------------ hidden cases added for issue 14
    dict(
        name="laplace_nan_epsilon_accepted",
        cell="laplace_solution",
        loses=["correct_dp_count", "correct_dp_mean_scale"],
        why="no guard on epsilon: NaN gives a NaN scale and NaN noise, zero a division error, infinity no noise at all",
        code='''def dp_count(flags, epsilon, rng):
    return float(np.count_nonzero(flags) + rng.laplace(0.0, 1.0 / epsilon))


def dp_mean(values, lower, upper, epsilon, rng):
    clipped = np.clip(np.asarray(values, dtype=float), lower, upper)
    return float(clipped.mean() + rng.laplace(0.0, (upper - lower) / len(clipped) / epsilon))
''',
    ),
    dict(
        name="rr_global_generator",
        cell="rr_solution",
        loses=["correct_rr_mechanism"],
        why="draws the coins from numpy's global generator, not the rng it is given: the same rng no longer gives the same survey",
        code='''def randomised_response(truth, p_truth, rng):
    truth = np.asarray(truth, dtype=bool)
    honest = np.random.random(truth.shape) < p_truth
    coin = np.random.random(truth.shape) < 0.5
    return np.where(honest, truth, coin)


def estimate_proportion(responses, p_truth):
    yes_rate = float(np.mean(np.asarray(responses, dtype=float)))
    return (yes_rate - (1 - p_truth) / 2) / p_truth
''',
    ),
    dict(
        name="generalise_ties_to_coarser",
        cell="generalise_solution",
        loses=["correct_choose_generalisation"],
        why="breaks ties in the number of classes towards the wider band and the shorter postcode: the task states the smaller width, then more digits",
        code='''def generalise(df: pd.DataFrame, year_width: int, postcode_digits: int) -> pd.DataFrame:
    """Release copy of `df`: direct identifiers dropped, birth date -> `birth_band`, postcode truncated and padded."""
    out = df.drop(columns=[c for c in DIRECT_IDENTIFIERS if c in df.columns])
    band = pd.to_datetime(out.pop("birth_date")).dt.year // year_width * year_width
    out["birth_band"] = band.astype("int64") if band.notna().all() else band.astype("Int64")
    out["postcode"] = out["postcode"].map(lambda code: code if pd.isna(code) else str(code)[:postcode_digits].ljust(6, "*"))
    return out


def choose_generalisation(
    df: pd.DataFrame, k_target: int, year_widths: list[int], digit_options: list[int]
) -> tuple[int, int]:
    """The (year_width, postcode_digits) reaching k >= k_target on RELEASE_QIS with the most classes."""
    best = None
    for width in year_widths:
        for digits in digit_options:
            sizes = generalise(df, width, digits).groupby(RELEASE_QIS, dropna=False).size()
            if len(sizes) and sizes.min() >= k_target:
                rank = (-len(sizes), -width, digits)   # ties to the coarser setting
                if best is None or rank < best[0]:
                    best = (rank, (int(width), int(digits)))
    if best is None:
        raise ValueError(f"no setting reaches k >= {k_target}: add coarser options")
    return best[1]
''',
    ),
    # ------------------------------------------------------------ rules the hand-picked cases let through
    dict(
        name="pseudonymise_hashes_missing_as_text",
        cell="pseudonymise_solution",
        loses=["correct_pseudonymise_hmac"],
        why="str(NaN) is 'nan': every person without a phone gets the same pseudonym and joins as one person",
        code='''def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    return values.map(lambda v: hmac.new(key, str(v).encode("utf-8"), hashlib.sha256).hexdigest())
''',
    ),
    dict(
        name="generalise_missing_postcode_as_text",
        cell="generalise_solution",
        loses=["correct_generalise"],
        why="str(code) turns a missing postcode into 'nan***', a district that does not exist",
        code=_variant(_GENERALISE,
                      ('    out["postcode"] = out["postcode"].map(lambda code: code if pd.isna(code) else str(code)[:postcode_digits].ljust(6, "*"))\n',
                       '    out["postcode"] = out["postcode"].map(lambda code: str(code)[:postcode_digits].ljust(6, "*"))\n')),
    ),
    dict(
        name="generalise_missing_date_as_float_band",
        cell="generalise_solution",
        loses=["correct_generalise"],
        why="leaves birth_band as floats (1980.0) whenever a date is missing, where the task states an integer column with gaps",
        code=_variant(_GENERALISE,
                      ('    out["birth_band"] = band.astype("int64") if band.notna().all() else band.astype("Int64")\n',
                       '    out["birth_band"] = band\n')),
    ),
    dict(
        name="exposed_rows_drops_missing_keys",
        cell="ldiv_solution",
        loses=["correct_exposed_rows"],
        why="groupby drops rows with a missing quasi-identifier by default: the people of that class are never reported",
        code=_variant(_LDIV,
                      ("    distinct = df.groupby(list(quasi_identifiers), dropna=False)[sensitive].transform(lambda s: s.nunique(dropna=False))\n",
                       "    distinct = df.groupby(list(quasi_identifiers))[sensitive].transform(lambda s: s.nunique(dropna=False))\n")),
    ),
    dict(
        name="dp_mean_clips_in_place",
        cell="laplace_solution",
        loses=["correct_dp_mean_scale"],
        why="np.clip(..., out=values) clips the caller's data: the analyst's table is changed by a query",
        code='''def dp_count(flags, epsilon, rng):
    if not (np.isfinite(epsilon) and epsilon > 0):
        raise ValueError("epsilon")
    return float(np.count_nonzero(flags) + rng.laplace(0.0, 1.0 / epsilon))


def dp_mean(values, lower, upper, epsilon, rng):
    if not (np.isfinite(epsilon) and epsilon > 0):
        raise ValueError("epsilon")
    if values.dtype.kind == "f":
        np.clip(values, lower, upper, out=values)
    else:
        values = np.clip(values, lower, upper)
    return float(values.mean() + rng.laplace(0.0, (upper - lower) / len(values) / epsilon))
''',
    ),
    dict(
        name="noisy_max_replace_one_scale",
        cell="noisy_max_solution",
        loses=["correct_report_noisy_max"],
        why="uses Laplace(2 / epsilon), the replace-one scale, where the task states add/remove neighbours and scale 1 / epsilon",
        code='''def report_noisy_max(counts, epsilon, rng):
    counts = np.asarray(counts, dtype=float)
    return int(np.argmax(counts + rng.laplace(0.0, 2.0 / epsilon, size=len(counts))))
''',
    ),
    dict(
        name="noisy_max_gumbel_noise",
        cell="noisy_max_solution",
        loses=["correct_report_noisy_max"],
        why="Gumbel noise makes it the exponential mechanism, a different distribution from the Laplace release the task asks for",
        code='''def report_noisy_max(counts, epsilon, rng):
    counts = np.asarray(counts, dtype=float)
    return int(np.argmax(counts + rng.gumbel(0.0, 1.0 / epsilon, size=len(counts))))
''',
    ),
    dict(
        name="shares_adjusted_first",
        cell="shares_solution",
        loses=["correct_make_shares"],
        why="puts the balancing share first: the shares still add up, but share 0 is no longer the generator's draw the task states",
        code='''def make_shares(secret, n_parties, rng, modulus=MODULUS):
    rest = [int(rng.integers(0, modulus)) for _ in range(n_parties - 1)]
    return [(int(secret) - sum(rest)) % modulus] + rest


def secure_sum(client_shares, modulus=MODULUS):
    party_totals = [sum(int(s) for s in column) % modulus for column in zip(*client_shares)]
    return sum(party_totals) % modulus
''',
    ),
    dict(
        name="gaussian_ignores_the_bound",
        cell="gaussian_solution",
        loses=["correct_gaussian_counts"],
        why="releases counts whose rows break max_codes: one patient then moves the counts by more than the noise covers",
        code=_variant(_GAUSSIAN,
                      ('    if len(codes) and int(codes.sum(axis=1).max()) > max_codes:\n        raise ValueError("a row has more than max_codes codes")\n', '')),
    ),
    dict(
        name="gaussian_sensitivity_from_the_data",
        cell="gaussian_solution",
        loses=["correct_gaussian_counts"],
        why="takes the sensitivity from the most codes any row of this data holds: a data-dependent scale leaks, and it is not the stated bound",
        code=_variant(_GAUSSIAN,
                      ('    sigma = gaussian_sigma(np.sqrt(max_codes), epsilon, delta)\n',
                       '    sigma = gaussian_sigma(np.sqrt(max(1, int(codes.sum(axis=1).max(initial=0)))), epsilon, delta)\n')),
    ),
    dict(
        name="noise_drawn_on_the_mean",
        cell="dpsgd_solution",
        loses=["correct_noisy_step"],
        why="draws noise of sd sigma * clip and adds it to the mean gradient: B times too much noise for the stated step",
        code='''def clip_gradients(grads, clip):
    grads = np.asarray(grads, dtype=float)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * np.minimum(1.0, clip / np.maximum(norms, 1e-300))


def noisy_gradient_step(w, X, y, clip, sigma, lr, rng):
    clipped = clip_gradients(per_example_gradients(w, X, y), clip)
    return w - lr * (clipped.mean(axis=0) + rng.normal(0.0, sigma * clip, size=w.shape))
''',
    ),
]
