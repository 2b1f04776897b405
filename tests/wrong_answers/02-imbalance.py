"""Plausible wrong answers for module 02-imbalance: each must score 0 on the graded cells it `loses`.

Every entry replaces the whole source of one solution cell; the rest of the notebook keeps the key's answers.
"""

WRONG_ANSWERS = [
    # ------------------------------------------------------------------ exercise 1: imbalance-metrics
    dict(
        name="precision_recall_swapped",
        cell="metrics_solution",
        loses=["correct_metrics_counts"],
        why="divides TP by the actual positives for precision and by the predicted positives for recall (seed 004 Q4 words both alike)",
        code='''def imbalance_metrics(y_true, y_pred) -> dict[str, float]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    ratio = lambda a, b: float(a / b) if b else 0.0
    precision = ratio(tp, tp + fn)
    recall = ratio(tp, tp + fp)
    return {"accuracy": ratio(tp + tn, tp + fp + fn + tn), "precision": precision, "recall": recall,
            "f1": ratio(2 * tp, 2 * tp + fp + fn),
            "balanced_accuracy": (ratio(tp, tp + fn) + ratio(tn, tn + fp)) / 2}
''',
    ),
    dict(
        name="f1_from_accuracy_and_recall",
        cell="metrics_solution",
        loses=["correct_metrics_f1_balanced"],
        why="takes the harmonic mean of accuracy (准确率) and recall, as seed 004 Q4's wording suggests, instead of precision and recall",
        code='''def imbalance_metrics(y_true, y_pred) -> dict[str, float]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    ratio = lambda a, b: float(a / b) if b else 0.0
    accuracy, recall = ratio(tp + tn, tp + fp + fn + tn), ratio(tp, tp + fn)
    return {"accuracy": accuracy, "precision": ratio(tp, tp + fp), "recall": recall,
            "f1": ratio(2 * accuracy * recall, accuracy + recall),
            "balanced_accuracy": (recall + ratio(tn, tn + fp)) / 2}
''',
    ),
    dict(
        name="balanced_accuracy_mean_of_precision_and_recall",
        cell="metrics_solution",
        loses=["correct_metrics_f1_balanced"],
        why="averages precision and recall (both about the positive class) instead of the recall of each class",
        code='''def imbalance_metrics(y_true, y_pred) -> dict[str, float]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    ratio = lambda a, b: float(a / b) if b else 0.0
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return {"accuracy": ratio(tp + tn, tp + fp + fn + tn), "precision": precision, "recall": recall,
            "f1": ratio(2 * tp, 2 * tp + fp + fn), "balanced_accuracy": (precision + recall) / 2}
''',
    ),
    dict(
        name="nan_on_zero_division",
        cell="metrics_solution",
        loses=["correct_metrics_counts", "correct_metrics_f1_balanced"],
        why="divides numpy counts without guarding the denominator: a model that never predicts positive gets precision and F1 nan, not 0",
        code='''def imbalance_metrics(y_true, y_pred) -> dict[str, float]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    tn = np.sum((y_true == 0) & (y_pred == 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.float64(tp) / (tp + fp)
        recall = np.float64(tp) / (tp + fn)
        f1 = 2 * precision * recall / (precision + recall)
    return {"accuracy": float((tp + tn) / len(y_true)), "precision": float(precision), "recall": float(recall),
            "f1": float(f1), "balanced_accuracy": float((recall + tn / (tn + fp)) / 2)}
''',
    ),
    dict(
        name="pairs_series_by_index",
        cell="metrics_solution",
        loses=["correct_metrics_counts", "correct_metrics_f1_balanced"],
        why="wraps the inputs in pandas Series and combines them with &, which aligns two Series by index instead of pairing them by position",
        code='''def imbalance_metrics(y_true, y_pred) -> dict[str, float]:
    y_true, y_pred = pd.Series(y_true), pd.Series(y_pred)
    tp = int(((y_true == 1) & (y_pred == 1)).sum())
    fp = int(((y_true == 0) & (y_pred == 1)).sum())
    fn = int(((y_true == 1) & (y_pred == 0)).sum())
    tn = int(((y_true == 0) & (y_pred == 0)).sum())
    ratio = lambda a, b: float(a / b) if b else 0.0
    recall = ratio(tp, tp + fn)
    return {"accuracy": ratio(tp + tn, tp + fp + fn + tn), "precision": ratio(tp, tp + fp), "recall": recall,
            "f1": ratio(2 * tp, 2 * tp + fp + fn), "balanced_accuracy": (recall + ratio(tn, tn + fp)) / 2}
''',
    ),
    dict(
        name="balanced_accuracy_over_present_classes",
        cell="metrics_solution",
        loses=["correct_metrics_f1_balanced"],
        why="averages the recall of the classes present in y_true only (as sklearn does), so a batch without negatives gets recall, not (recall + 0.0) / 2",
        code='''def imbalance_metrics(y_true, y_pred) -> dict[str, float]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    ratio = lambda a, b: float(a / b) if b else 0.0
    recall = ratio(tp, tp + fn)
    per_class = [r for r, present in ((recall, tp + fn), (ratio(tn, tn + fp), tn + fp)) if present]
    return {"accuracy": ratio(tp + tn, tp + fp + fn + tn), "precision": ratio(tp, tp + fp), "recall": recall,
            "f1": ratio(2 * tp, 2 * tp + fp + fn), "balanced_accuracy": float(np.mean(per_class))}
''',
    ),
    dict(
        name="no_positive_means_perfect_recall",
        cell="metrics_solution",
        loses=["correct_metrics_counts"],
        why="treats a batch without any actual positive as perfectly recalled (1.0), against the stated rule that a zero denominator gives 0.0",
        code='''def imbalance_metrics(y_true, y_pred) -> dict[str, float]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    ratio = lambda a, b: float(a / b) if b else 0.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"accuracy": ratio(tp + tn, tp + fp + fn + tn), "precision": ratio(tp, tp + fp), "recall": float(recall),
            "f1": ratio(2 * tp, 2 * tp + fp + fn), "balanced_accuracy": (ratio(tp, tp + fn) + ratio(tn, tn + fp)) / 2}
''',
    ),
    # ------------------------------------------------------------------ exercise 2: average-precision
    dict(
        name="trapezoid_area_under_pr_curve",
        cell="ap_solution",
        loses=["correct_ap_distinct", "correct_ap_ties"],
        why="integrates the precision-recall curve with trapezoids from (0, 1), which interpolates linearly and overestimates; AP is a step sum",
        code='''def average_precision(y_true, scores) -> float:
    y_true = np.asarray(y_true) == 1
    scores = np.asarray(scores, dtype=float)
    precision, recall = [1.0], [0.0]
    for t in np.unique(scores)[::-1]:
        predicted = scores >= t
        tp = np.sum(predicted & y_true)
        precision.append(tp / predicted.sum())
        recall.append(tp / y_true.sum())
    return float(np.trapezoid(precision, recall))
''',
    ),
    dict(
        name="ties_ranked_one_by_one",
        cell="ap_solution",
        loses=["correct_ap_ties"],
        why="averages precision at the rank of each positive after an arbitrary sort, so tied scores are split instead of entering together",
        code='''def average_precision(y_true, scores) -> float:
    y_true = np.asarray(y_true) == 1
    order = np.argsort(-np.asarray(scores, dtype=float), kind="mergesort")
    hits = y_true[order]
    precision_at_k = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision_at_k[hits].mean())
''',
    ),
    dict(
        name="roc_auc_instead",
        cell="ap_solution",
        loses=["correct_ap_distinct", "correct_ap_ties"],
        why="reports ROC-AUC, which ignores how rare the positives are",
        code='''def average_precision(y_true, scores) -> float:
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(y_true, scores))
''',
    ),
    dict(
        name="frame_aligns_series_by_index",
        cell="ap_solution",
        loses=["correct_ap_distinct", "correct_ap_ties"],
        why="puts labels and scores in one DataFrame and groups by score: two Series with their own indexes are aligned by label, not paired by position",
        code='''def average_precision(y_true, scores) -> float:
    frame = pd.DataFrame({"y": pd.Series(y_true), "s": pd.Series(scores)})
    groups = frame.groupby("s", sort=True)["y"].agg(["sum", "count"]).iloc[::-1]  # one row per threshold, high to low
    true_positives = groups["sum"].cumsum().to_numpy(dtype=float)
    predicted_positives = groups["count"].cumsum().to_numpy(dtype=float)
    recall = true_positives / true_positives[-1]
    precision = true_positives / predicted_positives
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
''',
    ),
    dict(
        name="calls_average_precision_score",
        cell="ap_solution",
        loses=["correct_ap_distinct", "correct_ap_ties"],
        why="calls sklearn.metrics.average_precision_score, the routine the task asks to write by hand",
        code='''def average_precision(y_true, scores) -> float:
    return float(metrics.average_precision_score(np.asarray(y_true), np.asarray(scores, dtype=float)))
''',
    ),
    # ------------------------------------------------------------------ exercise 3: class-weights
    dict(
        name="n_over_count_without_n_classes",
        cell="weights_solution",
        loses=["correct_class_weight_binary", "correct_class_weight_multiclass"],
        why="inverse frequency n / count without dividing by the number of classes: the right ratios, the wrong scale",
        code='''def balanced_class_weight(y) -> dict:
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    return {label.item(): float(len(y) / count) for label, count in zip(labels, counts)}
''',
    ),
    dict(
        name="frequency_not_inverse",
        cell="weights_solution",
        loses=["correct_class_weight_binary", "correct_class_weight_multiclass"],
        why="weights each class by its frequency, which makes the majority class weigh even more",
        code='''def balanced_class_weight(y) -> dict:
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    return {label.item(): float(len(labels) * count / len(y)) for label, count in zip(labels, counts)}
''',
    ),
    dict(
        name="keys_by_position",
        cell="weights_solution",
        loses=["correct_class_weight_multiclass"],
        why="keys the weights by the position of each class (0, 1, 2 ...) instead of its label; right only when labels are 0..k-1",
        code='''def balanced_class_weight(y) -> dict:
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    return {i: float(len(y) / (len(labels) * count)) for i, count in enumerate(counts)}
''',
    ),
    dict(
        name="sorts_y_in_place",
        cell="weights_solution",
        loses=["correct_class_weight_binary"],
        why="sorts the caller's array in place (y.sort()) to count runs of equal labels: right weights, but the caller's labels are reordered",
        code='''def balanced_class_weight(y) -> dict:
    y = np.asarray(y)
    y.sort()
    labels, starts = np.unique(y, return_index=True)
    counts = np.diff(np.r_[starts, len(y)])
    return {label.item(): float(len(y) / (len(labels) * count)) for label, count in zip(labels, counts)}
''',
    ),
    dict(
        name="at_least_two_classes",
        cell="weights_solution",
        loses=["correct_class_weight_multiclass"],
        why="assumes a binary problem at least (n_classes = max(2, ...)): a batch holding a single class gets the weight 0.5 instead of 1.0",
        code='''def balanced_class_weight(y) -> dict:
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    n_classes = max(2, len(labels))
    return {label.item(): float(len(y) / (n_classes * count)) for label, count in zip(labels, counts)}
''',
    ),
    dict(
        name="calls_compute_class_weight",
        cell="weights_solution",
        loses=["correct_class_weight_binary", "correct_class_weight_multiclass"],
        why="calls sklearn's compute_class_weight, the routine the task asks to write by hand",
        code='''def balanced_class_weight(y) -> dict:
    from sklearn.utils.class_weight import compute_class_weight
    classes = np.unique(np.asarray(y))
    return {c.item(): float(w) for c, w in zip(classes, compute_class_weight("balanced", classes=classes, y=np.asarray(y)))}
''',
    ),
    # ------------------------------------------------------------------ exercise 4: smote
    dict(
        name="neighbours_from_whole_dataset",
        cell="smote_solution",
        loses=["correct_smote_segments", "correct_smote_neighbours"],
        why="looks for the k nearest neighbours among all rows, so synthetic 'minority' rows are drawn towards majority samples",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X_all = np.asarray(X, dtype=float)
    minority = np.flatnonzero(np.asarray(y) == minority_label)
    rng = (np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng)
    distances = ((X_all[minority, None, :] - X_all[None, :, :]) ** 2).sum(axis=-1)
    distances[np.arange(len(minority)), minority] = np.inf
    neighbours = np.argsort(distances, axis=1)[:, :k]
    base = rng.integers(0, len(minority), size=n_new)
    partner = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.random((n_new, 1))
    return X_all[minority[base]] + lam * (X_all[partner] - X_all[minority[base]])
''',
    ),
    dict(
        name="smote_high_end_taken_as_inclusive",
        cell="smote_solution",
        loses=["correct_smote_segments"],
        why="draws the minority sample with rng.integers(0, m - 1), as if the high end were included (random.randint's "
            "habit): the last minority sample never starts a row",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X_min = np.asarray(X, dtype=float)[np.asarray(y, dtype=object) == minority_label]
    rng = np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng
    if n_new == 0:
        return np.empty((0, X_min.shape[1]))
    distances = ((X_min[:, None, :] - X_min[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(distances, np.inf)
    neighbours = np.argsort(distances, axis=1)[:, :k]
    base = rng.integers(0, len(X_min) - 1, size=n_new)
    partner = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.random((n_new, 1))
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    dict(
        name="sample_is_its_own_neighbour",
        cell="smote_solution",
        loses=["correct_smote_segments"],
        why="queries NearestNeighbors on the points it was fitted on and keeps the first column, the sample itself: some 'synthetic' rows are copies",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    from sklearn.neighbors import NearestNeighbors
    X_min = np.asarray(X, dtype=float)[np.asarray(y) == minority_label]
    rng = (np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng)
    neighbours = NearestNeighbors(n_neighbors=k).fit(X_min).kneighbors(X_min, return_distance=False)
    base = rng.integers(0, len(X_min), size=n_new)
    partner = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.random((n_new, 1))
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    dict(
        name="random_minority_partner",
        cell="smote_solution",
        loses=["correct_smote_neighbours"],
        why="interpolates towards any other minority sample, not one of the k nearest, so new rows cross regions the minority never occupies",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X_min = np.asarray(X, dtype=float)[np.asarray(y) == minority_label]
    rng = (np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng)
    base = rng.integers(0, len(X_min), size=n_new)
    partner = (base + rng.integers(1, len(X_min), size=n_new)) % len(X_min)
    lam = rng.random((n_new, 1))
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    dict(
        name="one_lambda_for_all_rows",
        cell="smote_solution",
        loses=["correct_smote_segments"],
        why="draws a single lambda (rng.random()) shared by every new row, so all synthetic rows sit at the same fraction of their segments",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X_min = np.asarray(X, dtype=float)[np.asarray(y) == minority_label]
    rng = (np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng)
    distances = ((X_min[:, None, :] - X_min[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(distances, np.inf)
    neighbours = np.argsort(distances, axis=1)[:, :k]
    base = rng.integers(0, len(X_min), size=n_new)
    partner = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.random()
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    dict(
        name="ignores_rng",
        cell="smote_solution",
        loses=["correct_smote_shape"],
        why="draws from an unseeded generator, ignoring rng, so the same seed gives different rows on every call",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X_min = np.asarray(X, dtype=float)[np.asarray(y) == minority_label]
    rng = np.random.default_rng()
    distances = ((X_min[:, None, :] - X_min[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(distances, np.inf)
    neighbours = np.argsort(distances, axis=1)[:, :k]
    base = rng.integers(0, len(X_min), size=n_new)
    partner = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.random((n_new, 1))
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    dict(
        name="seeds_global_rng",
        cell="smote_solution",
        loses=["correct_smote_shape"],
        why="calls np.random.seed(rng if isinstance(rng, (int, np.integer)) else 0) and draws from NumPy's global generator: reproducible, but it resets the caller's global random state",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X_min = np.asarray(X, dtype=float)[np.asarray(y) == minority_label]
    np.random.seed(rng if isinstance(rng, (int, np.integer)) else 0)
    if n_new == 0:
        return np.empty((0, X_min.shape[1]))
    distances = ((X_min[:, None, :] - X_min[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(distances, np.inf)
    neighbours = np.argsort(distances, axis=1)[:, :k]
    base = np.random.randint(0, len(X_min), size=n_new)
    partner = neighbours[base, np.random.randint(0, k, size=n_new)]
    lam = np.random.random((n_new, 1))
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    dict(
        name="lambda_in_lower_half",
        cell="smote_solution",
        loses=["correct_smote_segments"],
        why="draws lambda uniformly in [0, 0.5] to keep new rows close to the real sample: every row is still on a segment, but lambda's location is off by a factor of two",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X_min = np.asarray(X, dtype=float)[np.asarray(y, dtype=object) == minority_label]
    rng = np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng
    distances = ((X_min[:, None, :] - X_min[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(distances, np.inf)
    neighbours = np.argsort(distances, axis=1)[:, :k]
    base = rng.integers(0, len(X_min), size=n_new)
    partner = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.uniform(0, 0.5, size=(n_new, 1))
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    dict(
        name="lambda_on_a_percent_grid",
        cell="smote_solution",
        loses=["correct_smote_segments"],
        why="draws lambda as a whole percentage (rng.integers(0, 101) / 100): every row is on its segment and lambda's mean and spread look uniform, but it is not a uniform draw in [0, 1]",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X_min = np.asarray(X, dtype=float)[np.asarray(y, dtype=object) == minority_label]
    rng = np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng
    distances = ((X_min[:, None, :] - X_min[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(distances, np.inf)
    neighbours = np.argsort(distances, axis=1)[:, :k]
    base = rng.integers(0, len(X_min), size=n_new)
    partner = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.integers(0, 101, size=(n_new, 1)) / 100
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    dict(
        name="frame_selects_by_index",
        cell="smote_solution",
        loses=["correct_smote_segments", "correct_smote_neighbours"],
        why="selects the minority rows with a boolean Series, which pandas aligns to X's index: when X and y carry different indexes, the wrong rows are taken",
        code='''def smote(X, y, n_new: int, k: int = 5, minority_label=1, rng=0) -> np.ndarray:
    X = pd.DataFrame(X)
    X_min = X[pd.Series(y).eq(minority_label).reindex(X.index, fill_value=False)].to_numpy(dtype=float)
    rng = np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng
    if n_new == 0:
        return np.empty((0, X.shape[1]))
    distances = ((X_min[:, None, :] - X_min[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(distances, np.inf)
    neighbours = np.argsort(distances, axis=1)[:, :k]
    base = rng.integers(0, len(X_min), size=n_new)
    partner = neighbours[base, rng.integers(0, k, size=n_new)]
    lam = rng.random((n_new, 1))
    return X_min[base] + lam * (X_min[partner] - X_min[base])
''',
    ),
    # ------------------------------------------------------------------ exercise 5: resample-in-cv
    dict(
        name="resample_before_split",
        cell="cv_solution",
        loses=["correct_cv_scores", "correct_cv_no_leak"],
        why="balances the whole data set, then cross-validates: synthetic rows from test folds train the model and the test folds are no longer imbalanced",
        code='''def honest_cv_scores(model, sampler, X, y, n_splits: int = 5, seed: int = 0) -> np.ndarray:
    X_res, y_res = clone(sampler).fit_resample(X, y)
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return np.asarray(cross_val_score(clone(model), X_res, y_res, cv=folds, scoring="average_precision"), dtype=float)
''',
    ),
    dict(
        name="resample_test_folds_too",
        cell="cv_solution",
        loses=["correct_cv_scores", "correct_cv_no_leak"],
        why="splits first but then resamples the held-out fold as well, so it is scored on balanced, partly synthetic data",
        code='''def honest_cv_scores(model, sampler, X, y, n_splits: int = 5, seed: int = 0) -> np.ndarray:
    from sklearn.metrics import average_precision_score
    X, y = np.asarray(X), np.asarray(y)
    scores = []
    for train, test in StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(X, y):
        X_tr, y_tr = clone(sampler).fit_resample(X[train], y[train])
        X_te, y_te = clone(sampler).fit_resample(X[test], y[test])
        fitted = clone(model).fit(X_tr, y_tr)
        scores.append(average_precision_score(y_te, fitted.predict_proba(X_te)[:, 1]))
    return np.asarray(scores, dtype=float)
''',
    ),
    dict(
        name="unstratified_kfold",
        cell="cv_solution",
        loses=["correct_cv_scores"],
        why="uses KFold, whose folds do not keep the positive rate: with few positives some folds get almost none",
        code='''def honest_cv_scores(model, sampler, X, y, n_splits: int = 5, seed: int = 0) -> np.ndarray:
    from sklearn.model_selection import KFold
    pipeline = Pipeline([("sampler", clone(sampler)), ("model", clone(model))])
    folds = KFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return np.asarray(cross_val_score(pipeline, X, y, cv=folds, scoring="average_precision"), dtype=float)
''',
    ),
    dict(
        name="fits_callers_objects",
        cell="cv_solution",
        loses=["correct_cv_scores"],
        why="writes the fold loop by hand and fits the caller's sampler and model themselves, not clones: the scores are right, but the caller gets back fitted objects",
        code='''def honest_cv_scores(model, sampler, X, y, n_splits: int = 5, seed: int = 0) -> np.ndarray:
    from sklearn.metrics import average_precision_score
    scores = []
    for train, test in StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(X, y):
        X_tr, y_tr = sampler.fit_resample(X.iloc[train], y.iloc[train])
        model.fit(X_tr, y_tr)
        scores.append(average_precision_score(y.iloc[test], model.predict_proba(X.iloc[test])[:, 1]))
    return np.asarray(scores, dtype=float)
''',
    ),
    dict(
        name="resample_all_then_score_original_rows",
        cell="cv_solution",
        loses=["correct_cv_scores", "correct_cv_no_leak"],
        why="keeps the colleague's first line (the sampler on all rows) and only scores the original rows of each fold: the prevalence is right, the leak is still there",
        code='''def honest_cv_scores(model, sampler, X, y, n_splits: int = 5, seed: int = 0) -> np.ndarray:
    from sklearn.metrics import average_precision_score
    X_bal, y_bal = clone(sampler).fit_resample(X, y)
    X_bal, y_bal = np.asarray(X_bal), np.asarray(y_bal)
    X_arr, y_arr = np.asarray(X), np.asarray(y)
    extra = np.arange(len(y_arr), len(y_bal)) if len(y_bal) > len(y_arr) else np.arange(0)
    scores = []
    for train, test in StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(X, y):
        rows = np.r_[train, extra] if len(extra) else train
        fitted = clone(model).fit(X_bal[rows] if len(extra) else X_arr[train], y_bal[rows] if len(extra) else y_arr[train])
        scores.append(average_precision_score(y_arr[test], fitted.predict_proba(X_arr[test])[:, 1]))
    return np.asarray(scores, dtype=float)
''',
    ),
    dict(
        name="default_seed_none",
        cell="cv_solution",
        loses=["correct_cv_scores"],
        why="declares seed=None as the default, so a call without a seed shuffles the folds differently every time instead of using seed 0",
        code='''def honest_cv_scores(model, sampler, X, y, n_splits: int = 5, seed=None) -> np.ndarray:
    pipeline = Pipeline([("sampler", clone(sampler)), ("model", clone(model))])
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return np.asarray(cross_val_score(pipeline, X, y, cv=folds, scoring="average_precision"), dtype=float)
''',
    ),
    dict(
        name="fold_rows_by_label",
        cell="cv_solution",
        loses=["correct_cv_scores", "correct_cv_no_leak"],
        why="writes the fold loop with X.loc[train]: the folds give positions, not labels, so it works only while the index is 0..n-1",
        code='''def honest_cv_scores(model, sampler, X, y, n_splits: int = 5, seed: int = 0) -> np.ndarray:
    scores = []
    for train, test in StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(X, y):
        X_fit, y_fit = clone(sampler).fit_resample(X.loc[train], y.loc[train])
        fitted = clone(model).fit(X_fit, y_fit)
        scores.append(metrics.average_precision_score(y.loc[test], fitted.predict_proba(X.loc[test])[:, 1]))
    return np.array(scores, dtype=float)
''',
    ),
    # ------------------------------------------------------------------ exercise 6: threshold-moving
    dict(
        name="strict_greater_than",
        cell="threshold_solution",
        loses=["correct_best_f1_threshold", "correct_recall_threshold"],
        why="predicts positive when proba > t, so the returned threshold is one candidate off from the one that was scored",
        code='''def best_f1_threshold(y_true, proba) -> tuple[float, float]:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_f1 = float(proba.max()), -1.0
    for t in np.unique(proba):
        predicted = proba > t
        tp, fp, fn = np.sum(predicted & y_true), np.sum(predicted & ~y_true), np.sum(~predicted & y_true)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
        if f1 >= best_f1:
            best_t, best_f1 = float(t), float(f1)
    return best_t, best_f1


def threshold_for_recall(y_true, proba, target_recall: float) -> float:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_precision = float(proba.min()), -1.0
    for t in np.unique(proba):
        predicted = proba > t
        tp = int(np.sum(predicted & y_true))
        if predicted.sum() > 0 and tp / y_true.sum() >= target_recall:
            precision = tp / int(predicted.sum())
            if precision >= best_precision:
                best_t, best_precision = float(t), precision
    return best_t
''',
    ),
    dict(
        name="fixed_grid_of_thresholds",
        cell="threshold_solution",
        loses=["correct_best_f1_threshold", "correct_recall_threshold"],
        why="scans a fixed grid 0.00, 0.01, ... 1.00 instead of the predicted probabilities, so it misses the best cut and can land between them",
        code='''def best_f1_threshold(y_true, proba) -> tuple[float, float]:
    from sklearn.metrics import f1_score
    y_true, proba = np.asarray(y_true), np.asarray(proba, dtype=float)
    grid = np.round(np.linspace(0, 1, 101), 2)
    f1s = [f1_score(y_true, (proba >= t).astype(int), zero_division=0) for t in grid]
    i = int(np.argmax(f1s))
    return float(grid[i]), float(f1s[i])


def threshold_for_recall(y_true, proba, target_recall: float) -> float:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_precision = 0.0, -1.0
    for t in np.round(np.linspace(0, 1, 101), 2):
        predicted = proba >= t
        tp = int(np.sum(predicted & y_true))
        if predicted.sum() > 0 and tp / y_true.sum() >= target_recall and tp / predicted.sum() >= best_precision:
            best_t, best_precision = float(t), tp / predicted.sum()
    return best_t
''',
    ),
    dict(
        name="lowest_threshold_meeting_recall",
        cell="threshold_solution",
        loses=["correct_recall_threshold"],
        why="returns the first threshold (from the bottom) whose recall reaches the target: it always meets it, with the most false alerts",
        code='''def best_f1_threshold(y_true, proba) -> tuple[float, float]:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_f1 = float(proba.max()), -1.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp, fp, fn = np.sum(predicted & y_true), np.sum(predicted & ~y_true), np.sum(~predicted & y_true)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
        if f1 >= best_f1:
            best_t, best_f1 = float(t), float(f1)
    return best_t, best_f1


def threshold_for_recall(y_true, proba, target_recall: float) -> float:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    for t in np.unique(proba):
        if np.sum((proba >= t) & y_true) / y_true.sum() >= target_recall:
            return float(t)
    return float(proba.min())
''',
    ),
    dict(
        name="maximise_accuracy_not_f1",
        cell="threshold_solution",
        loses=["correct_best_f1_threshold"],
        why="picks the threshold with the best accuracy, which on rare positives drifts up towards predicting no positive at all",
        code='''def best_f1_threshold(y_true, proba) -> tuple[float, float]:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_acc, best_f1 = float(proba.max()), -1.0, 0.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp, fp, fn = np.sum(predicted & y_true), np.sum(predicted & ~y_true), np.sum(~predicted & y_true)
        acc = np.mean(predicted == y_true)
        if acc >= best_acc:
            best_t, best_acc = float(t), acc
            best_f1 = float(2 * tp / (2 * tp + fp + fn)) if tp > 0 else 0.0
    return best_t, best_f1


def threshold_for_recall(y_true, proba, target_recall: float) -> float:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_precision = float(proba.min()), -1.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp = int(np.sum(predicted & y_true))
        if tp / y_true.sum() >= target_recall and tp / predicted.sum() >= best_precision:
            best_t, best_precision = float(t), tp / predicted.sum()
    return best_t
''',
    ),
    dict(
        name="f1_ties_smallest_threshold",
        cell="threshold_solution",
        loses=["correct_best_f1_threshold"],
        why="replaces the best threshold only on a strictly better F1 while going up, so among thresholds with equal F1 it keeps the smallest, not the largest",
        code='''def best_f1_threshold(y_true, proba) -> tuple[float, float]:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_f1 = float(proba.max()), -1.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp, fp, fn = np.sum(predicted & y_true), np.sum(predicted & ~y_true), np.sum(~predicted & y_true)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
        if f1 > best_f1:
            best_t, best_f1 = float(t), float(f1)
    return best_t, best_f1


def threshold_for_recall(y_true, proba, target_recall: float) -> float:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_precision = float(proba.min()), -1.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp = int(np.sum(predicted & y_true))
        if tp / y_true.sum() >= target_recall:
            precision = tp / int(predicted.sum())
            if precision >= best_precision:
                best_t, best_precision = float(t), precision
    return best_t
''',
    ),
    dict(
        name="recall_ties_smallest_threshold",
        cell="threshold_solution",
        loses=["correct_recall_threshold"],
        why="keeps the first threshold with the best precision while going up, so among equal precisions it returns the smallest threshold, not the largest",
        code='''def best_f1_threshold(y_true, proba) -> tuple[float, float]:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_f1 = float(proba.max()), -1.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp, fp, fn = np.sum(predicted & y_true), np.sum(predicted & ~y_true), np.sum(~predicted & y_true)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
        if f1 >= best_f1:
            best_t, best_f1 = float(t), float(f1)
    return best_t, best_f1


def threshold_for_recall(y_true, proba, target_recall: float) -> float:
    y_true, proba = np.asarray(y_true) == 1, np.asarray(proba, dtype=float)
    best_t, best_precision = float(proba.min()), -1.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp = int(np.sum(predicted & y_true))
        if tp / y_true.sum() >= target_recall:
            precision = tp / int(predicted.sum())
            if precision > best_precision:
                best_t, best_precision = float(t), precision
    return best_t
''',
    ),
    dict(
        name="compares_without_asarray",
        cell="threshold_solution",
        loses=["correct_best_f1_threshold", "correct_recall_threshold"],
        why="compares proba >= t and combines it with y_true as given: fine on arrays, a TypeError on lists, and two Series with their own indexes are aligned by label instead of paired by position",
        code='''def best_f1_threshold(y_true, proba) -> tuple[float, float]:
    best_t, best_f1 = None, -1.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp = int((predicted & (y_true == 1)).sum())
        fp = int((predicted & (y_true == 0)).sum())
        fn = int((~predicted & (y_true == 1)).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 >= best_f1:
            best_t, best_f1 = float(t), float(f1)
    return best_t, best_f1


def threshold_for_recall(y_true, proba, target_recall: float) -> float:
    n_pos = int((y_true == 1).sum())
    best_t, best_precision = None, -1.0
    for t in np.unique(proba):
        predicted = proba >= t
        tp = int((predicted & (y_true == 1)).sum())
        if tp / n_pos >= target_recall:
            precision = tp / int(predicted.sum())
            if precision >= best_precision:
                best_t, best_precision = float(t), precision
    return best_t
''',
    ),
    # ------------------------------------------------------------------ exercise 7: cost-threshold
    dict(
        name='expected_cost_total_not_mean',
        cell='cost_solution',
        loses=['correct_expected_cost'],
        why='returns the total cost of the flags instead of the cost per payment, so it grows with the size of the batch',
        code='''def expected_cost(y_true, flagged, c_fp: float, c_fn: float) -> float:
    y_true = np.asarray(y_true) == 1
    flagged = np.asarray(flagged).astype(bool)
    return float(c_fp * np.sum(flagged & ~y_true) + c_fn * np.sum(~flagged & y_true))

def prior_shift(proba, sample_rate: float, true_rate: float) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    r = (true_rate / (1 - true_rate)) / (sample_rate / (1 - sample_rate))
    return proba * r / (proba * r + 1 - proba)

def cost_flags(proba, c_fp: float, c_fn: float, sample_rate: float, true_rate: float) -> np.ndarray:
    if not (np.isfinite(c_fp) and np.isfinite(c_fn) and c_fp > 0 and c_fn > 0):
        raise ValueError("costs must be positive and finite")
    return prior_shift(proba, sample_rate, true_rate) >= c_fp / (c_fp + c_fn)
''',
        cascades=['correct_ship_choice'],
    ),
    dict(
        name='expected_cost_prices_swapped',
        cell='cost_solution',
        loses=['correct_expected_cost'],
        why='charges c_fp for a missed fraud and c_fn for a false alert',
        code='''def expected_cost(y_true, flagged, c_fp: float, c_fn: float) -> float:
    y_true = np.asarray(y_true) == 1
    flagged = np.asarray(flagged).astype(bool)
    return float((c_fn * np.sum(flagged & ~y_true) + c_fp * np.sum(~flagged & y_true)) / len(y_true))

def prior_shift(proba, sample_rate: float, true_rate: float) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    r = (true_rate / (1 - true_rate)) / (sample_rate / (1 - sample_rate))
    return proba * r / (proba * r + 1 - proba)

def cost_flags(proba, c_fp: float, c_fn: float, sample_rate: float, true_rate: float) -> np.ndarray:
    if not (np.isfinite(c_fp) and np.isfinite(c_fn) and c_fp > 0 and c_fn > 0):
        raise ValueError("costs must be positive and finite")
    return prior_shift(proba, sample_rate, true_rate) >= c_fp / (c_fp + c_fn)
''',
        cascades=['correct_ship_choice'],
    ),
    dict(
        name='odds_ratio_upside_down',
        cell='cost_solution',
        loses=['correct_prior_shift', 'correct_cost_flags'],
        why='divides the training odds by the true odds, so the correction pushes the inflated probabilities further up',
        code='''def expected_cost(y_true, flagged, c_fp: float, c_fn: float) -> float:
    y_true = np.asarray(y_true) == 1
    flagged = np.asarray(flagged).astype(bool)
    return float((c_fp * np.sum(flagged & ~y_true) + c_fn * np.sum(~flagged & y_true)) / len(y_true))

def prior_shift(proba, sample_rate: float, true_rate: float) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    r = (sample_rate / (1 - sample_rate)) / (true_rate / (1 - true_rate))
    return proba * r / (proba * r + 1 - proba)

def cost_flags(proba, c_fp: float, c_fn: float, sample_rate: float, true_rate: float) -> np.ndarray:
    if not (np.isfinite(c_fp) and np.isfinite(c_fn) and c_fp > 0 and c_fn > 0):
        raise ValueError("costs must be positive and finite")
    return prior_shift(proba, sample_rate, true_rate) >= c_fp / (c_fp + c_fn)
''',
    ),
    dict(
        name='scaled_by_rate_ratio',
        cell='cost_solution',
        loses=['correct_prior_shift', 'correct_cost_flags'],
        why='multiplies the probabilities by true_rate / sample_rate (rates, not odds), which is only close to the correction for small probabilities',
        code='''def expected_cost(y_true, flagged, c_fp: float, c_fn: float) -> float:
    y_true = np.asarray(y_true) == 1
    flagged = np.asarray(flagged).astype(bool)
    return float((c_fp * np.sum(flagged & ~y_true) + c_fn * np.sum(~flagged & y_true)) / len(y_true))

def prior_shift(proba, sample_rate: float, true_rate: float) -> np.ndarray:
    return np.clip(np.asarray(proba, dtype=float) * true_rate / sample_rate, 0.0, 1.0)

def cost_flags(proba, c_fp: float, c_fn: float, sample_rate: float, true_rate: float) -> np.ndarray:
    if not (np.isfinite(c_fp) and np.isfinite(c_fn) and c_fp > 0 and c_fn > 0):
        raise ValueError("costs must be positive and finite")
    return prior_shift(proba, sample_rate, true_rate) >= c_fp / (c_fp + c_fn)
''',
    ),
    dict(
        name='bayes_threshold_upside_down',
        cell='cost_solution',
        loses=['correct_cost_flags'],
        why='cuts at c_fn / (c_fp + c_fn): the threshold rises with the cost of a miss, the opposite of what the costs ask',
        code='''def expected_cost(y_true, flagged, c_fp: float, c_fn: float) -> float:
    y_true = np.asarray(y_true) == 1
    flagged = np.asarray(flagged).astype(bool)
    return float((c_fp * np.sum(flagged & ~y_true) + c_fn * np.sum(~flagged & y_true)) / len(y_true))

def prior_shift(proba, sample_rate: float, true_rate: float) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    r = (true_rate / (1 - true_rate)) / (sample_rate / (1 - sample_rate))
    return proba * r / (proba * r + 1 - proba)

def cost_flags(proba, c_fp: float, c_fn: float, sample_rate: float, true_rate: float) -> np.ndarray:
    if not (np.isfinite(c_fp) and np.isfinite(c_fn) and c_fp > 0 and c_fn > 0):
        raise ValueError("costs must be positive and finite")
    return prior_shift(proba, sample_rate, true_rate) >= c_fn / (c_fp + c_fn)
''',
    ),
    dict(
        name='bayes_threshold_on_raw_probabilities',
        cell='cost_solution',
        loses=['correct_cost_flags'],
        why="applies the Bayes threshold to the weighted model's probabilities without the prior-shift correction, so it flags far too many payments",
        code='''def expected_cost(y_true, flagged, c_fp: float, c_fn: float) -> float:
    y_true = np.asarray(y_true) == 1
    flagged = np.asarray(flagged).astype(bool)
    return float((c_fp * np.sum(flagged & ~y_true) + c_fn * np.sum(~flagged & y_true)) / len(y_true))

def prior_shift(proba, sample_rate: float, true_rate: float) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    r = (true_rate / (1 - true_rate)) / (sample_rate / (1 - sample_rate))
    return proba * r / (proba * r + 1 - proba)

def cost_flags(proba, c_fp: float, c_fn: float, sample_rate: float, true_rate: float) -> np.ndarray:
    if not (np.isfinite(c_fp) and np.isfinite(c_fn) and c_fp > 0 and c_fn > 0):
        raise ValueError("costs must be positive and finite")
    return np.asarray(proba, dtype=float) >= c_fp / (c_fp + c_fn)
''',
    ),
    dict(
        name='no_guard_on_costs',
        cell='cost_solution',
        loses=['correct_cost_flags'],
        why='does not check the costs: a NaN cost makes every comparison False and silently flags nothing',
        code='''def expected_cost(y_true, flagged, c_fp: float, c_fn: float) -> float:
    y_true = np.asarray(y_true) == 1
    flagged = np.asarray(flagged).astype(bool)
    return float((c_fp * np.sum(flagged & ~y_true) + c_fn * np.sum(~flagged & y_true)) / len(y_true))

def prior_shift(proba, sample_rate: float, true_rate: float) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    r = (true_rate / (1 - true_rate)) / (sample_rate / (1 - sample_rate))
    return proba * r / (proba * r + 1 - proba)

def cost_flags(proba, c_fp: float, c_fn: float, sample_rate: float, true_rate: float) -> np.ndarray:
    return prior_shift(proba, sample_rate, true_rate) >= c_fp / (c_fp + c_fn)
''',
    ),
    dict(
        name='flags_the_expected_number_of_frauds',
        cell='cost_solution',
        loses=['correct_cost_flags'],
        why='flags as many payments as there should be frauds (the true rate times n), the most probable first: a quota, blind to what each mistake costs',
        code='''def expected_cost(y_true, flagged, c_fp: float, c_fn: float) -> float:
    y_true = np.asarray(y_true) == 1
    flagged = np.asarray(flagged).astype(bool)
    return float((c_fp * np.sum(flagged & ~y_true) + c_fn * np.sum(~flagged & y_true)) / len(y_true))

def prior_shift(proba, sample_rate: float, true_rate: float) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    r = (true_rate / (1 - true_rate)) / (sample_rate / (1 - sample_rate))
    return proba * r / (proba * r + 1 - proba)

def cost_flags(proba, c_fp: float, c_fn: float, sample_rate: float, true_rate: float) -> np.ndarray:
    if not (np.isfinite(c_fp) and np.isfinite(c_fn) and c_fp > 0 and c_fn > 0):
        raise ValueError("costs must be positive and finite")
    corrected = prior_shift(proba, sample_rate, true_rate)
    quota = int(np.ceil(true_rate * corrected.size))
    flags = np.zeros(corrected.size, dtype=bool)
    flags[np.argsort(-corrected.ravel(), kind="stable")[:quota]] = True
    return flags.reshape(corrected.shape)
''',
    ),
    # ------------------------------------------------------------------ exercise 8: ship-model
    dict(
        name='ship_the_most_accurate',
        cell='ship_solution',
        loses=['correct_ship_choice'],
        why='ships the candidate with the best accuracy on the held-out rows: on rare fraud that is the one that flags least',
        code='''def choose_model(y_holdout, flags_by_model: dict, c_fp: float, c_fn: float):
    costs = {name: expected_cost(y_holdout, flags, c_fp, c_fn) for name, flags in flags_by_model.items()}
    y = np.asarray(y_holdout) == 1
    accuracy = {name: float(np.mean(np.asarray(f).astype(bool) == y)) for name, f in flags_by_model.items()}
    return max(accuracy, key=accuracy.get), costs
''',
    ),
    dict(
        name='ship_the_best_recall',
        cell='ship_solution',
        loses=['correct_ship_choice'],
        why='ships the candidate that catches the most frauds, whatever its false alerts cost',
        code='''def choose_model(y_holdout, flags_by_model: dict, c_fp: float, c_fn: float):
    costs = {name: expected_cost(y_holdout, flags, c_fp, c_fn) for name, flags in flags_by_model.items()}
    y = np.asarray(y_holdout) == 1
    recall = {name: float(np.sum(np.asarray(f).astype(bool) & y) / y.sum()) for name, f in flags_by_model.items()}
    return max(recall, key=recall.get), costs
''',
    ),
    dict(
        name='last_of_equal_costs',
        cell='ship_solution',
        loses=['correct_ship_choice'],
        why='walks the candidates and keeps the last one whose cost is <= the best so far, so on equal costs the candidate listed last wins',
        code='''def choose_model(y_holdout, flags_by_model: dict, c_fp: float, c_fn: float):
    costs = {name: expected_cost(y_holdout, flags, c_fp, c_fn) for name, flags in flags_by_model.items()}
    best_name, best_cost = None, float("inf")
    for name, cost in costs.items():
        if cost <= best_cost:
            best_name, best_cost = name, cost
    return best_name, costs
''',
    ),
    dict(
        name='cheapest_on_one_holdout_set',
        cell='ship_solution',
        loses=['correct_ship_choice'],
        why='ships whichever candidate is cheapest on this one hold-out set (production on ties), with no allowance for chance: on equal true costs it switches about half the time',
        code='''def choose_model(y_holdout, flags_by_model: dict, c_fp: float, c_fn: float):
    costs = {name: expected_cost(y_holdout, flags, c_fp, c_fn) for name, flags in flags_by_model.items()}
    return min(costs, key=costs.get), costs
''',
    ),
    dict(
        name='fixed_five_percent_margin',
        cell='ship_solution',
        loses=['correct_ship_choice'],
        why='ships a challenger whenever it is 5 % cheaper on the hold-out set, a margin picked by feel rather than from the spread of the per-payment costs',
        code='''def choose_model(y_holdout, flags_by_model: dict, c_fp: float, c_fn: float):
    costs = {name: expected_cost(y_holdout, flags, c_fp, c_fn) for name, flags in flags_by_model.items()}
    production = next(iter(costs))
    best = min(costs, key=costs.get)
    return (best if costs[best] < 0.95 * costs[production] else production), costs
''',
    ),
]
