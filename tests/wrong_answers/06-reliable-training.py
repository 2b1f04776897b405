"""Plausible wrong answers of module 06-reliable-training: each must score 0 on the graded cells it `loses`.

Every entry replaces the whole source of one solution cell; the rest of the notebook keeps the key's answers.
"""

from tools.simulated import variant as _variant

_LOG_SOFTMAX_AND_LOSS = '''

def log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    return z - logsumexp(z, axis=-1)[..., None]


def cross_entropy_from_logits(z: np.ndarray, y: np.ndarray) -> float:
    logp = log_softmax(z)
    return float(-np.mean(logp[np.arange(len(y)), np.asarray(y)]))
'''

_STABLE_LOGSUMEXP = '''def logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    shift = np.max(a, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return np.squeeze(out, axis=axis)
'''

_FP16_ROUNDTRIP = '''

def fp16_roundtrip(grads: np.ndarray, scale: float) -> np.ndarray:
    half = (np.asarray(grads, dtype=np.float32) * np.float32(scale)).astype(np.float16)
    return half.astype(np.float32) / np.float32(scale)
'''

_DYNAMIC_STEP = '''def dynamic_loss_scale_step(scaled_grads: np.ndarray, scale: float, good_steps: int,
                            growth_interval: int = 2000) -> tuple:
    held = np.asarray(scaled_grads)
    if not np.all(np.isfinite(held)):
        return None, float(scale) * 0.5, 0
    grads = held.astype(np.float32) / np.float32(scale)
    good_steps = int(good_steps) + 1
    if good_steps >= growth_interval:
        return grads, float(scale) * 2.0, 0
    return grads, float(scale), good_steps
'''

_NUMERICAL_GRADIENT = '''def numerical_gradient(f, w: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros(w.shape, dtype=np.float64)
    for index in np.ndindex(w.shape):
        old = w[index]
        w[index] = old + eps
        up = f(w)
        w[index] = old - eps
        down = f(w)
        w[index] = old
        grad[index] = (up - down) / (2.0 * eps)
    return grad
'''

_BUGGY_PARAMETERS = '''

def buggy_parameters(loss, params: dict, grads: dict) -> list:
    tol = 1e-5
    flagged = []
    for name, value in params.items():
        numeric = numerical_gradient(lambda _: loss(params), value)
        analytic = np.asarray(grads[name], dtype=np.float64)
        error = np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
        if error > tol:
            flagged.append(name)
    return flagged
'''

_DEQUANTIZE = '''def dequantize(q: np.ndarray, scale: float) -> np.ndarray:
    return q.astype(np.float64) * scale

'''

_SOFT_TARGETS = '''def soft_targets(logits: np.ndarray, temperature: float) -> np.ndarray:
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
'''

_LOG_SOFT = '''
    def log_soft(logits):
        z = np.asarray(logits, dtype=np.float64) / temperature
        z = z - z.max(axis=-1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
'''

WRONG_ANSWERS = [
    # ------------------------------------------------------------ 1. repro-fingerprint
    dict(
        name="fingerprint_bytes_only",
        cell="fingerprint_solution",
        loses=["correct_fingerprint"],
        why="hashes the raw bytes without dtype and shape: a reshaped or reinterpreted array gets the same fingerprint",
        code='''def fingerprint(X: np.ndarray, y: np.ndarray, params: dict) -> str:
    digest = hashlib.sha256()
    for array in (X, y):
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(json.dumps(params, sort_keys=True).encode())
    return digest.hexdigest()
''',
    ),
    dict(
        name="fingerprint_unsorted_json",
        cell="fingerprint_solution",
        loses=["correct_fingerprint"],
        why="json.dumps without sort_keys: the same parameters written in another order look like other settings",
        code='''def fingerprint(X: np.ndarray, y: np.ndarray, params: dict) -> str:
    digest = hashlib.sha256()
    for array in (np.asarray(X), np.asarray(y)):
        digest.update(array.dtype.str.encode())
        digest.update(repr(array.shape).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(json.dumps(params).encode())
    return digest.hexdigest()
''',
    ),
    dict(
        name="fingerprint_of_str",
        cell="fingerprint_solution",
        loses=["correct_fingerprint"],
        why="hashes str(X): numpy abbreviates large arrays with '...', so a change in the middle goes unseen",
        code='''def fingerprint(X: np.ndarray, y: np.ndarray, params: dict) -> str:
    text = str(X) + str(y) + json.dumps(params, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
''',
    ),
    dict(
        name="cache_keyed_by_id",
        cell="cache_solution",
        loses=["correct_cache"],
        why="keys the cache by id(X): data changed in place is served stale, and an equal copy is recomputed",
        code='''def cached(fn, store: dict):
    def wrapper(X, y, params):
        key = (id(X), id(y), json.dumps(params, sort_keys=True))
        if key not in store:
            store[key] = fn(X, y, params)
        return store[key]

    return wrapper
''',
    ),
    dict(
        name="cache_ignores_params",
        cell="cache_solution",
        loses=["correct_cache"],
        why="keys the cache by the data alone: other parameters get the first result back",
        code='''def cached(fn, store: dict):
    def wrapper(X, y, params):
        key = fingerprint(X, y, {})
        if key not in store:
            store[key] = fn(X, y, params)
        return store[key]

    return wrapper
''',
    ),
    # ------------------------------------------------------------ 2. seeded-fit
    dict(
        name="global_seed_and_fit_in_place",
        cell="seeded_fit_solution",
        loses=["correct_seeded_fit"],
        why="np.random.seed changes the global state other code relies on, and the model passed in is fitted in place",
        code='''def seeded_fit(model, X, y, seed: int):
    np.random.seed(seed)
    return model.fit(X, y)
''',
    ),
    dict(
        name="seed_set_on_the_original_model",
        cell="seeded_fit_solution",
        loses=["correct_seeded_fit"],
        why="sets the seeds on the caller's model and fits it: the input is changed and the same object is returned",
        code='''def seeded_fit(model, X, y, seed: int):
    seeds = {name: seed for name in model.get_params(deep=True)
             if name == "random_state" or name.endswith("__random_state")}
    return model.set_params(**seeds).fit(X, y)
''',
    ),
    dict(
        name="seed_only_top_level",
        cell="seeded_fit_solution",
        loses=["correct_seeded_fit"],
        why="sets random_state only when the estimator itself has one: inside a Pipeline the steps stay unseeded",
        code='''def seeded_fit(model, X, y, seed: int):
    fresh = clone(model)
    if "random_state" in fresh.get_params(deep=False):
        fresh.set_params(random_state=seed)
    return fresh.fit(X, y)
''',
    ),
    # ------------------------------------------------------------ 3. stable-log-softmax
    dict(
        name="naive_logsumexp",
        cell="stable_solution",
        loses=["correct_logsumexp", "correct_log_softmax_loss"],
        why="log(sum(exp(a))) as written: exp(1000) overflows to inf",
        code='''def logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.log(np.sum(np.exp(np.asarray(a, dtype=np.float64)), axis=axis))
''' + _LOG_SOFTMAX_AND_LOSS,
    ),
    dict(
        name="max_shift_without_guard",
        cell="stable_solution",
        loses=["correct_logsumexp"],
        why="subtracts the maximum even when it is -inf: an all -inf row gives -inf - -inf = nan with a warning",
        code=_variant(
            _STABLE_LOGSUMEXP,
            ('    shift = np.where(np.isfinite(shift), shift, 0.0)\n    with np.errstate(divide="ignore"):\n        out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift\n',
             '    out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift\n'),
        ) + _LOG_SOFTMAX_AND_LOSS,
    ),
    dict(
        name="loss_from_clipped_probabilities",
        cell="stable_solution",
        loses=["correct_log_softmax_loss"],
        why="takes log(softmax + 1e-12): the loss of a confidently wrong logit is capped near 27.6 instead of growing",
        code=_STABLE_LOGSUMEXP + '''

def log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    p = np.exp(z - logsumexp(z, axis=-1)[..., None])
    return np.log(p + 1e-12)


def cross_entropy_from_logits(z: np.ndarray, y: np.ndarray) -> float:
    logp = log_softmax(z)
    return float(-np.mean(logp[np.arange(len(y)), np.asarray(y)]))
''',
    ),
    # ------------------------------------------------------------ 4. loss-scaling
    dict(
        name="overflow_judged_on_gradients_scaled_again",
        cell="loss_scale_solution",
        loses=["correct_loss_scale"],
        why="treats the held gradients as unscaled and tests scale * max|g| > 65504: they are already scaled, so good steps are skipped",
        code=_variant(
            _DYNAMIC_STEP,
            ('    held = np.asarray(scaled_grads)\n    if not np.all(np.isfinite(held)):\n',
             '    held = np.asarray(scaled_grads, dtype=np.float32)\n    if not np.all(np.isfinite(held)) or float(scale) * float(np.max(np.abs(held), initial=0.0)) > 65504.0:\n'),
            ('    grads = held.astype(np.float32) / np.float32(scale)\n',
             '    grads = held / np.float32(scale)\n'),
        ) + _FP16_ROUNDTRIP,
    ),
    dict(
        name="overflow_keeps_the_count",
        cell="loss_scale_solution",
        loses=["correct_loss_scale"],
        why="halves the scale on overflow but keeps counting good steps: the scale doubles again too soon",
        code=_variant(
            _DYNAMIC_STEP,
            ('        return None, float(scale) * 0.5, 0\n',
             '        return None, float(scale) * 0.5, good_steps\n'),
        ) + _FP16_ROUNDTRIP,
    ),
    dict(
        name="overflowed_step_applied",
        cell="loss_scale_solution",
        loses=["correct_loss_scale"],
        why="halves the scale but still returns the gradients: an update with inf or nan ruins the weights",
        code=_variant(
            _DYNAMIC_STEP,
            ('    if not np.all(np.isfinite(held)):\n',
             '    grads = held.astype(np.float32) / np.float32(scale)\n    if not np.all(np.isfinite(held)):\n'),
            ('        return None, float(scale) * 0.5, 0\n    grads = held.astype(np.float32) / np.float32(scale)\n',
             '        return grads, float(scale) * 0.5, 0\n'),
        ) + _FP16_ROUNDTRIP,
    ),
    dict(
        name="unscaled_in_float16",
        cell="loss_scale_solution",
        loses=["correct_loss_scale"],
        why="divides by the scale while still in float16: the small gradients the scale rescued underflow again",
        code=_variant(
            _DYNAMIC_STEP,
            ('    grads = held.astype(np.float32) / np.float32(scale)\n',
             '    grads = (held / np.float16(scale)).astype(np.float32)\n'),
        ) + _FP16_ROUNDTRIP,
    ),
    dict(
        name="growth_one_step_late",
        cell="loss_scale_solution",
        loses=["correct_loss_scale"],
        why="doubles only when the count exceeds growth_interval: one good step too many every time",
        code=_variant(
            _DYNAMIC_STEP,
            ('    good_steps = int(good_steps) + 1\n',
             ''),
            ('    return grads, float(scale), good_steps\n',
             '    return grads, float(scale), int(good_steps) + 1\n'),
        ) + _FP16_ROUNDTRIP,
    ),
    dict(
        name="cast_to_fp16_before_scaling",
        cell="loss_scale_solution",
        loses=["correct_loss_scale"],
        why="casts to float16 first and scales afterwards: the small gradients are already zero",
        code=_DYNAMIC_STEP + '''

def fp16_roundtrip(grads: np.ndarray, scale: float) -> np.ndarray:
    half = np.asarray(grads, dtype=np.float32).astype(np.float16)
    return (half.astype(np.float32) * np.float32(scale)) / np.float32(scale)
''',
    ),
    # ------------------------------------------------------------ 5. streaming-moments
    dict(
        name="streaming_sum_of_squares",
        cell="streaming_solution",
        loses=["correct_streaming_mean_var"],
        why="E[x^2] - E[x]^2 from running sums: catastrophic cancellation far from zero",
        code='''def streaming_mean_var(chunks) -> tuple[int, float, float]:
    n, total, squares = 0, 0.0, 0.0
    for chunk in chunks:
        x = np.asarray(chunk, dtype=np.float64).ravel()
        n += x.size
        total += float(x.sum())
        squares += float(np.sum(x**2))
    if n == 0:
        return 0, float("nan"), float("nan")
    mean = total / n
    return n, mean, squares / n - mean**2
''',
    ),
    dict(
        name="streaming_average_of_chunk_stats",
        cell="streaming_solution",
        loses=["correct_streaming_mean_var"],
        why="averages the chunks' means and variances unweighted and without the between-chunk term",
        code='''def streaming_mean_var(chunks) -> tuple[int, float, float]:
    n, means, variances = 0, [], []
    for chunk in chunks:
        x = np.asarray(chunk, dtype=np.float64).ravel()
        if x.size == 0:
            continue
        n += x.size
        means.append(float(x.mean()))
        variances.append(float(x.var()))
    if n == 0:
        return 0, float("nan"), float("nan")
    return n, float(np.mean(means)), float(np.mean(variances))
''',
    ),
    dict(
        name="streaming_two_passes",
        cell="streaming_solution",
        loses=["correct_streaming_mean_var"],
        why="reads the chunks twice (mean first, then deviations): a generator is empty on the second pass",
        code='''def streaming_mean_var(chunks) -> tuple[int, float, float]:
    n, total = 0, 0.0
    for chunk in chunks:
        x = np.asarray(chunk, dtype=np.float64).ravel()
        n += x.size
        total += float(x.sum())
    if n == 0:
        return 0, float("nan"), float("nan")
    mean = total / n
    m2 = 0.0
    for chunk in chunks:
        m2 += float(np.sum((np.asarray(chunk, dtype=np.float64) - mean) ** 2))
    return n, mean, m2 / n
''',
    ),
    # ------------------------------------------------------------ 6. gradient-check
    dict(
        name="forward_difference",
        cell="gradcheck_solution",
        loses=["correct_numerical_gradient"],
        why="a one-sided difference (f(w + eps) - f(w)) / eps: its error shrinks only like eps",
        code='''def numerical_gradient(f, w: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros(w.shape, dtype=np.float64)
    base = f(w)
    for index in np.ndindex(w.shape):
        old = w[index]
        w[index] = old + eps
        grad[index] = (f(w) - base) / eps
        w[index] = old
    return grad
''' + _BUGGY_PARAMETERS,
    ),
    dict(
        name="perturbation_undone_arithmetically",
        cell="gradcheck_solution",
        loses=["correct_numerical_gradient"],
        why="adds eps, subtracts 2 eps, adds eps back: rounding leaves w a few ulps off",
        code='''def numerical_gradient(f, w: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros(w.shape, dtype=np.float64)
    for index in np.ndindex(w.shape):
        w[index] += eps
        up = f(w)
        w[index] -= 2 * eps
        down = f(w)
        w[index] += eps
        grad[index] = (up - down) / (2.0 * eps)
    return grad
''' + _BUGGY_PARAMETERS,
    ),
    dict(
        name="absolute_error_threshold",
        cell="gradcheck_solution",
        loses=["correct_buggy_parameters"],
        why="compares max |analytic - numeric| with tol: on a loss of large scale every correct gradient is flagged",
        code=_NUMERICAL_GRADIENT + '''

def buggy_parameters(loss, params: dict, grads: dict) -> list:
    tol = 1e-5
    flagged = []
    for name, value in params.items():
        numeric = numerical_gradient(lambda _: loss(params), value)
        if np.max(np.abs(np.asarray(grads[name]) - numeric)) > tol:
            flagged.append(name)
    return flagged
''',
    ),
    dict(
        name="buggy_parameters_sorted_by_name",
        cell="gradcheck_solution",
        loses=["correct_buggy_parameters"],
        why="returns the flagged names sorted alphabetically instead of in the order of params",
        code=_NUMERICAL_GRADIENT + '''

def buggy_parameters(loss, params: dict, grads: dict) -> list:
    tol = 1e-5
    flagged = []
    for name, value in params.items():
        numeric = numerical_gradient(lambda _: loss(params), value)
        analytic = np.asarray(grads[name], dtype=np.float64)
        error = np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
        if error > tol:
            flagged.append(name)
    return sorted(flagged)
''',
    ),
    # ------------------------------------------------------------ 7. init-and-clipping
    dict(
        name="he_with_lecun_variance",
        cell="init_solution",
        loses=["correct_init_weights"],
        why="He with variance 1 / fan_in (LeCun's): ReLU layers then halve the signal's variance at every layer",
        code='''def init_weights(fan_in: int, fan_out: int, scheme: str, rng: np.random.Generator) -> np.ndarray:
    variances = {"xavier": 2.0 / (fan_in + fan_out), "he": 1.0 / fan_in}
    if scheme not in variances:
        raise ValueError(scheme)
    return rng.normal(0.0, np.sqrt(variances[scheme]), size=(fan_in, fan_out))
''',
    ),
    dict(
        name="init_from_global_random_state",
        cell="init_solution",
        loses=["correct_init_weights"],
        why="draws from np.random instead of the generator passed in: not reproducible from rng",
        code='''def init_weights(fan_in: int, fan_out: int, scheme: str, rng: np.random.Generator) -> np.ndarray:
    variances = {"xavier": 2.0 / (fan_in + fan_out), "he": 2.0 / fan_in}
    if scheme not in variances:
        raise ValueError(scheme)
    return np.random.normal(0.0, np.sqrt(variances[scheme]), size=(fan_in, fan_out))
''',
    ),
    dict(
        name="xavier_variance_as_std",
        cell="init_solution",
        loses=["correct_init_weights"],
        why="passes the variance to rng.normal as its scale, which is the standard deviation",
        code='''def init_weights(fan_in: int, fan_out: int, scheme: str, rng: np.random.Generator) -> np.ndarray:
    variances = {"xavier": 2.0 / (fan_in + fan_out), "he": 2.0 / fan_in}
    if scheme not in variances:
        raise ValueError(scheme)
    return rng.normal(0.0, variances[scheme], size=(fan_in, fan_out))
''',
    ),
    dict(
        name="clip_each_value",
        cell="clip_solution",
        loses=["correct_clip_by_global_norm"],
        why="np.clip on each value changes the direction of the update",
        code='''def clip_by_global_norm(grads: list, max_norm: float) -> tuple[list, float]:
    total = float(np.sqrt(sum(np.sum(np.asarray(g, dtype=np.float64) ** 2) for g in grads)))
    return [np.clip(np.asarray(g, dtype=np.float64), -max_norm, max_norm) for g in grads], total
''',
    ),
    dict(
        name="clip_each_tensor",
        cell="clip_solution",
        loses=["correct_clip_by_global_norm"],
        why="clips every array to max_norm separately: the global norm exceeds the limit and the direction changes",
        code='''def clip_by_global_norm(grads: list, max_norm: float) -> tuple[list, float]:
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    out = []
    for g in grads:
        norm = float(np.linalg.norm(g))
        out.append(g * (max_norm / norm) if norm > max_norm else g.copy())
    return out, total
''',
    ),
    dict(
        name="clip_norm_overflows",
        cell="clip_solution",
        loses=["correct_clip_by_global_norm"],
        why="sums raw squares: for gradients near 1e200 the norm is inf and every gradient is scaled to zero",
        code='''def clip_by_global_norm(grads: list, max_norm: float) -> tuple[list, float]:
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    with np.errstate(over="ignore"):
        total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    if total <= max_norm:
        return [g.copy() for g in grads], total
    return [g * (max_norm / total) for g in grads], total
''',
    ),
    # ------------------------------------------------------------ 8. data-parallel
    dict(
        name="unweighted_shard_mean",
        cell="parallel_solution",
        loses=["correct_data_parallel_gradient"],
        why="averages the shard gradients with equal weights: small shards count as much as large ones",
        code='''def data_parallel_gradient(grad_fn, w: np.ndarray, X: np.ndarray, y: np.ndarray, shards: list) -> np.ndarray:
    parts = [np.asarray(grad_fn(w, X[s], y[s])) for s in map(np.asarray, shards) if s.size]
    return np.mean(parts, axis=0)
''',
    ),
    dict(
        name="sum_of_shard_gradients",
        cell="parallel_solution",
        loses=["correct_data_parallel_gradient"],
        why="adds the shard means without dividing: the step grows with the number of workers",
        code='''def data_parallel_gradient(grad_fn, w: np.ndarray, X: np.ndarray, y: np.ndarray, shards: list) -> np.ndarray:
    parts = [np.asarray(grad_fn(w, X[s], y[s])) for s in map(np.asarray, shards) if s.size]
    return np.sum(parts, axis=0)
''',
    ),
    dict(
        name="every_worker_sees_the_full_batch",
        cell="parallel_solution",
        loses=["correct_data_parallel_gradient"],
        why="computes the full-batch gradient on every worker: right number, no parallelism, and no shard is used",
        code='''def data_parallel_gradient(grad_fn, w: np.ndarray, X: np.ndarray, y: np.ndarray, shards: list) -> np.ndarray:
    return np.asarray(grad_fn(w, X, y), dtype=np.float64)
''',
    ),
    # ------------------------------------------------------------ 9. topk-error-feedback
    dict(
        name="topk_without_error_feedback",
        cell="topk_solution",
        loses=["correct_topk_error_feedback"],
        why="selects and sends from grad alone and drops the old residual: what was not sent is lost",
        code='''def topk_with_error_feedback(grad: np.ndarray, residual: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    grad = np.asarray(grad, dtype=np.float64)
    keep = np.argsort(-np.abs(grad), kind="stable")[: max(int(k), 0)]
    sent = np.zeros_like(grad)
    sent[keep] = grad[keep]
    return sent, grad - sent
''',
    ),
    dict(
        name="topk_selected_on_grad_only",
        cell="topk_solution",
        loses=["correct_topk_error_feedback"],
        why="chooses the positions by |grad|, ignoring the residual that is added afterwards",
        code='''def topk_with_error_feedback(grad: np.ndarray, residual: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    acc = np.asarray(grad, dtype=np.float64) + np.asarray(residual, dtype=np.float64)
    keep = np.argsort(-np.abs(np.asarray(grad)), kind="stable")[: max(int(k), 0)]
    sent = np.zeros_like(acc)
    sent[keep] = acc[keep]
    return sent, acc - sent
''',
    ),
    dict(
        name="topk_largest_signed_values",
        cell="topk_solution",
        loses=["correct_topk_error_feedback"],
        why="keeps the k largest values, not magnitudes: large negative entries are never sent",
        code='''def topk_with_error_feedback(grad: np.ndarray, residual: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    acc = np.asarray(grad, dtype=np.float64) + np.asarray(residual, dtype=np.float64)
    keep = np.argsort(-acc, kind="stable")[: max(int(k), 0)]
    sent = np.zeros_like(acc)
    sent[keep] = acc[keep]
    return sent, acc - sent
''',
    ),
    # ------------------------------------------------------------ 10. quantise-and-prune
    dict(
        name="quantize_by_truncation",
        cell="quantize_solution",
        loses=["correct_quantize_int8"],
        why="astype(np.int8) truncates towards zero: errors up to a whole step",
        code=_DEQUANTIZE + '''
def quantize_int8(w: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.asarray(w, dtype=np.float64)
    peak = float(np.max(np.abs(w))) if w.size else 0.0
    scale = peak / 127.0 if peak > 0 else 1.0
    return (w / scale).astype(np.int8), scale
''',
    ),
    dict(
        name="quantize_scale_128_wraps",
        cell="quantize_solution",
        loses=["correct_quantize_int8"],
        why="scale = max|w| / 128 without clipping: the largest weight rounds to 128, which wraps around to -128",
        code=_DEQUANTIZE + '''
def quantize_int8(w: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.asarray(w, dtype=np.float64)
    peak = float(np.max(np.abs(w))) if w.size else 0.0
    scale = peak / 128.0 if peak > 0 else 1.0
    return np.rint(w / scale).astype(np.int8), scale
''',
    ),
    dict(
        name="quantize_min_max_without_zero_point",
        cell="quantize_solution",
        loses=["correct_quantize_int8"],
        why="an asymmetric scale from max - min without a zero point: positive weights overflow int8",
        code=_DEQUANTIZE + '''
def quantize_int8(w: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.asarray(w, dtype=np.float64)
    span = float(w.max() - w.min()) if w.size else 0.0
    scale = span / 255.0 if span > 0 else 1.0
    return np.clip(np.rint(w / scale), -127, 127).astype(np.int8), scale
''',
    ),
    dict(
        name="prune_by_quantile_threshold",
        cell="prune_solution",
        loses=["correct_prune_by_magnitude"],
        why="zeroes every |w| at or below the sparsity quantile: ties and interpolation zero the wrong number of weights",
        code='''def prune_by_magnitude(w: np.ndarray, sparsity: float) -> np.ndarray:
    out = np.array(w, dtype=np.float64)
    if sparsity <= 0:
        return out
    threshold = np.quantile(np.abs(out), sparsity)
    out[np.abs(out) <= threshold] = 0.0
    return out
''',
    ),
    dict(
        name="prune_rounded_count",
        cell="prune_solution",
        loses=["correct_prune_by_magnitude"],
        why="rounds sparsity * n instead of taking its floor: one weight too many at 0.35 of 20",
        code='''def prune_by_magnitude(w: np.ndarray, sparsity: float) -> np.ndarray:
    n_zero = int(round(sparsity * w.size + 1e-9))
    flat = np.array(w, dtype=np.float64).ravel()
    flat[np.argsort(np.abs(flat), kind="stable")[:n_zero]] = 0.0
    return flat.reshape(np.shape(w))
''',
    ),
    dict(
        name="prune_in_place",
        cell="prune_solution",
        loses=["correct_prune_by_magnitude"],
        why="zeroes the caller's array in place through a reshaped view",
        code='''def prune_by_magnitude(w: np.ndarray, sparsity: float) -> np.ndarray:
    n_zero = int(np.floor(sparsity * w.size))
    flat = w.reshape(-1)
    flat[np.argsort(np.abs(flat), kind="stable")[:n_zero]] = 0.0
    return w
''',
    ),
    # ------------------------------------------------------------ 11. distillation
    dict(
        name="distil_softmax_without_shift",
        cell="distil_solution",
        loses=["correct_distillation"],
        why="exponentiates logits / T as they are: exp(1000) overflows to inf and the targets become nan",
        code='''def soft_targets(logits: np.ndarray, temperature: float) -> np.ndarray:
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature must be positive")
    e = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
    return e / e.sum(axis=-1, keepdims=True)


def distillation_loss(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> float:
    p = soft_targets(teacher_logits, temperature)
    q = soft_targets(student_logits, temperature)
    return float(temperature**2 * np.mean(np.sum(p * (np.log(p) - np.log(q)), axis=-1)))
''',
    ),
    dict(
        name="distil_without_t_squared",
        cell="distil_solution",
        loses=["correct_distillation"],
        why="drops the T^2 factor: softened targets then give gradients 1/T^2 too small",
        code=_SOFT_TARGETS + '''

def distillation_loss(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> float:''' + _LOG_SOFT + '''
    p = soft_targets(teacher_logits, temperature)
    gap = np.where(p > 0, log_soft(teacher_logits) - log_soft(student_logits), 0.0)
    return float(np.mean(np.sum(p * gap, axis=-1)))
''',
    ),
    dict(
        name="distil_kl_reversed",
        cell="distil_solution",
        loses=["correct_distillation"],
        why="KL(student || teacher): weights the gap by the student's probabilities instead of the teacher's",
        code=_SOFT_TARGETS + '''

def distillation_loss(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> float:''' + _LOG_SOFT + '''
    q = soft_targets(student_logits, temperature)
    gap = np.where(q > 0, log_soft(student_logits) - log_soft(teacher_logits), 0.0)
    return float(temperature**2 * np.mean(np.sum(q * gap, axis=-1)))
''',
    ),
    dict(
        name="distil_log_of_probabilities",
        cell="distil_solution",
        loses=["correct_distillation"],
        why="takes np.log of the softened probabilities: at +-1000 they underflow to 0 and log(0) warns and gives inf",
        code=_SOFT_TARGETS + '''

def distillation_loss(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> float:
    p = soft_targets(teacher_logits, temperature)
    q = soft_targets(student_logits, temperature)
    gap = np.where(p > 0, np.log(np.where(p > 0, p, 1.0)) - np.log(q), 0.0)
    return float(temperature**2 * np.mean(np.sum(p * gap, axis=-1)))
''',
    ),
    # ------------------------------------------------------------ 12. smallest-model
    dict(
        name="choose_on_training_accuracy",
        cell="smallest_solution",
        loses=["correct_choose_smallest"],
        why="scores the candidates on the training data, where the largest model always looks best",
        code='''def choose_smallest(candidates: dict, size_of, X_train, y_train, X_val, y_val, tolerance: float) -> tuple[str, dict]:
    sizes, accuracies = {}, {}
    for name, estimator in candidates.items():
        fitted = clone(estimator).fit(X_train, y_train)
        sizes[name] = size_of(fitted)
        accuracies[name] = float(np.mean(fitted.predict(X_train) == np.asarray(y_train)))
    full = max(sizes, key=sizes.get)
    good_enough = [name for name in candidates if accuracies[name] >= accuracies[full] - tolerance]
    return min(good_enough, key=sizes.get), accuracies
''',
    ),
]

# Mistakes the hand-picked hidden cases let through (issue 27 §1): only the hidden tests that explore the domain
# the task states (any shape and axis, int and float32 dtypes, other layouts, the defaults) catch them.
WRONG_ANSWERS += [
    dict(
        name="logsumexp_calls_scipy",
        cell="stable_solution",
        loses=["correct_logsumexp"],
        why="calls scipy.special.logsumexp, the routine the exercise asks to write",
        code='''from scipy.special import logsumexp as _scipy_logsumexp


def logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.asarray(_scipy_logsumexp(np.asarray(a, dtype=np.float64), axis=axis), dtype=np.float64)
''' + _LOG_SOFTMAX_AND_LOSS,
    ),
    dict(
        name="logsumexp_squeezes_every_axis",
        cell="stable_solution",
        loses=["correct_logsumexp"],
        why="np.squeeze without the axis also drops other axes of length one: (1, 5) over axis 1 gives () not (1,)",
        code=_variant(
            _STABLE_LOGSUMEXP,
            ('    return np.squeeze(out, axis=axis)\n',
             '    return np.squeeze(out)\n'),
        ) + _LOG_SOFTMAX_AND_LOSS,
    ),
    dict(
        name="logsumexp_default_axis_one",
        cell="stable_solution",
        loses=["correct_logsumexp"],
        why="defaults to axis=1, the rows of a matrix: the same as -1 in two dimensions, wrong in one or three",
        code='''def logsumexp(a: np.ndarray, axis: int = 1) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    shift = np.max(a, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return np.squeeze(out, axis=axis)


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    return z - logsumexp(z, axis=-1)[..., None]


def cross_entropy_from_logits(z: np.ndarray, y: np.ndarray) -> float:
    logp = log_softmax(z)
    return float(-np.mean(logp[np.arange(len(y)), np.asarray(y)]))
''',
    ),
    dict(
        name="log_softmax_for_matrices_only",
        cell="stable_solution",
        loses=["correct_log_softmax_loss"],
        why="subtracts logsumexp over axis 1 with [:, None]: right for a matrix, fails on one row or a batch of matrices",
        code=_STABLE_LOGSUMEXP + '''

def log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    return z - logsumexp(z, axis=1)[:, None]


def cross_entropy_from_logits(z: np.ndarray, y: np.ndarray) -> float:
    logp = log_softmax(z)
    return float(-np.mean(logp[np.arange(len(y)), np.asarray(y)]))
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="soft_targets_shift_by_the_global_maximum",
        cell="distil_solution",
        loses=["correct_distillation"],
        why="subtracts the maximum of the whole array: a row far below it underflows to 0 / 0",
        code='''def soft_targets(logits: np.ndarray, temperature: float) -> np.ndarray:
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature must be a finite positive number")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def distillation_loss(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> float:''' + _LOG_SOFT + '''
    p = soft_targets(teacher_logits, temperature)
    gap = np.where(p > 0, log_soft(teacher_logits) - log_soft(student_logits), 0.0)
    return float(temperature**2 * np.mean(np.sum(p * gap, axis=-1)))
''',
    ),
    dict(
        name="infinite_temperature_accepted",
        cell="distil_solution",
        loses=["correct_distillation"],
        why="checks only temperature > 0: nan is refused but an infinite temperature flattens every row to uniform",
        code='''def soft_targets(logits: np.ndarray, temperature: float) -> np.ndarray:
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def distillation_loss(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> float:''' + _LOG_SOFT + '''
    p = soft_targets(teacher_logits, temperature)
    gap = np.where(p > 0, log_soft(teacher_logits) - log_soft(student_logits), 0.0)
    return float(temperature**2 * np.mean(np.sum(p * gap, axis=-1)))
''',
    ),
    dict(
        name="kl_terms_where_both_branches_run",
        cell="distil_solution",
        loses=["correct_distillation"],
        why="np.where(p > 0, p * (log p - log q), 0) computes 0 * -inf for a masked teacher class: a warning and nan",
        code=_SOFT_TARGETS + '''

def distillation_loss(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> float:''' + _LOG_SOFT + '''
    p = soft_targets(teacher_logits, temperature)
    terms = np.where(p > 0, p * (log_soft(teacher_logits) - log_soft(student_logits)), 0.0)
    return float(temperature**2 * np.mean(np.sum(terms, axis=-1)))
''',
    ),
    dict(
        name="distillation_rows_on_axis_one",
        cell="distil_solution",
        loses=["correct_distillation"],
        why="sums the classes over axis 1: right for a matrix of logits, fails on one row or a batch of sequences",
        code=_SOFT_TARGETS + '''

def distillation_loss(student_logits: np.ndarray, teacher_logits: np.ndarray, temperature: float) -> float:''' + _LOG_SOFT + '''
    p = soft_targets(teacher_logits, temperature)
    gap = np.where(p > 0, log_soft(teacher_logits) - log_soft(student_logits), 0.0)
    return float(temperature**2 * np.mean(np.sum(p * gap, axis=1)))
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="gradient_through_reshape",
        cell="gradcheck_solution",
        loses=["correct_numerical_gradient"],
        why="perturbs w.reshape(-1): a view when w is contiguous, a silent copy when w is a strided view",
        code='''def numerical_gradient(f, w: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    flat = w.reshape(-1)
    grad = np.zeros(flat.size, dtype=np.float64)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(w)
        flat[i] = old - eps
        down = f(w)
        flat[i] = old
        grad[i] = (up - down) / (2.0 * eps)
    return grad.reshape(w.shape)
''' + _BUGGY_PARAMETERS,
    ),
]
WRONG_ANSWERS += [
    dict(
        name="threshold_set_for_gross_bugs",
        cell="gradcheck_solution",
        loses=["correct_buggy_parameters"],
        why="flags a relative error above 0.1 because a bug 'gives a relative error near 1': subtle bugs pass",
        code=_NUMERICAL_GRADIENT + '''

def buggy_parameters(loss, params: dict, grads: dict) -> list:
    flagged = []
    for name, value in params.items():
        numeric = numerical_gradient(lambda _: loss(params), value)
        analytic = np.asarray(grads[name], dtype=np.float64)
        error = np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
        if error > 0.1:
            flagged.append(name)
    return flagged
''',
    ),
    dict(
        name="elementwise_relative_error",
        cell="gradcheck_solution",
        loses=["correct_buggy_parameters"],
        why="takes the largest relative error entry by entry: an entry whose gradient is nearly 0 is all rounding noise",
        code=_NUMERICAL_GRADIENT + '''

def buggy_parameters(loss, params: dict, grads: dict) -> list:
    flagged = []
    for name, value in params.items():
        numeric = numerical_gradient(lambda _: loss(params), value)
        analytic = np.asarray(grads[name], dtype=np.float64)
        error = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-300)
        if np.max(error) > 1e-5:
            flagged.append(name)
    return flagged
''',
    ),
]
_CLIP_REST = '''
    if peak == 0.0:
        return [g.copy() for g in grads], 0.0
    total = peak * float(np.sqrt(sum(np.sum((g / peak) ** 2) for g in grads)))
    if total <= max_norm:
        return [g.copy() for g in grads], total
    return [g * (max_norm / total) for g in grads], total
'''
WRONG_ANSWERS += [
    dict(
        name="clip_peak_fails_on_an_empty_array",
        cell="clip_solution",
        loses=["correct_clip_by_global_norm"],
        why="takes np.max of every array: an empty gradient (a layer without parameters) raises",
        code='''def clip_by_global_norm(grads: list, max_norm: float) -> tuple[list, float]:
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    if not all(np.all(np.isfinite(g)) for g in grads):
        raise ValueError("non-finite gradient")
    peak = max(float(np.max(np.abs(g))) for g in grads)''' + _CLIP_REST,
    ),
    dict(
        name="clip_passes_nan_through",
        cell="clip_solution",
        loses=["correct_clip_by_global_norm"],
        why="no check for nan or inf: a nan norm makes every comparison false and the update is silently garbage",
        code='''def clip_by_global_norm(grads: list, max_norm: float) -> tuple[list, float]:
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    peak = max((float(np.max(np.abs(g))) for g in grads if g.size), default=0.0)''' + _CLIP_REST,
    ),
    dict(
        name="init_uniform_with_the_right_variance",
        cell="init_solution",
        loses=["correct_init_weights"],
        why="draws uniform weights of the right variance: mean and variance pass, but the task asks for a normal distribution",
        code='''def init_weights(fan_in: int, fan_out: int, scheme: str, rng: np.random.Generator) -> np.ndarray:
    variances = {"xavier": 2.0 / (fan_in + fan_out), "he": 2.0 / fan_in}
    if scheme not in variances:
        raise ValueError(f"unknown scheme {scheme!r}")
    limit = np.sqrt(3.0 * variances[scheme])
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
''',
    ),
    dict(
        name="init_scheme_in_any_case",
        cell="init_solution",
        loses=["correct_init_weights"],
        why="lower-cases and strips the scheme: a misspelt 'He ' is silently accepted instead of refused",
        code='''def init_weights(fan_in: int, fan_out: int, scheme: str, rng: np.random.Generator) -> np.ndarray:
    variances = {"xavier": 2.0 / (fan_in + fan_out), "he": 2.0 / fan_in}
    scheme = scheme.strip().lower()
    if scheme not in variances:
        raise ValueError(f"unknown scheme {scheme!r}")
    return rng.normal(0.0, np.sqrt(variances[scheme]), size=(fan_in, fan_out))
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="topk_default_sort",
        cell="topk_solution",
        loses=["correct_topk_error_feedback"],
        why="np.argsort without kind='stable': numpy's default sort keeps ties in order only on short arrays",
        code='''def topk_with_error_feedback(grad: np.ndarray, residual: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    acc = np.asarray(grad, dtype=np.float64) + np.asarray(residual, dtype=np.float64)
    keep = np.argsort(-np.abs(acc))[: max(int(k), 0)]
    sent = np.zeros_like(acc)
    sent[keep] = acc[keep]
    return sent, acc - sent
''',
    ),
    dict(
        name="prune_default_sort",
        cell="prune_solution",
        loses=["correct_prune_by_magnitude"],
        why="np.argsort without kind='stable': ties at the boundary go to whichever index the sort leaves first",
        code='''def prune_by_magnitude(w: np.ndarray, sparsity: float) -> np.ndarray:
    n_zero = int(np.floor(sparsity * w.size))
    flat = np.array(w, dtype=np.float64).ravel()
    flat[np.argsort(np.abs(flat))[:n_zero]] = 0.0
    return flat.reshape(np.shape(w))
''',
    ),
    dict(
        name="prune_in_memory_order",
        cell="prune_solution",
        loses=["correct_prune_by_magnitude"],
        why="flattens in memory order (order='K'): for a Fortran-ordered w, ties break by column instead of C order",
        code='''def prune_by_magnitude(w: np.ndarray, sparsity: float) -> np.ndarray:
    n_zero = int(np.floor(sparsity * w.size))
    out = np.array(w, dtype=np.float64, order="K")
    flat = out.ravel(order="K")
    flat[np.argsort(np.abs(flat), kind="stable")[:n_zero]] = 0.0
    return flat.reshape(np.shape(w), order="F" if out.flags.f_contiguous and not out.flags.c_contiguous else "C")
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="smallest_on_the_point_estimate",
        cell="smallest_solution",
        loses=["correct_choose_smallest"],
        why="the smallest model whose validation accuracy clears full - tolerance: on a few hundred rows, noise clears it too",
        code='''def choose_smallest(candidates: dict, size_of, X_train, y_train, X_val, y_val, tolerance: float) -> tuple[str, dict]:
    sizes, accuracies = {}, {}
    for name, estimator in candidates.items():
        fitted = clone(estimator).fit(X_train, y_train)
        sizes[name] = size_of(fitted)
        accuracies[name] = float(np.mean(fitted.predict(X_val) == np.asarray(y_val)))
    full = max(sizes, key=sizes.get)
    good_enough = [name for name in candidates if accuracies[name] >= accuracies[full] - tolerance]
    return min(good_enough, key=sizes.get), accuracies
''',
    ),
    dict(
        name="smallest_always_the_full_model",
        cell="smallest_solution",
        loses=["correct_choose_smallest"],
        why="never risks a smaller model: no failure, and none of the savings compression is for",
        code='''def choose_smallest(candidates: dict, size_of, X_train, y_train, X_val, y_val, tolerance: float) -> tuple[str, dict]:
    sizes, accuracies = {}, {}
    for name, estimator in candidates.items():
        fitted = clone(estimator).fit(X_train, y_train)
        sizes[name] = size_of(fitted)
        accuracies[name] = float(np.mean(fitted.predict(X_val) == np.asarray(y_val)))
    return max(sizes, key=sizes.get), accuracies
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="quantize_scale_in_the_input_dtype",
        cell="quantize_solution",
        loses=["correct_quantize_int8"],
        why="computes in the weights' own dtype: float32 weights give a numpy float32 scale, not the float asked for",
        code=_DEQUANTIZE + '''

def quantize_int8(w: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.asarray(w)
    peak = np.max(np.abs(w)) if w.size else 0
    scale = peak / np.asarray(127, dtype=w.dtype) if peak > 0 else 1.0
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale
''',
    ),
    dict(
        name="gradient_buffer_for_vectors_only",
        cell="parallel_solution",
        loses=["correct_data_parallel_gradient"],
        why="accumulates into np.zeros(len(w)): right for a weight vector, wrong for a weight matrix",
        code='''def data_parallel_gradient(grad_fn, w: np.ndarray, X: np.ndarray, y: np.ndarray, shards: list) -> np.ndarray:
    total, rows = np.zeros(len(w)), 0
    for shard in shards:
        shard = np.asarray(shard, dtype=int)
        if shard.size == 0:
            continue
        total = total + shard.size * np.asarray(grad_fn(w, X[shard], y[shard]), dtype=np.float64)
        rows += shard.size
    return total / rows
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="fingerprint_of_the_row_count",
        cell="fingerprint_solution",
        loses=["correct_fingerprint"],
        why="hashes len(X) (the number of rows) instead of the shape: (2, 6) and (2, 3, 2) look alike",
        code='''def fingerprint(X: np.ndarray, y: np.ndarray, params: dict) -> str:
    digest = hashlib.sha256()
    for array in (np.asarray(X), np.asarray(y)):
        digest.update(array.dtype.str.encode())
        digest.update(str(len(array)).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(json.dumps(params, sort_keys=True).encode())
    return digest.hexdigest()
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="streaming_chunk_statistics_in_the_input_dtype",
        cell="streaming_solution",
        loses=["correct_streaming_mean_var"],
        why="computes each chunk's mean and M2 in its own dtype: integer timestamps square past int64",
        code='''def streaming_mean_var(chunks) -> tuple[int, float, float]:
    n, mean, m2 = 0, 0.0, 0.0
    for chunk in chunks:
        x = np.asarray(chunk).ravel()
        if x.size == 0:
            continue
        total = x.sum()
        chunk_mean = float(total / x.size)
        chunk_m2 = float(np.sum(x * x) - total * total / x.size) if x.dtype.kind == "i" else float(np.sum((x - chunk_mean) ** 2))
        size = n + x.size
        delta = chunk_mean - mean
        mean += delta * x.size / size
        m2 += chunk_m2 + delta**2 * n * x.size / size
        n = size
    if n == 0:
        return 0, float("nan"), float("nan")
    return int(n), float(mean), float(m2 / n)
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="cache_recomputes_a_none_result",
        cell="cache_solution",
        loses=["correct_cache"],
        why="tests store.get(key) is None: a function that returns None (or caches a None) is recomputed every time",
        code='''def cached(fn, store: dict):
    def wrapper(X, y, params):
        key = fingerprint(X, y, params)
        result = store.get(key)
        if result is None:
            result = store[key] = fn(X, y, params)
        return result

    return wrapper
''',
    ),
    dict(
        name="seed_only_the_last_step",
        cell="seeded_fit_solution",
        loses=["correct_seeded_fit"],
        why="seeds the final estimator of a pipeline only: a randomized first step (PCA) stays unseeded",
        code='''def seeded_fit(model, X, y, seed: int):
    fresh = clone(model)
    last = fresh.steps[-1][1] if hasattr(fresh, "steps") else fresh
    if "random_state" in last.get_params(deep=False):
        last.set_params(random_state=seed)
    return fresh.fit(X, y)
''',
    ),
]
WRONG_ANSWERS += [
    dict(
        name="clip_scaled_by_the_first_array",
        cell="clip_solution",
        loses=["correct_clip_by_global_norm"],
        why="scales every array by the largest value of the first one: a tiny or frozen (all-zero) first layer beside an "
            "exploding one overflows or gives a norm of 0",
        code='''def clip_by_global_norm(grads: list, max_norm: float) -> tuple[list, float]:
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    if not all(np.all(np.isfinite(g)) for g in grads):
        raise ValueError("non-finite gradient")
    peak = float(np.max(np.abs(grads[0]))) if grads and grads[0].size else 0.0''' + _CLIP_REST,
    ),
    dict(
        name="quantize_fails_on_an_empty_array",
        cell="quantize_solution",
        loses=["correct_quantize_int8"],
        why="takes np.max of w without a guard: an empty tensor (a layer without weights) raises instead of giving scale 1.0",
        code=_DEQUANTIZE + '''
def quantize_int8(w: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.asarray(w, dtype=np.float64)
    peak = float(np.max(np.abs(w)))
    scale = peak / 127.0 if peak > 0 else 1.0
    return np.clip(np.rint(w / scale), -127, 127).astype(np.int8), scale
''',
    ),
]
