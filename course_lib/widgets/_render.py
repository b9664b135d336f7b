"""What both explorers share: the widget container, and figures turned into notebook outputs.

An explorer is a VBox of controls above an ``Output`` widget; every change of a control
calls ``redraw``, which replaces the output with a PNG of a freshly drawn figure (or a
message when the settings cannot be drawn).  ipywidgets is imported only when a container
is first made, so importing this module costs nothing.
"""
from __future__ import annotations

import base64
import functools
import io
import time
from typing import Callable

__all__ = ["png_output", "text_output", "explorer_class", "plain"]


def png_output(fig, dpi: int = 80) -> dict:
    """A notebook ``display_data`` output holding ``fig`` as a PNG (what ``plt.show()`` would emit)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    width, height = (fig.get_size_inches() * dpi).astype(int)
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text/plain": f"<Figure size {width}x{height}>",
        },
        "metadata": {},
    }


def text_output(text: str) -> dict:
    """A notebook ``stream`` output printing ``text`` on stdout."""
    return {"output_type": "stream", "name": "stdout", "text": text}


@functools.lru_cache(maxsize=None)
def explorer_class():
    """Define the widget container classes lazily, so that importing this module needs no ipywidgets."""
    import ipywidgets as widgets

    class Explorer(widgets.VBox):
        """A VBox of controls and an ``output`` whose plot :meth:`redraw` replaces.

        ``controls`` maps a name to its widget (tests and notebooks can set values);
        ``last_draw_seconds`` is how long the last redraw took.
        """

        def __init__(self, kind: str, controls: dict, output, draw: Callable[[], dict], layout_rows):
            super().__init__(children=[*layout_rows, output])
            self.kind, self.controls, self.output = kind, controls, output
            self._draw, self.last_draw_seconds, self.redraws = draw, 0.0, 0

        def redraw(self, *_change) -> None:
            begin = time.perf_counter()
            try:
                out = self._draw()
            except (ValueError, TypeError, ArithmeticError) as exc:  # bad settings: tell the learner
                out = text_output(f"Cannot draw with these settings: {exc}\n")
            # Replacing the outputs tuple swaps the picture in one message: no flicker, and
            # it works with or without a running kernel (so it is testable headless).
            self.output.outputs = (out,)
            self.redraws += 1
            self.last_draw_seconds = time.perf_counter() - begin

        def __repr__(self) -> str:  # stable text/plain for nbval (no widget ids, no PNG bytes)
            shown = {**self.controls, **getattr(self, "params", {})}
            settings = ", ".join(f"{k}={plain(w.value)!r}" for k, w in shown.items())
            return f"{self.kind}({settings})"

    return Explorer


def plain(value):
    """A control's value as the explorer's ``repr`` shows it: floats to 4 significant digits, tuples as lists."""
    if isinstance(value, float):
        return float(f"{value:.4g}")
    if isinstance(value, tuple):
        return list(value)
    return value
