"""Interactive pieces and figures for the notebooks (matplotlib and ipywidgets, imported lazily).

- ``explorer``   the optimizer explorer (paths on a 2-D surface) and the schedule explorer
- ``pca_explorer``   a slider for the number of principal components, redrawing digit reconstructions
- ``diagrams``   box-and-arrow figures (the training loop, a computation graph)
"""
