"""Reference answers and test inputs used by the visible checks of the exercise sets.

One module per set (``warmup`` for ``exercises/00_warmup.ipynb``).  The checks call these
references to compute the expected values they show you.  Reading them before you try
the exercise spoils it: try first, then compare.
"""
