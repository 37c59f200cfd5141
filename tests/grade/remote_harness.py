"""Grading one answer both ways: ``check`` in this process (the notebook's way) and the
batch grader's (the answer in a served sandbox, the check here, over the channel)."""

from __future__ import annotations

import base64
import itertools
import json
import linecache
import tempfile
from pathlib import Path

import cloudpickle

from course._grading.batch.extract import SOURCES, code_files
from course._grading.batch.model import GradingOptions
from course._grading.batch.pipeline import Batch
from course._grading.batch.remote import AnswerSession
from course._grading.batch.verdicts import grade_with_values
from course._grading.registry import CheckOptions, get_exercise
from course._grading.run import run_check

N_CASES, SEED = 48, 20261128


_CELLS = itertools.count()


def learner_namespace(source: str) -> dict:
    """The names ``source`` defines, as a notebook would: functions pickled by value, the
    cell's source in ``linecache`` (as IPython keeps it) so tracebacks show its lines."""
    filename = f"/tmp/ipykernel_0/cell_{next(_CELLS)}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "learner_notebook"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def in_notebook(exercise_id: str, answer) -> dict:
    result = run_check(exercise_id, answer, CheckOptions(n_cases=N_CASES, seed=SEED))
    return {"status": str(result.status), "mistake": result.mistake, "summary": result.summary}


def _cells_of(answers: dict) -> dict:
    """What the notebook's namespace holds: the answers and the names their cells define."""
    out = dict(answers)
    for obj in answers.values():
        out.update(getattr(obj, "__globals__", {}))
    return out


class Served:
    """An answer server for ``answers`` (name -> object) in a sandbox (or not)."""

    def __init__(self, answers: dict, sandbox: bool = True, check_timeout: float = 20.0):
        self.options = GradingOptions(n_cases=N_CASES, seed=SEED, sandbox=sandbox,
                                      check_timeout=check_timeout)
        self.batch = Batch(self.options)
        self._tmp = tempfile.TemporaryDirectory(dir=self.batch.root)
        box = Path(self._tmp.name)
        entries = {name: {"pickle": base64.b64encode(cloudpickle.dumps(obj)).decode()}
                   for name, obj in answers.items()}
        entries[SOURCES] = {"cells": {k: "".join(v[2]) for k, v in linecache.cache.items()
                                      if k.startswith("/tmp/ipykernel_0/")},
                            "codes": code_files(_cells_of(answers))}
        # the answers file as the notebook's sandbox hands it over (the grader passes it on)
        self.session = AnswerSession(self.batch.command(box, "serve"),
                                     {"box": self.batch.box_path(box), "cpu_seconds": 600,
                                      "answers": json.dumps(entries)},
                                     limits=self.batch.limits("serve"))

    def grade(self, exercise_id: str) -> dict:
        record = grade_with_values(get_exercise(exercise_id), self.session, self.options)
        return {k: record.get(k) for k in ("status", "mistake", "summary")}

    def close(self) -> None:
        self.session.close()
        self._tmp.cleanup()
        self.batch.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
