"""Lesson 05, exercise 3: ``backward(net, I, y) -> dict``, the nine gradients of the loss.

The learner's function gets a ``DiamondNet`` (whose own ``backward``/``gradient``/
``loss_gradient`` are switched off), an input and a target, at the worked example (y = 1)
and at random points, and returns ∂L/∂(param) for L = ½(O − y)². A function that takes only
``(net, I)`` is told that the loss needs the target. Every entry is
compared with the reference; the wrong entries are explained by a catalogue of mistaken
backward passes (``VARIANTS`` in :mod:`.catalogue`), each a function of the forward cache
that gives the entries the mistake changes — a wrong delta changes every entry below it, so
one named mistake can explain several entries.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np

from course._grading.answers import as_number
from course._grading.exercises.backprop import delta as _delta  # noqa: F401  (registers backprop.delta_h1 first: lesson order)
from course._grading.exercises.backprop.catalogue import MEANINGS, VARIANTS, Variant
from course._grading.exercises.backprop.reference import backward, cache, grads_from
from course._grading.guards import LearnerError, call_learner
from course._grading.references import DIAMOND_GRADIENT
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["Variant", "VARIANTS", "MEANINGS"]

LESSON = "05_backprop_algorithm"


class _CheckedNet(DiamondNet):
    """The network handed to the learner's ``backward``: the library's own backward is off."""

    def backward(self, I, y=None):
        raise RuntimeError(
            "backward(net, I, y) must compute the gradients itself, so net.backward(), "
            "net.gradient() and net.loss_gradient() are switched off while it is checked. Use "
            "net.forward(I) for z1, h1, ..., O and net.w1 ... net.b4 for the parameters.")

    gradient = backward
    loss_gradient = backward


_CheckedNet.__name__ = _CheckedNet.__qualname__ = "DiamondNet"


def _points(opts) -> dict:
    """The worked example (y = 1), then random points: arrays ``I, y, w1..b4`` of length
    1 + n_cases (targets in [0, 1], as a sigmoid's)."""
    rng = np.random.default_rng(opts.seed)
    seed = {"I": 1.0, "y": 1.0, **DiamondNet().params}
    out = {k: np.concatenate([[seed[k]], rng.uniform(-2, 2, opts.n_cases)])
           for k in ("I", *PARAMS)}
    out["y"] = np.concatenate([[seed["y"]], rng.uniform(0, 1, opts.n_cases)])
    return out


def _call(answer, point: dict) -> dict:
    net = _CheckedNet(**{k: point[k] for k in PARAMS})
    out = call_learner(answer, net, point["I"], point["y"])
    if not isinstance(out, Mapping):
        what = "None — did you forget `return`?" if out is None else f"a {type(out).__name__}"
        raise LearnerError("backward(net, I, y) must return a dict {'w1': dL/dw1, ..., "
                           f"'b4': dL/db4}}, but it returned {what}", kind="type")
    return out


def _takes_a_target(answer) -> bool:
    """False when the answer's signature cannot take (net, I, y) — an old backward(net, I)."""
    try:
        inspect.signature(answer).bind(None, 0.0, 0.0)
    except TypeError:
        return False
    except ValueError:                     # no signature to read (a builtin): just call it
        return True
    return True


def _grade_backward(answer, opts) -> CheckResult:
    eid = "backprop.backward"
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError("this exercise wants a function backward(net, I, y) returning a "
                           f"dict of the nine gradients, not a {type(answer).__name__}",
                           kind="type")
    if not _takes_a_target(answer):
        return CheckResult(eid, False, mistake="no-target", n_cases=0, summary=(
            "your backward takes (net, I), but the gradients asked for are of the loss "
            "L = ½(O − y)², which needs the target y: write def backward(net, I, y): and "
            "start the backward pass with the loss factor ∂L/∂O = O − y"))
    pts = _points(opts)
    n = len(pts["I"])
    mine = {k: np.empty(n) for k in PARAMS}
    for i in range(n):
        point = {k: float(v[i]) for k, v in pts.items()}
        out = _call(answer, point)
        missing = [k for k in PARAMS if k not in out]
        if missing:
            return CheckResult(eid, False, mistake="wrong-keys", n_cases=n, summary=(
                f"your dict has the keys {sorted(map(str, out))}; it needs one entry per "
                f"parameter under its name — {', '.join(PARAMS)} — as DiamondNet.gradient "
                f"returns (missing: {', '.join(missing)})"))
        for k in PARAMS:
            mine[k][i] = as_number(out[k], f" as the entry {k!r} at I = {point['I']:.4g}")
    c = cache(DiamondNet(**{k: pts[k] for k in PARAMS}), pts["I"], pts["y"])
    truth = grads_from(c)
    ok = {k: np.isclose(mine[k], truth[k], rtol=1e-9, atol=1e-12) for k in PARAMS}
    wrong = [k for k in PARAMS if not ok[k].all()]
    if not wrong:
        return CheckResult(eid, True, n_cases=n, summary=(
            f"correct — all nine gradients match at the worked example and {n - 1} random "
            "points"))
    # show the first point where the most wrong entries are wrong (at the worked example,
    # I = 1 hides a missing or extra I), and only the entries wrong there
    i = int(np.argmax(np.sum([~ok[k] for k in wrong], axis=0)))
    shown = [k for k in wrong if not ok[k][i]]
    result = CheckResult(eid, False, point={k: float(v[i]) for k, v in pts.items()}, n_cases=n,
                         learner_value={f"dL/d{k}": _g(mine[k][i]) for k in shown},
                         expected_value={f"dL/d{k}": _g(truth[k][i]) for k in shown})
    names = ", ".join(f"dL/d{k}" for k in wrong)
    if all(np.allclose(mine[k], truth[k], rtol=1e-4, atol=1e-8) for k in wrong):
        result.mistake, result.summary = "numerical-not-analytic", (
            f"{names} agree with the true gradient only to about 1e-7 — that is what finite "
            "differences give. This exercise asks for the exact backward pass: deltas from the "
            "loss back to h1, then δ × input for each weight")
        return result
    explained = _explain(mine, wrong, c)
    if explained:
        mid, message, keys = explained[0]
        which = "" if keys == wrong else f" {', '.join(f'dL/d{k}' for k in keys)}:"
        result.mistake = mid
        result.summary = (f"{len(wrong)} of 9 gradients are wrong ({names}).{which} "
                          f"{_sentence(message) if not which else message}")
        result.details += [f"{', '.join(f'dL/d{k}' for k in keys)}: {message}"
                           for _, message, keys in explained[1:]]
    else:
        result.summary = f"{len(wrong)} of 9 gradients are wrong: {names}"
    rest = [k for k in wrong if not any(k in keys for _, _, keys in explained)]
    if explained and rest:
        result.details.append(f"{', '.join(f'dL/d{k}' for k in rest)}: wrong in another way — "
                              "compare with one factor per edge on the way back")
    return result


def _sentence(text: str) -> str:
    """Start with a capital — an ASCII letter only: δ must not become Δ."""
    return text[0].upper() + text[1:] if text[:1].isascii() else text


def _g(x: float) -> float:
    """A value rounded to 6 significant digits, for showing."""
    return float(f"{x:.6g}")


def _explain(mine: dict, wrong: list, c) -> list:
    """Greedy cover of the wrong entries by catalogue variants: [(id, message, keys)]."""
    matches = []
    for v in VARIANTS:
        with np.errstate(all="ignore"):
            theirs = v.entries(c)
        keys = [k for k in wrong if k in theirs and np.allclose(
            mine[k], np.broadcast_to(theirs[k], mine[k].shape), rtol=1e-7, atol=1e-12)]
        if keys:
            matches.append((v, keys))
    matches.sort(key=lambda m: -len(m[1]))             # stable: catalogue order breaks ties
    out, covered = [], set()
    for v, keys in matches:
        new = [k for k in keys if k not in covered]
        if new:
            out.append((v.id, v.message, new))
            covered.update(new)
    return out


register(Exercise(
    forbidden=DIAMOND_GRADIENT,
    reference=backward,
    id="backprop.backward", lesson=LESSON, answer_name="backward",
    reveal=r"$\delta_O = (O - y)\,O(1-O)$, $\delta_2 = \delta_O w_4 h_2(1-h_2)$, "
           r"$\delta_3 = \delta_O w_5 h_3(1-h_3)$, "
           r"$\delta_1 = (\delta_2 w_2 + \delta_3 w_3)\,h_1(1-h_1)$; then "
           r"$\partial L/\partial w_1 = \delta_1 I$, $\partial L/\partial w_2 = \delta_2 h_1$, "
           r"$\partial L/\partial w_3 = \delta_3 h_1$, $\partial L/\partial w_4 = \delta_O h_2$, "
           r"$\partial L/\partial w_5 = \delta_O h_3$, and each bias its node's delta. "
           r"One loss factor, four deltas, nine products: one backward pass.",
    title="backward(net, I, y): the nine gradients of the loss ½(O − y)² in one backward pass",
    grade=_grade_backward, answer_kinds="function of (net, I, y)",
    mistakes=MEANINGS,
    hints=(
        "Start at the loss: δO = ∂L/∂zO is your delta_output. Then go back one node at a "
        "time: δ2 and δ3, then δ1 where the two paths meet.",
        "Each delta below O: the delta of the node its edge leads to × that edge's weight × "
        "its own slope h(1 − h); δ1 collects two such terms — your delta_h1.",
        "Each weight: δ of the node its edge enters × the value entering on the edge (the "
        "input for w1, the previous activation for the others). Each bias: its node's δ. "
        "Nine entries, keyed by the parameters' names.",
    ),
))
