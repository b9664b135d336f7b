"""Side-by-side checks of ``course_lib`` against Keras 3.

This is the only part of ``course_lib`` that talks to Keras.  Keras (and its
backend: TensorFlow by default, JAX or PyTorch through ``KERAS_BACKEND``) is
imported inside the functions, never at import time, so ``import course_lib``
stays fast.  The functions use only the public, backend-agnostic Keras API
(``keras.optimizers``, ``keras.losses``, ``keras.ops``), so the same check runs
on a GPU machine with ``KERAS_BACKEND=jax``.  Keras places its work on the GPU
where one is visible.

Each ``compare_*`` function runs one of our objects and its Keras twin on the
same inputs and returns a :class:`Comparison`: a small table of
(step, max abs difference) that notebooks display and tests assert on.

Where the course keeps a result Keras does not give (Keras arguably wrong or undefined),
the case is registered in ``KNOWN_DIFFERENCES`` (:mod:`._known`) with its explanation;
:func:`check_known_differences` computes both numbers for each.
"""
from ._table import Comparison, absdiff, magnitude
from ._known import (KNOWN_DIFFERENCES, KnownDifference, KnownDifferenceResult, check_known_differences,
                     known_difference)
from ._autodiff import backend_value_and_grad, compare_gradients
from ._losses import compare_loss, keras_loss_like
from ._callbacks import compare_callback, run_callback, run_keras_callback
from ._schedules import compare_schedule, keras_schedule_like, tabulated_keras_schedule
from ._optimizers import TOLERANCE, compare_optimizer, keras_twin, optimizer_tolerance
from ._nn import compare_batchnorm, compare_training, keras_model_like
from ._gradients import compare_layer_gradient_norms, keras_deep_mlp_like, keras_kernel_gradients
from ._policy import compare_policy_gradient

__all__ = ["Comparison", "absdiff", "magnitude", "backend_value_and_grad", "compare_gradients", "compare_loss", "keras_loss_like",
           "compare_schedule", "keras_schedule_like", "tabulated_keras_schedule",
           "compare_callback", "run_callback", "run_keras_callback",
           "compare_optimizer", "keras_twin", "TOLERANCE", "optimizer_tolerance",
           "compare_training", "compare_batchnorm", "keras_model_like",
           "compare_layer_gradient_norms", "keras_deep_mlp_like", "keras_kernel_gradients", "compare_policy_gradient",
           "KNOWN_DIFFERENCES", "KnownDifference", "KnownDifferenceResult", "known_difference",
           "check_known_differences"]
