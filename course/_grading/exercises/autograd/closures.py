"""Lesson 08, exercises 1 and 2: the ``_backward`` closures of ``__mul__`` and ``tanh``.

The learner passes their ``Value`` class. The checker makes nodes with it, gives the
inputs *earlier* gradients (a node used twice already holds one contribution) and the
output an upstream ``out.grad`` that is not 1, runs the op and then ``out._backward()``,
and reads the inputs' gradients. A mistake is named by running the same case through
mistaken closures (``ClosureMistake``) on plain nodes: ``=`` instead of ``+=`` (and the
``a * a`` trap), a missing ``out.grad``, swapped factors, the derivative at the input
instead of the output, a missing square, the sign.
"""

from __future__ import annotations

import math
from types import SimpleNamespace as Node

from course._grading.exercises.autograd._closure_check import ClosureMistake, grade_closure
from course._grading.exercises.autograd.nodes import as_value_class
from course._grading.registry import Exercise, register
from course.nn.activations import sigmoid

__all__ = ["ClosureMistake", "MUL_MISTAKES", "TANH_MISTAKES", "as_value_class"]

LESSON = "08_autograd_from_scratch"


def _mul_right(a, b, out):
    a.grad += b.data * out.grad
    b.grad += a.data * out.grad


def _mul_assign(a, b, out):
    a.grad = b.data * out.grad
    b.grad = a.data * out.grad


def _mul_grad_for_data(a, b, out):
    a.grad += b.grad * out.grad
    b.grad += a.grad * out.grad


def _mul(fa, fb):
    def apply(a, b, out):
        a.grad += fa(a, b, out)
        b.grad += fb(a, b, out)
    return apply


MUL_MISTAKES = (
    ClosureMistake("assign-not-accumulate", "self.grad = ... instead of +=", _mul_assign,
                   "you wrote `self.grad = ...`: that throws away what the node already "
                   "collected from its other uses. With c = a * a, a.grad becomes a instead of "
                   "2a. Always add: self.grad += other.data * out.grad."),
    ClosureMistake("swapped", "other.grad += other.data * out.grad (one side swapped)",
                   _mul(lambda a, b, o: b.data * o.grad, lambda a, b, o: b.data * o.grad),
                   "self.grad is right, but other.grad uses other.data: d(self·other)/d(other) "
                   "= self, so other.grad += self.data * out.grad (a copy of the self line "
                   "needs both names swapped)."),
    ClosureMistake("swapped", "self.grad += self.data * out.grad (one side swapped)",
                   _mul(lambda a, b, o: a.data * o.grad, lambda a, b, o: a.data * o.grad),
                   "other.grad is right, but self.grad uses self.data: d(self·other)/d(self) "
                   "= other, so self.grad += other.data * out.grad."),
    ClosureMistake("swapped", "self.grad += self.data * out.grad: the factors swapped (on "
                   "one side or both)",
                   _mul(lambda a, b, o: a.data * o.grad, lambda a, b, o: b.data * o.grad),
                   "the factors are swapped: d(self·other)/d(self) = other, so "
                   "self.grad += other.data * out.grad (and other.grad += self.data * out.grad)."),
    ClosureMistake("missing-out-grad", "self.grad += other.data (no out.grad)",
                   _mul(lambda a, b, o: b.data, lambda a, b, o: a.data),
                   "out.grad is missing: the chain rule multiplies the local derivative by "
                   "how much the loss moves per unit of out, self.grad += other.data * out.grad. "
                   "(It only looks right when out is the root, where out.grad = 1.)"),
    ClosureMistake("add-closure-copied", "__add__'s closure copied: self.grad += 1.0 * out.grad",
                   _mul(lambda a, b, o: 1.0 * o.grad, lambda a, b, o: 1.0 * o.grad),
                   "that is __add__'s closure: for a sum each input's local derivative is 1, "
                   "but for a product it is the *other* factor — d(self·other)/d(self) = "
                   "other.data, so self.grad += other.data * out.grad (and the same for other "
                   "with self.data)."),
    ClosureMistake("sign", "self.grad -= ...",
                   _mul(lambda a, b, o: -b.data * o.grad, lambda a, b, o: -a.data * o.grad),
                   "the sign is wrong: the gradient flows back with +=, no minus sign."),
    ClosureMistake("grad-for-data", "other.grad where other.data belongs", _mul_grad_for_data,
                   "you used other.grad where the value other.data belongs: the local "
                   "derivative of self·other with respect to self is the number other.data."),
    ClosureMistake("out-data-for-grad", "out.data where out.grad belongs",
                   _mul(lambda a, b, o: b.data * o.data, lambda a, b, o: a.data * o.data),
                   "you multiplied by out.data, the product's value; the chain rule needs "
                   "out.grad, how much the loss moves per unit of out: "
                   "self.grad += other.data * out.grad."),
    ClosureMistake("one-side", "only self.grad (or only other.grad) updated",
                   _mul(lambda a, b, o: b.data * o.grad, lambda a, b, o: 0.0),
                   "only self.grad is updated: other.grad += self.data * out.grad too — both "
                   "factors get a gradient."),
    ClosureMistake("one-side", "only self.grad (or only other.grad) updated",
                   _mul(lambda a, b, o: 0.0, lambda a, b, o: a.data * o.grad),
                   "only other.grad is updated: self.grad += other.data * out.grad too — both "
                   "factors get a gradient."),
)

#: (a, b, a.grad before, b.grad before, out.grad); b None: a * a; b a float: a * number
MUL_CASES = ((2.0, -3.0, 0.7, -0.4, 1.6), (-0.5, 4.0, 0.0, 1.2, -0.75),
             (1.5, None, 0.0, 0.0, 1.0), (0.8, 2.5, -0.3, 0.0, 2.0), (-1.1, 3.0, 0.25, 0.0, 0.5))


def _tanh(local):
    def apply(x, out):
        x.grad += local(x, out) * out.grad
    return apply


def _tanh_assign(x, out):
    x.grad = (1 - out.data**2) * out.grad


TANH_MISTAKES = (
    ClosureMistake("derivative-at-input", "1 − x² instead of 1 − tanh(x)²",
                   _tanh(lambda x, o: 1 - x.data**2),
                   "you used 1 − x² with the input x = self.data; the derivative is "
                   "1 − tanh(x)² — the *output* squared: (1 - out.data**2) * out.grad."),
    ClosureMistake("assign-not-accumulate", "self.grad = ... instead of +=", _tanh_assign,
                   "you wrote `self.grad = ...`, which throws away what the node already "
                   "collected from its other uses; add: self.grad += ..."),
    ClosureMistake("missing-out-grad", "(1 − t²) without out.grad",
                   lambda x, out: setattr(x, "grad", x.grad + 1 - out.data**2),
                   "out.grad is missing: self.grad += (1 - t**2) * out.grad."),
    ClosureMistake("missing-square", "1 − t instead of 1 − t²", _tanh(lambda x, o: 1 - o.data),
                   "the square is missing: d tanh(x)/dx = 1 − tanh(x)²."),
    ClosureMistake("plus-instead-of-minus", "1 + t² instead of 1 − t²",
                   _tanh(lambda x, o: 1 + o.data**2),
                   "you wrote 1 + t²; d tanh(x)/dx = 1 − tanh(x)² = 1 − t², with a minus: tanh "
                   "flattens out far from 0, so its slope falls towards 0 there (lesson 01's "
                   "scaled tanh had the same factor)."),
    ClosureMistake("sign", "t² − 1", _tanh(lambda x, o: o.data**2 - 1),
                   "the sign is wrong: d tanh(x)/dx = 1 − tanh(x)², which is positive."),
    ClosureMistake("out-data-for-grad", "(1 − t²)·out.data instead of ·out.grad",
                   lambda x, out: setattr(x, "grad", x.grad + (1 - out.data**2) * out.data),
                   "you multiplied by out.data = tanh(x); the chain rule needs out.grad, the "
                   "upstream gradient: self.grad += (1 - t**2) * out.grad."),
    ClosureMistake("function-not-derivative", "tanh(x)·out.grad", _tanh(lambda x, o: o.data),
                   "you passed back tanh(x) itself; its derivative is 1 − tanh(x)²."),
    ClosureMistake("tanh-twice", "1 − tanh(t)² with t already tanh(x)",
                   _tanh(lambda x, o: 1 - math.tanh(o.data)**2),
                   "you took tanh twice: t = out.data is already tanh(x), so the derivative is "
                   "1 − t², i.e. (1 - t**2) * out.grad — not 1 − tanh(t)²."),
    ClosureMistake("square-misplaced", "(1 − t)² instead of 1 − t²",
                   _tanh(lambda x, o: (1 - o.data)**2),
                   "you squared (1 − t); only t is squared: 1 − t² = 1 - t**2 (in Python, "
                   "(1 - t)**2 is a different number)."),
    ClosureMistake("sigmoid-derivative", "s(x)(1 − s(x))",
                   _tanh(lambda x, o: sigmoid(x.data) * (1 - sigmoid(x.data))),
                   "that is the sigmoid's derivative s(x)(1 − s(x)); tanh's is 1 − tanh(x)²."),
)

#: (x, x.grad before, out.grad)
TANH_CASES = ((0.5, 0.3, 1.0), (-1.3, 0.0, 2.0), (2.0, -0.6, -0.7), (0.1, 0.0, 1.5))


def _run_mul(cls, case, apply=_mul_right):
    """``((a.grad, b.grad), None)`` after ``apply`` on plain nodes (``cls`` is always None:
    the learner's class runs in the driver, ``closure_grads``; apply None: no change)."""
    a0, b0, ga, gb, g = case
    a = Node(data=a0, grad=ga)
    b = a if b0 is None else Node(data=b0, grad=gb)
    if apply is not None:
        apply(a, b, Node(data=a.data * b.data, grad=g))
    return (a.grad, b.grad), None


def _describe_mul(case):
    a, b, ga, gb, g = case
    if b is None:
        return {"c = a * a with a": a, "a.grad before": ga, "out.grad": g}
    return {"a": a, "b": b, "a.grad before": ga, "b.grad before": gb, "out.grad": g}


_tanh_right = _tanh(lambda x, o: 1 - o.data**2)


def _run_tanh(cls, case, apply=_tanh_right):
    """Like ``_run_mul`` for ``x.tanh()``."""
    x0, gx, g = case
    x = Node(data=x0, grad=gx)
    if apply is not None:
        apply(x, Node(data=math.tanh(x0), grad=g))
    return (x.grad,), None


register(Exercise(
    forbidden=("course.nn.autograd.Value",),
    id="autograd.mul_backward", lesson=LESSON, answer_name="Value",
    title="Value.__mul__'s _backward: pass out.grad back to both factors",
    grade=lambda answer, opts: grade_closure(
        "autograd.mul_backward", answer, "mul", MUL_CASES, _run_mul, MUL_MISTAKES,
        _describe_mul),
    answer_kinds="the Value class",
    mistakes={**{m.id: m.meaning for m in MUL_MISTAKES},
              "nothing-passed": "the closure leaves the inputs' grads unchanged",
              "not-attached": "_backward defined but never attached to out",
              "value-not-data": "Values used in the closure where numbers (.data) belong",
              "forward": "the forward value is wrong", "no-children": "out forgets its inputs"},
    hints=("out = self·other. How much does out move per unit of self? Per unit of other?",
           "Chain rule for one node: child.grad += (d out / d child) * out.grad — and always "
           "+=, because a node used twice (a * a) collects from every use.",
           "Each factor's local derivative is the *other* factor's .data; multiply it by "
           "out.grad and add it to this factor's .grad."),
))

register(Exercise(
    forbidden=("course.nn.autograd.Value",),
    id="autograd.tanh_backward", lesson=LESSON, answer_name="Value",
    title="Value.tanh: the result tanh(x) and its _backward closure",
    grade=lambda answer, opts: grade_closure(
        "autograd.tanh_backward", answer, "tanh", TANH_CASES, _run_tanh,
        TANH_MISTAKES, lambda c: {"x": c[0], "x.grad before": c[1], "out.grad": c[2]}),
    answer_kinds="the Value class",
    mistakes={**{m.id: m.meaning for m in TANH_MISTAKES},
              "nothing-passed": "the closure leaves x.grad unchanged",
              "not-attached": "_backward defined but never attached to out",
              "value-not-data": "Values used in the closure where numbers (.data) belong",
              "forward": "out.data is not tanh(x)",
              "no-children": "out does not remember x (no (self,) children)"},
    hints=("Forward: t = math.tanh(self.data); out = Value(t, (self,), 'tanh'). Then a "
           "closure that passes out.grad back to self.",
           "d tanh(x)/dx = 1 − tanh(x)² — and tanh(x) is t = out.data, already computed.",
           "The closure adds (local derivative) × out.grad to self.grad; attach it with "
           "out._backward = _backward before returning out."),
))
