"""The PCA explorer: its reconstruction is PCA's, every slider move redraws once, bad input is refused."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

from course_lib.pca import PCA  # noqa: E402
from course_lib.widgets.pca_explorer import pca_explorer, plot_reconstructions, reconstruct  # noqa: E402
from widget_output import shown_png  # noqa: E402

X = load_digits().data / 16.0


def test_reconstruct_is_pca_with_k_components():
    full = PCA().fit(X)
    for k in (1, 7, 64):
        small = PCA(k).fit(X)
        np.testing.assert_allclose(reconstruct(full, X[:20], k), small.inverse_transform(small.transform(X[:20])),
                                   atol=1e-10)
    np.testing.assert_allclose(reconstruct(full, X, 64), X, atol=1e-10)  # all components: exact




def test_each_slider_move_redraws_a_new_picture():
    w = pca_explorer(X, n_digits=6, k=2)
    first = shown_png(w)
    assert w.redraws == 1 and repr(w) == "PCAExplorer(k=2, digits=6)"
    w.slider.value = 30
    assert w.redraws == 2 and shown_png(w) != first
    w.slider.value = 2
    assert shown_png(w) == first  # the picture is a function of k alone


def test_plot_reconstructions_shows_both_rows():
    fig = plot_reconstructions(X[:3], X[:3], 5, 0.5)
    assert len(fig.axes) == 6 and "50.0%" in fig._suptitle.get_text()


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="64 pixels"):
        pca_explorer(X[:, :10])
    with pytest.raises(ValueError, match="`k` must be at most 64"):
        pca_explorer(X, k=65)
    with pytest.raises(ValueError, match="`k` must be at most"):
        reconstruct(PCA(3).fit(X), X, 4)
