"""Data that ships with the course (read with ``importlib.resources``; nothing downloads).

- ``tinyshakespeare.txt``: about 40,000 lines of Shakespeare's plays (public domain), the "tiny Shakespeare"
  compilation of the ``karpathy/char-rnn`` repository (MIT licence). Loaded by :func:`course_lib.char_lm.load_shakespeare`.
- ``char_lm_results.json``, ``char_lm_weights.npz``: the stored run of ``tools/train_char_lm.py`` (notebook 12, Part 1),
  read by :func:`course_lib.char_transformer.stored_results` and :func:`course_lib.char_transformer.stored_model`.
- ``reinforce_cartpole.json``: the stored run of ``tools/train_reinforce.py`` (notebook 12, Part 2), read by
  :func:`course_lib.reinforce.stored_results`.
"""
