"""Plausible wrong answers for 04-explainability: each must score 0 on the graded cells it `loses`."""

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
        code='''def permutation_importance_by_hand(model, X, y, n_repeats=5, random_state=0):
    rng = np.random.default_rng(random_state)
    X = np.asarray(X)
    baseline = model.score(X, y)
    importances = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        drops = []
        for _ in range(n_repeats):
            X_shuffled = X[rng.permutation(X.shape[0])]
            drops.append(baseline - model.score(X_shuffled, y))
        importances[j] = np.mean(drops)
    return importances
''',
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
    # ---------------------------------------------------------------- exact Shapley
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
    # ---------------------------------------------------------------- TreeExplainer link
    dict(
        name="tree_link_margin_as_probability",
        cell="link_solution",
        loses=["correct_tree_shap_link"],
        why="returns base + sum(phi), the log-odds, as if it were a probability",
        code='''def proba_from_tree_shap(shap_values, base_value):
    return base_value + np.asarray(shap_values, dtype=float).sum(axis=1)
''',
    ),
    dict(
        name="tree_link_sigmoid_per_value",
        cell="link_solution",
        loses=["correct_tree_shap_link"],
        why="applies the logistic function to each SHAP value and to the base value, then adds probabilities",
        code='''def proba_from_tree_shap(shap_values, base_value):
    sigmoid = lambda m: 1.0 / (1.0 + np.exp(-m))
    return sigmoid(base_value) + (sigmoid(np.asarray(shap_values, dtype=float)) - 0.5).sum(axis=1)
''',
    ),
    dict(
        name="tree_link_forgets_base_value",
        cell="link_solution",
        loses=["correct_tree_shap_link"],
        why="turns the sum of SHAP values into a probability without adding the base value",
        code='''def proba_from_tree_shap(shap_values, base_value):
    return 1.0 / (1.0 + np.exp(-np.asarray(shap_values, dtype=float).sum(axis=1)))
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
    # ---------------------------------------------------------------- surrogate
    dict(
        name="surrogate_fitted_on_eval_rows",
        cell="surrogate_solution",
        loses=["correct_surrogate_tree"],
        why="fits the surrogate on the evaluation rows, so its fidelity is measured in-sample",
        code='''def fit_surrogate(black_box, X_fit, X_eval, y_eval, max_depth=3, random_state=0):
    tree = DecisionTreeClassifier(max_depth=max_depth, random_state=random_state)
    tree.fit(X_eval, black_box.predict(X_eval))
    tree_predictions = tree.predict(X_eval)
    return tree, float(np.mean(tree_predictions == black_box.predict(X_eval))), float(np.mean(tree_predictions == y_eval))
''',
    ),
    dict(
        name="surrogate_fidelity_is_accuracy",
        cell="surrogate_solution",
        loses=["correct_surrogate_scores"],
        why="confuses fidelity with accuracy: compares the tree with the true labels in both numbers",
        code='''def fit_surrogate(black_box, X_fit, X_eval, y_eval, max_depth=3, random_state=0):
    tree = DecisionTreeClassifier(max_depth=max_depth, random_state=random_state)
    tree.fit(X_fit, black_box.predict(X_fit))
    accuracy = float(np.mean(tree.predict(X_eval) == np.asarray(y_eval)))
    return tree, accuracy, accuracy
''',
    ),
    dict(
        name="surrogate_fidelity_in_sample",
        cell="surrogate_solution",
        loses=["correct_surrogate_scores"],
        why="measures fidelity on the rows the tree was fitted on, which flatters the surrogate",
        code='''def fit_surrogate(black_box, X_fit, X_eval, y_eval, max_depth=3, random_state=0):
    tree = DecisionTreeClassifier(max_depth=max_depth, random_state=random_state)
    tree.fit(X_fit, black_box.predict(X_fit))
    fidelity = float(np.mean(tree.predict(X_fit) == black_box.predict(X_fit)))
    accuracy = float(np.mean(tree.predict(X_eval) == np.asarray(y_eval)))
    return tree, fidelity, accuracy
''',
    ),
]
