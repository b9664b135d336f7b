"""Protects course_lib.widgets.diagrams: every box and arrow is drawn, and a typo in an arrow's key is reported."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course_lib.widgets.diagrams import draw_diagram  # noqa: E402


def test_draws_boxes_arrows_and_labels():
    fig, ax = plt.subplots()
    boxes = {"a": (0, 0, "A"), "b": (2, 0, "B"), "c": (1, -1, "C")}
    draw_diagram(ax, boxes, [("a", "b", "ab"), ("b", "c"), ("c", "a", "back", 0.3)])
    texts = [t.get_text() for t in ax.texts]
    assert {"A", "B", "C", "ab", "back"} <= set(texts)
    arrows = [t for t in ax.texts if t.get_text() == "" and getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 3
    assert not ax.axison
    plt.close(fig)


def test_unknown_key_is_named():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"arrows\[0\]"):
        draw_diagram(ax, {"a": (0, 0, "A")}, [("a", "missing")])
    plt.close(fig)
