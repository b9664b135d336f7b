"""The PCA explorer: a slider for the number of components k, redrawing digits rebuilt from k components.

Each digit x (64 pixels) is rebuilt from its first k principal coordinates,

    x_hat = mu + sum_{j=1..k} z_j v_j,   z_j = (x - mu) . v_j      (course_lib.pca.PCA)

so moving the slider shows what each extra component adds, next to the fraction of the variance
kept, sum_{j<=k} lambda_j / sum_j lambda_j.  PCA is fitted once, with every component; a redraw is
a matrix product and one small figure.  matplotlib and ipywidgets are imported when a figure or the
widget is made, so importing this module costs only numpy.
"""
from __future__ import annotations

import time

import numpy as np

from .._checks import check_int
from ..pca import PCA
from ._render import png_output

__all__ = ["reconstruct", "plot_reconstructions", "PCAExplorer", "pca_explorer"]


def reconstruct(pca, X, k):
    """X rebuilt from its first k principal coordinates:  mu + (X - mu) V_k V_k^T (pca fitted with >= k)."""
    k = check_int("k", k)
    if k > pca.n_components_:
        raise ValueError(f"`k` must be at most the fitted number of components, {pca.n_components_}. Received: k={k}")
    V = pca.components_[:k]                                  # V_k^T, (k, d)
    return (X - pca.mean_) @ V.T @ V + pca.mean_             # mu + (X - mu) V_k V_k^T


def plot_reconstructions(X, X_hat, k, kept, shape=(8, 8)):
    """Originals (top row) over their reconstructions from k components (bottom row); returns the figure."""
    fig, bottom_images = _reconstruction_figure(X, shape)
    _update(fig, bottom_images, X_hat, k, kept, shape)
    return fig


def _reconstruction_figure(X, shape):
    """The figure with the originals drawn once; returns it and the bottom row's images (to update)."""
    import matplotlib.pyplot as plt

    n = len(X)
    fig, axes = plt.subplots(2, n, figsize=(1.1 * n, 2.6), squeeze=False)
    vmax = max(1e-9, float(X.max()))
    bottom = []
    for i in range(n):
        axes[0, i].imshow(X[i].reshape(shape), cmap="gray_r", vmin=0, vmax=vmax)
        bottom.append(axes[1, i].imshow(np.zeros(shape), cmap="gray_r", vmin=0, vmax=vmax))
        for ax in axes[:, i]:
            ax.set_xticks([]), ax.set_yticks([])
    axes[0, 0].set_ylabel("original", fontsize=8)
    fig.subplots_adjust(left=0.04, right=0.99, bottom=0.02, top=0.85, wspace=0.08, hspace=0.08)
    return fig, bottom


def _update(fig, bottom_images, X_hat, k, kept, shape):
    for image, x in zip(bottom_images, X_hat):
        image.set_data(x.reshape(shape))
    bottom_images[0].axes.set_ylabel(f"k = {k}", fontsize=8)
    fig.suptitle(f"{k} components keep {kept:.1%} of the variance", fontsize=10)


class PCAExplorer:
    """Holds the fitted PCA, the digits shown and the widget; :meth:`redraw` redraws for the slider's k.

    ``widget`` is the ipywidgets box to display (the notebook shows the explorer itself, as that widget); ``slider`` is the k slider; ``last_draw_seconds`` times the last redraw.
    """

    def __init__(self, X, n_digits=8, k=5):
        import ipywidgets as widgets

        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 64:
            raise ValueError(f"`X` must hold 8x8 digits as rows of 64 pixels; got shape {X.shape}")
        self.pca = PCA().fit(X)
        n_digits = check_int("n_digits", n_digits)
        self.images = X[:n_digits]
        d = self.pca.n_components_
        k = check_int("k", k)
        if k > d:
            raise ValueError(f"`k` must be at most {d} (the number of components). Received: k={k}")
        self.cumulative = np.cumsum(self.pca.explained_variance_ratio_)
        self.slider = widgets.IntSlider(value=k, min=1, max=d, step=1, description="components k",
                                        style={"description_width": "110px"}, layout=widgets.Layout(width="480px"))
        self.output = widgets.Output(layout=widgets.Layout(min_height="220px"))
        self.widget = widgets.VBox([self.slider, self.output])
        self.controls = {"k": self.slider}  # by name, as the other explorers (tests, benchmarks)
        self.last_draw_seconds, self.redraws = 0.0, 0
        import matplotlib.pyplot as plt

        # One figure, drawn once and updated: a redraw sets 8 images and saves a PNG.  Closed at
        # once so that the notebook does not show it a second time under the cell.
        self._figure, self._images = _reconstruction_figure(self.images, (8, 8))
        plt.close(self._figure)
        self.slider.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, *_change):
        begin = time.perf_counter()
        k = self.slider.value
        _update(self._figure, self._images, reconstruct(self.pca, self.images, k), k, self.cumulative[k - 1], (8, 8))
        self.output.outputs = (png_output(self._figure),)  # replace the picture in one message: no flicker
        self.redraws += 1
        self.last_draw_seconds = time.perf_counter() - begin

    def _repr_mimebundle_(self, **kwargs):
        """Shown in a notebook as its widget; the text form is this object's stable repr (for nbval)."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = repr(self)
        return bundle

    def __repr__(self):  # stable text for nbval (no widget ids, no PNG bytes)
        return f"PCAExplorer(k={self.slider.value}, digits={len(self.images)})"


def pca_explorer(X, n_digits=8, k=5):
    """A slider for k redrawing the first ``n_digits`` rows of X (8x8 digits) rebuilt from k components."""
    return PCAExplorer(X, n_digits=n_digits, k=k)
