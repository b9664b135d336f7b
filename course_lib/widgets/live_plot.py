"""Training curves drawn while training runs: a callback that redraws one picture in place.

``LivePlot`` is a :class:`course_lib.callbacks.Callback`.  At the end of every ``every``-th
epoch (and at the end of training) it draws the curves of the logs so far with
:func:`plot_history` and *replaces* its picture in the notebook through an IPython display
handle (``display(..., display_id=True)`` then ``handle.update(...)``), so JupyterLab shows one
figure that grows, not one figure per epoch.  It uses a bare ``matplotlib.figure.Figure``
(no pyplot), so the inline backend does not add a second copy of the picture under the cell.
The stored notebook keeps the last picture; its text is ``<Figure size WxH>`` (stable for nbval).

Keras has no live plot (TensorBoard does this job outside the notebook); this mirrors the
callback protocol, ``on_epoch_end(epoch, logs)``.
"""
from __future__ import annotations

import math

from .._checks import check_int
from ..callbacks import Callback
from ._render import png_output

__all__ = ["plot_history", "LivePlot"]


def plot_history(history, metrics=("loss",), axes=None):
    """Draw ``key`` and ``val_key`` against the epoch for each key in ``metrics``; return the Axes.

    ``history`` is a ``History.history`` dict or what :func:`course_lib.callbacks.read_csv_log`
    returns (its ``epoch`` column is used when present, else 0, 1, 2...).  One Axes per metric.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        axes = plt.figure(figsize=(4.5 * len(metrics), 3.2)).subplots(1, len(metrics), squeeze=False)[0]
    for ax, key in zip(axes, metrics):
        if key not in history:
            raise KeyError(f"`history` has no {key!r}; it has {sorted(history)}")
        epochs = history.get("epoch", range(len(history[key])))
        for name, style in ((key, "-"), (f"val_{key}", "--")):
            values = history.get(name)
            if values is not None and not all(math.isnan(v) for v in values):
                ax.plot(list(epochs), values, style, label=name.replace("_", " "))
        ax.set(xlabel="epoch", ylabel=key)
        ax.grid(True, alpha=0.3)
        ax.legend()
    return axes


class LivePlot(Callback):
    """Redraw the training curves in place during ``fit``, every ``every`` epochs and at the end.

    ``updates`` counts the pictures shown (the first display included); ``history`` holds the
    logs received, in ``History.history``'s shape.  ``display=False`` draws without showing
    (for tests and scripts): ``last_output`` is then the notebook output of the last picture.
    """

    def __init__(self, metrics=("loss",), every=1, figsize=None, dpi=60, display=True):
        super().__init__()
        self.metrics = tuple(metrics)
        self.every = check_int("every", every)
        self.figsize = figsize or (4.5 * len(self.metrics), 3.2)
        self.dpi, self.display = dpi, display
        self.history, self.updates, self.last_output = {}, 0, None
        self._handle, self._drawn_epoch, self._figure = None, None, None

    def on_train_begin(self, logs=None):
        self.history, self.updates, self._handle, self._drawn_epoch = {"epoch": []}, 0, None, None
        self._figure = None

    def on_epoch_end(self, epoch, logs=None):
        self.history["epoch"].append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        if (epoch + 1) % self.every == 0:
            self._redraw(epoch)

    def on_train_end(self, logs=None):
        if self.history.get("epoch") and self._drawn_epoch != self.history["epoch"][-1]:
            self._redraw(self.history["epoch"][-1])  # the last epochs, when not a multiple of `every`

    def _redraw(self, epoch):
        if self._figure is None:  # one figure per training, cleared and redrawn: ~2x cheaper than a new one
            from matplotlib.figure import Figure

            self._figure = Figure(figsize=self.figsize)
            self._figure.subplots(1, len(self.metrics), squeeze=False)
            self._figure.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.86, wspace=0.3)
        fig = self._figure
        for ax in fig.axes:
            ax.clear()
        plot_history(self.history, self.metrics, fig.axes)
        fig.suptitle(f"after epoch {epoch + 1}")
        self.last_output, self._drawn_epoch = png_output(fig, dpi=self.dpi), epoch
        self.updates += 1
        if not self.display:
            return
        from IPython.display import display

        if self._handle is None:
            self._handle = display(self.last_output["data"], raw=True, display_id=True)
        else:
            self._handle.update(self.last_output["data"], raw=True)
