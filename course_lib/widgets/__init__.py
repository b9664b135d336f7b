"""Interactive pieces and figures for the notebooks (matplotlib and ipywidgets, imported lazily).

- ``explorer``   the optimizer explorer (paths on a 2-D surface) and the schedule explorer
- ``bo_explorer`` Bayesian optimization one step at a time on a 1-D objective (GP, EI, next point)
- ``diagrams``   box-and-arrow figures (the training loop, a computation graph)
"""
