"""Turning a learner's answer (a callable or a formula string) into values at many points."""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from course._grading.guards import LearnerError, NotAttempted, call_learner, capture_output

__all__ = ["Evaluator", "make_evaluator", "as_number"]

_LOW_PRECISION = (np.float16, np.float32)


def _is_blank(answer) -> bool:
    return answer is None or answer is Ellipsis or (isinstance(answer, str) and not answer.strip())


def as_number(value, where: str = "") -> float:
    """One real number from a learner's return value, or a ``LearnerError`` saying why not."""
    if value is None:
        raise LearnerError(f"your function returned None{where} — did you forget `return`?",
                           kind="type")
    if isinstance(value, bool):
        raise LearnerError(f"your function returned {value}{where}; return a number", kind="type")
    if isinstance(value, str):
        raise LearnerError(
            f"your function returned the string {value[:40]!r}{where}; return a number "
            "(to answer with a formula, pass the string itself to check)", kind="type")
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, numbers.Complex):
        raise LearnerError(f"your function returned a complex number {value}{where}", kind="type")
    kind = type(value).__name__
    shape = f" of shape {value.shape}" if hasattr(value, "shape") else ""
    raise LearnerError(f"your function returned a {kind}{shape}{where}; return one number",
                       kind="type")


class Evaluator:
    """Evaluate an answer at arrays of points: ``Evaluator(answer, variables)(points)``.

    Parameters
    ----------
    answer : callable or str
        A function taking keyword arguments among the names (scalar-only or
        vectorized), or a formula string (Python syntax or LaTeX).
    variables : sequence of str
        The names this exercise provides.
    derived : sequence of str, optional
        Further names an answer may use, computed from the variables by the exercise
        (for the diamond: ``z1, h1, ..., zO, O`` from the forward pass). The points
        passed to ``__call__`` must then hold them too.

    Attributes
    ----------
    kind : str
        ``"formula"`` or ``"function"``.
    names : tuple of str
        The names the answer uses, variables first, then derived names.
    low_precision : bool
        The learner's function returned float32 (or float16) values.
    """

    def __init__(self, answer, variables, derived=()):
        self.variables = tuple(variables)
        self.derived = tuple(d for d in derived if d not in self.variables)
        self.allowed = self.variables + self.derived
        self.low_precision = False
        self._scalar_only = False
        self._evaluations = 0
        self._spelling: dict[str, str] = {}      # variable -> the parameter name it takes
        if _is_blank(answer):
            raise NotAttempted("nothing to check yet")
        if isinstance(answer, str):
            from course.formula import FormulaError, parse_formula

            try:
                self.formula = parse_formula(answer, self.allowed)
            except FormulaError as err:
                raise LearnerError(str(err), kind="formula") from None
            self.kind, self.fn = "formula", None
            self.names = tuple(n for n in self.allowed if n in self.formula.names)
        elif callable(answer):
            self.kind, self.fn, self.formula = "function", answer, None
            self.names = self._names_of(answer)
        elif isinstance(answer, (numbers.Number, np.ndarray)):
            raise LearnerError(
                "this exercise wants a function (or a formula string) of "
                f"{', '.join(self.variables)}, not a single number: one number can only be "
                "right at one point", kind="type")
        else:
            raise LearnerError(
                f"expected a function or a formula string, got {type(answer).__name__}",
                kind="type")

    def spelled(self, name: str) -> str:
        """``name`` as the learner's function spells it (``delta_2`` for ``delta2``)."""
        return self._spelling.get(name, name)

    @property
    def uses_derived(self) -> tuple[str, ...]:
        """The derived names the answer uses."""
        return tuple(n for n in self.names if n in self.derived)

    def _names_of(self, fn) -> tuple[str, ...]:
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return self.variables
        names = []
        for p in sig.parameters.values():
            if p.kind is p.VAR_KEYWORD:
                return self.variables
            if p.kind is p.VAR_POSITIONAL:
                continue
            spelled = p.name.replace("_", "")
            if p.name not in self.allowed and spelled in self.allowed and "_" in p.name:
                # delta_2 for the variable delta2: the subscript a formula reads as delta2
                self._spelling[spelled] = p.name
                names.append(spelled)
            elif p.name in self.allowed:
                if p.kind is p.POSITIONAL_ONLY:
                    raise LearnerError(f"make {p.name!r} an ordinary parameter (it is passed "
                                       "by name)", kind="signature")
                names.append(p.name)
            elif p.default is p.empty:
                raise LearnerError(
                    f"your function has a parameter {p.name!r}, but this exercise only "
                    f"provides {', '.join(self.allowed)}; rename it to one of those",
                    kind="signature")
        order = {n: i for i, n in enumerate(self.allowed)}
        return tuple(sorted(names, key=order.__getitem__))

    def __call__(self, points: dict) -> np.ndarray:
        """Values at every point (``points`` maps names to arrays of equal length n)."""
        n = len(next(iter(points.values())))
        if self._evaluations:            # only the first evaluation's printing is shown
            with capture_output():
                return self._evaluate(points, n)
        self._evaluations += 1
        return self._evaluate(points, n)

    def _evaluate(self, points: dict, n: int) -> np.ndarray:
        if self.formula is not None:
            with np.errstate(all="ignore"):
                out = self.formula(**{k: points[k] for k in self.names})
            return np.broadcast_to(np.asarray(out, dtype=float), (n,)).copy()
        if not self._scalar_only:
            try:
                return self._vectorized(points, n)
            except LearnerError as err:
                if err.kind in ("mutation", "timeout"):
                    raise
            except (ValueError, TypeError):
                pass
            self._scalar_only = True   # the next evaluations (probes) go straight there
        return self._scalar(points, n)

    def _vectorized(self, points, n):
        args = {self._spelling.get(k, k): np.array(points[k], dtype=float) for k in self.names}
        before = {k: a.copy() for k, a in args.items()}
        with np.errstate(all="ignore"):
            out = call_learner(self.fn, **args)
        for k, a in args.items():
            if not np.array_equal(a, before[k], equal_nan=True):
                raise LearnerError(
                    f"your function changed its argument {k} in place (with `{k} *= ...`, "
                    f"`{k} += ...` or `{k}[...] = ...`), which also changes the caller's "
                    f"array; compute into a new name instead, e.g. `z = {k} * 2`",
                    kind="mutation")
        if out is None or isinstance(out, (str, bytes, bool, dict, set)):
            raise ValueError("not numbers")          # the scalar path explains, per point
        arr = np.asarray(out)
        if arr.dtype.kind not in "fiu":              # complex, bool, object, text
            raise ValueError("not real numbers")
        if arr.dtype in _LOW_PRECISION:
            self.low_precision = True
        arr = arr.astype(float)
        if arr.size == n:
            return arr.reshape(n).copy()
        if arr.ndim == 0:
            return np.full(n, float(arr))
        raise ValueError("shape")

    def _scalar(self, points, n):
        out = np.empty(n)
        for i in range(n):
            args = {self._spelling.get(k, k): float(points[k][i]) for k in self.names}
            with np.errstate(all="ignore"):
                value = call_learner(self.fn, **args)
            if isinstance(value, _LOW_PRECISION):
                self.low_precision = True
            at = ", ".join(f"{k}={v:.4g}" for k, v in args.items())
            out[i] = as_number(value, f" at {at}" if at else "")
        return out


def make_evaluator(answer, variables, derived=()) -> Evaluator:
    """Shorthand for :class:`Evaluator`."""
    return Evaluator(answer, variables, derived)
