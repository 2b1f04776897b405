"""Plausible wrong answers for 04-explainability: each must score 0 on the graded cells it `loses`."""

from tools.simulated import variant as _variant


# A correct choose_kernel_width: each width_* answer below changes one rule of it.
_CHOOSE_WIDTH = '''def choose_kernel_width(explain, widths, seeds, k=2):
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ValueError("need two seeds")
    agreement = {}
    for width in widths:
        tops = [set(np.argsort(-np.abs(np.asarray(explain(width, s), dtype=float)), kind="stable")[:k].tolist())
                for s in seeds]
        agreement[width] = float(np.mean([len(a & b) / len(a | b) for a, b in combinations(tops, 2)]))
    line = 0.8
    stable = [w for w in widths if agreement[w] >= line]
    return (min(stable) if stable else None), agreement
'''

# A correct permutation_importance_by_hand: each permutation_* answer below built on it changes one rule.
_PERMUTATION = '''def permutation_importance_by_hand(model, X, y, n_repeats=5, random_state=0):
    rng = np.random.default_rng(random_state)
    X = np.asarray(X)
    baseline = model.score(X, y)
    importances = np.zeros(X.shape[1], dtype=float)
    for j in range(X.shape[1]):
        drops = []
        for _ in range(n_repeats):
            X_shuffled = X.copy()
            X_shuffled[:, j] = X_shuffled[rng.permutation(X.shape[0]), j]
            drops.append(baseline - model.score(X_shuffled, y))
        importances[j] = np.mean(drops)
    return importances
'''

# A sound find_leaky_features: each leak_* answer below built on it changes one choice.
_FIND_LEAKS = '''def find_leaky_features(model_factory, X_train, y_train, X_test, y_test, names):
    line = 0.85
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    aucs = []
    for j in range(X_train.shape[1]):
        single = model_factory().fit(X_train[:, [j]], y_train)
        aucs.append(roc_auc_score(y_test, single.predict_proba(X_test[:, [j]])[:, 1]))
    order = sorted(range(len(aucs)), key=lambda j: -aucs[j])
    return [str(names[j]) for j in order if aucs[j] >= line]
'''

# A sound choose_background: each background_* answer below built on it changes one choice.
_BACKGROUND = '''def choose_background(explain, candidates):
    recent = np.asarray(candidates["recent"], dtype=float)
    draws = np.random.default_rng(0)
    values = {name: np.asarray(explain(np.asarray(rows, dtype=float)), dtype=float) for name, rows in candidates.items()}
    resampled = np.array([explain(recent[draws.integers(0, len(recent), len(recent))]) for _ in range(10)])
    noise = float(resampled.var(axis=0, ddof=1).sum())
    squared = {name: max(float(np.sum((values[name] - values["recent"]) ** 2)) - noise, 0.0) for name in candidates}
    squared["recent"] = noise
    choice = "training" if squared["training"] < 2.0 * noise else "recent"
    return choice, {name: float(np.sqrt(squared[name])) for name in candidates}
'''

WRONG_ANSWERS = [
    # ---------------------------------------------------------------- permutation importance
    dict(
        name="permutation_sign_flipped",
        cell="permutation_solution",
        loses=["correct_permutation_basics", "correct_permutation_matches_sklearn"],
        why="reports permuted score minus baseline, so important features come out negative",
        code='''def permutation_importance_by_hand(model, X, y, n_repeats=5, random_state=0):
    rng = np.random.default_rng(random_state)
    X = np.asarray(X)
    baseline = model.score(X, y)
    importances = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = []
        for _ in range(n_repeats):
            X_shuffled = X.copy()
            X_shuffled[:, j] = X_shuffled[rng.permutation(X.shape[0]), j]
            scores.append(model.score(X_shuffled, y))
        importances[j] = np.mean(scores) - baseline
    return importances
''',
    ),
    dict(
        name="permutation_shuffles_whole_rows",
        cell="permutation_solution",
        loses=["correct_permutation_basics", "correct_permutation_matches_sklearn"],
        why="shuffles the rows of X against y (every column at once), so every feature gets the same drop",
        code=_variant(
            _PERMUTATION,
            ('    importances = np.zeros(X.shape[1], dtype=float)\n',
             '    importances = np.zeros(X.shape[1])\n'),
            ('            X_shuffled = X.copy()\n            X_shuffled[:, j] = X_shuffled[rng.permutation(X.shape[0]), j]\n',
             '            X_shuffled = X[rng.permutation(X.shape[0])]\n'),
        ),
    ),
    dict(
        name="permutation_in_place_never_restored",
        cell="permutation_solution",
        loses=["correct_permutation_basics", "correct_permutation_matches_sklearn"],
        why="shuffles the caller's X in place and never restores it: later columns are scored with earlier ones destroyed",
        code='''def permutation_importance_by_hand(model, X, y, n_repeats=5, random_state=0):
    rng = np.random.default_rng(random_state)
    baseline = model.score(X, y)
    importances = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        drops = []
        for _ in range(n_repeats):
            X[:, j] = X[rng.permutation(X.shape[0]), j]
            drops.append(baseline - model.score(X, y))
        importances[j] = np.mean(drops)
    return importances
''',
    ),
    dict(
        name="permutation_global_rng",
        cell="permutation_solution",
        loses=["correct_permutation_basics"],
        why="shuffles with NumPy's global random state, so random_state is ignored and the same call gives other numbers",
        code='''def permutation_importance_by_hand(model, X, y, n_repeats=5, random_state=0):
    X = np.asarray(X)
    baseline = model.score(X, y)
    importances = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        drops = []
        for _ in range(n_repeats):
            X_shuffled = X.copy()
            X_shuffled[:, j] = X_shuffled[np.random.permutation(X.shape[0]), j]
            drops.append(baseline - model.score(X_shuffled, y))
        importances[j] = np.mean(drops)
    return importances
''',
    ),
    dict(
        name="permutation_median_of_drops",
        cell="permutation_solution",
        loses=["correct_permutation_basics"],
        why="reports the median of the per-shuffle drops: within the noise of sklearn's mean, but not the stated statistic",
        code=_variant(_PERMUTATION, ("importances[j] = np.mean(drops)", "importances[j] = np.median(drops)")),
    ),
    dict(
        name="permutation_integer_result",
        cell="permutation_solution",
        loses=["correct_permutation_basics"],
        why="allocates the result with X's dtype, so an integer X truncates every importance to an integer",
        code=_variant(_PERMUTATION, ("np.zeros(X.shape[1], dtype=float)", "np.zeros(X.shape[1], dtype=X.dtype)")),
    ),
    dict(
        name="permutation_unseeded_default",
        cell="permutation_solution",
        loses=["correct_permutation_basics"],
        why="defaults random_state to None, so a call without it draws fresh shuffles instead of the stated seed 0",
        code=_variant(_PERMUTATION, ("n_repeats=5, random_state=0)", "n_repeats=5, random_state=None)")),
    ),
    dict(
        name="permutation_shared_shuffle_per_repeat",
        cell="permutation_solution",
        loses=["correct_permutation_basics"],
        why="draws one row order per repeat and reuses it for every column, not the stated column-by-column draws",
        code='''def permutation_importance_by_hand(model, X, y, n_repeats=5, random_state=0):
    rng = np.random.default_rng(random_state)
    X = np.asarray(X)
    baseline = model.score(X, y)
    orders = [rng.permutation(X.shape[0]) for _ in range(n_repeats)]
    importances = np.zeros(X.shape[1], dtype=float)
    for j in range(X.shape[1]):
        drops = []
        for order in orders:
            X_shuffled = X.copy()
            X_shuffled[:, j] = X_shuffled[order, j]
            drops.append(baseline - model.score(X_shuffled, y))
        importances[j] = np.mean(drops)
    return importances
''',
    ),
    # ---------------------------------------------------------------- finding the leak
    dict(
        name="leak_scored_on_training_split",
        cell="leak_solution",
        loses=["correct_leak_flags"],
        why="scores each single-column model on the rows it was fitted on: a fully grown tree makes noise look like a leak",
        code=_variant(_FIND_LEAKS, ("roc_auc_score(y_test, single.predict_proba(X_test[:, [j]])[:, 1])",
                                    "roc_auc_score(y_train, single.predict_proba(X_train[:, [j]])[:, 1])")),
    ),
    dict(
        name="leak_raw_column_auc",
        cell="leak_solution",
        loses=["correct_leak_flags", "correct_leak_rules"],
        why="uses the raw column as the score, so a leak that sits in a band of values or falls with the target is missed",
        code=_variant(_FIND_LEAKS, ("roc_auc_score(y_test, single.predict_proba(X_test[:, [j]])[:, 1])",
                                    "roc_auc_score(y_test, X_test[:, j])")),
    ),
    dict(
        name="leak_always_the_top_column",
        cell="leak_solution",
        loses=["correct_leak_flags", "correct_leak_rules"],
        why="assumes every table has exactly one leak and flags the most predictive column, honest tables included",
        code=_variant(_FIND_LEAKS, ("return [str(names[j]) for j in order if aucs[j] >= line]",
                                    "return [str(names[order[0]])]")),
    ),
    dict(
        name="leak_only_near_perfect",
        cell="leak_solution",
        loses=["correct_leak_flags", "correct_leak_rules"],
        why="flags only near-perfect columns (AUC >= 0.95), ignoring that a miss costs ten false alarms: leaks seen "
            "through a small test set or a fully grown tree slip through",
        code=_variant(_FIND_LEAKS, ("line = 0.85", "line = 0.95")),
    ),
    dict(
        name="leak_line_among_honest_factors",
        cell="leak_solution",
        loses=["correct_leak_flags", "correct_leak_rules"],
        why="draws the line at 0.7, where strong honest factors live: every strong product factor is dropped as a leak",
        code=_variant(_FIND_LEAKS, ("line = 0.85", "line = 0.7")),
    ),
    dict(
        name="leak_in_column_order",
        cell="leak_solution",
        loses=["correct_leak_rules"],
        why="returns the flagged columns in table order, not most suspicious first",
        code=_variant(_FIND_LEAKS, ("order = sorted(range(len(aucs)), key=lambda j: -aucs[j])", "order = range(len(aucs))")),
    ),
    # ---------------------------------------------------------------- linear SHAP
    dict(
        name="linear_shap_uncentred",
        cell="linear_shap_solution",
        loses=["correct_linear_shap_values", "correct_linear_shap_base"],
        why="coefficient times the raw feature value, with the intercept as base value: no background at all",
        code='''def linear_shap(model, X, background):
    coef = np.ravel(model.coef_)
    phi = coef * np.asarray(X, dtype=float)
    return phi, float(np.ravel(model.intercept_)[0])
''',
    ),
    dict(
        name="linear_shap_centred_on_explained_rows",
        cell="linear_shap_solution",
        loses=["correct_linear_shap_values", "correct_linear_shap_base"],
        why="centres on the mean of the rows being explained instead of the background",
        code='''def linear_shap(model, X, background):
    coef = np.ravel(model.coef_)
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    phi = coef * (X - mean)
    return phi, float(np.ravel(model.intercept_)[0] + coef @ mean)
''',
    ),
    dict(
        name="linear_shap_intercept_as_base",
        cell="linear_shap_solution",
        loses=["correct_linear_shap_base"],
        why="right SHAP values, but the intercept as base value, so base + sum(phi) is not the prediction",
        code='''def linear_shap(model, X, background):
    coef = np.ravel(model.coef_)
    mean = np.asarray(background, dtype=float).mean(axis=0)
    phi = coef * (np.asarray(X, dtype=float) - mean)
    return phi, float(np.ravel(model.intercept_)[0])
''',
    ),
    dict(
        name="linear_shap_ignores_column_names",
        cell="linear_shap_solution",
        loses=["correct_linear_shap_values"],
        why="turns DataFrames into arrays in the order they list their columns, so coefficients meet the wrong columns",
        code='''def linear_shap(model, X, background):
    coef = np.ravel(np.asarray(model.coef_, dtype=float))
    mean = np.asarray(background, dtype=float).mean(axis=0)
    phi = coef * (np.asarray(X, dtype=float) - mean)
    return phi, float(np.ravel(model.intercept_)[0] + coef @ mean)
''',
    ),
    # ---------------------------------------------------------------- exact Shapley
    dict(
        name="linear_shap_centres_caller_x",
        cell="linear_shap_solution",
        loses=["correct_linear_shap_values"],
        why="centres X in place (np.asarray returns the caller's float array itself), so the caller's rows change",
        code='''def linear_shap(model, X, background):
    names = getattr(model, "feature_names_in_", None)

    def in_model_order(table):
        if names is not None and hasattr(table, "columns"):
            table = table[list(names)]
        return np.asarray(table, dtype=float)

    coef = np.ravel(np.asarray(model.coef_, dtype=float))
    background_mean = in_model_order(background).mean(axis=0)
    phi = in_model_order(X)
    phi -= background_mean
    phi *= coef
    return phi, float(np.ravel(model.intercept_)[0] + coef @ background_mean)
''',
    ),
    dict(
        name="linear_shap_background_frame_in_its_own_order",
        cell="linear_shap_solution",
        loses=["correct_linear_shap_values", "correct_linear_shap_base"],
        why="reorders X by the model's column names but takes a background DataFrame in the order it lists its columns",
        code='''def linear_shap(model, X, background):
    names = getattr(model, "feature_names_in_", None)
    if names is not None and hasattr(X, "columns"):
        X = X[list(names)]
    coef = np.ravel(np.asarray(model.coef_, dtype=float))
    background_mean = np.asarray(background, dtype=float).mean(axis=0)
    phi = coef * (np.asarray(X, dtype=float) - background_mean)
    return phi, float(np.ravel(model.intercept_)[0] + coef @ background_mean)
''',
    ),
    dict(
        name="shapley_plug_in_background_mean",
        cell="shapley_solution",
        loses=["correct_shapley_axioms", "correct_shapley_matches_shap"],
        why="predicts once at the background mean instead of averaging predictions over the background rows",
        code='''def exact_shapley_values(f, x, background):
    x = np.asarray(x, dtype=float)
    mean_row = np.asarray(background, dtype=float).mean(axis=0)
    p = x.shape[0]

    def value(coalition):
        z = mean_row.copy()
        z[list(coalition)] = x[list(coalition)]
        return float(f(z[None, :])[0])

    phi = np.zeros(p)
    for j in range(p):
        others = [k for k in range(p) if k != j]
        for size in range(p):
            weight = factorial(size) * factorial(p - size - 1) / factorial(p)
            for coalition in combinations(others, size):
                phi[j] += weight * (value(tuple(sorted(coalition + (j,)))) - value(coalition))
    return phi
''',
    ),
    dict(
        name="shapley_uniform_weights",
        cell="shapley_solution",
        loses=["correct_shapley_axioms", "correct_shapley_matches_shap"],
        why="averages marginal contributions over coalitions with equal weights (the Banzhaf value), not |S|!(p-|S|-1)!/p!",
        code='''def exact_shapley_values(f, x, background):
    x = np.asarray(x, dtype=float)
    background = np.asarray(background, dtype=float)
    p = x.shape[0]

    def value(coalition):
        mixed = background.copy()
        mixed[:, list(coalition)] = x[list(coalition)]
        return float(np.mean(f(mixed)))

    phi = np.zeros(p)
    for j in range(p):
        others = [k for k in range(p) if k != j]
        for size in range(p):
            for coalition in combinations(others, size):
                phi[j] += (value(tuple(sorted(coalition + (j,)))) - value(coalition)) / 2 ** (p - 1)
    return phi
''',
    ),
    dict(
        name="shapley_leave_one_out",
        cell="shapley_solution",
        loses=["correct_shapley_axioms", "correct_shapley_matches_shap"],
        why="only the contribution of adding j last (leave-one-out), ignoring every smaller coalition",
        code='''def exact_shapley_values(f, x, background):
    x = np.asarray(x, dtype=float)
    background = np.asarray(background, dtype=float)
    p = x.shape[0]

    def value(coalition):
        mixed = background.copy()
        mixed[:, list(coalition)] = x[list(coalition)]
        return float(np.mean(f(mixed)))

    everything = tuple(range(p))
    return np.array([value(everything) - value(tuple(k for k in everything if k != j)) for j in range(p)])
''',
    ),
    dict(
        name="shapley_integer_background_truncates",
        cell="shapley_solution",
        loses=["correct_shapley_axioms"],
        why="copies the background in its own dtype: with integer counts, x's fractional values are truncated when written in",
        code='''def exact_shapley_values(f, x, background):
    x = np.asarray(x, dtype=float)
    background = np.asarray(background)
    p = x.shape[0]
    values = {}

    def value(coalition):
        if coalition not in values:
            mixed = background.copy()
            mixed[:, list(coalition)] = x[list(coalition)]
            values[coalition] = float(np.mean(f(mixed)))
        return values[coalition]

    phi = np.zeros(p)
    for j in range(p):
        others = [k for k in range(p) if k != j]
        for size in range(p):
            weight = factorial(size) * factorial(p - size - 1) / factorial(p)
            for coalition in combinations(others, size):
                phi[j] += weight * (value(tuple(sorted(coalition + (j,)))) - value(coalition))
    return phi
''',
    ),
    # ---------------------------------------------------------------- adverse-action reasons
    dict(
        name="adverse_sigmoid_per_value",
        cell="adverse_solution",
        loses=["correct_adverse_path", "correct_adverse_reasons"],
        why="pushes each SHAP value through the logistic function on its own and adds the probability points",
        code='''def adverse_action_reasons(phi, base_value, names, k=3):
    phi = np.asarray(phi, dtype=float)
    sigmoid = lambda m: 1.0 / (1.0 + np.exp(-m))
    order = np.argsort(-phi, kind="stable")
    steps = sigmoid(phi[order]) - 0.5
    path = sigmoid(base_value) + np.concatenate([[0.0], np.cumsum(steps)])
    reasons = [(str(names[j]), float(s)) for j, s in zip(order, steps) if phi[j] > 0]
    return reasons[:k], path
''',
    ),
    dict(
        name="adverse_margin_as_probability",
        cell="adverse_solution",
        loses=["correct_adverse_path", "correct_adverse_reasons"],
        why="reports the running log-odds as if they were probabilities (no link at all)",
        code='''def adverse_action_reasons(phi, base_value, names, k=3):
    phi = np.asarray(phi, dtype=float)
    order = np.argsort(-phi, kind="stable")
    path = float(base_value) + np.concatenate([[0.0], np.cumsum(phi[order])])
    reasons = [(str(names[j]), float(path[i + 1] - path[i])) for i, j in enumerate(order) if phi[j] > 0]
    return reasons[:k], path
''',
    ),
    dict(
        name="adverse_ranks_by_magnitude",
        cell="adverse_solution",
        loses=["correct_adverse_path", "correct_adverse_reasons"],
        why="ranks features by |SHAP value|, so features that lowered the risk become reasons for a refusal",
        code='''def adverse_action_reasons(phi, base_value, names, k=3):
    phi = np.asarray(phi, dtype=float)
    order = np.argsort(-np.abs(phi), kind="stable")
    path = 1.0 / (1.0 + np.exp(-(float(base_value) + np.concatenate([[0.0], np.cumsum(phi[order])]))))
    reasons = [(str(names[j]), float(path[i + 1] - path[i])) for i, j in enumerate(order)]
    return reasons[:k], path
''',
    ),
    dict(
        name="adverse_zero_is_a_reason",
        cell="adverse_solution",
        loses=["correct_adverse_reasons"],
        why="keeps features whose SHAP value is 0 (phi >= 0) as reasons, though they did not raise the risk",
        code='''def adverse_action_reasons(phi, base_value, names, k=3):
    phi = np.asarray(phi, dtype=float)
    order = np.argsort(-phi, kind="stable")
    path = 1.0 / (1.0 + np.exp(-(float(base_value) + np.concatenate([[0.0], np.cumsum(phi[order])]))))
    reasons = [(str(names[j]), float(path[i + 1] - path[i])) for i, j in enumerate(order) if phi[j] >= 0]
    return reasons[:k], path
''',
    ),
    dict(
        name="adverse_exp_ratio_overflows",
        cell="adverse_solution",
        loses=["correct_adverse_path"],
        why="writes the logistic function as exp(m) / (1 + exp(m)), which is inf / inf = NaN for a large log-odds",
        code='''def adverse_action_reasons(phi, base_value, names, k=3):
    phi = np.asarray(phi, dtype=float)
    order = np.argsort(-phi, kind="stable")
    running = float(base_value) + np.concatenate([[0.0], np.cumsum(phi[order])])
    with np.errstate(over="ignore", invalid="ignore"):
        path = np.exp(running) / (1.0 + np.exp(running))
    reasons = [(str(names[j]), float(path[i + 1] - path[i])) for i, j in enumerate(order) if phi[j] > 0]
    return reasons[:k], path
''',
    ),
    dict(
        name="adverse_sorts_phi_in_place",
        cell="adverse_solution",
        loses=["correct_adverse_reasons"],
        why="reorders the caller's SHAP array in place to build the waterfall: right numbers, a corrupted input",
        code='''def adverse_action_reasons(phi, base_value, names, k=3):
    phi = np.asarray(phi, dtype=float)  # no copy: this is the caller's array
    order = np.argsort(-phi, kind="stable")
    phi[:] = phi[order]
    ordered_names = [str(names[j]) for j in order]
    path = 1.0 / (1.0 + np.exp(-(float(base_value) + np.concatenate([[0.0], np.cumsum(phi)]))))
    reasons = [(ordered_names[i], float(path[i + 1] - path[i])) for i in range(len(phi)) if phi[i] > 0]
    return reasons[:k], path
''',
    ),
    dict(
        name="adverse_unstable_sort",
        cell="adverse_solution",
        loses=["correct_adverse_reasons"],
        why="orders with numpy's default (unstable) sort: ties keep column order on small arrays only, by accident",
        code='''def adverse_action_reasons(phi, base_value, names, k=3):
    phi = np.asarray(phi, dtype=float)
    order = np.argsort(-phi)
    running_logodds = float(base_value) + np.concatenate([[0.0], np.cumsum(phi[order])])
    path = 1.0 / (1.0 + np.exp(-running_logodds))
    reasons = [(str(names[j]), float(path[i + 1] - path[i])) for i, j in enumerate(order) if phi[j] > 0]
    return reasons[:k], path
''',
    ),
    dict(
        name="adverse_integer_phi_cumsum",
        cell="adverse_solution",
        loses=["correct_adverse_reasons"],
        why="keeps phi's dtype and writes the running totals into an array like it: integer SHAP values truncate the base value",
        code='''def adverse_action_reasons(phi, base_value, names, k=3):
    phi = np.asarray(phi)
    order = np.argsort(-phi, kind="stable")
    running = np.empty(len(phi) + 1, dtype=phi.dtype)
    running[0] = base_value
    running[1:] = base_value + np.cumsum(phi[order])
    path = 1.0 / (1.0 + np.exp(-running))
    reasons = [(str(names[j]), float(path[i + 1] - path[i])) for i, j in enumerate(order) if phi[j] > 0]
    return reasons[:k], path
''',
    ),
    # ---------------------------------------------------------------- counterfactual explanations
    dict(
        name="cf_unscaled_cost",
        cell="counterfactual_solution",
        loses=["correct_counterfactual_fresh"],
        why="measures the change in raw units, so a change of income in thousands and of a ratio in [0, 1] compare as equals",
        code='''def smallest_counterfactual(model, x, grids, scale, threshold=0.5):
    x = np.asarray(x, dtype=float)
    if model.predict_proba(x[None, :])[0, 1] < threshold:
        return x.copy(), 0.0
    features = sorted(grids)
    options = [np.concatenate([[x[j]], np.asarray(grids[j], dtype=float)]) for j in features]
    candidates = np.tile(x, (int(np.prod([len(o) for o in options])), 1))
    candidates[:, features] = np.array(list(product(*options)))
    risks = model.predict_proba(candidates)[:, 1]
    costs = np.abs(candidates - x).sum(axis=1)
    changed = (candidates != x).sum(axis=1)
    approved = np.flatnonzero(risks < threshold)
    if len(approved) == 0:
        return None, float("inf")
    best = min(approved, key=lambda i: (costs[i], changed[i], risks[i]))
    return candidates[best].copy(), float(np.sum(np.abs(candidates[best] - x) / scale))
''',
    ),
    dict(
        name="cf_one_feature_at_a_time",
        cell="counterfactual_solution",
        loses=["correct_counterfactual_fresh"],
        why="tries each feature's grid on its own, never two changes together, and misses cheaper combined changes",
        code='''def smallest_counterfactual(model, x, grids, scale, threshold=0.5):
    x = np.asarray(x, dtype=float)
    if model.predict_proba(x[None, :])[0, 1] < threshold:
        return x.copy(), 0.0
    best, best_key = None, None
    for j in sorted(grids):
        for value in grids[j]:
            row = x.copy()
            row[j] = value
            risk = float(model.predict_proba(row[None, :])[0, 1])
            if risk < threshold:
                key = (float(abs(value - x[j]) / scale[j]), int(value != x[j]), risk)
                if best_key is None or key < best_key:
                    best, best_key = row, key
    return (None, float("inf")) if best is None else (best, best_key[0])
''',
    ),
    dict(
        name="cf_risk_at_threshold_approves",
        cell="counterfactual_solution",
        loses=["correct_counterfactual_rules"],
        why="approves a risk equal to the threshold (<=), though the model refuses from the threshold up",
        code='''def smallest_counterfactual(model, x, grids, scale, threshold=0.5):
    x = np.asarray(x, dtype=float)
    if model.predict_proba(x[None, :])[0, 1] <= threshold:
        return x.copy(), 0.0
    features = sorted(grids)
    options = [np.concatenate([[x[j]], np.asarray(grids[j], dtype=float)]) for j in features]
    candidates = np.tile(x, (int(np.prod([len(o) for o in options])), 1))
    candidates[:, features] = np.array(list(product(*options)))
    risks = model.predict_proba(candidates)[:, 1]
    costs = (np.abs(candidates - x) / np.asarray(scale, dtype=float)).sum(axis=1)
    changed = (candidates != x).sum(axis=1)
    approved = np.flatnonzero(risks <= threshold)
    if len(approved) == 0:
        return None, float("inf")
    best = min(approved, key=lambda i: (costs[i], changed[i], risks[i]))
    return candidates[best].copy(), float(costs[best])
''',
    ),
    dict(
        name="cf_first_cheapest_found",
        cell="counterfactual_solution",
        loses=["correct_counterfactual_rules"],
        why="keeps the first cheapest candidate the search meets, ignoring the stated tie rules (fewer changes, lower risk)",
        code='''def smallest_counterfactual(model, x, grids, scale, threshold=0.5):
    x = np.asarray(x, dtype=float)
    if model.predict_proba(x[None, :])[0, 1] < threshold:
        return x.copy(), 0.0
    features = sorted(grids)
    options = [np.concatenate([[x[j]], np.asarray(grids[j], dtype=float)]) for j in features]
    candidates = np.tile(x, (int(np.prod([len(o) for o in options])), 1))
    candidates[:, features] = np.array(list(product(*options)))
    risks = model.predict_proba(candidates)[:, 1]
    costs = (np.abs(candidates - x) / np.asarray(scale, dtype=float)).sum(axis=1)
    approved = np.flatnonzero(risks < threshold)
    if len(approved) == 0:
        return None, float("inf")
    best = min(approved, key=lambda i: costs[i])
    return candidates[best].copy(), float(costs[best])
''',
    ),
    dict(
        name="cf_returns_x_when_nothing_flips",
        cell="counterfactual_solution",
        loses=["correct_counterfactual_rules"],
        why="returns x itself at cost 0 when no candidate is approved, as if no change were needed",
        code='''def smallest_counterfactual(model, x, grids, scale, threshold=0.5):
    x = np.asarray(x, dtype=float)
    if model.predict_proba(x[None, :])[0, 1] < threshold:
        return x.copy(), 0.0
    features = sorted(grids)
    options = [np.concatenate([[x[j]], np.asarray(grids[j], dtype=float)]) for j in features]
    candidates = np.tile(x, (int(np.prod([len(o) for o in options])), 1))
    candidates[:, features] = np.array(list(product(*options)))
    risks = model.predict_proba(candidates)[:, 1]
    costs = (np.abs(candidates - x) / np.asarray(scale, dtype=float)).sum(axis=1)
    changed = (candidates != x).sum(axis=1)
    approved = np.flatnonzero(risks < threshold)
    if len(approved) == 0:
        return x.copy(), 0.0
    best = min(approved, key=lambda i: (costs[i], changed[i], risks[i]))
    return candidates[best].copy(), float(costs[best])
''',
    ),
    dict(
        name="cf_integer_applicant_truncates_grid",
        cell="counterfactual_solution",
        loses=["correct_counterfactual_rules"],
        why="builds candidates in x's dtype, so for an integer applicant a fractional grid value (0.25) becomes 0",
        code='''def smallest_counterfactual(model, x, grids, scale, threshold=0.5):
    x = np.asarray(x)
    if model.predict_proba(x[None, :])[0, 1] < threshold:
        return x.copy(), 0.0
    features = sorted(grids)
    options = [np.concatenate([[x[j]], np.asarray(grids[j], dtype=float)]) for j in features]
    candidates = np.tile(x, (int(np.prod([len(o) for o in options])), 1))
    candidates[:, features] = np.array(list(product(*options)))
    risks = model.predict_proba(candidates)[:, 1]
    costs = (np.abs(candidates - x) / np.asarray(scale, dtype=float)).sum(axis=1)
    changed = (candidates != x).sum(axis=1)
    approved = np.flatnonzero(risks < threshold)
    if len(approved) == 0:
        return None, float("inf")
    best = min(approved, key=lambda i: (costs[i], changed[i], risks[i]))
    return candidates[best].copy(), float(costs[best])
''',
    ),
    # ---------------------------------------------------------------- design: flat partial dependence, high importance
    dict(
        name="design_additive",
        cell="design_solution",
        loses=["correct_design_properties"],
        why="y = x0 + x1: the first column is important, but its partial dependence is a straight, steep line",
        code='''def make_flat_pd_data(n=2000, random_state=0):
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, X[:, 0] + X[:, 1]
''',
    ),
    dict(
        name="design_uncentred_product",
        cell="design_solution",
        loses=["correct_design_properties"],
        why="x0 * x1 with both features in [0, 1]: the other feature's mean is not 0, so the average keeps a slope",
        code='''def make_flat_pd_data(n=2000, random_state=0):
    rng = np.random.default_rng(random_state)
    X = rng.uniform(0.0, 1.0, size=(n, 2))
    return X, X[:, 0] * X[:, 1]
''',
    ),
    dict(
        name="design_first_column_unused",
        cell="design_solution",
        loses=["correct_design_properties"],
        why="a flat partial dependence because y ignores the first column: no importance at all",
        code='''def make_flat_pd_data(n=2000, random_state=0):
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, X[:, 1] ** 2
''',
    ),
    dict(
        name="design_global_rng",
        cell="design_solution",
        loses=["correct_design_rules"],
        why="draws from NumPy's global random state, so random_state does not decide the data",
        code='''def make_flat_pd_data(n=2000, random_state=0):
    X = np.random.uniform(-1.0, 1.0, size=(n, 2))
    return X, X[:, 0] * X[:, 1]
''',
    ),
    dict(
        name="design_seed_ignored",
        cell="design_solution",
        loses=["correct_design_rules"],
        why="seeds its generator with a constant: every random_state gives the same data",
        code='''def make_flat_pd_data(n=2000, random_state=0):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, X[:, 0] * X[:, 1]
''',
    ),
    # ---------------------------------------------------------------- LIME
    dict(
        name="lime_unweighted",
        cell="lime_solution",
        loses=["correct_lime_matches_lime"],
        why="fits the ridge without the kernel weights: a global, not a local, linear model",
        code='''def lime_by_hand(predict_fn, x, X_train, num_samples=5000, kernel_width=None, random_state=0):
    x = np.asarray(x, dtype=float)
    scale = np.asarray(X_train, dtype=float).std(axis=0)
    scale[scale == 0] = 1.0
    Z = np.random.RandomState(random_state).normal(0.0, 1.0, size=(num_samples, x.shape[0]))
    Z[0] = 0.0
    targets = np.asarray(predict_fn(x + Z * scale), dtype=float)
    return np.asarray(Ridge(alpha=1.0).fit(Z, targets).coef_, dtype=float)
''',
    ),
    dict(
        name="lime_raw_units",
        cell="lime_solution",
        loses=["correct_lime_linear", "correct_lime_matches_lime"],
        why="perturbs every feature by N(0, 1) in raw units: income in thousands and a ratio in [0, 1] get the same noise",
        code='''def lime_by_hand(predict_fn, x, X_train, num_samples=5000, kernel_width=None, random_state=0):
    x = np.asarray(x, dtype=float)
    p = x.shape[0]
    if kernel_width is None:
        kernel_width = 0.75 * np.sqrt(p)
    Z = np.random.RandomState(random_state).normal(0.0, 1.0, size=(num_samples, p))
    Z[0] = 0.0
    targets = np.asarray(predict_fn(x + Z), dtype=float)
    d = np.sqrt((Z ** 2).sum(axis=1))
    weights = np.sqrt(np.exp(-(d ** 2) / kernel_width ** 2))
    return np.asarray(Ridge(alpha=1.0).fit(Z, targets, sample_weight=weights).coef_, dtype=float)
''',
    ),
    dict(
        name="lime_samples_around_training_mean",
        cell="lime_solution",
        loses=["correct_lime_matches_lime"],
        why="draws the perturbations around the training mean (lime's default) while the task asks around the instance",
        code='''def lime_by_hand(predict_fn, x, X_train, num_samples=5000, kernel_width=None, random_state=0):
    x = np.asarray(x, dtype=float)
    X_train = np.asarray(X_train, dtype=float)
    p = x.shape[0]
    scale = X_train.std(axis=0)
    scale[scale == 0] = 1.0
    if kernel_width is None:
        kernel_width = 0.75 * np.sqrt(p)
    Z = np.random.RandomState(random_state).normal(0.0, 1.0, size=(num_samples, p))
    rows = X_train.mean(axis=0) + Z * scale
    rows[0] = x
    targets = np.asarray(predict_fn(rows), dtype=float)
    scaled = (rows - x) / scale
    d = np.sqrt((scaled ** 2).sum(axis=1))
    weights = np.sqrt(np.exp(-(d ** 2) / kernel_width ** 2))
    return np.asarray(Ridge(alpha=1.0).fit(scaled, targets, sample_weight=weights).coef_, dtype=float)
''',
    ),
    dict(
        name="lime_seeds_global_rng",
        cell="lime_solution",
        loses=["correct_lime_linear"],
        why="np.random.seed(random_state) then np.random.normal: lime's exact numbers, but the caller's global random state is reset on every call",
        code='''def lime_by_hand(predict_fn, x, X_train, num_samples=5000, kernel_width=None, random_state=0):
    x = np.asarray(x, dtype=float)
    p = x.shape[0]
    scale = np.asarray(X_train, dtype=float).std(axis=0)
    scale[scale == 0] = 1.0
    if kernel_width is None:
        kernel_width = 0.75 * np.sqrt(p)
    np.random.seed(random_state)
    Z = np.random.normal(0.0, 1.0, size=(num_samples, p))
    Z[0] = 0.0
    targets = np.asarray(predict_fn(x + Z * scale), dtype=float)
    d = np.sqrt((Z ** 2).sum(axis=1))
    weights = np.sqrt(np.exp(-(d ** 2) / kernel_width ** 2))
    return np.asarray(Ridge(alpha=1.0).fit(Z, targets, sample_weight=weights).coef_, dtype=float)
''',
    ),
    dict(
        name="lime_centres_training_in_place",
        cell="lime_solution",
        loses=["correct_lime_linear"],
        why="copies x but centres the caller's X_train in place before taking its standard deviation (np.asarray makes no copy)",
        code='''def lime_by_hand(predict_fn, x, X_train, num_samples=5000, kernel_width=None, random_state=0):
    x = np.array(x, dtype=float)
    X_train = np.asarray(X_train, dtype=float)
    X_train -= X_train.mean(axis=0)
    p = x.shape[0]
    scale = X_train.std(axis=0)
    scale[scale == 0] = 1.0
    if kernel_width is None:
        kernel_width = 0.75 * np.sqrt(p)
    Z = np.random.RandomState(random_state).normal(0.0, 1.0, size=(num_samples, p))
    Z[0] = 0.0
    targets = np.asarray(predict_fn(x + Z * scale), dtype=float)
    d = np.sqrt((Z ** 2).sum(axis=1))
    weights = np.sqrt(np.exp(-(d ** 2) / kernel_width ** 2))
    return np.asarray(Ridge(alpha=1.0).fit(Z, targets, sample_weight=weights).coef_, dtype=float)
''',
    ),
    dict(
        name="lime_constant_column_by_zero_std",
        cell="lime_solution",
        loses=["correct_lime_matches_lime"],
        why="replaces the scale only where the computed std is exactly 0: rounding leaves a constant column 1e-16",
        code='''def lime_by_hand(predict_fn, x, X_train, num_samples=5000, kernel_width=None, random_state=0):
    x = np.asarray(x, dtype=float)
    X_train = np.asarray(X_train, dtype=float)
    scale = X_train.std(axis=0)
    scale[scale == 0] = 1.0
    if kernel_width is None:
        kernel_width = 0.75 * np.sqrt(x.shape[0])
    Z = np.random.RandomState(random_state).normal(0.0, 1.0, size=(num_samples, x.shape[0]))
    Z[0] = 0.0
    targets = np.asarray(predict_fn(x + Z * scale), dtype=float)
    weights = np.sqrt(np.exp(-(Z ** 2).sum(axis=1) / kernel_width ** 2))
    return np.asarray(Ridge(alpha=1.0).fit(Z, targets, sample_weight=weights).coef_, dtype=float)
''',
    ),
    # ---------------------------------------------------------------- LIME stability: choosing the kernel width
    dict(
        name="width_most_stable",
        cell="lime_stability_solution",
        loses=["correct_lime_width_choice"],
        why="ships the most stable width (usually the widest: the global fit) instead of the narrowest stable one",
        code=_variant(_CHOOSE_WIDTH,
                  ('    stable = [w for w in widths if agreement[w] >= line]\n    return (min(stable) if stable else None), agreement\n',
                   '    best = max(agreement.values())\n    if best < line:\n        return None, agreement\n    return max(w for w in widths if agreement[w] == best), agreement\n')),
    ),
    dict(
        name="width_first_listed",
        cell="lime_stability_solution",
        loses=["correct_lime_width_choice"],
        why="returns the first width in the order given that reaches the target, assuming the widths come sorted",
        code=_variant(_CHOOSE_WIDTH,
                  ('    stable = [w for w in widths if agreement[w] >= line]\n    return (min(stable) if stable else None), agreement\n',
                   '    for width in widths:\n        if agreement[width] >= line:\n            return width, agreement\n    return None, agreement\n')),
    ),
    dict(
        name="width_widest_always",
        cell="lime_stability_solution",
        loses=["correct_lime_width_choice"],
        why="always sends the widest kernel (the most stable): it explains the population, not the applicant",
        code=_variant(_CHOOSE_WIDTH,
                  ('    return (min(stable) if stable else None), agreement\n', '    return max(widths), agreement\n')),
    ),
    dict(
        name="width_narrowest_always",
        cell="lime_stability_solution",
        loses=["correct_lime_width_choice"],
        why="always sends the narrowest kernel (the most local), whatever its seeds say: letters of noise",
        code=_variant(_CHOOSE_WIDTH,
                  ('    return (min(stable) if stable else None), agreement\n', '    return min(widths), agreement\n')),
    ),
    dict(
        name="width_lime_default",
        cell="lime_stability_solution",
        loses=["correct_lime_width_choice"],
        why="sends the width closest to lime's default 0.75 * sqrt(p), whatever the agreements say",
        code=_variant(_CHOOSE_WIDTH,
                  ('    return (min(stable) if stable else None), agreement\n',
                   '    p = len(np.asarray(explain(widths[0], seeds[0])))\n'
                   '    return min(widths, key=lambda w: abs(w - 0.75 * np.sqrt(p))), agreement\n')),
    ),
    dict(
        name="width_never_sends",
        cell="lime_stability_solution",
        loses=["correct_lime_width_choice"],
        why="sends every case to a person: safe, and twice as costly as letters from a stable local width",
        code=_variant(_CHOOSE_WIDTH, ('    return (min(stable) if stable else None), agreement\n', '    return None, agreement\n')),
    ),
    dict(
        name="width_signed_top_k",
        cell="lime_stability_solution",
        loses=["correct_lime_width_agreement"],
        why="ranks features by signed coefficient, so a strong negative effect never counts among the top features",
        code=_variant(_CHOOSE_WIDTH,
                  ('        tops = [set(np.argsort(-np.abs(np.asarray(explain(width, s), dtype=float)), kind="stable")[:k].tolist())\n                for s in seeds]\n',
                   '        tops = [set(np.argsort(-np.asarray(explain(width, s), dtype=float), kind="stable")[:k].tolist()) for s in seeds]\n')),
    ),
    dict(
        name="width_default_sort",
        cell="lime_stability_solution",
        loses=["correct_lime_width_agreement"],
        why="ranks with numpy's default sort: ties go to the lower index on short arrays only, by accident",
        code=_variant(_CHOOSE_WIDTH, ('dtype=float)), kind="stable")[:k]', 'dtype=float)))[:k]')),
    ),
    dict(
        name="width_ties_to_higher_index",
        cell="lime_stability_solution",
        loses=["correct_lime_width_agreement"],
        why="np.argsort(|coef|)[::-1] breaks ties towards the higher column index, against the stated rule",
        code=_variant(_CHOOSE_WIDTH,
                  ('        tops = [set(np.argsort(-np.abs(np.asarray(explain(width, s), dtype=float)), kind="stable")[:k].tolist())\n',
                   '        tops = [set(np.argsort(np.abs(np.asarray(explain(width, s), dtype=float)), kind="stable")[::-1][:k].tolist())\n')),
    ),
    dict(
        name="width_pairs_with_first_seed",
        cell="lime_stability_solution",
        loses=["correct_lime_width_agreement"],
        why="compares every seed with the first seed only, not every pair of seeds",
        code=_variant(_CHOOSE_WIDTH,
                  ('        agreement[width] = float(np.mean([len(a & b) / len(a | b) for a, b in combinations(tops, 2)]))\n',
                   '        agreement[width] = float(np.mean([len(tops[0] & b) / len(tops[0] | b) for b in tops[1:]]))\n')),
    ),
    # ---------------------------------------------------------------- surrogate
    dict(
        name="surrogate_fitted_on_val_rows",
        cell="surrogate_solution",
        loses=["correct_surrogate_tree"],
        why="fits each tree on the validation rows, so its fidelity is measured in-sample and the tree is the wrong one",
        code='''def smallest_faithful_surrogate(black_box, X_fit, X_val, target_fidelity=0.9, max_depth=8, random_state=0):
    if not 0.0 < target_fidelity <= 1.0:
        raise ValueError("target_fidelity must be in (0, 1]")
    labels = black_box.predict(X_val)
    best = (None, -1.0)
    for depth in range(1, max_depth + 1):
        tree = DecisionTreeClassifier(max_depth=depth, random_state=random_state).fit(X_val, labels)
        fidelity = float(np.mean(tree.predict(X_val) == labels))
        if fidelity >= target_fidelity:
            return tree, fidelity
        if fidelity > best[1]:
            best = (tree, fidelity)
    return best
''',
    ),
    dict(
        name="surrogate_fidelity_in_sample",
        cell="surrogate_solution",
        loses=["correct_surrogate_choice"],
        why="measures fidelity on the rows the tree was fitted on, which flatters shallow trees and stops too early",
        code='''def smallest_faithful_surrogate(black_box, X_fit, X_val, target_fidelity=0.9, max_depth=8, random_state=0):
    if not 0.0 < target_fidelity <= 1.0:
        raise ValueError("target_fidelity must be in (0, 1]")
    labels = black_box.predict(X_fit)
    best = (None, -1.0)
    for depth in range(1, max_depth + 1):
        tree = DecisionTreeClassifier(max_depth=depth, random_state=random_state).fit(X_fit, labels)
        fidelity = float(np.mean(tree.predict(X_fit) == labels))
        if fidelity >= target_fidelity:
            return tree, fidelity
        if fidelity > best[1]:
            best = (tree, fidelity)
    return best
''',
    ),
    dict(
        name="surrogate_most_faithful_depth",
        cell="surrogate_solution",
        loses=["correct_surrogate_choice"],
        why="returns the most faithful depth whatever each level costs the readers: about a level deeper than needed, "
            "a rulebook nobody reads",
        code='''def smallest_faithful_surrogate(black_box, X_fit, X_val, target_fidelity=0.9, max_depth=8, random_state=0):
    if not 0.0 < target_fidelity <= 1.0:
        raise ValueError("target_fidelity must be in (0, 1]")
    fit_labels, val_labels = black_box.predict(X_fit), black_box.predict(X_val)
    best = (None, -1.0)
    for depth in range(1, max_depth + 1):
        tree = DecisionTreeClassifier(max_depth=depth, random_state=random_state).fit(X_fit, fit_labels)
        fidelity = float(np.mean(tree.predict(X_val) == val_labels))
        if fidelity > best[1]:
            best = (tree, fidelity)
    return best
''',
    ),
    dict(
        name="surrogate_minimum_rule",
        cell="surrogate_solution",
        loses=["correct_surrogate_choice"],
        why="stops at the first depth whose validation fidelity reaches the target, as if a few hundred rows measured "
            "it exactly: about one rulebook in three then fails the audit",
        code='''def smallest_faithful_surrogate(black_box, X_fit, X_val, target_fidelity=0.9, max_depth=8, random_state=0):
    if not 0.0 < target_fidelity <= 1.0:
        raise ValueError("target_fidelity must be in (0, 1]")
    fit_labels, val_labels = black_box.predict(X_fit), black_box.predict(X_val)
    best = (None, -1.0)
    for depth in range(1, max_depth + 1):
        tree = DecisionTreeClassifier(max_depth=depth, random_state=random_state).fit(X_fit, fit_labels)
        fidelity = float(np.mean(tree.predict(X_val) == val_labels))
        if fidelity >= target_fidelity:
            return tree, fidelity
        if fidelity > best[1]:
            best = (tree, fidelity)
    return best
''',
    ),
    dict(
        name="surrogate_always_deepest",
        cell="surrogate_solution",
        loses=["correct_surrogate_choice"],
        why="hands the committee the deepest tree to be safe: it passes audits, at eight levels of rules every time",
        code='''def smallest_faithful_surrogate(black_box, X_fit, X_val, target_fidelity=0.9, max_depth=8, random_state=0):
    if not 0.0 < target_fidelity <= 1.0:
        raise ValueError("target_fidelity must be in (0, 1]")
    tree = DecisionTreeClassifier(max_depth=max_depth, random_state=random_state).fit(X_fit, black_box.predict(X_fit))
    return tree, float(np.mean(tree.predict(X_val) == black_box.predict(X_val)))
''',
    ),
    dict(
        name="surrogate_no_target_guard",
        cell="surrogate_solution",
        loses=["correct_surrogate_choice"],
        why="accepts a NaN or impossible target silently (every comparison with NaN is False) instead of raising",
        code='''def smallest_faithful_surrogate(black_box, X_fit, X_val, target_fidelity=0.9, max_depth=8, random_state=0):
    fit_labels, val_labels = black_box.predict(X_fit), black_box.predict(X_val)
    best = (None, -1.0)
    for depth in range(1, max_depth + 1):
        tree = DecisionTreeClassifier(max_depth=depth, random_state=random_state).fit(X_fit, fit_labels)
        fidelity = float(np.mean(tree.predict(X_val) == val_labels))
        if fidelity >= target_fidelity:
            return tree, fidelity
        if fidelity > best[1]:
            best = (tree, fidelity)
    return best
''',
    ),
    # ---------------------------------------------------------------- SHAP background
    dict(
        name="background_always_training",
        cell="background_solution",
        loses=["correct_background_basics", "correct_background_choice"],
        why="uses the training rows because the model was fitted on them: after a drift they answer 'compared with "
            "last year's applicants'",
        code=_variant(_BACKGROUND, ('    choice = "training" if squared["training"] < 2.0 * noise else "recent"\n',
                                    '    choice = "training"\n')),
    ),
    dict(
        name="background_always_recent",
        cell="background_solution",
        loses=["correct_background_basics", "correct_background_choice"],
        why="always uses the handful of recent rows, the right population, ignoring how noisy five rows are",
        code=_variant(_BACKGROUND, ('    choice = "training" if squared["training"] < 2.0 * noise else "recent"\n',
                                    '    choice = "recent"\n')),
    ),
    dict(
        name="background_largest_recent_table",
        cell="background_solution",
        loses=["correct_background_basics", "correct_background_choice"],
        why="takes the approved loans, the largest table of this month: selected on the model's own score, they "
            "answer 'compared with approved applicants'",
        code=_variant(_BACKGROUND, ('    choice = "training" if squared["training"] < 2.0 * noise else "recent"\n',
                                    '    choice = "approved"\n')),
    ),
    dict(
        name="background_difference_without_noise",
        cell="background_solution",
        loses=["correct_background_choice"],
        why="keeps the training rows only when their values equal recent's within a fixed tolerance, never measuring "
            "how noisy the recent values are: a handful of rows always differs, so it nearly always picks them",
        code=_variant(_BACKGROUND, ('    choice = "training" if squared["training"] < 2.0 * noise else "recent"\n',
                                    '    choice = "training" if np.allclose(values["training"], values["recent"], atol=0.1) else "recent"\n')),
    ),
    dict(
        name="background_evidence_in_squared_units",
        cell="background_solution",
        loses=["correct_background_choice"],
        why="chooses well but reports each candidate's squared distance (the noise-corrected sum of squares) as its "
            "distance: the evidence is in the wrong units",
        code=_variant(_BACKGROUND, ('    return choice, {name: float(np.sqrt(squared[name])) for name in candidates}\n',
                                    '    return choice, {name: float(squared[name]) for name in candidates}\n')),
    ),
]
