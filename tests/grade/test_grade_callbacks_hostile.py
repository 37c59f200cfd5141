"""Attacks on the new channel: callbacks, public objects and drivers (issue 14).

Each answer is served in its bubblewrap sandbox and checked here, as ``grade`` does. A
successful attack would show up as a pass (the attack returns the right answer only when
it found what it looked for) or as the grader hanging or dying; every test asserts the
attacker gets a failed verdict, quickly, and that the grader goes on.
"""

from __future__ import annotations

import time

import pytest
from remote_harness import Served, in_notebook, learner_namespace

from course._grading.batch.sandbox import check_works

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(check_works() is not None, reason="bwrap is not installed")]


def grade(eid: str, name: str, source: str, check_timeout: float = 5.0) -> dict:
    answer = learner_namespace(source)[name]
    with Served({name: answer}, check_timeout=check_timeout) as server:
        start = time.monotonic()
        record = server.grade(eid)
        record["seconds"] = time.monotonic() - start
    return record


# what a find_bug finds in the gradient it is handed: the planted bug's code or data
SNOOP = '''
import gc, inspect

def _evidence(gradient):
    """Everything find_bug can reach from the function it is given."""
    found = [gradient, *(c.cell_contents for c in gradient.__closure__ or ())]
    found += [c for c in gradient.__code__.co_consts]
    try:
        found.append(inspect.getsource(gradient))
    except (OSError, TypeError):
        pass
    for o in gc.get_objects():
        try:
            if isinstance(getattr(o, "__dict__", None), dict) and (
                    "wrong" in o.__dict__ or "param" in o.__dict__):
                found.append(o)
        except Exception:
            pass
    return found

def find_bug(gradient):
    for thing in _evidence(gradient):
        known = getattr(thing, "__dict__", None) or {}
        if "wrong" in known and "param" in known:
            return known["param"]           # the planted bug itself: the right answer
        if isinstance(thing, str) and "wrong" in thing:
            return "w4"
    return "nothing-found"
'''


def test_the_function_handed_to_find_bug_holds_no_planted_bug():
    record = grade("gradcheck.find_bug", "find_bug", SNOOP)
    assert record["status"] == "failed"
    assert record["mistake"] == "not-a-parameter" and "nothing-found" in record["summary"]


FORGE = '''
import gc

def _server():
    return next(o for o in gc.get_objects()
                if type(o).__name__ == "AnswerServer" and hasattr(o, "say"))

def find_bug(gradient):
    say = _server().say
    # what the old sandboxed checker printed, and a reply to every call id
    say({"verdict": "gradcheck.find_bug", "status": "passed", "passed": True,
         "summary": "correct", "n_cases": 6})
    for i in range(50):
        say({"id": i, "ok": {"s": "w4"}, "status": "passed"})
    return None
'''


def test_a_verdict_written_from_inside_the_sandbox_is_not_a_verdict():
    record = grade("gradcheck.find_bug", "find_bug", FORGE)
    assert record["status"] == "failed"


EQ_ALWAYS = '''
class Name(str):
    def __eq__(self, other):
        return True
    __hash__ = str.__hash__

def find_bug(gradient):
    return Name("w4")
'''


def test_an_answer_equal_to_everything_is_compared_by_the_checker():
    record = grade("gradcheck.find_bug", "find_bug", EQ_ALWAYS)
    assert record["status"] == "failed" and record["mistake"] == "not-a-parameter"


SNEAKY_VALUE = '''
from course.nn.autograd import Value as _Library

class Zero(float):
    """A gradient that says it is 0 whatever it holds."""
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __float__(self):
        return 0.0
    __hash__ = float.__hash__

class Value(_Library):
    def zero_grad(self):
        stack, seen = [self], set()
        while stack:
            node = stack.pop()
            if id(node) not in seen:
                seen.add(id(node))
                node.grad = Zero(node.grad or 1.0)      # not reset at all
                stack.extend(node._prev)
'''


def test_a_gradient_whose_eq_says_zero_is_read_as_the_number_it_holds():
    record = grade("autograd.zero_grad", "Value", SNEAKY_VALUE)
    notebook = in_notebook("autograd.zero_grad", learner_namespace(SNEAKY_VALUE)["Value"])
    assert record["status"] == notebook["status"] == "failed"
    assert record["mistake"] == notebook["mistake"] in ("root-only", "some-missed")


FLOOD = '''
def numerical_gradient(f, params, eps=1e-6):
    while True:
        f(**params)
'''


def test_a_callback_flood_is_stopped_by_the_time_limit():
    record = grade("gradcheck.numerical_gradient", "numerical_gradient", FLOOD,
                   check_timeout=3.0)
    assert record["status"] == "failed" and record["mistake"] == "bad-answer:timeout"
    assert record["seconds"] < 40


HANG = '''
def central_difference(f, x, h=1e-5):
    value = f(x + h)
    while True:
        pass
'''


def test_an_answer_that_hangs_after_a_callback_is_stopped():
    record = grade("chain.central_difference", "central_difference", HANG,
                   check_timeout=3.0)
    assert record["status"] == "failed" and record["mistake"] == "bad-answer:timeout"
    assert record["seconds"] < 40


HUGE_ARGUMENT = '''
import numpy as np

def central_difference(f, x, h=1e-5):
    return f(np.zeros(3_000_000))
'''
HUGE_RESULT = '''
import numpy as np

def backward(net, I):
    return {k: np.zeros(3_000_000) for k in ("w1", "w2", "w3", "w4", "w5",
                                             "b1", "b2", "b3", "b4")}
'''
DEEP_RESULT = '''
def minibatches(X, y, batch_size, rng):
    out = []
    for _ in range(100_000):
        out = [out]
    return out
'''


@pytest.mark.parametrize(("eid", "name", "source"), [
    ("chain.central_difference", "central_difference", HUGE_ARGUMENT),
    ("backprop.backward", "backward", HUGE_RESULT),
    ("minibatch.batches", "minibatches", DEEP_RESULT),
], ids=["huge-callback-argument", "huge-result", "deep-result"])
def test_huge_or_deep_values_from_the_sandbox_end_in_a_failed_verdict(eid, name, source):
    record = grade(eid, name, source, check_timeout=10.0)
    assert record["status"] == "failed", record
    assert record["seconds"] < 60


OTHER_OBJECT = '''
import gc

def backward(net, I):
    # hand the checker's switched-off backward something that is not a network, and
    # call methods the checker never handed over
    for name in ("backward", "gradient", "__init__", "_grade_backward"):
        try:
            getattr(type(net), name)(object(), I)
        except Exception:
            pass
    hooks = [o for o in gc.get_objects() if callable(o) and
             getattr(o, "__name__", "") in ("backward", "gradient")]
    return {k: 0.0 for k in ("w1", "w2", "w3", "w4", "w5", "b1", "b2", "b3", "b4")}
'''


def test_a_handed_object_calls_back_only_its_own_methods_with_plain_values():
    record = grade("backprop.backward", "backward", OTHER_OBJECT)
    assert record["status"] == "failed" and record["mistake"] != "checker-error"
