"""Plausible wrong implementations for module 03-overfitting: each must lose the graded cells in `loses`.

Every entry replaces the whole source of one solution cell; the rest of the notebook keeps the key's answers.
"""

from tools.simulated import variant as _variant

_GAP_SCORES_KEY = '''
def train_val_scores(model, X_train, y_train, X_val, y_val) -> tuple[float, float]:
    """Fit a fresh copy of ``model`` on the training split; return (train score, validation score)."""
    fitted = clone(model).fit(X_train, y_train)
    return float(fitted.score(X_train, y_train)), float(fitted.score(X_val, y_val))

'''

_KFOLD_KEY = '''
def kfold_indices(n_samples: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Consecutive, unshuffled folds; the first n_samples % k folds have one extra row."""
    sizes = np.full(k, n_samples // k, dtype=int)
    sizes[: n_samples % k] += 1
    all_rows = np.arange(n_samples)
    folds, start = [], 0
    for size in sizes:
        val_idx = all_rows[start:start + size]
        train_idx = np.concatenate([all_rows[:start], all_rows[start + size:]])
        folds.append((train_idx, val_idx))
        start += size
    return folds

'''

_CV_SCORES_KEY = '''

def manual_cv_scores(model, X, y, k: int) -> np.ndarray:
    """Score of a fresh copy of ``model`` on each held-out fold, shape (k,)."""
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k):
        fitted = clone(model).fit(X[train_idx], y[train_idx])
        scores.append(fitted.score(X[val_idx], y[val_idx]))
    return np.array(scores, dtype=float)
'''

_SHIFT_KEY = '''
def shift_image(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Shift a 2-D image dx pixels right and dy pixels down, filling with zeros (no wrap-around)."""
    shifted = np.zeros_like(image)
    height, width = image.shape
    if abs(dx) >= width or abs(dy) >= height:
        return shifted
    dst_rows = slice(max(dy, 0), height + min(dy, 0))
    dst_cols = slice(max(dx, 0), width + min(dx, 0))
    src_rows = slice(max(-dy, 0), height + min(-dy, 0))
    src_cols = slice(max(-dx, 0), width + min(-dx, 0))
    shifted[dst_rows, dst_cols] = image[src_rows, src_cols]
    return shifted

'''

_AUGMENT_KEY = '''

def augment_with_shifts(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Originals followed by their one-pixel shifts right, left, down and up."""
    images = X.reshape(-1, 8, 8)
    blocks = [X]
    for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        blocks.append(np.stack([shift_image(img, dx, dy) for img in images]).reshape(len(X), -1))
    return np.vstack(blocks), np.tile(y, 5)

'''

_SPLIT_KEY = '''

def split_then_augment(X: np.ndarray, y: np.ndarray, test_size: float,
                       seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split first (stratified), then augment the training part only."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, test_size=test_size, random_state=seed)
    X_train_aug, y_train_aug = augment_with_shifts(X_train, y_train)
    return (X_train_aug, X_test, y_train_aug, y_test)
'''

_ES_TEMPLATE = '''
def early_stopping_fit(model, X_train, y_train, X_val, y_val, max_epochs: int,
                       patience: int, classes=None) -> tuple[object, int, list[float]]:
    """Train epoch by epoch, stop after `patience` epochs without improvement, return the best model."""
    classes = np.unique(y_train) if classes is None else np.asarray(classes)
    model = copy.deepcopy(model)
    best_error, best_epoch, best_model = np.inf, 0, None
    val_errors = []
    bad_epochs = 0
    for epoch in range(1, max_epochs + 1):
        model.partial_fit(X_train, y_train, classes=classes)
        error = float(1.0 - model.score(X_val, y_val))
        val_errors.append(error)
        {BODY}
    return {RETURNED}, best_epoch, val_errors
'''


def _es(body: str, returned: str = "best_model") -> str:
    return _ES_TEMPLATE.replace("{BODY}", body.strip().replace("\n", "\n        ")).replace("{RETURNED}", returned)


_LC = '''
def learning_curve_by_hand(model, X, y, train_sizes, cv) -> tuple[np.ndarray, np.ndarray]:
    """Scores of fresh copies fitted on the first n training rows of each split: arrays (n_sizes, n_splits)."""
    train_scores, val_scores = [], []
    for train_idx, val_idx in cv.split(X, y):
        train_row, val_row = [], []
        for n in train_sizes:
            rows = train_idx[:n]
            fitted = clone(model).fit(X[rows], y[rows])
            train_row.append(fitted.score(X[rows], y[rows]))
            val_row.append(fitted.score(X[val_idx], y[val_idx]))
        train_scores.append(train_row)
        val_scores.append(val_row)
    return np.array(train_scores, dtype=float).T, np.array(val_scores, dtype=float).T
'''

_DG_KEY = '''
def diagnose_curve(train_sizes, train_scores: np.ndarray, val_scores: np.ndarray, target: float) -> tuple[str, dict]:
    """"ship", "more data" or "more capacity", and the evidence it weighed: level, noise and projection."""
    sizes = np.asarray(train_sizes, dtype=float)
    train_mean = np.asarray(train_scores, dtype=float).mean(axis=1)
    val = np.asarray(val_scores, dtype=float)
    val_mean = val.mean(axis=1)
    standard_error = val[-1].std(ddof=1) / np.sqrt(val.shape[1])
    # extrapolate the validation curve to four times the rows with a power law v = a - b (n / N)^-c,
    # least squares in (a, b) for each c on a grid; the curves meet below the training score, so cap there
    relative = sizes / sizes[-1]
    best = None
    for c in np.linspace(0.1, 1.5, 29):
        design = np.column_stack([np.ones_like(relative), -relative ** -c])
        coef = np.linalg.lstsq(design, val_mean, rcond=None)[0]
        misfit = float(np.sum((design @ coef - val_mean) ** 2))
        if best is None or misfit < best[0] - 1e-12:
            best = (misfit, coef, c)
    _, (a, b), c = best
    projected = min(a - b * 4.0 ** -c, train_mean[-1])
    evidence = {"validation": float(val_mean[-1]), "standard error": float(standard_error),
                "projected": float(projected)}
    # shipping below target is the costliest mistake: ship only when the last validation mean clears the
    # target by two standard errors of the split-to-split spread
    if val_mean[-1] - 2 * standard_error >= target:
        return "ship", evidence
    if train_mean[-1] < target:  # the two curves meet below the training curve: rows cannot lift it
        return "more capacity", evidence
    return ("more data" if projected >= target else "more capacity"), evidence
'''


def _dg(rule: str) -> str:
    """The key with its decision (the lines after the evidence) replaced by `rule`, whose returns keep the evidence."""
    head = _DG_KEY[:_DG_KEY.index("    # shipping below target")]
    lines = [line[:len(line) - len(line.lstrip())] + f"return ({line.lstrip()[len('return '):]}), evidence"
             if line.lstrip().startswith("return ") else line for line in rule.strip("\n").splitlines()]
    return head + "".join(f"    {line}\n" for line in lines)


_ENS = '''
def tree_count(model) -> int:
    """Trees a model evaluates at prediction time: n_estimators for an ensemble, 1 for a single model."""
    return int(model.get_params().get("n_estimators", 1))


def choose_ensemble(fold_scores: dict, trees: dict, min_accuracy: float) -> str | None:
    """The candidate to ship under an accuracy floor and a cost per tree, or None to ship nothing."""
    if not 0 <= min_accuracy <= 1:
        raise ValueError(f"min_accuracy must be an accuracy between 0 and 1, got {min_accuracy}")
    for name in sorted(fold_scores, key=lambda name: trees[name]):
        scores = np.asarray(fold_scores[name], dtype=float)
        standard_error = scores.std(ddof=1) / np.sqrt(len(scores))
        if scores.mean() - 2 * standard_error >= min_accuracy:
            return name
    return None


def pick_model(candidates: dict, X, y, cv, min_accuracy: float) -> tuple[str | None, dict]:
    """The candidate to ship and its evidence: every candidate's scores on the folds of ``cv``."""
    evidence = {name: cross_val_score(model, X, y, cv=cv).astype(float) for name, model in candidates.items()}
    trees = {name: tree_count(model) for name, model in candidates.items()}
    return choose_ensemble(evidence, trees, min_accuracy), evidence
'''
_ENS_TEST = "        if scores.mean() - 2 * standard_error >= min_accuracy:\n"


_CD = '''
def soft_threshold(z: np.ndarray, gamma: float) -> np.ndarray:
    """Move every entry of z towards zero by gamma, stopping at exactly zero."""
    if not gamma >= 0:  # also catches NaN
        raise ValueError(f"gamma must be a non-negative number, got {gamma}")
    z = np.asarray(z, dtype=float)
    return np.sign(z) * np.maximum(np.abs(z) - gamma, 0.0)


def lasso_coordinate_descent(X: np.ndarray, y: np.ndarray, alpha: float,
                             n_sweeps: int = 200) -> tuple[np.ndarray, float]:
    """Cyclic coordinate descent on scikit-learn's Lasso objective; returns (coefficients, intercept)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    X_c, y_c = X - x_mean, y - y_mean
    n, p = X_c.shape
    w = np.zeros(p)
    col_sq = (X_c ** 2).sum(axis=0) / n
    residual = y_c.copy()
    for _ in range(n_sweeps):
        for j in range(p):
            residual += X_c[:, j] * w[j]
            w[j] = soft_threshold(X_c[:, j] @ residual / n, alpha) / col_sq[j] if col_sq[j] > 0 else 0.0
            residual -= X_c[:, j] * w[j]
    return w, float(y_mean - x_mean @ w)
'''


_GCV_HEAD = '''
def group_kfold_indices(groups, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """k folds of whole groups, balanced greedily by size; (train, validation) index pairs."""'''

# The key's greedy balancing with ids grouped through np.unique: a string array merges 7 and "7", None breaks it
_GCV_NP_UNIQUE = _GCV_HEAD + '''
    labels, row_group, sizes = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)
    if len(labels) < k:
        raise ValueError(f"{len(labels)} groups cannot fill {k} folds")
    fold_rows = np.zeros(k, dtype=int)
    fold_of_group = np.empty(len(labels), dtype=int)
    for g in np.argsort(-sizes, kind="stable"):
        fold = int(np.argmin(fold_rows))
        fold_of_group[g] = fold
        fold_rows[fold] += sizes[g]
    fold_of_row = fold_of_group[row_group.ravel()]
    rows = np.arange(len(fold_of_row))
    return [(rows[fold_of_row != f], rows[fold_of_row == f]) for f in range(k)]
'''


WRONG_ANSWERS = [
    # ---------------------------------------------------------------- exercise 1: train-val-gap
    dict(
        name="gap_fit_on_train_and_val",
        cell="gap_solution",
        loses=["correct_train_val_scores"],
        why="'more data is better': fits on train + validation, so the validation score is no longer out-of-sample",
        code=_variant(
            _GAP_SCORES_KEY,
            ('    fitted = clone(model).fit(X_train, y_train)\n',
             '    fitted = clone(model).fit(np.vstack([X_train, X_val]), np.concatenate([y_train, y_val]))\n'),
            ('    return float(fitted.score(X_train, y_train)), float(fitted.score(X_val, y_val))\n\n',
             '    return float(fitted.score(X_train, y_train)), float(fitted.score(X_val, y_val))\n'),
        ),
    ),
    dict(
        name="gap_fits_the_callers_model",
        cell="gap_solution",
        loses=["correct_train_val_scores"],
        why="fits the model it was given instead of a clone: the scores are right, but the caller's model is changed",
        code=_variant(
            _GAP_SCORES_KEY,
            ('    fitted = clone(model).fit(X_train, y_train)\n    return float(fitted.score(X_train, y_train)), float(fitted.score(X_val, y_val))\n\n',
             '    model.fit(X_train, y_train)\n    return float(model.score(X_train, y_train)), float(model.score(X_val, y_val))\n'),
        ),
    ),
    # ---------------------------------------------------------------- exercise 2: learning-curve
    dict(
        name="curve_first_rows_of_X",
        cell="lc_solution",
        loses=["correct_learning_curve"],
        why="takes the first n rows of X instead of the first n training indices: validation rows leak into training",
        code=_LC.replace("rows = train_idx[:n]", "rows = np.arange(n)"),
    ),
    dict(
        name="curve_train_score_on_whole_fold",
        cell="lc_solution",
        loses=["correct_learning_curve"],
        why="scores each fit on the split's whole training part instead of the n rows it was fitted on",
        code=_LC.replace("train_row.append(fitted.score(X[rows], y[rows]))",
                         "train_row.append(fitted.score(X[train_idx], y[train_idx]))"),
    ),
    dict(
        name="curve_one_row_per_split",
        cell="lc_solution",
        loses=["correct_learning_curve"],
        why="returns one row per split (forgets the transpose): right only when there are as many sizes as splits",
        code=_LC.replace("np.array(train_scores, dtype=float).T, np.array(val_scores, dtype=float).T",
                         "np.array(train_scores, dtype=float), np.array(val_scores, dtype=float)"),
    ),
    # ---------------------------------------------------------------- exercise 3: diagnose-curve (a decision)
    dict(
        name="diagnose_threshold_rule",
        cell="dg_solution",
        loses=["correct_diagnose_fresh"],
        why="the rule the task used to dictate: ship when the mean validation score reaches the target, more capacity "
            "when training is below it, else more data; ships noise and buys data the curves will never turn into skill",
        code=_dg("""train_last = float(np.mean(np.asarray(train_scores)[-1]))
val_last = float(np.mean(np.asarray(val_scores)[-1]))
if val_last >= target:
    return "ship"
return "more capacity" if train_last < target else "more data"
"""),
    ),
    dict(
        name="diagnose_ignores_the_spread",
        cell="dg_solution",
        loses=["correct_diagnose_fresh"],
        why="extrapolates well but ships whenever the validation mean is at the target, however noisy the splits are",
        code=_DG_KEY.replace("if val_mean[-1] - 2 * standard_error >= target:", "if val_mean[-1] >= target:"),
    ),
    dict(
        name="diagnose_gap_means_more_data",
        cell="dg_solution",
        loses=["correct_diagnose_fresh"],
        why="weighs the spread before shipping, but reads any training score above the target as 'more data will "
            "close the gap', without asking where the validation curve is heading",
        code=_DG_KEY.replace("    return (\"more data\" if projected >= target else \"more capacity\"), evidence\n",
                             "    return \"more data\", evidence\n"),
    ),
    dict(
        name="diagnose_first_split_only",
        cell="dg_solution",
        loses=["correct_diagnose_fresh"],
        why="reads the first split (column) alone: one noisy draw, and no spread to weigh it with",
        code=_DG_KEY.replace("    sizes = np.asarray(train_sizes, dtype=float)\n",
                             "    sizes = np.asarray(train_sizes, dtype=float)\n"
                             "    train_scores, val_scores = np.asarray(train_scores)[:, :1], np.asarray(val_scores)[:, :1]\n"),
    ),
    dict(
        name="diagnose_at_smallest_size",
        cell="dg_solution",
        loses=["correct_diagnose_scripted", "correct_diagnose_fresh"],
        why="reads the first row (the smallest training size) instead of the last",
        code=_dg("""train_first = float(np.mean(np.asarray(train_scores)[0]))
val_first = float(np.mean(np.asarray(val_scores)[0]))
if val_first >= target:
    return "ship"
return "more capacity" if train_first < target else "more data"
"""),
    ),
    dict(
        name="diagnose_evidence_population_spread",
        cell="dg_solution",
        loses=["correct_diagnose_scripted", "correct_diagnose_fresh"],
        why="reports the standard error with numpy's default ddof=0: the spread of five or ten splits understated",
        code=_DG_KEY.replace("standard_error = val[-1].std(ddof=1) / np.sqrt(val.shape[1])",
                             "standard_error = val[-1].std() / np.sqrt(val.shape[1])"),
    ),
    dict(
        name="diagnose_evidence_last_point_as_projection",
        cell="dg_solution",
        loses=["correct_diagnose_fresh"],
        why="decides from its projection but reports the last validation mean as the projection: the evidence does "
            "not back the choice to buy data",
        code=_DG_KEY.replace('"projected": float(projected)', '"projected": float(val_mean[-1])'),
    ),
    # ---------------------------------------------------------------- exercise 4: kfold-by-hand
    dict(
        name="kfold_remainder_in_last_fold",
        cell="kfold_solution",
        loses=["correct_kfold_indices"],
        why="equal folds of n // k rows with the remainder dumped in the last fold: not KFold's folds",
        code='''
def kfold_indices(n_samples: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Consecutive, unshuffled folds; the first n_samples % k folds have one extra row."""
    size = n_samples // k
    all_rows = np.arange(n_samples)
    folds = []
    for i in range(k):
        stop = n_samples if i == k - 1 else (i + 1) * size
        val_idx = all_rows[i * size:stop]
        train_idx = np.setdiff1d(all_rows, val_idx)
        folds.append((train_idx, val_idx))
    return folds
''' + _CV_SCORES_KEY,
    ),
    dict(
        name="kfold_from_sklearn",
        cell="kfold_solution",
        loses=["correct_kfold_indices"],
        why="returns KFold's own folds, which the task asks to build by hand",
        code='''
def kfold_indices(n_samples: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Consecutive, unshuffled folds; the first n_samples % k folds have one extra row."""
    return [(train, val) for train, val in KFold(k).split(np.zeros((n_samples, 1)))]
''' + _CV_SCORES_KEY,
    ),
    dict(
        name="cv_model_fitted_on_all_rows",
        cell="kfold_solution",
        loses=["correct_manual_cv_scores"],
        why="fits once on all rows and scores each fold: every validation row was seen in training",
        code=_KFOLD_KEY + '''
def manual_cv_scores(model, X, y, k: int) -> np.ndarray:
    """Score of a fresh copy of ``model`` on each held-out fold, shape (k,)."""
    fitted = clone(model).fit(X, y)
    return np.array([fitted.score(X[val_idx], y[val_idx]) for _, val_idx in kfold_indices(len(X), k)], dtype=float)
''',
    ),
    dict(
        name="cv_scored_on_training_folds",
        cell="kfold_solution",
        loses=["correct_manual_cv_scores"],
        why="scores each model on the folds it was trained on: a training score dressed up as validation",
        code=_KFOLD_KEY + '''
def manual_cv_scores(model, X, y, k: int) -> np.ndarray:
    """Score of a fresh copy of ``model`` on each held-out fold, shape (k,)."""
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k):
        fitted = clone(model).fit(X[train_idx], y[train_idx])
        scores.append(fitted.score(X[train_idx], y[train_idx]))
    return np.array(scores, dtype=float)
''',
    ),
    dict(
        name="cv_fits_the_callers_model",
        cell="kfold_solution",
        loses=["correct_manual_cv_scores"],
        why="refits the model it was given in every fold: the scores are right, the caller's model is left fitted",
        code=_KFOLD_KEY + '''
def manual_cv_scores(model, X, y, k: int) -> np.ndarray:
    """Score of a fresh copy of ``model`` on each held-out fold, shape (k,)."""
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k):
        model.fit(X[train_idx], y[train_idx])
        scores.append(model.score(X[val_idx], y[val_idx]))
    return np.array(scores, dtype=float)
''',
    ),
    # ---------------------------------------------------------------- exercise 5: group-kfold
    dict(
        name="group_folds_by_row_order",
        cell="gcv_solution",
        loses=["correct_group_kfold"],
        why="cuts the rows into consecutive chunks as plain KFold does: a patient's visits land in several folds",
        code=_GCV_HEAD + '''
    rows = np.arange(len(groups))
    return [(np.setdiff1d(rows, part), part) for part in np.array_split(rows, k)]
''',
    ),
    dict(
        name="group_folds_round_robin",
        cell="gcv_solution",
        loses=["correct_group_kfold"],
        why="deals the groups to the folds in turn, ignoring their sizes: whole groups, but unbalanced folds",
        code=_GCV_HEAD + '''
    labels, row_group = np.unique(np.asarray(groups), return_inverse=True)
    if len(labels) < k:
        raise ValueError("fewer groups than folds")
    fold_of_row = (np.arange(len(labels)) % k)[row_group.ravel()]
    rows = np.arange(len(fold_of_row))
    return [(rows[fold_of_row != f], rows[fold_of_row == f]) for f in range(k)]
''',
    ),
    dict(
        name="group_ids_normalised",
        cell="gcv_solution",
        loses=["correct_group_kfold"],
        why="'cleans' the ids (case, whitespace) before grouping, so distinct patients such as 'B' and 'b' are merged",
        code=_GCV_NP_UNIQUE.replace("np.unique(np.asarray(groups),",
                          "np.unique(np.array([' '.join(str(g).split()).lower() for g in groups]),"),
    ),
    dict(
        name="group_ids_through_np_unique",
        cell="gcv_solution",
        loses=["correct_group_kfold"],
        why="groups the ids with np.unique(np.asarray(groups)): the int 7 and the string '7' become one patient, and "
            "None among strings cannot be sorted (TypeError), though the task allows any hashable id",
        code=_GCV_NP_UNIQUE,
    ),
    dict(
        name="group_ids_compared_as_strings",
        cell="gcv_solution",
        loses=["correct_group_kfold"],
        why="keys the groups by str(id), which survives None but still merges the int 7 with the string '7'",
        code=_GCV_NP_UNIQUE.replace("np.unique(np.asarray(groups),", "np.unique(np.array([str(g) for g in groups]),"),
    ),
    dict(
        name="group_folds_without_guard",
        cell="gcv_solution",
        loses=["correct_group_kfold"],
        why="returns empty folds instead of raising when there are fewer groups than folds",
        code=_GCV_NP_UNIQUE.replace('''    if len(labels) < k:
        raise ValueError(f"{len(labels)} groups cannot fill {k} folds")
''', ""),
    ),
    # ---------------------------------------------------------------- exercise 6: ridge-closed-form
    dict(
        name="ridge_alpha_added_to_every_entry",
        cell="ridge_solution",
        loses=["correct_ridge_centred", "correct_ridge_intercept"],
        why="X.T @ X + alpha broadcasts a scalar to every entry instead of adding alpha on the diagonal",
        code='''
def ridge_closed_form(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """L2-penalised least squares with an unpenalised intercept; returns (coefficients, intercept)."""
    x_mean, y_mean = X.mean(axis=0), y.mean()
    X_c, y_c = X - x_mean, y - y_mean
    w = np.linalg.solve(X_c.T @ X_c + alpha, X_c.T @ y_c)
    return w, float(y_mean - x_mean @ w)
''',
    ),
    dict(
        name="ridge_penalises_intercept",
        cell="ridge_solution",
        loses=["correct_ridge_intercept"],
        why="adds a column of ones and penalises its weight too, pulling the intercept towards 0",
        code='''
def ridge_closed_form(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """L2-penalised least squares with an unpenalised intercept; returns (coefficients, intercept)."""
    X1 = np.column_stack([np.ones(len(X)), X])
    beta = np.linalg.solve(X1.T @ X1 + alpha * np.eye(X1.shape[1]), X1.T @ y)
    return beta[1:], float(beta[0])
''',
    ),
    dict(
        name="ridge_without_intercept",
        cell="ridge_solution",
        loses=["correct_ridge_intercept"],
        why="forgets the intercept: the fit is forced through the origin",
        code='''
def ridge_closed_form(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """L2-penalised least squares with an unpenalised intercept; returns (coefficients, intercept)."""
    w = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y)
    return w, 0.0
''',
    ),
    dict(
        name="ridge_centres_in_place",
        cell="ridge_solution",
        loses=["correct_ridge_intercept"],
        why="centres X and y in place with -=: the answer is right, but the caller's data have lost their means",
        code='''
def ridge_closed_form(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """L2-penalised least squares with an unpenalised intercept; returns (coefficients, intercept)."""
    x_mean, y_mean = X.mean(axis=0), y.mean()
    X -= x_mean
    y -= y_mean
    w = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y)
    return w, float(y_mean - x_mean @ w)
''',
    ),
    # ---------------------------------------------------------------- exercise 7: lasso-by-hand
    dict(
        name="soft_threshold_hard",
        cell="cd_solution",
        loses=["correct_soft_threshold"],
        why="hard-thresholds (keeps z unchanged outside [-gamma, gamma]) instead of shrinking it by gamma",
        code=_CD.replace("return np.sign(z) * np.maximum(np.abs(z) - gamma, 0.0)",
                         "return np.where(np.abs(z) > gamma, z, 0.0)"),
    ),
    dict(
        name="soft_threshold_crosses_zero",
        cell="cd_solution",
        loses=["correct_soft_threshold"],
        why="subtracts gamma * sign(z) without stopping at zero: small weights flip sign instead of vanishing",
        code=_CD.replace("return np.sign(z) * np.maximum(np.abs(z) - gamma, 0.0)", "return z - gamma * np.sign(z)"),
    ),
    dict(
        name="soft_threshold_without_guard",
        cell="cd_solution",
        loses=["correct_soft_threshold"],
        why="accepts a negative or NaN gamma silently: NaN turns every weight into NaN, a negative one inflates them",
        code=_CD.replace('''    if not gamma >= 0:  # also catches NaN
        raise ValueError(f"gamma must be a non-negative number, got {gamma}")
''', ""),
    ),
    dict(
        name="lasso_cd_penalty_not_divided_by_n",
        cell="cd_solution",
        loses=["correct_lasso_cd"],
        why="Ridge's scaling (no 1/n): compares x_j'r with alpha, so the penalty is n times weaker than Lasso's",
        code=_CD.replace("w[j] = soft_threshold(X_c[:, j] @ residual / n, alpha) / col_sq[j]",
                         "w[j] = soft_threshold(X_c[:, j] @ residual, alpha) / (col_sq[j] * n)"),
    ),
    dict(
        name="lasso_cd_without_centring",
        cell="cd_solution",
        loses=["correct_lasso_cd"],
        why="skips centring: the feature means stand in for the intercept and are penalised with the weights",
        code=_CD.replace("x_mean, y_mean = X.mean(axis=0), y.mean()",
                         "x_mean, y_mean = np.zeros(X.shape[1]), 0.0"),
    ),
    dict(
        name="lasso_cd_constant_column_nan",
        cell="cd_solution",
        loses=["correct_lasso_cd"],
        why="applies the update formula to a constant column too: 0 / 0 gives NaN weights where scikit-learn gives 0",
        code=_CD.replace("/ n, alpha) / col_sq[j] if col_sq[j] > 0 else 0.0", "/ n, alpha) / col_sq[j]"),
    ),
    dict(
        name="lasso_cd_ignores_n_sweeps",
        cell="cd_solution",
        loses=["correct_lasso_cd"],
        why="runs a fixed 500 sweeps whatever n_sweeps says: right at convergence, wrong for a short run",
        code=_CD.replace("for _ in range(n_sweeps):", "for _ in range(500):"),
    ),
    dict(
        name="lasso_cd_centres_in_place",
        cell="cd_solution",
        loses=["correct_lasso_cd"],
        why="centres the caller's X and y in place (-=): the weights are right, the caller's data have lost their means",
        code=_CD.replace("X_c, y_c = X - x_mean, y - y_mean", "X -= x_mean\n    y -= y_mean\n    X_c, y_c = X, y"),
    ),
    # ---------------------------------------------------------------- exercise 8: lasso-survivors
    dict(
        name="lasso_without_standardising",
        cell="lasso_solution",
        loses=["correct_lasso_survivors"],
        why="fits Lasso on raw units: features in small units are penalised away, large-unit noise survives",
        code='''
def lasso_survivors(X: np.ndarray, y: np.ndarray, alphas: list[float],
                    feature_names: list[str]) -> dict[float, list[str]]:
    """For each alpha, the features with a non-zero weight after standardising and fitting Lasso."""
    survivors = {}
    for alpha in alphas:
        lasso = Lasso(alpha=alpha).fit(X, y)
        survivors[alpha] = [name for name, coef in zip(feature_names, lasso.coef_) if coef != 0]
    return survivors
''',
    ),
    dict(
        name="lasso_alpha_inverted_like_C",
        cell="lasso_solution",
        loses=["correct_lasso_survivors"],
        why="treats alpha like C (inverse strength) and fits Lasso(alpha=1/alpha)",
        code='''
def lasso_survivors(X: np.ndarray, y: np.ndarray, alphas: list[float],
                    feature_names: list[str]) -> dict[float, list[str]]:
    """For each alpha, the features with a non-zero weight after standardising and fitting Lasso."""
    survivors = {}
    for alpha in alphas:
        lasso = make_pipeline(StandardScaler(), Lasso(alpha=1.0 / alpha)).fit(X, y)[-1]
        survivors[alpha] = [name for name, coef in zip(feature_names, lasso.coef_) if coef != 0]
    return survivors
''',
    ),
    dict(
        name="lasso_standardised_by_hand",
        cell="lasso_solution",
        loses=["correct_lasso_survivors"],
        why="standardises by hand with (X - mean) / std: a constant column becomes 0 / 0 = NaN and Lasso refuses the "
            "data, where StandardScaler leaves the column at 0",
        code='''
def lasso_survivors(X: np.ndarray, y: np.ndarray, alphas: list[float],
                    feature_names: list[str]) -> dict[float, list[str]]:
    """For each alpha, the features with a non-zero weight after standardising and fitting Lasso."""
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    survivors = {}
    for alpha in alphas:
        lasso = Lasso(alpha=alpha).fit(Z, y)
        survivors[alpha] = [name for name, coef in zip(feature_names, lasso.coef_) if coef != 0]
    return survivors
''',
    ),
    dict(
        name="lasso_standardises_in_place",
        cell="lasso_solution",
        loses=["correct_lasso_survivors"],
        why="standardises X in place: the survivors are right, but the caller's X is overwritten (and restandardised per alpha)",
        code='''
def lasso_survivors(X: np.ndarray, y: np.ndarray, alphas: list[float],
                    feature_names: list[str]) -> dict[float, list[str]]:
    """For each alpha, the features with a non-zero weight after standardising and fitting Lasso."""
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    survivors = {}
    for alpha in alphas:
        lasso = Lasso(alpha=alpha).fit(X, y)
        survivors[alpha] = [name for name, coef in zip(feature_names, lasso.coef_) if coef != 0]
    return survivors
''',
    ),
    # ---------------------------------------------------------------- exercise 9: early-stopping
    dict(
        name="early_stopping_returns_last_model",
        cell="es_solution",
        loses=["correct_early_stopping_restore"],
        why="stops at the right epoch but returns the live model, patience epochs past the best weights",
        code=_es('''
if error < best_error:
    best_error, best_epoch, best_model = error, epoch, copy.deepcopy(model)
elif epoch - best_epoch >= patience:
    break
''', returned="model"),
    ),
    dict(
        name="early_stopping_keeps_reference_not_copy",
        cell="es_solution",
        loses=["correct_early_stopping_restore"],
        why="'saves' the best model as a reference to the live object, which keeps training",
        code=_es('''
if error < best_error:
    best_error, best_epoch, best_model = error, epoch, model
elif epoch - best_epoch >= patience:
    break
'''),
    ),
    dict(
        name="early_stopping_shallow_copy",
        cell="es_solution",
        loses=["correct_early_stopping_restore"],
        why="snapshots with copy.copy: the copy shares the weight arrays that partial_fit goes on updating in place",
        code=_es('''
if error < best_error:
    best_error, best_epoch, best_model = error, epoch, copy.copy(model)
elif epoch - best_epoch >= patience:
    break
'''),
    ),
    dict(
        name="early_stopping_trains_the_callers_model",
        cell="es_solution",
        loses=["correct_early_stopping_restore"],
        why="trains the model it was given instead of a copy: the best copy is right, the caller's model has moved on",
        code=_es("""if error < best_error:
    best_error, best_epoch, best_model = error, epoch, copy.deepcopy(model)
elif epoch - best_epoch >= patience:
    break""").replace("    model = copy.deepcopy(model)\n", ""),
    ),
    dict(
        name="early_stopping_ignores_patience",
        cell="es_solution",
        loses=["correct_early_stopping_epoch"],
        why="stops at the first epoch that does not improve: one noisy bump ends training",
        code=_es('''
if error < best_error:
    best_error, best_epoch, best_model = error, epoch, copy.deepcopy(model)
else:
    break
'''),
    ),
    dict(
        name="early_stopping_counter_never_reset",
        cell="es_solution",
        loses=["correct_early_stopping_epoch"],
        why="counts every non-improving epoch since the start instead of consecutive ones (no reset on improvement)",
        code=_es('''
if error < best_error:
    best_error, best_epoch, best_model = error, epoch, copy.deepcopy(model)
else:
    bad_epochs += 1
    if bad_epochs >= patience:
        break
'''),
    ),
    dict(
        name="early_stopping_ties_count_as_improvement",
        cell="es_solution",
        loses=["correct_early_stopping_epoch"],
        why="uses <= so a plateau keeps 'improving' and training never stops on it",
        code=_es('''
if error <= best_error:
    best_error, best_epoch, best_model = error, epoch, copy.deepcopy(model)
elif epoch - best_epoch >= patience:
    break
'''),
    ),
    dict(
        name="early_stopping_batch_classes",
        cell="es_solution",
        loses=["correct_early_stopping_epoch"],
        why="ignores the caller's classes and passes the training set's own: a class it lacks is never known to the model",
        code=_ES_TEMPLATE.replace("classes = np.unique(y_train) if classes is None else np.asarray(classes)",
                                  "classes = np.unique(y_train)").replace("{BODY}", """if error < best_error:
            best_error, best_epoch, best_model = error, epoch, copy.deepcopy(model)
        elif epoch - best_epoch >= patience:
            break""").replace("{RETURNED}", "best_model"),
    ),
    dict(
        name="early_stopping_forwards_none_classes",
        cell="es_solution",
        loses=["correct_early_stopping_epoch"],
        why="hands classes to partial_fit as given: when the caller gives none, a real model's first partial_fit fails",
        code=_ES_TEMPLATE.replace("    classes = np.unique(y_train) if classes is None else np.asarray(classes)\n", "").replace(
            "{BODY}", """if error < best_error:
            best_error, best_epoch, best_model = error, epoch, copy.deepcopy(model)
        elif epoch - best_epoch >= patience:
            break""").replace("{RETURNED}", "best_model"),
    ),
    # ---------------------------------------------------------------- exercise 10: ensemble-choice (a decision)
    dict(
        name="ensemble_mean_clears_the_floor",
        cell="ens_solution",
        loses=["correct_pick_model"],
        why="ships the cheapest candidate whose mean fold score reaches the floor: a mean just above it is often noise",
        code=_ENS.replace(_ENS_TEST, "        if scores.mean() >= min_accuracy:\n"),
    ),
    dict(
        name="ensemble_one_split",
        cell="ens_solution",
        loses=["correct_pick_model"],
        why="reads one fold (one train/validation split) per candidate: one noisy draw, and no spread to weigh it with",
        code=_ENS.replace(_ENS_TEST, "        if scores[0] >= min_accuracy:\n"),
    ),
    dict(
        name="ensemble_fixed_safety_margin",
        cell="ens_solution",
        loses=["correct_pick_model"],
        why="demands a fixed margin of 0.02 above the floor whatever the folds' spread: too little for a few hundred "
            "rows, needless delays and trees for many thousands",
        code=_ENS.replace(_ENS_TEST, "        if scores.mean() >= min_accuracy + 0.02:\n"),
    ),
    dict(
        name="ensemble_one_standard_error",
        cell="ens_solution",
        loses=["correct_pick_model"],
        why="weighs the spread, but one standard error leaves about one in six borderline candidates below the floor",
        code=_ENS.replace(_ENS_TEST, "        if scores.mean() - standard_error >= min_accuracy:\n"),
    ),
    dict(
        name="ensemble_biggest_is_safest",
        cell="ens_solution",
        loses=["correct_pick_model"],
        why="ships the largest ensemble whenever it clears the floor with confidence: safe, but pays for trees the "
            "floor does not need",
        code=_ENS.replace("for name in sorted(fold_scores, key=lambda name: trees[name]):",
                          "for name in sorted(fold_scores, key=lambda name: -trees[name])[:1]:"),
    ),
    dict(
        name="ensemble_no_guard_on_the_floor",
        cell="ens_solution",
        loses=["correct_pick_model"],
        why="checks the floor with two comparisons that NaN passes, and with the wrong bound for values above 1",
        code=_ENS.replace("    if not 0 <= min_accuracy <= 1:\n", "    if min_accuracy < 0:\n"),
    ),
    dict(
        name="ensemble_fits_the_callers_models",
        cell="ens_solution",
        loses=["correct_ensemble_scores"],
        why="runs the folds on the candidate it was given instead of clones: the scores are right, the caller's "
            "models are left fitted",
        code=_ENS.replace(
            "    evidence = {name: cross_val_score(model, X, y, cv=cv).astype(float) for name, model in candidates.items()}\n",
            "    evidence = {name: np.array([model.fit(X[tr], y[tr]).score(X[va], y[va]) for tr, va in cv.split(X, y)])\n"
            "                for name, model in candidates.items()}\n"),
    ),
    dict(
        name="ensemble_own_default_folds",
        cell="ens_solution",
        loses=["correct_ensemble_scores"],
        why="ignores the splitter it was given and uses cross_val_score's default 5 folds: other evidence than asked",
        code=_ENS.replace("cross_val_score(model, X, y, cv=cv)", "cross_val_score(model, X, y)"),
    ),
    # ---------------------------------------------------------------- exercise 11: nested-cv
    dict(
        name="nested_reports_inner_best_score",
        cell="nested_solution",
        loses=["correct_nested_scores"],
        why="reports each search's best_score_: the score that chose the parameters also reports them",
        code='''
def nested_cv(estimator, param_grid: dict, X, y, inner_cv, outer_cv) -> tuple[np.ndarray, list[dict]]:
    """Outer-fold scores of a grid search tuned on each outer training part, and the chosen parameters."""
    scores, chosen = [], []
    for train_idx, test_idx in outer_cv.split(X, y):
        search = GridSearchCV(clone(estimator), param_grid, cv=inner_cv).fit(X[train_idx], y[train_idx])
        scores.append(search.best_score_)
        chosen.append(search.best_params_)
    return np.array(scores, dtype=float), chosen
''',
    ),
    dict(
        name="nested_tuned_once_on_all_rows",
        cell="nested_solution",
        loses=["correct_nested_scores", "correct_nested_params"],
        why="tunes once on all rows, then cross-validates the winner: the outer test folds took part in the choice",
        code='''
def nested_cv(estimator, param_grid: dict, X, y, inner_cv, outer_cv) -> tuple[np.ndarray, list[dict]]:
    """Outer-fold scores of a grid search tuned on each outer training part, and the chosen parameters."""
    best = GridSearchCV(clone(estimator), param_grid, cv=inner_cv).fit(X, y).best_params_
    scores, chosen = [], []
    for train_idx, test_idx in outer_cv.split(X, y):
        model = clone(estimator).set_params(**best).fit(X[train_idx], y[train_idx])
        scores.append(model.score(X[test_idx], y[test_idx]))
        chosen.append(dict(best))
    return np.array(scores, dtype=float), chosen
''',
    ),
    dict(
        name="nested_tuned_on_outer_test_fold",
        cell="nested_solution",
        loses=["correct_nested_scores", "correct_nested_params"],
        why="picks, in each outer fold, the candidate that scores best on that fold's test rows: tuning on the test set",
        code='''
from sklearn.model_selection import ParameterGrid


def nested_cv(estimator, param_grid: dict, X, y, inner_cv, outer_cv) -> tuple[np.ndarray, list[dict]]:
    """Outer-fold scores of a grid search tuned on each outer training part, and the chosen parameters."""
    scores, chosen = [], []
    for train_idx, test_idx in outer_cv.split(X, y):
        best_score, best_params = -np.inf, None
        for params in ParameterGrid(param_grid):
            model = clone(estimator).set_params(**params).fit(X[train_idx], y[train_idx])
            score = model.score(X[test_idx], y[test_idx])
            if score > best_score:
                best_score, best_params = score, params
        scores.append(best_score)
        chosen.append(best_params)
    return np.array(scores, dtype=float), chosen
''',
    ),
    dict(
        name="nested_calls_cross_validate",
        cell="nested_solution",
        loses=["correct_nested_scores"],
        why="hands the search to cross_validate, which the task asks not to call: right numbers, the loop not written",
        code='''
def nested_cv(estimator, param_grid: dict, X, y, inner_cv, outer_cv) -> tuple[np.ndarray, list[dict]]:
    """Outer-fold scores of a grid search tuned on each outer training part, and the chosen parameters."""
    from sklearn.model_selection import cross_validate
    result = cross_validate(GridSearchCV(estimator, param_grid, cv=inner_cv), X, y, cv=outer_cv, return_estimator=True)
    return np.asarray(result["test_score"], dtype=float), [dict(s.best_params_) for s in result["estimator"]]
''',
    ),
    dict(
        name="nested_refits_the_given_estimator",
        cell="nested_solution",
        loses=["correct_nested_scores"],
        why="refits the caller's estimator with the chosen parameters: the scores are right, the caller's model is changed",
        code='''
def nested_cv(estimator, param_grid: dict, X, y, inner_cv, outer_cv) -> tuple[np.ndarray, list[dict]]:
    """Outer-fold scores of a grid search tuned on each outer training part, and the chosen parameters."""
    scores, chosen = [], []
    for train_idx, test_idx in outer_cv.split(X, y):
        search = GridSearchCV(estimator, param_grid, cv=inner_cv).fit(X[train_idx], y[train_idx])
        estimator.set_params(**search.best_params_).fit(X[train_idx], y[train_idx])
        scores.append(estimator.score(X[test_idx], y[test_idx]))
        chosen.append(search.best_params_)
    return np.array(scores, dtype=float), chosen
''',
    ),
    dict(
        name="nested_records_the_first_parameter_only",
        cell="nested_solution",
        loses=["correct_nested_params"],
        why="written for a one-parameter grid: records only the first parameter's chosen value, so a two-parameter "
            "grid loses the rest",
        code='''
def nested_cv(estimator, param_grid: dict, X, y, inner_cv, outer_cv) -> tuple[np.ndarray, list[dict]]:
    """Outer-fold scores of a grid search tuned on each outer training part, and the chosen parameters."""
    scores, chosen = [], []
    name = next(iter(param_grid))
    for train_idx, test_idx in outer_cv.split(X, y):
        search = GridSearchCV(clone(estimator), param_grid, cv=inner_cv).fit(X[train_idx], y[train_idx])
        scores.append(search.score(X[test_idx], y[test_idx]))
        chosen.append({name: search.best_params_[name]})
    return np.array(scores, dtype=float), chosen
''',
    ),
    # ---------------------------------------------------------------- exercise 12: shift-augmentation
    dict(
        name="shift_slices_past_the_edge",
        cell="aug_solution",
        loses=["correct_shift_image"],
        why="slices source and destination without clipping the shift: a shift as wide as the image raises instead "
            "of leaving zeros",
        code=_SHIFT_KEY.replace("""    if abs(dx) >= width or abs(dy) >= height:
        return shifted
""", "") + _AUGMENT_KEY + _SPLIT_KEY,
    ),
    dict(
        name="soft_threshold_in_place",
        cell="cd_solution",
        loses=["correct_soft_threshold"],
        why="shrinks the caller's float array in place and returns it: right values, but the caller's z has changed",
        code=_CD.replace("""    z = np.asarray(z, dtype=float)
    return np.sign(z) * np.maximum(np.abs(z) - gamma, 0.0)""", """    z = np.asarray(z, dtype=float)
    z[...] = np.sign(z) * np.maximum(np.abs(z) - gamma, 0.0)
    return z"""),
    ),
    dict(
        name="shift_with_np_roll",
        cell="aug_solution",
        loses=["correct_shift_image"],
        why="np.roll wraps the column that leaves on the right back in on the left",
        code='''
def shift_image(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Shift a 2-D image dx pixels right and dy pixels down, filling with zeros (no wrap-around)."""
    return np.roll(np.roll(image, dy, axis=0), dx, axis=1)
''' + _AUGMENT_KEY + _SPLIT_KEY,
    ),
    dict(
        name="shift_axes_swapped",
        cell="aug_solution",
        loses=["correct_shift_image"],
        why="treats dx as rows and dy as columns: a horizontal shift moves the image down",
        code='''
def shift_image(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Shift a 2-D image dx pixels right and dy pixels down, filling with zeros (no wrap-around)."""
    shifted = np.zeros_like(image)
    height, width = image.shape
    if abs(dx) >= height or abs(dy) >= width:
        return shifted
    shifted[max(dx, 0):height + min(dx, 0), max(dy, 0):width + min(dy, 0)] = \\
        image[max(-dx, 0):height + min(-dx, 0), max(-dy, 0):width + min(-dy, 0)]
    return shifted
''' + _AUGMENT_KEY + _SPLIT_KEY,
    ),
    dict(
        name="augment_drops_originals",
        cell="aug_solution",
        loses=["correct_augment_with_shifts"],
        why="returns only the shifted copies: the training set loses its real images",
        code=_SHIFT_KEY + '''
def augment_with_shifts(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Originals followed by their one-pixel shifts right, left, down and up."""
    images = X.reshape(-1, 8, 8)
    blocks = [np.stack([shift_image(img, dx, dy) for img in images]).reshape(len(X), -1)
              for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1)]]
    return np.vstack(blocks), np.tile(y, 4)
''' + _SPLIT_KEY,
    ),
    dict(
        name="augment_before_split",
        cell="aug_solution",
        loses=["correct_split_then_augment"],
        why="augments the whole data set and then splits: shifted copies of test images leak into training",
        code=_SHIFT_KEY + _AUGMENT_KEY + '''
def split_then_augment(X: np.ndarray, y: np.ndarray, test_size: float,
                       seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split first (stratified), then augment the training part only."""
    X_aug, y_aug = augment_with_shifts(X, y)
    return train_test_split(X_aug, y_aug, test_size=test_size, random_state=seed, stratify=y_aug)
''',
    ),
    dict(
        name="augment_test_split_too",
        cell="aug_solution",
        loses=["correct_split_then_augment"],
        why="splits correctly but augments the test split as well, so the test set no longer matches real data",
        code=_SHIFT_KEY + _AUGMENT_KEY + '''
def split_then_augment(X: np.ndarray, y: np.ndarray, test_size: float,
                       seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split first (stratified), then augment the training part only."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y)
    X_train_aug, y_train_aug = augment_with_shifts(X_train, y_train)
    X_test_aug, y_test_aug = augment_with_shifts(X_test, y_test)
    return X_train_aug, X_test_aug, y_train_aug, y_test_aug
''',
    ),
    dict(
        name="split_ignores_the_seed",
        cell="aug_solution",
        loses=["correct_split_then_augment"],
        why="hard-codes random_state=0 instead of the seed argument: right only for the seed the notebook shows",
        code=_SHIFT_KEY + _AUGMENT_KEY + '''
def split_then_augment(X: np.ndarray, y: np.ndarray, test_size: float,
                       seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split first (stratified), then augment the training part only."""
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, test_size=test_size, random_state=0)
    X_train_aug, y_train_aug = augment_with_shifts(X_train, y_train)
    return (X_train_aug, X_test, y_train_aug, y_test)
''',
    ),
]
