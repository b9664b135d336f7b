"""Histories on disk: our CSVLogger writes the same bytes as keras.callbacks.CSVLogger, read_csv_log gives the
logged floats back exactly, and the curves plotted from the reloaded file are the curves plotted from memory.

Tolerance: none. The file is compared byte for byte with Keras's, and the reloaded floats and plotted line data
with ``==`` (Python's str of a float round-trips exactly).
"""
import keras
import numpy as np
import pytest

from course_lib import callbacks, workflow
from course_lib.widgets.live_plot import LivePlot, plot_history

_rng = np.random.default_rng(10)
LOGS = [{"loss": float(v), "accuracy": float(a), "val_loss": float(w), "val_accuracy": float(b)}
        for v, a, w, b in _rng.random((7, 4))]


def _write(logger, logs, epochs=None):
    logger.on_train_begin()
    for epoch, entry in zip(epochs or range(len(logs)), logs):
        logger.on_epoch_end(epoch, entry)
    logger.on_train_end()


@pytest.mark.parametrize("logs", [LOGS, [{"loss": 0.5}, {"loss": 0.25}]], ids=["with validation", "no validation: NA columns"])
def test_csv_logger_writes_the_same_bytes_as_keras(tmp_path, logs):
    ours, theirs = tmp_path / "ours.csv", tmp_path / "keras.csv"
    _write(callbacks.CSVLogger(ours), logs)
    _write(keras.callbacks.CSVLogger(str(theirs)), logs)
    assert ours.read_bytes() == theirs.read_bytes()


def test_append_continues_without_a_second_header_as_keras(tmp_path):
    ours, theirs = tmp_path / "ours.csv", tmp_path / "keras.csv"
    for path, make in ((ours, callbacks.CSVLogger), (theirs, lambda p, **k: keras.callbacks.CSVLogger(str(p), **k))):
        _write(make(path), LOGS[:3])
        _write(make(path, append=True), LOGS[3:], epochs=range(3, 7))
    assert ours.read_bytes() == theirs.read_bytes()
    assert ours.read_text().count("epoch") == 1


def test_read_csv_log_gives_back_the_logged_floats_exactly(tmp_path):
    path = tmp_path / "log.csv"
    _write(callbacks.CSVLogger(path), LOGS)
    back = callbacks.read_csv_log(path)
    assert back["epoch"] == list(range(7))
    for key in LOGS[0]:
        assert back[key] == [entry[key] for entry in LOGS]
    _write(callbacks.CSVLogger(path), [{"loss": 0.5}])
    assert np.isnan(callbacks.read_csv_log(path)["val_loss"][0])


def test_read_csv_log_refuses_an_empty_log(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ValueError, match="holds no epoch"):
        callbacks.read_csv_log(path)


def _lines(axes):
    return [(line.get_label(), list(line.get_xdata()), list(line.get_ydata())) for ax in axes for line in ax.get_lines()]


def test_reloaded_history_reproduces_the_plotted_curves(tmp_path):
    """A real training: the curves drawn live, from memory and from the reloaded file are identical."""
    from sklearn.datasets import load_breast_cancer

    split = workflow.split_data(*load_breast_cancer(return_X_y=True), seed=0)
    path = tmp_path / "history.csv"
    live = LivePlot(metrics=("loss", "accuracy"), every=4, display=False)
    _, history = workflow.train_mlp(split, learning_rate=0.01, epochs=10, seed=0,
                                    callbacks=[live, callbacks.CSVLogger(path)])
    reloaded = callbacks.read_csv_log(path)
    metrics = ("loss", "accuracy")
    from_memory = _lines(plot_history({"epoch": history.epoch, **history.history}, metrics))
    from_file = _lines(plot_history(reloaded, metrics))
    from_live = _lines(live._figure.axes)
    assert len(from_memory) == 4 and from_memory == from_file == from_live
    assert live.updates == 3  # epochs 4, 8 and the last one (10)
    assert live.last_output["data"]["image/png"]
    assert live.last_output["data"]["text/plain"].startswith("<Figure size")


def test_plot_history_names_a_missing_metric():
    with pytest.raises(KeyError, match="has no 'accuracy'"):
        plot_history({"loss": [1.0]}, metrics=("accuracy",))
