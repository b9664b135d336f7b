"""loss_slices: interpolation, barrier, filter normalization and planes, on a quadratic and on a real MLP."""
import numpy as np
import pytest

from course_lib import loss_slices, nn


def quadratic(weights):
    return float(sum(np.sum(w ** 2) for w in weights))


A = [np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([1.0, 1.0])]
B = [np.array([[-1.0, 2.0], [-0.5, -3.0]]), np.array([-1.0, -1.0])]


def test_line_and_barrier_on_a_quadratic():
    alphas = np.linspace(0, 1, 11)
    line = loss_slices.loss_along_line(quadratic, A, B, alphas)
    # B = -A: L(alpha) = (1 - 2 alpha)^2 L(0), zero at the midpoint; the chord stays at L(0)
    np.testing.assert_allclose(line, (1 - 2 * alphas) ** 2 * quadratic(A))
    assert loss_slices.barrier(alphas, line) == pytest.approx(0.0)
    assert loss_slices.barrier([0, 0.5, 1], [1.0, 3.0, 1.0]) == 2.0


def test_filter_normalized_direction():
    d = loss_slices.random_direction(A, rng=0)
    np.testing.assert_allclose(np.linalg.norm(d[0], axis=0), np.linalg.norm(A[0], axis=0))
    assert np.all(d[1] == 0)
    raw = loss_slices.random_direction(A, rng=0, filter_normalize=False)
    assert np.any(raw[1] != 0)


def test_plane_layout_and_model_loss():
    model = nn.mlp(seed=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 64)).astype("float32"), rng.integers(0, 10, 20)
    loss = loss_slices.model_loss(model, x, y)
    center = model.get_weights()
    d1, d2 = loss_slices.random_direction(center, 1), loss_slices.random_direction(center, 2)
    Z = loss_slices.loss_plane(loss, center, d1, d2, [-1, 0, 1, 2], [0, 1, 2])
    assert Z.shape == (3, 4)
    assert Z[0, 1] == pytest.approx(loss(center))
    shifted = [w + 2 * u + 1 * v for w, u, v in zip(center, d1, d2)]
    assert Z[1, 3] == pytest.approx(loss(shifted), rel=1e-6)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="same shapes"):
        loss_slices.interpolate(A, B[:1], 0.5)
    with pytest.raises(TypeError, match="`loss`"):
        loss_slices.loss_along_line("nope", A, B, [0, 1])
    with pytest.raises(ValueError, match="run from 0 to 1"):
        loss_slices.barrier([0.2, 1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="compiled"):
        loss_slices.model_loss(nn.mlp(), None, None)
