"""Interactive pieces and figures for the notebooks (matplotlib and ipywidgets, imported lazily).

- ``optimizer_explorer``   optimizers' paths on the 2-D surfaces of :mod:`course_lib.landscape`
- ``schedule_explorer``    a learning-rate schedule drawn as lr vs step, its arguments as sliders
- ``pca_explorer``         a slider for the number of principal components, redrawing digit reconstructions
- ``split_explorer``       walk-forward vs shuffled splits of a price series, and what each reports for a forecaster
- ``bo_explorer``         Bayesian optimization one step at a time on a 1-D objective (GP, EI, next point)
- ``diagrams``             box-and-arrow figures (the training loop, a computation graph)
- ``live_plot``            training curves redrawn in place during ``fit`` (a callback), and the same plot from a saved log
"""
