"""Lesson 06 exercises: a dense sigmoid layer on a batch, forward and backward, and a 2-layer net.

One example per row (the convention of ``course.mlp``)::

    Z = A_prev @ W + b      # (m, n_out) = (m, n_in) @ (n_in, n_out) + (1, n_out)
    A = s(Z)                # (m, n_out)

    dZ      = dA * s'(Z)                    # BP1/BP2  (m, n_out)
    dW      = A_prev.T @ dZ                 # BP4      (n_in, n_out), the shape of W
    db      = dZ.sum(axis=0, keepdims=True) # BP3      (1, n_out), the shape of b
    dA_prev = dZ @ W.T                      #          (m, n_in), passed to the layer below

``dA`` is dL/dA of a loss that is a *mean* over the batch, so it already carries the 1/m.
The checker uses shapes with m, n_in and n_out all different, so a transpose cannot hide;
array mistakes are named by ``course.exercises._arrays``.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, sigmoid_prime
from ..checks.registry import Exercise, register
from ._arrays import GENERIC_MISTAKES, ArrayCase, ArrayMistake, ArraySpec, OutputSpec, grade_arrays

__all__ = ["dense_forward", "dense_backward", "mlp_backward", "FORWARD", "BACKWARD", "MLP_BACKWARD"]

LESSON = "06_vectorized_backprop"


# --- references ----------------------------------------------------------------------------------

def dense_forward(A_prev, W, b):
    """``(Z, A)`` of a sigmoid layer: ``Z = A_prev @ W + b``, ``A = s(Z)``, both (m, n_out)."""
    Z = A_prev @ W + b                        # (m, n_out)
    return Z, sigmoid(Z)


def dense_backward(dA, A_prev, W, Z):
    """``(dW, db, dA_prev)`` of a sigmoid layer from ``dA = dL/dA`` (m, n_out)."""
    dZ = dA * sigmoid_prime(Z)                # (m, n_out)
    dW = A_prev.T @ dZ                        # (n_in, n_out)
    db = dZ.sum(axis=0, keepdims=True)        # (1, n_out)
    dA_prev = dZ @ W.T                        # (m, n_in)
    return dW, db, dA_prev


def mlp_backward(X, y, W1, b1, W2, b2):
    """Gradients of L = (1/m) Σ ½‖A2 − y‖² for the net X → s(X W1 + b1) → s(A1 W2 + b2)."""
    Z1, A1 = dense_forward(X, W1, b1)         # (m, n_hidden)
    Z2, A2 = dense_forward(A1, W2, b2)        # (m, n_out)
    dA2 = (A2 - y) / X.shape[0]               # dL/dA2 of the mean loss
    dW2, db2, dA1 = dense_backward(dA2, A1, W2, Z2)
    dW1, db1, _ = dense_backward(dA1, X, W1, Z1)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# --- cases ---------------------------------------------------------------------------------------

#: (m, n_in, n_out): all different, so a transpose or a wrong axis always shows
_LAYER_SHAPES = ((5, 3, 4), (8, 4, 2), (6, 2, 5), (7, 5, 1))
#: (m, n_in, n_hidden, n_out)
_NET_SHAPES = ((6, 2, 4, 1), (5, 3, 7, 2), (8, 4, 3, 1), (7, 3, 5, 2))


def _shapes(base, opts, n_dims):
    """The fixed shapes, plus random ones when the grader asks for more cases."""
    rng = np.random.default_rng(opts.seed + 1)
    extra = []
    while len(base) + len(extra) < opts.n_cases // 12:
        dims = tuple(int(d) for d in rng.choice(np.arange(2, 10), n_dims, replace=False))
        extra.append(dims)
    return (*base, *extra)


def _layer_cases(opts, with_dA: bool):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for m, n_in, n_out in _shapes(_LAYER_SHAPES, opts, 3):
        A_prev = rng.uniform(-1, 1, (m, n_in))
        W = rng.normal(0, 1, (n_in, n_out))
        b = rng.normal(0, 0.5, (1, n_out))
        Z, A = dense_forward(A_prev, W, b)
        dims = {"m": m, "n_in": n_in, "n_out": n_out}
        if not with_dA:
            cases.append(ArrayCase({"A_prev": A_prev, "W": W, "b": b}, dims,
                                   {"Z": Z, "A": A}, {"A_prev": A_prev, "W": W, "b": b}))
            continue
        dA = rng.normal(0, 1, (m, n_out)) / m               # of a mean loss: carries 1/m
        dW, db, dA_prev = dense_backward(dA, A_prev, W, Z)
        cases.append(ArrayCase({"dA": dA, "A_prev": A_prev, "W": W, "Z": Z}, dims,
                               {"dW": dW, "db": db, "dA_prev": dA_prev},
                               {"dA": dA, "A_prev": A_prev, "W": W, "Z": Z, "m": m}))
    return cases


def _net_cases(opts):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for m, n_in, n_h, n_out in _shapes(_NET_SHAPES, opts, 4):
        p = {"X": rng.uniform(-1.5, 1.5, (m, n_in)), "y": rng.uniform(0, 1, (m, n_out)),
             "W1": rng.normal(0, 1, (n_in, n_h)), "b1": rng.normal(0, 0.5, (1, n_h)),
             "W2": rng.normal(0, 1, (n_h, n_out)), "b2": rng.normal(0, 0.5, (1, n_out))}
        dims = {"m": m, "n_in": n_in, "n_hidden": n_h, "n_out": n_out}
        cases.append(ArrayCase(p, dims, mlp_backward(**p), p))
    return cases


# --- dense.forward -------------------------------------------------------------------------------

def _f(fn):
    """A forward variant: ``fn(A_prev, W, b) -> {"Z": ..., "A": ...}`` on a case."""
    return lambda case: fn(**case.extra)


_ROWS = "one row per example, one column per unit of the layer"
_SHAPE_IDS = ("transposed", "bias-shape", "wrong-shape", "shape-error")
FORWARD = ArraySpec(
    exercise_id="dense.forward", signature="dense_forward(A_prev, W, b)",
    outputs=(OutputSpec("Z", ("m", "n_out"), _ROWS,
                        "Z = A_prev @ W + b: (m, n_in) @ (n_in, n_out) gives (m, n_out)."),
             OutputSpec("A", ("m", "n_out"), f"A = s(Z) is elementwise: {_ROWS}")),
    make_cases=lambda opts: _layer_cases(opts, with_dA=False),
    mistake_hints=dict.fromkeys(_SHAPE_IDS, "(m, n_in) @ (n_in, n_out) gives (m, n_out): the "
                                "inner sizes must agree. Z = A_prev @ W + b."),
    mistakes=(
        ArrayMistake("swapped-outputs", "returns (A, Z) instead of (Z, A)",
                     _f(lambda A_prev, W, b: {"Z": dense_forward(A_prev, W, b)[1],
                                              "A": dense_forward(A_prev, W, b)[0]}),
                     "you returned (A, Z); return them in the order (Z, A)."),
        ArrayMistake("bias-after-activation", "A = s(A_prev @ W) + b",
                     _f(lambda A_prev, W, b: {"Z": A_prev @ W, "A": sigmoid(A_prev @ W) + b}),
                     "you added b after the sigmoid; the bias belongs inside: "
                     "Z = A_prev @ W + b, then A = s(Z)."),
        ArrayMistake("missing-bias", "Z = A_prev @ W without + b",
                     _f(lambda A_prev, W, b: {"Z": A_prev @ W, "A": sigmoid(A_prev @ W)}),
                     "the bias is missing: Z = A_prev @ W + b (b has shape (1, n_out) and "
                     "broadcasts over the m rows)."),
        ArrayMistake("no-activation", "A = Z",
                     _f(lambda A_prev, W, b: {"A": A_prev @ W + b}),
                     "A equals Z: apply the sigmoid, A = s(Z)."),
        ArrayMistake("wrong-activation", "tanh or ReLU instead of the sigmoid",
                     _f(lambda A_prev, W, b: {"A": np.tanh(A_prev @ W + b)}),
                     "A is tanh(Z); this lesson's layers use the sigmoid s(Z) = 1/(1 + e^(−Z))."),
        ArrayMistake("wrong-activation", "tanh or ReLU instead of the sigmoid",
                     _f(lambda A_prev, W, b: {"A": np.maximum(A_prev @ W + b, 0)}),
                     "A is ReLU(Z); this lesson's layers use the sigmoid s(Z) = 1/(1 + e^(−Z))."),
    ),
)


# --- dense.backward ------------------------------------------------------------------------------

def _b(dZ_of=None, **override):
    """A backward variant: a mistaken dZ (all three outputs follow) and/or single outputs."""
    def outputs(case):
        e = case.extra
        out = {}
        if dZ_of is not None:
            dZ = dZ_of(e)
            out = {"dW": e["A_prev"].T @ dZ, "db": dZ.sum(axis=0, keepdims=True),
                   "dA_prev": dZ @ e["W"].T}
        dZ = e["dA"] * sigmoid_prime(e["Z"])
        out.update({k: f(e, dZ) for k, f in override.items()})
        return out
    return outputs


_AXIS0 = ("b is shared by all m examples, so db adds up their contributions over the batch: "
          "db = dZ.sum(axis=0, keepdims=True), shape (1, n_out)")
BACKWARD = ArraySpec(
    exercise_id="dense.backward", signature="dense_backward(dA, A_prev, W, Z)",
    outputs=(
        OutputSpec("dW", ("n_in", "n_out"),
                   "each entry dW[i, j] is dL/dW[i, j], so dW has W's shape",
                   "BP4: dW = A_prev.T @ dZ — (n_in, m) @ (m, n_out), the batch axis m is "
                   "summed over."),
        OutputSpec("db", ("1", "n_out"), "each entry db[0, i] is dL/db[0, i], so db has b's shape"),
        OutputSpec("dA_prev", ("m", "n_in"),
                   "each entry dA_prev[k, j] is dL/dA_prev[k, j], so dA_prev has A_prev's shape",
                   "dA_prev = dZ @ W.T — (m, n_out) @ (n_out, n_in)."),
    ),
    make_cases=lambda opts: _layer_cases(opts, with_dA=True),
    mistake_hints=dict.fromkeys(_SHAPE_IDS, "Let the shapes decide: dW must be (n_in, n_out) "
                                "from A_prev (m, n_in) and dZ (m, n_out), so the batch axis m "
                                "is the inner one: A_prev.T @ dZ. db keeps b's shape (1, n_out)."),
    mistakes=(
        ArrayMistake("missing-s-prime", "dZ = dA, without ⊙ s'(Z)", _b(lambda e: e["dA"]),
                     "the factor s'(Z) is missing: dZ = dA ⊙ s'(Z) (elementwise), because "
                     "A = s(Z) — then dW, db and dA_prev all use dZ."),
        ArrayMistake("s-prime-of-activation", "s'(A) instead of s'(Z)",
                     _b(lambda e: e["dA"] * sigmoid_prime(sigmoid(e["Z"]))),
                     "you took s' of the activation A = s(Z); s' is taken at the "
                     "pre-activation Z: dZ = dA * sigmoid_prime(Z), or with A = s(Z), "
                     "dA * A * (1 - A)."),
        ArrayMistake("s-instead-of-s-prime", "dA ⊙ s(Z) instead of dA ⊙ s'(Z)",
                     _b(lambda e: e["dA"] * sigmoid(e["Z"])),
                     "you multiplied by s(Z), the sigmoid itself; its slope is "
                     "s'(Z) = s(Z)(1 − s(Z))."),
        ArrayMistake("extra-1/m", "dW and db divided by m",
                     _b(dW=lambda e, dZ: e["A_prev"].T @ dZ / e["m"],
                        db=lambda e, dZ: dZ.sum(axis=0, keepdims=True) / e["m"]),
                     "dW and db are exactly 1/m of the expected values: you divided by m, "
                     "but dA is dL/dA of the mean loss and already carries the 1/m. BP3 and "
                     "BP4 only add up the m examples' contributions."),
        ArrayMistake("bias-mean", "db = mean of dZ over the batch",
                     _b(db=lambda e, dZ: dZ.mean(axis=0, keepdims=True)),
                     f"db is the mean of dZ over the batch, 1/m of the expected value; {_AXIS0} "
                     "(dA already carries the 1/m)."),
        ArrayMistake("bias-wrong-axis", "db summed over axis 1 (the units)",
                     _b(db=lambda e, dZ: dZ.sum(axis=1, keepdims=True)),
                     f"db sums dZ over axis 1, the units: one number per example, shape "
                     f"(m, 1). {_AXIS0}."),
        ArrayMistake("bias-wrong-axis", "db summed over axis 1 (the units)",
                     _b(db=lambda e, dZ: dZ.sum(axis=1)),
                     f"db sums dZ over axis 1, the units: one number per example, shape "
                     f"(m,). {_AXIS0}."),
        ArrayMistake("bias-wrong-axis", "db summed over both axes",
                     _b(db=lambda e, dZ: np.sum(dZ)),
                     f"db sums dZ over everything: one number. {_AXIS0}."),
        ArrayMistake("bias-not-summed", "db = dZ, one row per example",
                     _b(db=lambda e, dZ: dZ),
                     f"db is dZ itself, one row per example, shape (m, n_out). {_AXIS0}."),
        ArrayMistake("dA-prev-skips-s-prime", "dA_prev = dA @ W.T",
                     _b(dA_prev=lambda e, dZ: e["dA"] @ e["W"].T),
                     "dA_prev passes back dA instead of dZ: go through this layer's sigmoid "
                     "first, dA_prev = dZ @ W.T with dZ = dA ⊙ s'(Z)."),
    ),
)


# --- dense.mlp_backward -------------------------------------------------------------------------

def _net_variant(dA2=None, s2=None, s1=None, db=None):
    """``mlp_backward`` with a mistaken dL/dA2, output slope, hidden slope or bias sum."""
    def outputs(case):
        e = case.extra
        m = e["X"].shape[0]
        Z1, A1 = dense_forward(e["X"], e["W1"], e["b1"])
        Z2, A2 = dense_forward(A1, e["W2"], e["b2"])
        g2 = (A2 - e["y"]) / m if dA2 is None else dA2(A2, e["y"], m)
        d2 = g2 * (sigmoid_prime(Z2) if s2 is None else s2(Z2, A2))
        d1 = (d2 @ e["W2"].T) * (sigmoid_prime(Z1) if s1 is None else s1(Z1, A1))
        bias = db or (lambda d: d.sum(axis=0, keepdims=True))
        return {"W1": e["X"].T @ d1, "b1": bias(d1), "W2": A1.T @ d2, "b2": bias(d2)}
    return outputs


_ONE = lambda Z, A: 1.0                                           # noqa: E731
_AT_A = lambda Z, A: sigmoid_prime(A)                             # noqa: E731
_NET_BIAS = "each bias is shared by the m examples: db = dZ.sum(axis=0, keepdims=True)"
MLP_BACKWARD = ArraySpec(
    exercise_id="dense.mlp_backward", signature="mlp_backward(X, y, W1, b1, W2, b2)",
    returns="dict", aliases={"dW1": "W1", "db1": "b1", "dW2": "W2", "db2": "b2"},
    outputs=(
        OutputSpec("W1", ("n_in", "n_hidden"), "each entry is dL/dW1[i, j], so dW1 has W1's shape",
                   "dW1 = X.T @ dZ1."),
        OutputSpec("b1", ("1", "n_hidden"), "each entry is dL/db1[0, i], so db1 has b1's shape"),
        OutputSpec("W2", ("n_hidden", "n_out"), "each entry is dL/dW2[i, j], so dW2 has W2's shape",
                   "dW2 = A1.T @ dZ2."),
        OutputSpec("b2", ("1", "n_out"), "each entry is dL/db2[0, i], so db2 has b2's shape"),
    ),
    make_cases=_net_cases,
    mistake_hints=dict.fromkeys(_SHAPE_IDS, "Each gradient has its parameter's shape: dW1 like "
                                "W1, db1 like b1 (1, n_hidden). dW = A_prev.T @ dZ, "
                                "db = dZ.sum(axis=0, keepdims=True)."),
    mistakes=(
        ArrayMistake("missing-1/m", "dL/dA2 = A2 − y, without 1/m",
                     _net_variant(dA2=lambda A2, y, m: A2 - y),
                     "every gradient is exactly m times too large: the loss is the mean of "
                     "½‖A2 − y‖² over the m examples, so dL/dA2 = (A2 − y)/m."),
        ArrayMistake("factor-2", "dL/dA2 = 2(A2 − y)/m",
                     _net_variant(dA2=lambda A2, y, m: 2 * (A2 - y) / m),
                     "every gradient is exactly 2× too large: the loss has a ½ in front, "
                     "which cancels the 2 of the square: dL/dA2 = (A2 − y)/m."),
        ArrayMistake("sign", "dL/dA2 = (y − A2)/m",
                     _net_variant(dA2=lambda A2, y, m: (y - A2) / m),
                     "every gradient has the wrong sign: dL/dA2 = (A2 − y)/m, output minus "
                     "target."),
        ArrayMistake("output-missing-s-prime", "dZ2 = dA2 (no s'(Z2))", _net_variant(s2=_ONE),
                     "dZ2 is missing s'(Z2): dZ2 = dA2 ⊙ s'(Z2). (The shortcut "
                     "dZ2 = (A2 − y)/m holds for the cross-entropy loss, not for this one.)"),
        ArrayMistake("output-s-prime-of-activation", "s'(A2) instead of s'(Z2)",
                     _net_variant(s2=_AT_A),
                     "dZ2 uses s'(A2), the slope at the activation; it is s'(Z2) = "
                     "A2(1 − A2)."),
        ArrayMistake("hidden-missing-s-prime", "dZ1 = dA1 (no s'(Z1))", _net_variant(s1=_ONE),
                     "dW1 and db1 miss s'(Z1): dZ1 = (dZ2 @ W2.T) ⊙ s'(Z1) — the hidden "
                     "layer has a sigmoid too."),
        ArrayMistake("hidden-s-prime-of-activation", "s'(A1) instead of s'(Z1)",
                     _net_variant(s1=_AT_A),
                     "dZ1 uses s'(A1), the slope at the activation; it is s'(Z1) = "
                     "A1(1 − A1)."),
        ArrayMistake("bias-wrong-axis", "a bias gradient summed over axis 1",
                     _net_variant(db=lambda d: d.sum(axis=1, keepdims=True)),
                     f"a bias gradient is summed over axis 1 (the units); {_NET_BIAS}."),
        ArrayMistake("bias-wrong-axis", "a bias gradient summed over axis 1",
                     _net_variant(db=lambda d: d.sum(axis=1)),
                     f"a bias gradient is summed over axis 1 (the units); {_NET_BIAS}."),
        ArrayMistake("bias-not-summed", "a bias gradient not summed over the batch",
                     _net_variant(db=lambda d: d),
                     f"a bias gradient is dZ itself (one row per example); {_NET_BIAS}."),
    ),
)


def _meanings(spec):
    return {**{m.id: m.meaning for m in spec.mistakes},
            **{k: GENERIC_MISTAKES[k] for k in ("transposed", "bias-shape", "wrong-shape",
                                                "sign", "shape-error", "mutates-input")}}


register(Exercise(
    id="dense.forward", lesson=LESSON, answer_name="dense_forward",
    title="dense_forward(A_prev, W, b) -> (Z, A): a sigmoid layer on a batch",
    grade=lambda answer, opts: grade_arrays(FORWARD, answer, opts),
    answer_kinds="function of (A_prev, W, b)", mistakes=_meanings(FORWARD),
    hints=("A_prev has one example per row, (m, n_in); W is (n_in, n_out). Which product "
           "gives (m, n_out)?",
           "Z = A_prev @ W + b — b (1, n_out) broadcasts over the m rows.",
           "Z = A_prev @ W + b; A = sigmoid(Z); return Z, A"),
))

register(Exercise(
    id="dense.backward", lesson=LESSON, answer_name="dense_backward",
    title="dense_backward(dA, A_prev, W, Z) -> (dW, db, dA_prev): BP1-BP4 on a batch",
    grade=lambda answer, opts: grade_arrays(BACKWARD, answer, opts),
    answer_kinds="function of (dA, A_prev, W, Z)",
    mistakes={**_meanings(BACKWARD), "extra-1/m": GENERIC_MISTAKES["extra-1/m"]},
    hints=("First dZ = dA ⊙ s'(Z) (elementwise, shape (m, n_out)); then everything uses dZ.",
           "Let the shapes decide: dW must be (n_in, n_out) from A_prev (m, n_in) and dZ "
           "(m, n_out); dA_prev must be (m, n_in) from dZ and W (n_in, n_out).",
           "dZ = dA * sigmoid_prime(Z); dW = A_prev.T @ dZ; "
           "db = dZ.sum(axis=0, keepdims=True); dA_prev = dZ @ W.T"),
))

register(Exercise(
    id="dense.mlp_backward", lesson=LESSON, answer_name="mlp_backward",
    title="mlp_backward(X, y, W1, b1, W2, b2): all four gradients of a 2-layer net (MSE)",
    grade=lambda answer, opts: grade_arrays(MLP_BACKWARD, answer, opts),
    answer_kinds="function of (X, y, W1, b1, W2, b2)",
    mistakes={**_meanings(MLP_BACKWARD), "wrong-keys": GENERIC_MISTAKES["wrong-keys"]},
    hints=("Forward first, keeping Z1, A1, Z2, A2. Then dA2 = dL/dA2 of the mean loss.",
           "dA2 = (A2 - y) / m. Then dense_backward through layer 2 gives dW2, db2 and dA1; "
           "dense_backward through layer 1 gives dW1, db1.",
           "Z1, A1 = dense_forward(X, W1, b1); Z2, A2 = dense_forward(A1, W2, b2); "
           "dW2, db2, dA1 = dense_backward((A2 - y) / len(X), A1, W2, Z2); "
           "dW1, db1, _ = dense_backward(dA1, X, W1, Z1)"),
))
