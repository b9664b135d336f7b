"""References for ``exercises/11_applications_stocks_recommendations_images.ipynb``: walk-forward splits, one SGD
step and one ALS update of matrix factorization, the cross-entropy of a softmax from logits, a prediction about a
shuffled split, and the recognised mistakes.

Every expected value comes from :mod:`course_lib.timeseries` (equal to scikit-learn's ``TimeSeriesSplit``),
:mod:`course_lib.matrix_factorization` (ALS's update equals ``sklearn.linear_model.Ridge``) and
:mod:`course_lib.losses` (``keras.losses.sparse_categorical_crossentropy``).  The ``mistake_*`` functions compute
what a known wrong answer returns, so the checks can name the mistake.
"""
import numpy as np
from sklearn.neighbors import KNeighborsRegressor

from course_lib import losses
from course_lib import matrix_factorization as _mf
from course_lib import timeseries as _ts
from course_lib.classroom.feedback import Case


def walk_forward_splits(n_samples, n_splits):
    """[(train, test), ...]: test blocks of n_samples // (n_splits + 1), each trained on everything before it."""
    return [(train, test) for train, test in _ts.walk_forward_splits(n_samples, n_splits)]


def sgd_step(p_u, q_i, r_ui, mu, lr, reg):
    """(new p_u, new q_i) after one SGD step of matrix factorization on one rating."""
    return _mf.sgd_step(np.asarray(p_u, dtype=float), np.asarray(q_i, dtype=float), r_ui, mu, lr, reg)


def als_user_update(Q_rated, residuals, reg):
    """p_u = (Q^T Q + reg I)^{-1} Q^T residuals, for one user's rated items."""
    Q_rated = np.asarray(Q_rated, dtype=float)
    users = np.zeros(len(Q_rated), dtype=np.int64)
    return _mf.als_half_step(Q_rated, users, np.arange(len(Q_rated)), np.asarray(residuals, dtype=float), 1, reg)[0]


def cross_entropy_from_logits(logits, labels):
    """Mean over the batch of -log softmax(logits)[label]."""
    per_sample = losses.sparse_categorical_crossentropy(np.asarray(labels), np.asarray(logits, dtype=float),
                                                        from_logits=True)
    return float(np.mean(per_sample.data))


# ----------------------------------------------------------------- recognised mistakes
def mistake_train_includes_test(n_samples, n_splits):
    """Trains on everything up to and including the test block (the test data leaks into training)."""
    return [(np.arange(test[-1] + 1), test) for _, test in walk_forward_splits(n_samples, n_splits)]


def mistake_n_blocks(n_samples, n_splits):
    """Cuts the series into n_splits blocks instead of n_splits + 1: the first split has no training data."""
    size = n_samples // n_splits
    first = n_samples - n_splits * size
    return [(np.arange(0, start), np.arange(start, start + size)) for start in range(first, n_samples, size)]


def mistake_updated_p(p_u, q_i, r_ui, mu, lr, reg):
    """Updates q_i with the *new* p_u instead of the old one."""
    p_u, q_i = np.asarray(p_u, dtype=float), np.asarray(q_i, dtype=float)
    e = r_ui - mu - p_u @ q_i
    new_p = p_u + lr * (e * q_i - reg * p_u)
    return new_p, q_i + lr * (e * new_p - reg * q_i)


def mistake_no_mean(p_u, q_i, r_ui, mu, lr, reg):
    """Forgets the global mean in the error: e = r_ui - p_u . q_i."""
    return sgd_step(p_u, q_i, r_ui, 0.0, lr, reg)


def mistake_reg_sign(p_u, q_i, r_ui, mu, lr, reg):
    """Adds the penalty's term instead of subtracting it (the factors grow)."""
    return sgd_step(p_u, q_i, r_ui, mu, lr, -reg)


def mistake_least_squares(Q_rated, residuals, reg):
    """Leaves out the penalty: plain least squares, (Q^T Q)^{-1} Q^T r (a pseudo-inverse when singular)."""
    return np.linalg.pinv(np.asarray(Q_rated, dtype=float)) @ np.asarray(residuals, dtype=float)


def mistake_reg_times_count(Q_rated, residuals, reg):
    """Multiplies the penalty by the number of ratings (the 'weighted-lambda' variant), not asked for here."""
    return als_user_update(Q_rated, residuals, reg * len(Q_rated))


def mistake_sum_not_mean(logits, labels):
    """Sums the per-image losses instead of averaging them."""
    return cross_entropy_from_logits(logits, labels) * len(np.asarray(labels))


def mistake_logit_not_log_softmax(logits, labels):
    """Takes -z_y, forgetting the log-sum-exp that normalises the softmax."""
    logits = np.asarray(logits, dtype=float)
    return float(np.mean(-logits[np.arange(len(logits)), np.asarray(labels)]))


WALK_FORWARD_MISTAKES = [
    (mistake_train_includes_test, "your training indices include the test block: a split must train only on "
                                  "samples *before* its test block"),
    (mistake_n_blocks, "you cut the series into n_splits blocks; TimeSeriesSplit cuts it into n_splits + 1, "
                                 "so that the first test block has a block of training data before it"),
]
SGD_MISTAKES = [
    (mistake_updated_p, "you updated q_i with the new p_u; both updates use the values from before the step"),
    (mistake_no_mean, "your error leaves out the global mean: the prediction is mu + p_u . q_i"),
    (mistake_reg_sign, "your penalty term has the wrong sign: L2 pulls the factors towards 0 (- lr * reg * p_u)"),
]
ALS_MISTAKES = [
    (mistake_least_squares, "this is plain least squares: add reg times the identity to Q^T Q"),
    (mistake_reg_times_count, "you multiplied reg by the number of ratings; here the penalty is reg * |p_u|^2 as written"),
]
CROSS_ENTROPY_MISTAKES = [
    (mistake_sum_not_mean, "you summed over the batch; Keras's loss (and this task) averages"),
    (mistake_logit_not_log_softmax, "you returned -z_y: the log-probability is z_y minus log(sum_k exp(z_k))"),
]

WALK_FORWARD_CASES = [
    Case(12, 3, label="12 samples, 3 splits: test blocks of 3"),
    Case(20, 4, label="20 samples, 4 splits: the first block is larger (20 is not a multiple of 5)"),
    Case(7, 2, label="7 samples, 2 splits"),
]
_rng = np.random.default_rng(11)
SGD_CASES = [
    Case(np.array([1.0, 0.0]), np.array([0.5, 0.5]), 4.0, 3.0, 0.1, 0.0, label="no penalty"),
    Case(np.array([0.2, -0.1, 0.4]), np.array([0.3, 0.3, -0.2]), 2.0, 3.5, 0.05, 0.1, label="with a penalty"),
    Case(_rng.normal(size=5), _rng.normal(size=5), 5.0, 3.2, 0.01, 0.5, label="5 factors"),
]
ALS_CASES = [
    Case(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0, 3.0]), 0.0, label="no penalty: least squares"),
    Case(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0, 3.0]), 1.0, label="reg = 1"),
    Case(_rng.normal(size=(6, 3)), _rng.normal(size=6), 0.3, label="6 ratings, 3 factors"),
    Case(np.array([[0.5, -1.0, 2.0]]), np.array([1.5]), 0.2, label="one rating: under-determined without the penalty"),
]
CROSS_ENTROPY_CASES = [
    Case(np.array([[2.0, 1.0, 0.1]]), np.array([0]), label="one image, 3 classes"),
    Case(np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([0, 1]), label="equal logits: log 2"),
    Case(_rng.normal(size=(8, 10)) * 3, _rng.integers(0, 10, size=8), label="a batch of 8, 10 classes"),
    Case(np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([1, 1]), label="huge logits: stay finite"),
]


# Task 5 (prediction): a 1-nearest-neighbour forecaster on windows of 3 values of a steadily rising series.
PREDICT_SERIES = np.arange(1.0, 41.0)


def knn_errors():
    """(shuffled-split RMSE, walk-forward RMSE) of 1-NN forecasting the next value of PREDICT_SERIES."""
    X, y = _ts.lagged(PREDICT_SERIES, 3)
    out = []
    for splits in (_ts.shuffled_splits(len(y), 5, seed=0), _ts.walk_forward_splits(len(y), 5)):
        errors = [_ts.rmse(y[te], KNeighborsRegressor(1).fit(X[tr], y[tr]).predict(X[te])) for tr, te in splits]
        out.append(float(np.mean(errors)))
    return tuple(out)


def shuffled_is_smaller():
    """True when the shuffled split reports the smaller error."""
    shuffled, walk = knn_errors()
    return bool(shuffled < walk)
