"""course_lib: the reference implementations taught in the Optimization in ML course.

Everything here is plain numpy, so ``import course_lib`` is fast and never loads
TensorFlow.  Only :mod:`course_lib.keras_check`, :mod:`course_lib.char_transformer` (a model built
with Keras) and :func:`course_lib.device.keras_device` talk to Keras, and they import it lazily,
inside their functions.

Three floors (one concept per module):

The algorithms the lessons teach, each mirroring its Keras twin
- ``autodiff``      reverse-mode automatic differentiation over numpy arrays
- ``losses``        loss functions (``keras.losses``)
- ``optimizers``    optimizers, one per file (``keras.optimizers``)
- ``schedules``     learning-rate schedules (``keras.optimizers.schedules``), plus cyclical and one-cycle
- ``callbacks``     ReduceLROnPlateau, EarlyStopping, CSVLogger (``keras.callbacks``)
- ``initializers``, ``regularizers``   starting weights and weight penalties
- ``nn``, ``rnn``   layers and a Sequential model with ``fit``; a simple recurrent layer
- ``pca``           principal component analysis by centring + SVD (``sklearn.decomposition.PCA``)
- ``proximal``      soft-thresholding, the L1 proximal step and an ISTA Lasso (``sklearn.linear_model.Lasso``)
- ``autoencoder``   autoencoders built with ``nn``; a linear one's subspace vs PCA's
- ``matrix_factorization``   recommendations: r_ui ~ mu + p_u . q_i by SGD or ALS (ALS's half-step: ``sklearn.linear_model.Ridge``)
- ``hpo``         hyperparameter optimization: spaces, grid/random search, GP + expected improvement,
                  a genetic algorithm, successive halving and Hyperband, many workers on one Optuna
                  study (subpackage)
- ``char_lm``       a character-level language model: vocabulary, next-character batches, perplexity,
                    unigram/bigram baselines, temperature sampling, a numpy causal attention (``keras.layers.MultiHeadAttention``)
- ``char_transformer``   a small decoder-only Transformer built with Keras (imported lazily), its training loop
                    and text generation; the stored runs of ``tools/train_char_lm.py``
- ``logistic``      L2 logistic regression by Newton or gradient descent (``sklearn.linear_model.LogisticRegression``)
- ``reinforce``     REINFORCE with a baseline: discounted returns, a softmax policy network, CartPole (``gymnasium``)

Tools the lessons call
- ``data``          the digits and breast-cancer sets and mini-batch iteration
- ``training``      a plain training loop and gradient steps on a function
- ``gradcheck``     numerical gradients, to check derivatives
- ``experiments``   fair learning-rate sweeps and step counting
- ``convergence``   rates of gradient descent, heavy ball and Nesterov on a quadratic (the condition number)
- ``lr_finder``     the learning-rate range test
- ``sharpness``     the top Hessian eigenvalue by power iteration on Hessian-vector products (stability: eta lambda < 2)
- ``workflow``      one stratified train / validation / test split, standardization, a small MLP (notebook 10)
- ``repro``         seeding everything, library versions, a reproducibility report
- ``holdout``       the test set, touched once: a wrapper that counts every read and refuses a second one
- ``overfitting``   train/validation curves over seeds, inverted dropout with a given mask
- ``high_dim``      the curse of dimensionality: distance concentration, irrelevant noise features
- ``timeseries``    walk-forward splits (``sklearn``'s ``TimeSeriesSplit``), lagged returns, naive forecasts, a linear forecaster
- ``landscape``     loss landscapes on a grid of two parameters; the 2-D test surfaces (Rosenbrock...)
- ``minima``        local vs global minima by random restarts; escaping a saddle point
- ``loss_slices``   1-D and 2-D slices of any model's loss (interpolation, filter-normalized directions)
- ``gradient_flow`` vanishing/exploding gradients: a deep MLP and its per-layer gradient norms
- ``keras_check``   side-by-side comparisons with Keras (subpackage; imports Keras lazily)
- ``torch_check``   optimizers vs ``torch.optim``: live when PyTorch is installed, else stored results (subpackage)
- ``device``, ``environment``, ``tf_quiet``   which device Keras uses, requirement checks, quiet TF start-up
- ``datasets``      data shipped with the course (the tiny-Shakespeare text; the stored runs of notebook 12)
- ``widgets``       the interactive explorers and box-and-arrow diagrams (subpackage)

The course machinery (subpackage ``classroom``; learners meet only ``classroom.feedback``)
- ``classroom.feedback``   instant feedback for exercise answers
- ``classroom.refs``       trusted reference answers, one module per exercise set
- ``classroom.build``, ``classroom.grade`` (with ``sandbox``, ``worker``, ``judge``, ``wire``, ``batch``)   learner versions, the autograder
- ``classroom.workspace``, ``classroom.notebook_runner``   the learner's own copies, executing notebooks

``_checks`` holds every argument validator, so one rule has one wording.
"""

__version__ = "0.1.0"
