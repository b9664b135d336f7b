"""Box-and-arrow diagrams drawn with matplotlib (the learning loop, a computational graph).

A diagram is a set of labelled boxes at (x, y) positions in a unit-free plane and
arrows between them.  Only drawing lives here: no maths.  Matplotlib is imported
when a diagram is drawn, not when ``course_lib`` is imported.
"""
from __future__ import annotations

__all__ = ["draw_diagram"]


def draw_diagram(ax, boxes, arrows, *, box_colors=None, fontsize=10, arrow_fontsize=9):
    """Draw ``boxes`` joined by ``arrows`` on the matplotlib axes ``ax``.

    ``boxes`` maps a key to ``(x, y, text)``; ``arrows`` is a list of ``(from_key, to_key)``
    or ``(from_key, to_key, label)`` or ``(from_key, to_key, label, curvature)``
    (curvature bends the arrow: 0 straight, e.g. 0.3 for a return edge).
    ``box_colors`` optionally maps a key to a face colour.  Returns ``ax``.
    """
    box_colors = box_colors or {}
    for i, arrow in enumerate(arrows):
        if len(arrow) < 2 or arrow[0] not in boxes or arrow[1] not in boxes:
            raise ValueError(f"Argument `arrows[{i}]` must start and end at keys of `boxes`; got {arrow!r}.")
    texts = {}
    for key, (x, y, text) in boxes.items():
        texts[key] = ax.text(
            x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3,
            bbox=dict(boxstyle="round,pad=0.5", facecolor=box_colors.get(key, "#e8f0fe"), edgecolor="#335"),
        )
    ax.figure.canvas.draw()  # lay the boxes out first, so arrows can stop at their edges
    for arrow in arrows:
        start, end = arrow[0], arrow[1]
        label = arrow[2] if len(arrow) > 2 else None
        curvature = arrow[3] if len(arrow) > 3 else 0.0
        ax.annotate(
            "", xy=boxes[end][:2], xytext=boxes[start][:2], zorder=5,
            arrowprops=dict(arrowstyle="-|>", color="#335", lw=1.4, patchA=texts[start].get_bbox_patch(),
                            patchB=texts[end].get_bbox_patch(), shrinkA=4, shrinkB=4,
                            connectionstyle=f"arc3,rad={curvature}"),
        )
        if label:
            (x0, y0), (x1, y1) = boxes[start][:2], boxes[end][:2]
            # the label sits beside the middle of the (possibly bent) arrow
            mx, my = (x0 + x1) / 2 + curvature * (y1 - y0) / 2, (y0 + y1) / 2 - curvature * (x1 - x0) / 2
            ax.text(mx, my, label, ha="center", va="center", fontsize=arrow_fontsize, color="#a33", zorder=6,
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.9))
    xs = [b[0] for b in boxes.values()]
    ys = [b[1] for b in boxes.values()]
    ax.set_xlim(min(xs) - 1, max(xs) + 1)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 1.1)
    ax.set_axis_off()
    return ax
