"""course_lib: the reference implementations taught in the Optimization in ML course.

Everything here is plain numpy, so ``import course_lib`` is fast and never loads
TensorFlow.  The one module that talks to Keras, :mod:`course_lib.keras_check`,
imports it lazily, inside its functions.

Modules (one concept each):

- ``autodiff``      reverse-mode automatic differentiation over numpy arrays
- ``losses``        loss functions (mirror ``keras.losses``)
- ``optimizers``    optimizers (mirror ``keras.optimizers``)
- ``schedules``     learning-rate schedules (mirror ``keras.optimizers.schedules``)
- ``callbacks``     ReduceLROnPlateau, EarlyStopping (mirror ``keras.callbacks``)
- ``initializers``, ``regularizers``, ``nn``   weights, penalties, layers and models
- ``keras_check``   side-by-side comparisons with Keras (imports Keras lazily)
- ``device``        which device Keras will use
- ``grading``       instant feedback for exercises
"""

__version__ = "0.1.0"
