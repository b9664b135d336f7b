"""Data that ships with the course (read with ``importlib.resources``; nothing downloads).

- ``tinyshakespeare.txt``: about 40,000 lines of Shakespeare's plays (public domain), the "tiny Shakespeare"
  compilation of the ``karpathy/char-rnn`` repository (MIT licence). Loaded by :func:`course_lib.char_lm.load_shakespeare`.
"""
