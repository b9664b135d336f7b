"""The course machinery: what runs the course around the lessons.

Learners meet only :mod:`.feedback` (the instant checks in the exercise notebooks).
Instructors and contributors use the rest:

- ``feedback``         instant, formative checks for exercise answers (``check_function``, ``Case``...)
- ``refs``             the trusted reference answers the checks compare with, one module per set
- ``build``            learner versions from the instructor sources (``make exercises``)
- ``grade``            the server-free autograder (``python -m course_lib.classroom.grade``)
- ``sandbox``, ``worker``   the bubblewrap sandbox a submission's code runs in, and what runs inside it
- ``judge``            the test cells run in the grader, calling the learner's functions in the sandbox
- ``wire``             plain data (JSON, ``.npy`` without pickle) across the sandbox's border
- ``batch``            one grading process per submission: cap, one retry, batch deadline, nothing left running
- ``workspace``        the learner's own copies of the exercises (``make lab``)
- ``notebook_runner``  executing notebooks without TensorFlow's log lines (``make execute``)
"""
