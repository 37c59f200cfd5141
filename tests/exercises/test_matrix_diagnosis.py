"""The generated matrix diagnosis (course._grading.arrays: program, edits, shapes).

For every matrix exercise, each generated edit of the reference's program is written out as
a learner's Python function (real source lines, so a shape error is read from its AST) and
checked: it never passes unless its numbers equal the reference's, and the checker names a
mistake that reproduces it. Correct answers in other forms (loops over rows, einsum, other
orders, keepdims variants) always pass.
"""

from __future__ import annotations

import itertools
import linecache
import random

import numpy as np
import pytest

from course import explain
from course._grading.arrays import GENERIC_MISTAKES
from course._grading.arrays.edits import edits_of, generate, replace
from course._grading.arrays.program import render
from course._grading.arrays.search import Candidate
from course._grading.exercises import dense as d
from course._grading.exercises.sgd import bce, deltas, train_step
from course.checks import CheckOptions
from course.nn.activations import sigmoid, sigmoid_prime

SPECS = {"dense.forward": d.FORWARD, "dense.backward": d.BACKWARD,
         "dense.mlp_backward": d.MLP_BACKWARD, "sgd.bce_grad": bce.BCE_GRAD,
         "sgd.output_deltas": deltas.OUTPUT_DELTAS, "sgd.train_step": train_step.TRAIN_STEP}
_ARGS = {"dense.forward": "A_prev, W, b", "dense.backward": "dA, A_prev, W, Z",
         "dense.mlp_backward": "X, y, W1, b1, W2, b2", "sgd.bce_grad": "A, y",
         "sgd.output_deltas": "Z, y", "sgd.train_step": "X, y, W1, b1, W2, b2, lr"}
_GLOBALS = {"np": np, "sigmoid": sigmoid, "sigmoid_prime": sigmoid_prime}
_count = itertools.count()


def _ident(name: str) -> str:
    return name.replace("/", "_")


def learner_source(eid: str, steps, name="answer") -> str:
    """A learner's function for ``eid`` computing ``steps`` (the program, maybe edited)."""
    spec = SPECS[eid]
    program = spec.program
    args = _ARGS[eid]
    lines = [f"def {name}({args}):", f"    m = {args.split(',')[0]}.shape[0]"]
    lines += [f"    {n} = {code}" for n, (_, code) in program.derived.items()]
    names = {n: _ident(n) for n, _ in steps}
    lines += [f"    {_ident(n)} = {render(expr, names)}" for n, expr in steps]
    outs = [_ident(program.outputs[o.name]) for o in spec.outputs]
    if spec.returns == "dict":
        lines.append("    return {" + ", ".join(f"{o.name!r}: {v}" for o, v in
                                               zip(spec.outputs, outs)) + "}")
    else:
        lines.append(f"    return {', '.join(outs)}")
    return "\n".join(lines) + "\n"


def compile_learner(source: str, name="answer"):
    """``exec`` the source as a notebook cell would be: registered in linecache."""
    filename = f"<learner-cell-{next(_count)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(_GLOBALS)
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


def edited_steps(program, edits):
    steps = []
    for site, expr in program.steps:
        for e in edits:
            if e.site == site:
                expr = replace(expr, e.path, e.new)
        steps.append((site, expr))
    return steps


def outputs_of(eid, fn):
    """The function's outputs on the checker's cases (None: it raises)."""
    spec = SPECS[eid]
    out = []
    for case in spec.make_cases(CheckOptions()):
        try:
            with np.errstate(all="ignore"):
                got = fn(*[np.array(v, copy=True) for v in case.inputs.values()])
        except (ValueError, TypeError):
            return None
        got = got if isinstance(got, dict) else dict(zip(spec.names, got if isinstance(
            got, tuple) else (got,)))
        out.append({k: np.asarray(v, dtype=float) for k, v in got.items()})
    return out


def equals_reference(eid, outs) -> bool:
    spec = SPECS[eid]
    cases = spec.make_cases(CheckOptions())
    return outs is not None and all(
        o[n].shape == c.expected[n].shape and np.allclose(o[n], c.expected[n], rtol=1e-9,
                                                         atol=1e-12)
        for o, c in zip(outs, cases) for n in spec.names)


def _sample(eid):
    """Every edit of the small programs; up to 8 per kind of the large ones."""
    edits = edits_of(SPECS[eid].program)
    if len(edits) <= 120:
        return edits
    by_kind = {}
    for e in edits:
        by_kind.setdefault(e.kind, []).append(e)
    return [e for group in by_kind.values() for e in group[::max(1, len(group) // 8)]]


SINGLE = [(eid, e) for eid in SPECS for e in _sample(eid)]


def test_the_programs_are_the_references():
    for eid in SPECS:
        fn = compile_learner(learner_source(eid, SPECS[eid].program.steps))
        assert explain(eid, fn).passed, eid


def test_number_of_generated_candidates():
    counts = {eid: len(edits_of(spec.program)) for eid, spec in SPECS.items()}
    assert counts["dense.backward"] >= 50 and counts["dense.mlp_backward"] >= 150, counts
    assert all(n >= 10 for n in counts.values()), counts
    assert len(generate(d.BACKWARD.program)) == counts["dense.backward"]


@pytest.mark.parametrize("eid, edit", SINGLE,
                         ids=[f"{eid}-{e.kind}-{e.index}" for eid, e in SINGLE])
def test_every_generated_edit_is_rejected_and_named(eid, edit):
    program = SPECS[eid].program
    source = learner_source(eid, edited_steps(program, (edit,)))
    fn = compile_learner(source)
    result = explain(eid, fn)
    if equals_reference(eid, outputs_of(eid, fn)):
        assert result.passed, f"{source}\n{result}"           # an equivalent form
        return
    assert not result.passed, source
    assert result.mistake is not None and result.mistake != "constant-factor", (
        f"{source}\n{result}")
    if result.mistake == _id(program, edit) or result.mistake in GENERIC_MISTAKES:
        return
    # another name: it must be the name of a mistake giving the same numbers
    mine = outputs_of(eid, fn)
    same = [e for e in edits_of(program) if _same_outputs(
        outputs_of(eid, compile_learner(learner_source(eid, edited_steps(program, (e,))))),
        mine)]
    names = {_id(program, e) for e in same} | {m.id for m in SPECS[eid].mistakes} | {
        "two-slips"}
    assert result.mistake in names, f"{source}\n{result}"


def _id(program, edit) -> str:
    return Candidate((edit,), (), True).id(program)


def _same_outputs(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return all(x.keys() == y.keys() and all(
        x[k].shape == y[k].shape and np.allclose(x[k], y[k], rtol=1e-7, atol=1e-11)
        for k in x) for x, y in zip(a, b))


@pytest.mark.parametrize("eid", ["dense.backward", "sgd.output_deltas", "sgd.train_step"])
def test_pairs_of_edits_never_pass_and_are_mostly_named(eid):
    program = SPECS[eid].program
    edits = edits_of(program)
    rng = random.Random(7)
    pairs = [p for p in itertools.combinations(edits, 2) if p[0].site != p[1].site]
    named = 0
    sample = rng.sample(pairs, 25)
    for pair in sample:
        fn = compile_learner(learner_source(eid, edited_steps(program, pair)))
        result = explain(eid, fn)
        if equals_reference(eid, outputs_of(eid, fn)):
            assert result.passed
            continue
        assert not result.passed
        named += result.mistake is not None
    assert named >= len(sample) * 0.6, named


# --- realistic mistakes, named in the exercise's own variables -----------------------------------

def _net(delta2="(A2 - y) / len(X) * sigmoid_prime(Z2)", dW2="A1.T @ delta2",
         delta1="delta2 @ W2.T * sigmoid_prime(Z1)", dW1="X.T @ delta1"):
    return compile_learner(f"""def mlp_backward(X, y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    A2 = sigmoid(Z2)
    delta2 = {delta2}
    dW2 = {dW2}
    delta1 = {delta1}
    dW1 = {dW1}
    return {{"W1": dW1, "b1": delta1.sum(axis=0, keepdims=True), "W2": dW2,
            "b2": delta2.sum(axis=0, keepdims=True)}}
""", "mlp_backward")


def _layer(delta="dA * sigmoid_prime(Z)", dW="A_prev.T @ delta",
           db="delta.sum(axis=0, keepdims=True)", dA_prev="delta @ W.T"):
    return compile_learner(f"""def dense_backward(dA, A_prev, W, Z):
    delta = {delta}
    dW = {dW}
    db = {db}
    dA_prev = {dA_prev}
    return dW, db, dA_prev
""", "dense_backward")


def _step(order_bug=False, delta2="(A2 - y) / m"):
    update2 = "    W2 = W2 - lr * dW2\n    b2 = b2 - lr * db2\n"
    return compile_learner(f"""def train_step(X, y, W1, b1, W2, b2, lr):
    m = X.shape[0]
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    delta2 = {delta2}
    dW2 = A1.T @ delta2
    db2 = np.sum(delta2, axis=0, keepdims=True)
{update2 if order_bug else ""}    delta1 = delta2 @ W2.T * A1 * (1 - A1)
    dW1 = X.T @ delta1
    db1 = np.sum(delta1, axis=0, keepdims=True)
{"" if order_bug else update2}    return W1 - lr * dW1, b1 - lr * db1, W2, b2
""", "train_step")


def _deltas(ce="(a - y) / m", se="(a - y) * a * (1 - a) / m"):
    return compile_learner(f"""def output_deltas(z, y):
    a = sigmoid(z)
    m = z.shape[0]
    return {ce}, {se}
""", "output_deltas")


REALISTIC = [
    ("dense.backward", _layer(delta="dA * sigmoid_prime(dA)"), "s-prime-of-wrong-array",
     ["s′ is taken of dA (the incoming gradient dL/dA) instead of Z (the pre-activation)",
      "`delta = dA * sigmoid_prime(dA)`"]),
    ("dense.backward", _layer(dW="sigmoid(Z).T @ delta"), "wrong-operand",
     ["dW uses A (the layer's own output sigmoid(Z)) where A_prev (the layer's input) belongs"]),
    ("dense.mlp_backward", _net(dW2="Z1.T @ delta2"), "wrong-operand",
     ["dW2 uses Z1 (the hidden pre-activation) where A1 (the hidden layer's output) belongs",
      "You computed `dW2 = Z1.T @ delta2`."]),
    ("dense.mlp_backward", _net(delta2="sigmoid_prime(Z2)"), "missing-factor",
     ["the factor dA2 (the loss gradient ∂L/∂A2) is missing"]),
    ("dense.mlp_backward", _net(dW1="X.T @ (delta2 @ W2.T)"), "wrong-operand",
     ["dW1 uses dA1 (the gradient reaching the hidden layer) where delta1 (the hidden delta "
      "∂L/∂Z1) belongs"]),
    ("dense.mlp_backward", _net(delta2="(A2 - y) / len(X) * sigmoid_prime(A2 - y)"),
     "s-prime-of-wrong-array", ["s′ is taken of the error A2 - y"]),
    ("sgd.train_step", _step(order_bug=True), "updated-before-backprop",
     ["delta1 uses W2_new (layer 2's weights after this step's update) where W2", "then update"]),
    ("sgd.train_step", _step(delta2="(A2 - y) / m * A2 * (1 - A2)"), "squared-error-delta",
     ["an extra factor sigmoid_prime(Z2)", "squared error's delta"]),
    ("sgd.output_deltas", _deltas(ce="(a - y) * sigmoid_prime(z) / m"), "extra-s-prime",
     ["an extra factor sigmoid_prime(Z)", "the squared-error gradient (A − y)/m used with the "
      "log-loss"]),
    ("sgd.output_deltas", _deltas(se="(a - y) / m"), "missing-s-prime",
     ["the factor sigmoid_prime(Z) is missing", "cross-entropy's shortcut"]),
    ("sgd.output_deltas", _deltas(ce="(a - y) / (a * (1 - a)) / m"), "stopped-at-dL-da",
     ["still in the denominator"]),
    ("sgd.output_deltas", _deltas(ce="(a - y) * sigmoid_prime(z) / m", se="(a - y) / m"),
     "swapped-outputs", ["swapped"]),
]


@pytest.mark.parametrize("eid, fn, mistake, fragments", REALISTIC,
                         ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(REALISTIC)])
def test_realistic_matrix_mistakes_are_named(eid, fn, mistake, fragments):
    result = explain(eid, fn)
    assert not result.passed, str(result)
    if mistake is not None:
        assert result.mistake == mistake, str(result)
    for fragment in fragments:
        assert fragment in str(result), str(result)


def test_a_wrong_output_is_named_output_by_output():
    both = _layer(dW="Z.T @ delta", db="delta.sum(axis=1, keepdims=True)")
    result = explain("dense.backward", both)
    text = str(result)
    assert "2 of 3 outputs are wrong (dW, db)" in text
    assert "dW: dW uses Z (the pre-activation) where A_prev" in text or \
        "dW uses Z (the pre-activation) where A_prev" in text
    assert "axis 1" in text


# --- shape errors: the failing line's operation, with the actual shapes -------------------------

SHAPE_ERRORS = [
    ("dense.mlp_backward", _net(dW2="delta2 * A1.T"),
     "`delta2 * A1.T` multiplies elementwise (6, 1) by (4, 6), which numpy cannot broadcast",
     "dW2 must have shape (4, 1): a weight gradient is a matrix product that adds up the m "
     "examples."),
    ("dense.backward", _layer(dW="A_prev @ delta"),
     "`A_prev @ delta` multiplies as matrices (5, 3) by (5, 4): the inner sizes 3 and 5 differ",
     "dW must have shape (3, 4): A_prev needs a transpose."),
    ("dense.backward", _layer(delta="dA @ sigmoid_prime(Z)"),
     "`dA @ sigmoid_prime(Z)` multiplies as matrices (5, 4) by (5, 4)",
     "delta must have shape (5, 4): this product acts entry by entry (elementwise)."),
    ("dense.backward", _layer(dA_prev="delta @ W"),
     "`delta @ W` multiplies as matrices (5, 4) by (3, 4): the inner sizes 4 and 3 differ",
     "dA_prev must have shape (5, 3): W needs a transpose."),
    ("dense.mlp_backward", _net(delta1="delta2 * W2.T * sigmoid_prime(Z1)"),
     "`delta2 * W2.T` multiplies elementwise (5, 2) by (2, 7)",
     "delta1 must have shape (5, 7): this is a matrix product."),
    ("dense.forward", compile_learner("""def dense_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    return Z, sigmoid(Z)
""", "dense_forward"), "`np.dot(W, A_prev)` multiplies as matrices (3, 4) by (5, 3)",
     "Z must have shape (5, 4): the factors are in the wrong order."),
    ("sgd.train_step", compile_learner("""def train_step(X, y, W1, b1, W2, b2, lr):
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    delta2 = (A2 - y) / len(X)
    dW2 = A1.T @ delta2
    delta1 = delta2.T @ W2 * A1 * (1 - A1)
    return W1 - lr * X.T @ delta1, b1, W2 - lr * dW2, b2
""", "train_step"), "`delta2.T @ W2` multiplies as matrices (1, 6) by (4, 1)", None),
]


@pytest.mark.parametrize("eid, fn, what, why", SHAPE_ERRORS,
                         ids=[f"{s[0]}-{i}" for i, s in enumerate(SHAPE_ERRORS)])
def test_a_shape_error_names_the_operation_and_its_shapes(eid, fn, what, why):
    result = explain(eid, fn)
    assert result.mistake == "shape-error", str(result)
    assert what in result.summary, result.summary
    if why:
        assert why in result.summary, result.summary
    assert "; it is `" not in result.summary and ", `" not in result.summary.split("must have")[-1]
    assert f"(numpy refused it in {fn.__name__}, line" in result.summary


def test_an_operand_made_with_the_wrong_shape_is_explained_where_it_was_made():
    result = explain("dense.backward", _layer(delta="dA @ sigmoid_prime(Z).T"))
    assert result.mistake == "shape-error"
    assert result.summary.startswith(
        "delta has shape (5, 5), but it must have shape (5, 4): on line 2, "
        "`dA @ sigmoid_prime(Z).T` multiplies as matrices (5, 4) by (4, 5), giving (5, 5); "
        "delta must have shape (5, 4): this product acts entry by entry (elementwise). Then "
        "`delta @ W.T`"), result.summary


def test_a_bias_summed_over_the_wrong_axis_is_named_in_a_shape_error():
    fn = compile_learner("""def train_step(X, y, W1, b1, W2, b2, lr):
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    delta2 = (A2 - y) / len(X)
    delta1 = delta2 @ W2.T * A1 * (1 - A1)
    return (W1 - lr * X.T @ delta1, b1 - lr * delta1.sum(axis=1, keepdims=True).T,
            W2 - lr * A1.T @ delta2, b2 - lr * delta2.sum(axis=0, keepdims=True))
""", "train_step")
    summary = explain("sgd.train_step", fn).summary
    assert "subtracts (1, 4) and (1, 6)" in summary
    assert ("b1 must have shape (1, 4): `delta1.sum(axis=1, keepdims=True)` sums over axis 1, "
            "the units: one number per example; a bias gradient adds up the examples, axis 0."
            ) in summary
    assert "axis=0, keepdims=True" not in summary          # the fixed line is not handed out


def test_a_shape_error_never_calls_learner_objects():
    class Sneaky:
        calls = 0

        @property
        def T(self):                                 # noqa: N802
            Sneaky.calls += 1
            return self

        def __matmul__(self, other):
            raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0")

    def dense_backward(dA, A_prev, W, Z):
        weird = Sneaky()
        return weird @ dA, dA.sum(axis=0, keepdims=True), dA @ W.T

    result = explain("dense.backward", dense_backward)
    assert result.mistake == "shape-error" and Sneaky.calls == 0
    assert "numpy could not combine the shapes" in result.summary


def test_a_shape_error_in_a_helper_function_is_found_in_the_helper():
    source = """def helper(delta, A_prev):
    return delta @ A_prev

def dense_backward(dA, A_prev, W, Z):
    delta = dA * sigmoid_prime(Z)
    return helper(delta, A_prev), delta.sum(axis=0, keepdims=True), delta @ W.T
"""
    result = explain("dense.backward", compile_learner(source, "dense_backward"))
    assert "`delta @ A_prev` multiplies as matrices (5, 4) by (5, 3)" in result.summary
    assert "numpy refused it in helper, line 2" in result.summary


# --- correct answers in many forms ---------------------------------------------------------------

def backward_loops(dA, A_prev, W, Z):
    m, n_in = A_prev.shape
    dW, db, dA_prev = np.zeros_like(W), np.zeros((1, W.shape[1])), np.zeros_like(A_prev)
    for k in range(m):
        dz = dA[k] * sigmoid(Z[k]) * (1 - sigmoid(Z[k]))
        dW += np.outer(A_prev[k], dz)
        db[0] += dz
        dA_prev[k] = W @ dz
    return dW, db, dA_prev


def backward_einsum(dA, A_prev, W, Z):
    delta = np.einsum("mo,mo->mo", dA, sigmoid_prime(Z))
    return (np.einsum("mi,mo->io", A_prev, delta), np.sum(delta, axis=0)[None, :],
            np.einsum("mo,io->mi", delta, W))


def backward_transposed_order(dA, A_prev, W, Z):
    delta = sigmoid_prime(Z) * dA
    return (delta.T @ A_prev).T, delta.sum(0).reshape(1, -1), (W @ delta.T).T


def mlp_loops(X, y, W1, b1, W2, b2):
    grads = {k: np.zeros_like(v) for k, v in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))}
    m = len(X)
    for k in range(m):
        a1 = sigmoid(X[k] @ W1 + b1[0])
        a2 = sigmoid(a1 @ W2 + b2[0])
        d2 = (a2 - y[k]) * a2 * (1 - a2) / m
        d1 = (W2 @ d2) * a1 * (1 - a1)
        grads["W2"] += np.outer(a1, d2)
        grads["b2"][0] += d2
        grads["W1"] += np.outer(X[k], d1)
        grads["b1"][0] += d1
    return grads


def step_in_place(X, y, W1, b1, W2, b2, lr):
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    delta2 = (A2 - y) / X.shape[0]
    delta1 = (delta2 @ W2.T) * sigmoid_prime(X @ W1 + b1)
    W2 -= lr * A1.T @ delta2
    b2 -= lr * delta2.sum(axis=0, keepdims=True)
    W1 -= lr * np.einsum("mi,mh->ih", X, delta1)
    b1 -= lr * delta1.sum(axis=0)
    return W1, b1, W2, b2


def step_copy_first(X, y, W1, b1, W2, b2, lr):
    W2_old = W2.copy()
    A1 = sigmoid(X @ W1 + b1)
    delta2 = (sigmoid(A1 @ W2 + b2) - y) / len(X)
    W2 = W2 - lr * (A1.T @ delta2)
    delta1 = delta2 @ W2_old.T * A1 * (1 - A1)
    return W1 - lr * X.T @ delta1, b1 - lr * delta1.sum(0, keepdims=True), W2, \
        b2 - lr * delta2.sum(0, keepdims=True)


def deltas_via_chain(z, y):
    a = sigmoid(z)
    m = len(z)
    dA_ce = (a - y) / (a * (1 - a)) / m
    return dA_ce * sigmoid_prime(z), ((a - y) / m) * sigmoid_prime(z)


@pytest.mark.parametrize("eid, answer", [
    ("dense.backward", backward_loops), ("dense.backward", backward_einsum),
    ("dense.backward", backward_transposed_order), ("dense.mlp_backward", mlp_loops),
    ("sgd.train_step", train_step.train_step), ("sgd.train_step", step_in_place),
    ("sgd.train_step", step_copy_first), ("sgd.output_deltas", deltas_via_chain),
    ("sgd.output_deltas", deltas.output_deltas),
])
def test_correct_answers_in_many_forms_pass(eid, answer):
    result = explain(eid, answer)
    assert result.passed, str(result)


def test_train_step_reference_is_one_step_of_the_library_mlp():
    from course.nn.mlp import MLP

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, (7, 2)).astype(float)
    model = MLP((3, 5, 2), activation="sigmoid", output_activation="sigmoid", seed=1)
    W1, W2 = (w.copy() for w in model.weights)
    b1, b2 = (b.copy() for b in model.biases)
    _, grads = model.loss_and_grads(X, y, loss="bce")
    new = train_step.train_step(X, y, W1, b1, W2, b2, 0.3)
    expected = (W1 - 0.3 * grads["W"][0], b1 - 0.3 * grads["b"][0],
                W2 - 0.3 * grads["W"][1], b2 - 0.3 * grads["b"][1])
    for got, want in zip(new, expected):
        np.testing.assert_allclose(got, want, rtol=1e-10)


def test_output_deltas_reference_matches_finite_differences():
    from course.nn.gradcheck import numerical_gradient
    from course.nn.losses import bce as bce_loss
    from course.nn.losses import mse

    rng = np.random.default_rng(0)
    z, y = rng.normal(size=(5, 3)), rng.integers(0, 2, (5, 3)).astype(float)
    ce, se = deltas.output_deltas(z, y)
    np.testing.assert_allclose(ce, numerical_gradient(lambda v: bce_loss(sigmoid(v), y),
                                                      z.copy()), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(se, numerical_gradient(lambda v: mse(sigmoid(v), y), z.copy()),
                               rtol=1e-6, atol=1e-9)
