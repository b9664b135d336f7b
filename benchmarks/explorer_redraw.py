"""How fast do the interactive explorers redraw?  (A slider move should feel immediate.)

Prints the median redraw time of each explorer for a few typical settings and its ratio to a
0.5 s budget (ratio < 1: within budget).  Speed lives here, not in the tests, because timings
on a shared 2-core machine are noisy.   Usage:  python benchmarks/explorer_redraw.py
"""
from __future__ import annotations

import statistics

import matplotlib

matplotlib.use("Agg")

from sklearn.datasets import load_digits  # noqa: E402

from course_lib.widgets.optimizer_explorer import optimizer_explorer  # noqa: E402
from course_lib.widgets.schedule_explorer import schedule_explorer  # noqa: E402
from course_lib.widgets.pca_explorer import pca_explorer  # noqa: E402
from course_lib.widgets.gradient_explorer import gradient_explorer  # noqa: E402

BUDGET_S = 0.5
REPEATS = 7


def median_redraw(widget, control, values) -> float:
    """Move ``control`` through ``values`` REPEATS times; median of the redraw times."""
    times = []
    for _ in range(REPEATS):
        for value in values:
            widget_control = widget.controls.get(control) or widget.params[control]
            widget_control.value = value
            times.append(widget.last_draw_seconds)
    return statistics.median(times)


def main() -> None:
    cases = [
        ("optimizer explorer, 3 optimizers x 200 steps", optimizer_explorer(), "beta_1", (0.5, 0.8, 0.95)),
        ("optimizer explorer, 7 optimizers x 1000 steps",
         optimizer_explorer(optimizers=("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW"),
                            steps=1000), "beta_1", (0.5, 0.8, 0.95)),
        ("schedule explorer, 1000 steps", schedule_explorer(), "steps", (600, 800, 1000)),
        ("PCA explorer, 8 digits, k = 1 / 10 / 64", pca_explorer(load_digits().data / 16), "k", (1, 10, 64)),
        ("gradient explorer, 3 nets, depth 10 / 25 / 40", gradient_explorer(), "depth", (10, 25, 40)),
        ("gradient explorer, depth 20, batch norm off/on",
         gradient_explorer(depth=20, batch_norm=True, residual=True), "batch_norm", (False, True)),
    ]
    print(f"{'case':<48} {'median redraw':>14} {'/ budget':>9}")
    for name, widget, control, values in cases:
        seconds = median_redraw(widget, control, values)
        print(f"{name:<48} {seconds * 1e3:>11.0f} ms {seconds / BUDGET_S:>9.2f}")
    print(f"budget: {BUDGET_S} s per redraw (ratio < 1 is within budget)")


if __name__ == "__main__":
    main()
