"""The named mistakes of ``numerical_gradient``: each a variant ``(f, params, eps) -> dict``
that computes what the learner's slip computes (a forward difference, a missing factor 2,
a parameter left nudged, every parameter nudged at once, ...)."""

from __future__ import annotations

__all__ = ["NG_MISTAKES"]


def _left_perturbed(sign: int):
    def ng(f, params, eps):
        p, g = dict(params), {}
        for k, x in params.items():
            first, second = (x + eps, x - eps) if sign < 0 else (x - eps, x + eps)
            p[k] = first
            f1 = f(**p)
            p[k] = second                             # ... and never put back
            f2 = f(**p)
            g[k] = (f1 - f2) / (2 * eps) * (-sign)
        return g
    return ng


def _all_at_once(f, params, eps):
    up = f(**{k: x + eps for k, x in params.items()})
    down = f(**{k: x - eps for k, x in params.items()})
    return {k: (up - down) / (2 * eps) for k in params}


def _per_key(estimate):
    def ng(f, params, eps):
        return {k: estimate(lambda t, k=k: f(**{**params, k: t}), x, eps)
                for k, x in params.items()}
    return ng


#: (id, meaning, variant(f, params, eps) -> dict, message)
NG_MISTAKES = (
    ("forward-difference", "(f(x+eps) − f(x)) / eps",
     _per_key(lambda g, x, e: (g(x + e) - g(x)) / e),
     "that is the forward difference (f(x+eps) − f(x))/eps; step both ways: "
     "(f(x+eps) − f(x−eps)) / (2·eps), whose error shrinks like eps² instead of eps"),
    ("backward-difference", "(f(x) − f(x−eps)) / eps",
     _per_key(lambda g, x, e: (g(x) - g(x - e)) / e),
     "that is the backward difference (f(x) − f(x−eps))/eps; step both ways: "
     "(f(x+eps) − f(x−eps)) / (2·eps)"),
    ("divided-by-eps", "(f(x+eps) − f(x−eps)) / eps: exactly 2× too large",
     _per_key(lambda g, x, e: (g(x + e) - g(x - e)) / e),
     "every entry is exactly 2× too large: x+eps and x−eps are 2·eps apart, so divide by "
     "2·eps, not eps"),
    ("precedence", "(f(x+eps) − f(x−eps)) / 2*eps",
     _per_key(lambda g, x, e: (g(x + e) - g(x - e)) / 2 * e),
     "`/ 2*eps` divides by 2 and then multiplies by eps; write `/ (2*eps)`"),
    ("sign", "(f(x−eps) − f(x+eps)) / (2 eps)",
     _per_key(lambda g, x, e: (g(x - e) - g(x + e)) / (2 * e)),
     "every entry has the wrong sign: subtract the value at x−eps from the one at x+eps"),
    ("not-restored", "a perturbed parameter left at x ± eps (later entries wrong)",
     _left_perturbed(-1),
     "the first entry is right but later ones are not: after nudging a parameter you left it "
     "at x − eps, so every later difference is taken at a shifted point. Put the old value "
     "back (keep it in a variable) before moving on to the next parameter"),
    ("not-restored", "a perturbed parameter left at x ± eps (later entries wrong)",
     _left_perturbed(+1),
     "the first entry is right but later ones are not: after nudging a parameter you left it "
     "at x + eps, so every later difference is taken at a shifted point. Put the old value "
     "back (keep it in a variable) before moving on to the next parameter"),
    ("fixed-step", "divided by a fixed 2·1e-6 instead of 2·eps",
     _per_key(lambda g, x, e: (g(x + e) - g(x - e)) / (2 * 1e-6)),
     "your function uses a fixed step instead of the eps argument: it steps by eps but "
     "divides by 2·1e-6 (a hard-coded number), so every entry is eps/1e-6 times too large "
     "for any other eps. Divide by (2*eps), the step you were given"),
    ("fixed-step", "stepped by a fixed 1e-6 but divided by 2·eps",
     _per_key(lambda g, x, e: (g(x + 1e-6) - g(x - 1e-6)) / (2 * e)),
     "your function uses a fixed step instead of the eps argument: it steps by a hard-coded "
     "1e-6 but divides by 2·eps. Use the argument eps for both"),
    ("all-at-once", "every parameter nudged at the same time",
     _all_at_once,
     "you nudged all parameters at once, so every entry is the same number (the slope along "
     "the diagonal). Nudge one parameter at a time, holding the others where they are"),
)
