"""Gradient checking: central-difference numerical gradients and relative errors.

The numerical gradient of a scalar function ``f`` with respect to one number ``x`` is the
central difference ::

    df/dx  ~  (f(x + eps) - f(x - eps)) / (2 eps)

whose truncation error is O(eps^2) (a forward difference's is O(eps)). Backprop is checked by
comparing its gradient with this one through the relative error ::

    rel(a, b) = max_i |a_i - b_i| / max(|a_i| + |b_i|, eps)

which is 0 for equal numbers (also when both are 0), 1 when one of them is 0 and the other not
(or when they have opposite signs), and about 1e-9 or less for a correct float64 gradient.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "gradient_check", "GradientCheckReport"]


def _scalar(value, where: str) -> float:
    """``value`` as a float, or a ValueError saying that f must return one number."""
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(
            f"f must return a single number (a scalar loss), but {where} it returned an array "
            f"of shape {arr.shape}; sum or average it inside f."
        )
    return float(arr.reshape(()))


def _array_gradient(f, x: np.ndarray, eps: float) -> np.ndarray:
    """Central differences of ``f(x)`` for every element of the float array ``x``.

    ``x`` is perturbed in place, element by element through ``np.ndindex`` (so any memory
    layout works: C, Fortran, a transpose ``A.T``, a strided view ``A[:, ::2]``; ``f`` may
    also read the array through a closure, e.g. a model's weight matrix), and each element
    is restored to its exact old value, even if ``f`` raises.
    """
    grad = np.zeros(x.shape, dtype=np.float64)      # the shape of x
    for index in np.ndindex(x.shape):
        old = x[index]
        try:
            x[index] = old + eps
            f_plus = _scalar(f(x), f"at element {index} + eps")
            x[index] = old - eps
            f_minus = _scalar(f(x), f"at element {index} - eps")
        finally:
            x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def numerical_gradient(f, params, eps: float = 1e-6):
    """Central-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable
        Returns one number. Called as ``f(**params)`` when ``params`` is a dict, as
        ``f(params)`` when it is an array.
    params : dict or ndarray
        Where to take the gradient. A dict maps names to numbers (or arrays); an array is
        perturbed one element at a time *in place* (any memory layout, views included) and
        every element is restored exactly afterwards, so ``f`` may read the array through a
        closure too. The input is never left modified. A read-only array raises ValueError.
    eps : float
        Step of the central difference ``(f(x+eps) - f(x-eps)) / (2 eps)``. 1e-6 suits float64;
        a float32 array needs a larger step (about 1e-3).

    Returns
    -------
    dict or ndarray
        Same structure as ``params``: ``{name: df/dname}`` (floats for float values), or a
        float64 array of the array's shape.

    Examples
    --------
    >>> g = numerical_gradient(lambda x, y: x**2 * y, {"x": 3.0, "y": 2.0})
    >>> round(g["x"], 6), round(g["y"], 6)
    (12.0, 9.0)
    """
    if not eps > 0:
        raise ValueError(f"eps must be a positive step such as 1e-6, but got {eps!r}.")
    if isinstance(params, Mapping):
        grads = {}
        for name, value in params.items():
            arr = np.array(value, dtype=np.float64)   # a copy: the caller's value is untouched

            def f_name(a, name=name):
                return f(**{**params, name: float(a) if a.ndim == 0 else a})

            g = _array_gradient(f_name, arr, eps)
            grads[name] = float(g) if g.ndim == 0 else g
        return grads
    if isinstance(params, np.ndarray):
        if not np.issubdtype(params.dtype, np.floating):
            raise TypeError(
                f"params must be a float array so it can be nudged by eps, but it has dtype "
                f"{params.dtype}; pass params.astype(float)."
            )
        if not params.flags.writeable:
            raise ValueError(
                "params is a read-only array, so it cannot be nudged in place (and a copy "
                "would not be seen by an f that reads the original through a closure). "
                "Pass a writeable array, e.g. numerical_gradient(f, params.copy()) when f "
                "only uses its argument."
            )
        return _array_gradient(f, params, eps)
    raise TypeError(
        f"params must be a dict of named numbers or a numpy float array, but got "
        f"{type(params).__name__}; wrap numbers as {{'x': 1.0}} or use np.array([...], float)."
    )


def _as_named_arrays(x, which: str) -> dict:
    """Normalise a dict / list / array / number into ``{name: float64 array}``."""
    if isinstance(x, Mapping):
        return {str(k): np.asarray(v, dtype=np.float64) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and any(np.ndim(v) > 0 for v in x):
        return {f"[{i}]": np.asarray(v, dtype=np.float64) for i, v in enumerate(x)}
    try:
        return {"value": np.asarray(x, dtype=np.float64)}
    except (TypeError, ValueError):
        raise TypeError(
            f"{which} must be a number, an array, a list of arrays or a dict of them, "
            f"but got {type(x).__name__}."
        ) from None


def _pairs(a, b) -> list:
    """Matching ``(name, a_arr, b_arr)`` triples; clear errors for mismatched keys/shapes."""
    na, nb = _as_named_arrays(a, "a"), _as_named_arrays(b, "b")
    if set(na) != set(nb):
        raise ValueError(
            f"both gradients must name the same parameters, but the first has "
            f"{sorted(na)} and the second {sorted(nb)}."
        )
    out = []
    for name in na:
        if na[name].shape != nb[name].shape:
            raise ValueError(
                f"shape mismatch for {name!r}: {na[name].shape} vs {nb[name].shape}; a gradient "
                f"has the shape of its parameter (no broadcasting is done here)."
            )
        out.append((name, na[name], nb[name]))
    return out


def _rel(a: np.ndarray, b: np.ndarray, eps: float) -> float:
    if a.size == 0:
        return 0.0
    err = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), eps)
    return float(np.max(err))       # NaN anywhere gives NaN: never a silent pass


def relative_error(a, b, eps: float = 1e-12) -> float:
    """Largest elementwise relative error ``|a - b| / max(|a| + |b|, eps)``.

    Parameters
    ----------
    a, b : float, ndarray, list of arrays, or dict of them
        Two gradients of the same structure (dicts need the same keys, arrays the same shape).
    eps : float
        Floor of the denominator, so that two zeros give 0 rather than 0/0.

    Returns
    -------
    float
        In [0, 1]: 0 for equal values, 1 when exactly one is zero or the signs differ;
        NaN if either contains NaN.
    """
    errors = [_rel(x, y, eps) for _, x, y in _pairs(a, b)]
    return float(np.max(errors)) if errors else 0.0


@dataclass
class GradientCheckReport:
    """Per-parameter relative errors of an analytic gradient against a numerical one."""

    errors: dict
    tol: float
    failed: list = field(init=False)

    def __post_init__(self):
        self.failed = [k for k, e in self.errors.items() if not e <= self.tol]

    @property
    def passed(self) -> bool:
        """True when every parameter's relative error is at most ``tol`` (NaN fails)."""
        return not self.failed

    @property
    def max_error(self) -> float:
        """The largest relative error over all parameters."""
        return float(np.max(list(self.errors.values()))) if self.errors else 0.0

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        width = max([len(k) for k in self.errors] + [9])
        lines = [f"{'parameter':<{width}}  rel. error  (tol {self.tol:.0e})"]
        for name, err in self.errors.items():
            mark = "ok" if name not in self.failed else "FAIL"
            lines.append(f"{name:<{width}}  {err:10.2e}  {mark}")
        verdict = "passed" if self.passed else f"FAILED for {', '.join(self.failed)}"
        lines.append(f"gradient check {verdict}")
        return "\n".join(lines)


def gradient_check(analytic, numeric, tol: float = 1e-7) -> GradientCheckReport:
    """Compare an analytic gradient with a numerical one, parameter by parameter.

    Parameters
    ----------
    analytic, numeric : dict, list of arrays, ndarray or float
        Same structure; e.g. ``DiamondNet().gradient(I)`` and ``numerical_gradient(...)``.
    tol : float
        Largest relative error accepted for each parameter. The error is elementwise, so an
        entry much smaller than the others (say 1e-5 when the loss is ~1) carries the
        central difference's round-off (~1e-11 absolute) as a relative error of ~1e-6: for
        whole networks, or ReLU kinks, 1e-5 is a fair threshold; a real bug gives ~1e-2 or more.

    Returns
    -------
    GradientCheckReport
        ``.errors`` ({name: relative error}), ``.passed``, ``.failed``; ``print`` it for a table.
    """
    errors = {name: _rel(a, b, 1e-12) for name, a, b in _pairs(analytic, numeric)}
    return GradientCheckReport(errors=errors, tol=tol)
