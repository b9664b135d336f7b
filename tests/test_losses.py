"""course_lib.losses equals keras.losses in value and in gradient with respect to y_pred.

Every loss x (float32, float64) x (Keras defaults, non-default hyperparameters) x (with and
without sample_weight), plus edge cases (probabilities exactly 0 and 1, logits of +-100),
reductions, class weights, the worked custom losses, and bad input.

Tolerance: |ours - keras| <= tol * max(1, |value|) for the loss and <= tol * max(1, max|grad|)
for the gradient, with tol = 1e-12 in float64 and 1e-6 in float32 (measured: <= 2e-15 and
<= 5e-7 absolute).
"""
import numpy as np
import pytest

import keras

from course_lib import losses as L
from course_lib.autodiff import Tensor
from course_lib.keras_check import compare_loss, keras_loss_like

TOL = {np.float32: 1e-6, np.float64: 1e-12}
BATCH, CLASSES = 6, 4

# name -> (our class, non-default hyperparameters, non-default reduction)
LOSSES = {
    "MeanSquaredError": (L.MeanSquaredError, {}, "sum"),
    "MeanAbsoluteError": (L.MeanAbsoluteError, {}, "none"),
    "Huber": (L.Huber, {"delta": 0.37}, "sum_over_batch_size"),
    "LogCosh": (L.LogCosh, {}, "mean"),
    "Hinge": (L.Hinge, {}, "sum"),  # non-default: labels already in {-1, +1}
    "SquaredHinge": (L.SquaredHinge, {}, "sum_over_batch_size"),
    "CategoricalHinge": (L.CategoricalHinge, {}, "mean_with_sample_weight"),
    "BinaryCrossentropy": (L.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.13}, "sum"),
    "BinaryFocalCrossentropy": (L.BinaryFocalCrossentropy, {
        "apply_class_balancing": True, "alpha": 0.3, "gamma": 1.7, "from_logits": True,
        "label_smoothing": 0.1}, "sum_over_batch_size"),
    "CategoricalCrossentropy": (L.CategoricalCrossentropy,
                                {"from_logits": True, "label_smoothing": 0.13}, "none"),
    "CategoricalFocalCrossentropy": (L.CategoricalFocalCrossentropy, {
        "alpha": 0.3, "gamma": 1.7, "from_logits": True, "label_smoothing": 0.1}, "sum"),
    "SparseCategoricalCrossentropy": (L.SparseCategoricalCrossentropy, {"from_logits": True},
                                      "mean_with_sample_weight"),
}


def _data(name, hyper, dtype, rng):
    """(y_true, y_pred) of the kind each loss expects; probabilities or logits per from_logits."""
    logits = hyper.get("from_logits", False)
    shape = (BATCH, CLASSES)
    scores = rng.normal(scale=2.0, size=shape)
    if name in ("MeanSquaredError", "MeanAbsoluteError", "Huber", "LogCosh"):
        return rng.normal(size=shape).astype(dtype), scores.astype(dtype)
    if name in ("Hinge", "SquaredHinge", "BinaryCrossentropy", "BinaryFocalCrossentropy"):
        y = (rng.random(shape) < 0.5).astype(dtype)
        pred = scores if logits or "Hinge" in name else rng.uniform(0.02, 0.98, shape)
        return y, pred.astype(dtype)
    labels = rng.integers(0, CLASSES, BATCH)
    y = np.eye(CLASSES)[labels].astype(dtype)
    if not logits:  # probability rows (not quite normalised: Keras renormalises)
        scores = rng.dirichlet(np.ones(CLASSES), BATCH) * rng.uniform(0.9, 1.1, (BATCH, 1))
    if name == "SparseCategoricalCrossentropy":
        y = labels if dtype == np.float64 else labels[:, None]  # both label layouts Keras accepts
    return y, scores.astype(dtype)


def _assert_close(ours, y_true, y_pred, sample_weight, dtype, keras_loss=None):
    comparison = compare_loss(ours, keras_loss, y_true, y_pred, sample_weight=sample_weight)
    yp = Tensor(y_pred.copy(), requires_grad=True)
    out = ours(y_true, yp, sample_weight=sample_weight)
    out.backward(np.ones_like(out.data))
    value_scale = max(1.0, float(np.nanmax(np.abs(out.data), initial=0.0)))
    grad_scale = max(1.0, float(np.nanmax(np.abs(yp.grad), initial=0.0)))
    tol = TOL[dtype]
    (_, value_diff), (_, grad_diff) = comparison.rows
    assert value_diff <= tol * value_scale, f"value: {comparison}"
    assert grad_diff <= tol * grad_scale, f"gradient: {comparison}"
    return out, yp.grad


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
@pytest.mark.parametrize("variant", ["default", "custom"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_equals_keras(name, dtype, variant, weighted):
    cls, hyper, reduction = LOSSES[name]
    rng = np.random.default_rng([sorted(LOSSES).index(name), variant == "custom", weighted])
    if variant == "default":
        ours = cls()
        y_true, y_pred = _data(name, {}, dtype, rng)
    else:
        ours = cls(**hyper, reduction=reduction)
        y_true, y_pred = _data(name, hyper, dtype, rng)
        if name in ("Hinge", "SquaredHinge"):
            y_true = 2 * y_true - 1  # {-1, +1} labels are used as they are
    assert ours.get_config()["reduction"] == (reduction if variant == "custom" else "sum_over_batch_size")
    sample_weight = rng.uniform(0.2, 3.0, BATCH).astype(dtype) if weighted else None
    out, _ = _assert_close(ours, y_true, y_pred, sample_weight, dtype)
    assert out.dtype == dtype


@pytest.mark.parametrize("reduction", list(L.REDUCTIONS))
def test_every_reduction_matches_keras(reduction):
    rng = np.random.default_rng(5)
    y_true = (rng.random((BATCH, 3)) < 0.5).astype(np.float64)
    y_pred = rng.uniform(0.05, 0.95, (BATCH, 3))
    sample_weight = rng.uniform(0.5, 2.0, (BATCH, 1))  # (batch, 1): squeezed as Keras does
    _assert_close(L.BinaryCrossentropy(reduction=reduction), y_true, y_pred, sample_weight, np.float64)


def test_sequence_shaped_inputs_match_keras():
    """(batch, time, classes) predictions: per-sample losses have shape (batch, time)."""
    rng = np.random.default_rng(6)
    z = rng.normal(size=(3, 5, CLASSES))
    labels = rng.integers(0, CLASSES, (3, 5))
    w = rng.uniform(0.5, 2.0, (3, 5))
    _assert_close(L.SparseCategoricalCrossentropy(from_logits=True), labels, z, w, np.float64)
    _assert_close(L.CategoricalCrossentropy(from_logits=True), np.eye(CLASSES)[labels], z, w, np.float64)
    _assert_close(L.MeanSquaredError(), rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 2)), w, np.float64)


# ----------------------------------------------------------------------------- edge cases
EXTREME_PROBABILITIES = np.array([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0]])
EXTREME_LABELS = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", ["BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
                                  "CategoricalFocalCrossentropy", "SparseCategoricalCrossentropy"])
def test_probabilities_exactly_zero_and_one(name, dtype):
    """Clipping to [1e-7, 1 - 1e-7] keeps every loss finite and equal to Keras's, gradient included."""
    ours = getattr(L, name)()
    y_true = EXTREME_LABELS.argmax(-1) if name.startswith("Sparse") else EXTREME_LABELS.astype(dtype)
    out, g = _assert_close(ours, y_true, EXTREME_PROBABILITIES.astype(dtype), None, dtype)
    assert np.isfinite(out.data) and np.all(np.isfinite(g))
    assert out.data > 1.0  # confidently wrong rows cost about -log(1e-7) = 16, they are not dropped


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", ["BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
                                  "CategoricalFocalCrossentropy", "SparseCategoricalCrossentropy",
                                  "LogCosh", "Hinge", "Huber"])
def test_logits_of_plus_minus_100(name, dtype):
    """Huge logits: finite wherever Keras is finite, and equal to it (log-sum-exp tricks, no overflow)."""
    z = np.array([[100.0, -100.0, 0.0, 3.0], [-100.0, 100.0, 100.0, -100.0], [0.0, 0.0, -100.0, 100.0]])
    ours = getattr(L, name)(from_logits=True) if "Crossentropy" in name else getattr(L, name)()
    if name.startswith("Sparse"):
        y_true = EXTREME_LABELS.argmax(-1)
    else:
        y_true = EXTREME_LABELS.astype(dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, g = _assert_close(ours, y_true, z.astype(dtype), None, dtype)
    assert np.isfinite(out.data) and np.all(np.isfinite(g))


# ----------------------------------------------------------------------------- numpy / Tensor
def test_functions_give_per_sample_losses_numpy_in_numpy_out():
    y_true, y_pred = np.zeros((3, 2), np.float32), np.ones((3, 2), np.float32)
    per_sample = L.mean_squared_error(y_true, y_pred)
    assert isinstance(per_sample, np.ndarray) and per_sample.shape == (3,) and per_sample.dtype == np.float32
    np.testing.assert_array_equal(per_sample, [1.0, 1.0, 1.0])
    out = L.MeanSquaredError()(Tensor(y_true), Tensor(y_pred, requires_grad=True))
    assert isinstance(out, Tensor) and out.requires_grad


def test_get_resolves_keras_names():
    assert L.get("mse") is L.mean_squared_error and L.get("MSE") is L.mean_squared_error
    assert L.get("bce") is L.binary_crossentropy
    assert isinstance(L.get("MeanSquaredError"), L.MeanSquaredError)
    for name in L._BY_NAME:  # every name we accept, Keras accepts for the same loss
        theirs = keras.losses.get(name)
        ours = L.get(name)
        their_name = getattr(theirs, "fn", theirs).__name__
        our_name = getattr(ours, "fn", ours).__name__
        assert our_name == their_name, name
    loss = L.Huber()
    assert L.get(loss) is loss


def test_keras_loss_like_copies_settings():
    twin = keras_loss_like(L.BinaryFocalCrossentropy(alpha=0.4, gamma=3.0, reduction="sum"), "float64")
    assert isinstance(twin, keras.losses.BinaryFocalCrossentropy)
    assert twin.alpha == 0.4 and twin.gamma == 3.0 and twin.reduction == "sum" and twin.dtype == "float64"


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_constructor_shows_keras_arguments_and_defaults(name):
    """Each class is written out with Keras's hyperparameters, in Keras's order, with Keras's defaults."""
    import inspect

    ours = inspect.signature(getattr(L, name)).parameters
    theirs = inspect.signature(getattr(keras.losses, name)).parameters
    not_here = {"dtype", "ignore_class"}  # Keras-only: dtype policy; sparse labels to skip
    different_name = {"Huber": "huber"}  # Keras names it "huber_loss"; ours keeps the function's name
    expected = {k: p.default for k, p in theirs.items() if k not in not_here}
    if name in different_name:
        expected["name"] = different_name[name]
    assert {k: p.default for k, p in ours.items()} == expected
    assert [k for k in ours] == [k for k in theirs if k not in not_here]


# ----------------------------------------------------------------------------- class weights
def test_class_weight_to_sample_weight_matches_keras_fit():
    from keras.src.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights

    class_weight = {0: 0.3, 1: 2.5, 3: 7.0}  # class 2 missing -> weight 1
    labels = np.array([0, 1, 2, 3, 1, 0])
    for y in (labels, labels[:, None], np.eye(4)[labels]):
        ours = L.class_weight_to_sample_weight(y, class_weight)
        theirs = class_weight_to_sample_weights(y, class_weight)
        np.testing.assert_array_equal(ours, theirs)
        assert ours.dtype == theirs.dtype


def test_weighted_loss_equals_keras_loss_with_class_weights():
    """WeightedLoss(loss, class_weight) == Keras loss with the fit-style per-sample weights."""
    rng = np.random.default_rng(8)
    labels = rng.integers(0, 3, BATCH)
    y_true, y_pred = np.eye(3)[labels], rng.dirichlet(np.ones(3), BATCH)
    class_weight = {0: 1.0, 1: 4.0, 2: 0.5}
    extra = rng.uniform(0.5, 2.0, BATCH)
    ours = L.WeightedLoss(L.CategoricalCrossentropy(), class_weight)
    keras_cce = keras.losses.CategoricalCrossentropy(dtype="float64")
    weights = np.array([class_weight[c] for c in labels]) * extra

    def keras_weighted(yt, yp, sample_weight=None):
        return keras_cce(yt, yp, sample_weight=weights)

    _assert_close(ours, y_true, y_pred, extra, np.float64, keras_loss=keras_weighted)


def test_weighted_loss_accepts_lists():
    """Plain Python lists (as a learner types them) give the same value as arrays."""
    ours = L.WeightedLoss(L.BinaryCrossentropy(), {0: 1.0, 1: 10.0})
    y_true, y_pred = [[0.0], [1.0], [1.0]], [[0.2], [0.6], [0.9]]
    expected = ours(np.array(y_true), np.array(y_pred))
    assert ours(y_true, y_pred) == expected
    assert ours(y_true, y_pred, sample_weight=[1.0, 2.0, 0.5]) == ours(
        np.array(y_true), np.array(y_pred), sample_weight=np.array([1.0, 2.0, 0.5]))


# ----------------------------------------------------------------------------- worked custom losses
def test_asymmetric_cost_loss_with_equal_costs_is_scaled_mae():
    rng = np.random.default_rng(9)
    y_true, y_pred = rng.normal(size=(BATCH, 2)), rng.normal(size=(BATCH, 2))
    ours = L.AsymmetricCostLoss(under_cost=3.0, over_cost=3.0)
    mae = keras.losses.MeanAbsoluteError(dtype="float64")
    _assert_close(ours, y_true, y_pred, None, np.float64,
                  keras_loss=lambda yt, yp, sample_weight=None: 3.0 * mae(yt, yp, sample_weight=sample_weight))


def test_asymmetric_cost_loss_is_minimised_at_the_cost_quantile():
    """The best constant prediction under (5, 1) costs is the 5/6 quantile of y, not its mean."""
    y = np.random.default_rng(10).exponential(size=(600, 1))
    loss = L.AsymmetricCostLoss(under_cost=5.0, over_cost=1.0)
    candidates = np.linspace(0, 4, 801)
    costs = [loss(y, np.full_like(y, c)) for c in candidates]
    best = candidates[int(np.argmin(costs))]
    assert abs(best - np.quantile(y, 5 / 6)) < 0.02
    assert abs(best - y.mean()) > 0.5


def test_expected_cost_loss_value_and_gradient():
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
    p = np.array([[0.9], [0.2], [0.3], [0.6]])
    loss = L.ExpectedCostLoss(false_negative_cost=100.0, false_positive_cost=1.0)
    expected = np.mean(100 * y_true * (1 - p) + 1 * (1 - y_true) * p)
    np.testing.assert_allclose(loss(y_true, p), expected, rtol=1e-15)
    w = Tensor(p, requires_grad=True)
    loss(y_true, w).backward()
    np.testing.assert_allclose(w.grad, (-100 * y_true + (1 - y_true)) / 4, rtol=1e-15)
    logits = L.ExpectedCostLoss(100.0, 1.0, from_logits=True)(y_true, np.log(p / (1 - p)))
    np.testing.assert_allclose(logits, expected, rtol=1e-12)


# ----------------------------------------------------------------------------- bad input
SHAPE_CHECKED = [n for n in sorted(LOSSES) if not n.startswith("Sparse")]


@pytest.mark.parametrize("name", SHAPE_CHECKED)
def test_shape_mismatch_names_both_shapes(name):
    with pytest.raises(ValueError, match=r"y_true.shape=\(6, 3\).*y_pred.shape=\(6, 4\)"):
        getattr(L, name)()(np.zeros((6, 3)), np.full((6, 4), 0.5))


def test_sparse_labels_checked():
    with pytest.raises(ValueError, match=r"y_true.shape=\(5,\).*y_pred.shape=\(6, 4\)"):
        L.SparseCategoricalCrossentropy()(np.zeros(5, int), np.full((6, 4), 0.25))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        L.SparseCategoricalCrossentropy()(np.array([0, 4]), np.full((2, 4), 0.25))
    with pytest.raises(ValueError, match="only the last axis"):
        L.sparse_categorical_crossentropy(np.array([0, 1]), np.full((2, 4), 0.25), axis=0)


@pytest.mark.parametrize("argument", ["y_pred", "y_true", "sample_weight"])
def test_nan_is_refused(argument):
    data = {"y_true": np.ones((3, 2)), "y_pred": np.full((3, 2), 0.5), "sample_weight": np.ones(3)}
    data[argument][1] = np.nan
    with pytest.raises(ValueError, match=f"{argument} contains NaN"):
        L.BinaryCrossentropy()(**data)


def test_unknown_reduction_and_name():
    with pytest.raises(ValueError, match="`reduction` must be one of.*'avg'"):
        L.MeanSquaredError(reduction="avg")
    with pytest.raises(ValueError, match="Unknown loss 'mean_sqared_error'.*mean_squared_error"):
        L.get("mean_sqared_error")
    with pytest.raises(TypeError, match="unexpected keyword argument 'delt'"):
        L.Huber(delt=2.0)


def test_bad_hyperparameters_and_weights():
    with pytest.raises(ValueError, match="label_smoothing"):
        L.BinaryCrossentropy(label_smoothing=1.5)(np.ones((2, 2)), np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="delta"):
        L.Huber(delta=0.0)(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"sample_weight.shape=\(4,\)"):
        L.MeanSquaredError()(np.ones((3, 2)), np.ones((3, 2)), sample_weight=np.ones(4))
    with pytest.raises(ValueError, match="under_cost"):
        L.AsymmetricCostLoss(under_cost=-1.0)
    with pytest.raises(TypeError, match="class_weight must be a dict"):
        L.class_weight_to_sample_weight(np.array([0, 1]), [1.0, 2.0])


# ------------------------------------------------------------------------------ kept differences (issue 20)
def test_categorical_crossentropy_gradient_is_the_true_derivative_for_labels_not_summing_to_one():
    """Ours: dl/dz = softmax(z)·sum(y) - y (checked by finite differences); TF's fused op: softmax(z) - y."""
    y_true, logits = np.array([[1.0, 1.0, 0.0]]), np.array([[1.0, 2.0, 3.0]])
    loss = L.CategoricalCrossentropy(from_logits=True)
    z = Tensor(logits.copy(), requires_grad=True)
    loss(y_true, z).backward()
    softmax = np.exp(logits) / np.exp(logits).sum()
    h = 1e-6
    numeric = [(loss(y_true, logits + h * e) - loss(y_true, logits - h * e)) / (2 * h) for e in np.eye(3)[:, None]]
    np.testing.assert_allclose(z.grad, softmax * y_true.sum() - y_true, atol=1e-12)
    np.testing.assert_allclose(z.grad.ravel(), numeric, atol=1e-8)
    np.testing.assert_allclose(z.grad, [[-0.820, -0.511, 1.330]], atol=5e-4)
    # Keras on TensorFlow: the same value, the gradient softmax - y
    keras_loss = keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64")
    assert abs(float(keras_loss(y_true, logits)) - float(loss(y_true, logits))) < 1e-12
    from course_lib.keras_check import backend_value_and_grad
    _, (theirs,) = backend_value_and_grad(lambda p: keras_loss(y_true, p), [logits])
    np.testing.assert_allclose(theirs, softmax - y_true, atol=1e-12)
    # with labels that sum to 1 the two agree
    soft = np.array([[0.2, 0.5, 0.3]])
    z = Tensor(logits.copy(), requires_grad=True)
    loss(soft, z).backward()
    np.testing.assert_allclose(z.grad, softmax - soft, atol=1e-12)


@pytest.mark.parametrize("cls", [L.CategoricalCrossentropy, L.CategoricalFocalCrossentropy])
def test_label_smoothing_divides_by_the_size_of_the_class_axis(cls):
    """axis=1 of a (1, 3, 2) array: 3 classes, so s/3 (Keras: s/2, the last axis's size)."""
    y = np.zeros((1, 3, 2))
    y[0, [0, 2], [0, 1]] = 1.0
    logits = np.arange(6.0).reshape(1, 3, 2)
    s = 0.3
    smoothed = cls(from_logits=True, label_smoothing=s, axis=1)(y, logits)
    by_hand = cls(from_logits=True, axis=1)(y * (1 - s) + s / 3, logits)
    assert smoothed == pytest.approx(by_hand, abs=1e-12)
    # moving the class axis to the end gives the same loss: smoothing does not depend on the layout
    last = cls(from_logits=True, label_smoothing=s)(np.moveaxis(y, 1, -1), np.moveaxis(logits, 1, -1))
    assert smoothed == pytest.approx(last, abs=1e-12)
    keras_value = float(keras_loss_like(cls(from_logits=True, label_smoothing=s, axis=1), "float64")(y, logits))
    keras_as_documented = cls(from_logits=True, axis=1)(y * (1 - s) + s / 2, logits)
    assert keras_value == pytest.approx(keras_as_documented, abs=1e-9)
    assert abs(keras_value - smoothed) > 0.01


def test_sample_weight_must_match_the_per_sample_losses():
    """One rule for every input: y_true/y_pred and sample_weight must fit after the rank fix-up."""
    y_true, y_pred = np.ones((5, 2)), np.zeros((5, 2))
    mse = L.MeanSquaredError()
    with pytest.raises(ValueError, match=r"sample_weight.shape=\(5, 5\).*losses of shape \(5,\).*one weight per sample"):
        mse(y_true, y_pred, sample_weight=np.ones((5, 5)))
    with pytest.raises(ValueError, match=r"sample_weight.shape=\(1,\)"):
        mse(y_true, y_pred, sample_weight=np.ones(1))
    assert mse(y_true, y_pred, sample_weight=np.full((5, 1), 2.0)) == pytest.approx(2.0)  # (batch, 1): fixed up
    assert mse(y_true, y_pred, sample_weight=3.0) == pytest.approx(3.0)  # a scalar scales the loss
    # Keras broadcasts the (5, 5) weight into a 5x5 table: what we refuse
    assert float(keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=np.arange(25.0).reshape(5, 5))) \
        == pytest.approx(12.0)
