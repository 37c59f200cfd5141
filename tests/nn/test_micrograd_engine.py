"""micrograd's ``test/test_engine.py`` ported: ``test_sanity_check`` and ``test_more_ops``.

micrograd compares with PyTorch. Here the reference numbers are computed *exactly*, without
torch: the same expressions evaluated with forward-mode dual numbers over ``Fraction``
(value + ε·derivative, ε² = 0; relu's derivative is 0 or 1 away from 0). They run against
``course.nn.autograd.Value`` and against the learner's ``Value`` of lesson 08 (the solution
notebook's engine cells), and the hard-coded numbers the lesson's checker uses are tested
against the exact ones.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from lesson08_engine import engine_namespace

from course._grading.exercises.autograd.engine import EXPECTED, more_ops, sanity_check
from course.nn.autograd import Value as LibraryValue


class Dual:
    """a + b·ε with ε² = 0, over exact fractions: b carries d/dx of one chosen input."""

    def __init__(self, a, b=0):
        self.a, self.b = Fraction(a), Fraction(b)

    @staticmethod
    def _of(x):
        return x if isinstance(x, Dual) else Dual(x)

    def __add__(self, o):
        o = self._of(o)
        return Dual(self.a + o.a, self.b + o.b)

    def __mul__(self, o):
        o = self._of(o)
        return Dual(self.a * o.a, self.a * o.b + self.b * o.a)

    def __pow__(self, k: int):
        return Dual(self.a ** k, k * self.a ** (k - 1) * self.b)

    def relu(self):
        return Dual(max(self.a, 0), self.b if self.a > 0 else 0)

    def __neg__(self): return self * -1
    def __sub__(self, o): return self + (-self._of(o))
    def __truediv__(self, o): return self * self._of(o) ** -1
    __radd__ = __add__
    __rmul__ = __mul__
    def __rsub__(self, o): return self._of(o) - self
    def __rtruediv__(self, o): return self._of(o) / self


def _sanity(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


def _more_ops(a, b):
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def exact_sanity() -> dict:
    y = _sanity(Dual(-4, 1))
    return {"y.data": y.a, "x.grad": y.b}


def exact_more_ops() -> dict:
    ga, gb = _more_ops(Dual(-4, 1), Dual(2)), _more_ops(Dual(-4), Dual(2, 1))
    return {"g.data": ga.a, "a.grad": ga.b, "b.grad": gb.b}


EXACT = {"test_sanity_check": exact_sanity(), "test_more_ops": exact_more_ops()}
TOL = 1e-6                                    # micrograd's own tolerance


def test_the_exact_references():
    assert EXACT["test_sanity_check"] == {"y.data": -20, "x.grad": 46}
    assert EXACT["test_more_ops"]["g.data"] == Fraction(2421, 98)      # 24.7040816...


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_checkers_hard_coded_numbers_are_the_exact_ones(name):
    for key, value in EXPECTED[name].items():
        assert value == pytest.approx(float(EXACT[name][key]), rel=1e-15)


def _classes():
    return {"course.nn": LibraryValue, "lesson 08 solution": engine_namespace()["Value"]}


@pytest.fixture(params=["course.nn", "lesson 08 solution"])
def Value(request):
    return _classes()[request.param]


def test_sanity_check(Value):
    got = sanity_check(Value)
    for key, exact in EXACT["test_sanity_check"].items():
        assert abs(got[key] - float(exact)) < TOL, key


def test_more_ops(Value):
    got = more_ops(Value)
    for key, exact in EXACT["test_more_ops"].items():
        assert abs(got[key] - float(exact)) < TOL, key
        assert got[key] == pytest.approx(float(exact), rel=1e-12)


def test_the_references_agree_with_finite_differences():
    h = 1e-6

    def g(a, b):
        return float(_more_ops(Dual(a), Dual(b)).a)

    assert (g(-4 + h, 2) - g(-4 - h, 2)) / (2 * h) == pytest.approx(
        float(EXACT["test_more_ops"]["a.grad"]), rel=1e-6)
    assert (g(-4, 2 + h) - g(-4, 2 - h)) / (2 * h) == pytest.approx(
        float(EXACT["test_more_ops"]["b.grad"]), rel=1e-6)


def test_the_unfilled_lesson_engine_says_not_written_yet():
    lesson = engine_namespace("lessons")["Value"]
    with pytest.raises(NotImplementedError):
        sanity_check(lesson)
