"""The course machinery: what runs the course around the lessons.

Learners meet only :mod:`.feedback` (the instant checks in the exercise notebooks).
Instructors and contributors use the rest:

- ``feedback``         instant, formative checks for exercise answers (``check_function``, ``Case``...)
- ``refs``             the trusted reference answers the checks compare with, one module per set
- ``build``            learner versions from the instructor sources (``make exercises``)
- ``grade``            the server-free autograder (``python -m course_lib.classroom.grade``)
- ``sandbox_kernel``   the resource-limited kernel each graded submission runs in
- ``workspace``        the learner's own copies of the exercises (``make lab``)
- ``notebook_runner``  executing notebooks without TensorFlow's log lines (``make execute``)
"""
