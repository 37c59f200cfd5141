"""Private: the checking engine, the exercises with their answer keys and mistake spaces,
and the batch grader.

Lessons never import this package by name; they call ``course.check``, ``course.hint``
and ``course.explain``, which look exercises up by id.

``registry``   the exercise unit (``Exercise``) and discovery of every module under
               ``exercises/`` (no central table)
``run``        ``run_check``: one answer -> one ``CheckResult``, never raising
``result``     ``CheckResult`` and its text/HTML views
``guards``     the in-process guards: time limit, captured output, calling learner code
``answers``    evaluating a callable or formula answer at many points
``points``, ``scalar``, ``diagnose``, ``arrays``   scalar and array exercise engines
``references`` the course's own functions an answer may not hand in
``exercises/`` one module (or package) per topic, each a set of self-contained exercises
``batch/``     ``python -m course grade``: notebooks in, a grade sheet out
"""
