"""Protects course_lib.data: every sample appears exactly once per epoch, shuffles are seeded, bad input is named."""
import math

import numpy as np
import pytest

from course_lib.data import batch_indices, minibatches, num_batches


@pytest.mark.parametrize("n, batch_size, expected", [(10, 3, 4), (12, 4, 3), (7, 7, 1), (5, 1, 5), (4, 100, 1)])
def test_every_sample_once_per_epoch(n, batch_size, expected):
    batches = list(batch_indices(n, batch_size, rng=np.random.default_rng(1)))
    assert len(batches) == num_batches(n, batch_size) == expected == math.ceil(n / batch_size)
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))
    # all full except possibly the last one
    assert all(len(b) == min(batch_size, n) for b in batches[:-1])
    assert len(batches[-1]) == n - batch_size * (len(batches) - 1)


def test_shuffle_is_seeded_and_changes_each_epoch():
    rng = np.random.default_rng(0)
    epoch1 = np.concatenate(list(batch_indices(50, 8, rng=rng)))
    epoch2 = np.concatenate(list(batch_indices(50, 8, rng=rng)))
    assert not np.array_equal(epoch1, epoch2), "a shared Generator must give a new order each epoch"
    again = np.concatenate(list(batch_indices(50, 8, rng=np.random.default_rng(0))))
    assert np.array_equal(epoch1, again), "same seed, same order"
    assert np.array_equal(np.concatenate(list(batch_indices(50, 8, rng=3))),
                          np.concatenate(list(batch_indices(50, 8, rng=np.random.default_rng(3)))))
    assert not np.array_equal(epoch1, np.arange(50))


def test_no_shuffle_keeps_order():
    assert np.array_equal(np.concatenate(list(batch_indices(9, 4, shuffle=False))), np.arange(9))


def test_minibatches_pair_rows_with_labels():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10) * 10
    seen = []
    for Xb, yb in minibatches(X, y, 4, rng=np.random.default_rng(2)):
        assert np.array_equal(Xb[:, 0] * 5, yb), "rows of X and y must stay paired"
        seen.extend(yb.tolist())
    assert sorted(seen) == y.tolist()


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "4", None])
def test_bad_batch_size(bad):
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        list(batch_indices(10, bad))


@pytest.mark.parametrize("bad", [0, -3, 1.5])
def test_bad_num_samples(bad):
    with pytest.raises(ValueError, match="`num_samples` must be a positive integer"):
        list(batch_indices(bad, 2))


def test_numpy_integers_are_counts_too():
    """np.int64 (what len(...) // k gives on numpy shapes) is accepted, and returned as a plain int."""
    assert num_batches(np.int64(10), np.int64(4)) == 3
    assert [len(b) for b in batch_indices(np.int64(5), np.int32(2), shuffle=False)] == [2, 2, 1]


def test_mismatched_X_y():
    with pytest.raises(ValueError, match="same number of samples"):
        list(minibatches(np.zeros((5, 2)), np.zeros(4), 2))
    with pytest.raises(ValueError, match="sample axis"):
        list(minibatches(np.float64(1.0), np.zeros(4), 2))


def test_adding_problem_marks_one_step_per_half_and_sums_the_marked_values():
    from course_lib.data import adding_problem

    X, y = adding_problem(500, 12, np.random.default_rng(3))
    assert X.shape == (500, 12, 2) and y.shape == (500,)
    values, marks = X[..., 0], X[..., 1]
    assert np.all((values >= 0) & (values < 1))
    assert np.all(marks[:, :6].sum(axis=1) == 1) and np.all(marks[:, 6:].sum(axis=1) == 1)
    first, second = marks[:, :6].argmax(axis=1), 6 + marks[:, 6:].argmax(axis=1)
    np.testing.assert_array_equal(y, values[np.arange(500), first] + values[np.arange(500), second])
    # The mean predictor's error is about Var(v1 + v2) = 1/6; the same seed gives the same data.
    assert abs(np.mean((y - 1.0) ** 2) - 1 / 6) < 0.03
    np.testing.assert_array_equal(adding_problem(500, 12, 3)[0], X)
    with pytest.raises(ValueError, match="`T`"):
        adding_problem(10, 1, 0)
