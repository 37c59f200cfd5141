"""The batch grader's verdict equals the notebook's ``check()`` for answers handed objects.

Each answer below is graded twice: by ``check``'s path in this process, and by the batch
grader — the answer served in its bubblewrap sandbox, the check (answer key and mistake
space) here, the checker's functions called back over the channel, the course's public
objects (``DiamondNet``, ``MLP``, a numpy ``Generator``) crossing as their state, and the
answer's changes to its arguments written back. Right answers, named mistakes and answers
that raise must get the same status, mistake id and summary.
"""

from __future__ import annotations

import pytest
from remote_harness import Served, in_notebook, learner_namespace

from course._grading.batch.sandbox import check_works

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(check_works() is not None, reason="bwrap is not installed")]

HEADER = """
import numpy as np
from course.nn.networks import PARAMS, DiamondNet

def O_at(I):
    return lambda **params: DiamondNet(**params).output(I)

def relative_error(a, b):
    return abs(a - b) / max(abs(a) + abs(b), 1e-12)

def numerical_gradient(f, params, eps=1e-6):
    grads, p = {}, dict(params)
    for name, x in params.items():
        p[name] = x + eps
        f_plus = f(**p)
        p[name] = x - eps
        f_minus = f(**p)
        p[name] = x
        grads[name] = (f_plus - f_minus) / (2 * eps)
    return grads

def check_loss(backward, net, I, y):
    analytic = backward(net, I, y)
    def L(**params):
        return 0.5 * (DiamondNet(**params).output(I) - y) ** 2
    numeric = numerical_gradient(L, net.params)
    return {k: relative_error(analytic[k], numeric[k]) for k in PARAMS}

def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)

def sgd_step(model, grads, lr):
    for W, dW in zip(model.weights, grads["W"]):
        W -= lr * dW
    for b, db in zip(model.biases, grads["b"]):
        b -= lr * db

def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, len(X), batch_size)]

def step(params, X, y, lr):
    m = X.shape[0]
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    P = softmax(Z2)
    loss = -np.mean(np.log(P[np.arange(m), y]))
    dZ2 = (P - np.eye(10)[y]) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)
    for name, grad in (("W1", dW1), ("b1", db1), ("W2", dW2), ("b2", db2)):
        params[name] -= lr * grad
    return loss
"""

#: exercise id -> (answer name, {case: source defining it})
ANSWERS = {
    "chain.central_difference": ("central_difference", {
        "right": "def central_difference(f, x, h=1e-5):\n"
                 "    return (f(x + h) - f(x - h)) / (2 * h)",
        "forward": "def central_difference(f, x, h=1e-5):\n    return (f(x + h) - f(x)) / h",
        "precedence": "def central_difference(f, x, h=1e-5):\n"
                      "    return f(x + h) - f(x - h) / (2 * h)",
        "raises": "def central_difference(f, x, h=1e-5):\n    return f(x, h)",
        "stub": "def central_difference(f, x, h=1e-5):\n    raise NotImplementedError('x')",
    }),
    "gradcheck.numerical_gradient": ("numerical_gradient", {
        "right": "pass",
        "mutates": "def numerical_gradient(f, params, eps=1e-6):\n"
                   "    grads = {}\n"
                   "    for name, x in params.items():\n"
                   "        params[name] = x + eps\n        up = f(**params)\n"
                   "        params[name] = x - eps\n        down = f(**params)\n"
                   "        params[name] = x + 0.5\n"
                   "        grads[name] = (up - down) / (2 * eps)\n"
                   "    return grads",
        "returns-params": "def numerical_gradient(f, params, eps=1e-6):\n"
                          "    g = {k: (f(**{**params, k: x + eps}) - f(**{**params, k: x - eps}))"
                          " / (2 * eps) for k, x in params.items()}\n"
                          "    params.update(g)\n    return params",
        "all-at-once": "def numerical_gradient(f, params, eps=1e-6):\n"
                       "    up = f(**{k: x + eps for k, x in params.items()})\n"
                       "    down = f(**{k: x - eps for k, x in params.items()})\n"
                       "    return {k: (up - down) / (2 * eps) for k in params}",
        "positional": "def numerical_gradient(f, params, eps=1e-6):\n"
                      "    return {k: f(params) for k in params}",
    }),
    "gradcheck.find_bug": ("find_bug", {
        "right": "def find_bug(gradient):\n"
                 "    rng = np.random.default_rng(0)\n"
                 "    for _ in range(3):\n"
                 "        params = {k: rng.uniform(-1.5, 1.5) for k in PARAMS}\n"
                 "        I = rng.choice([-1, 1]) * rng.uniform(0.5, 2.0)\n"
                 "        y = rng.uniform(0, 1)\n"
                 "        errors = check_loss(gradient, DiamondNet(**params), I, y)\n"
                 "        worst = max(errors, key=errors.get)\n"
                 "        if errors[worst] > 1e-4:\n            return worst\n"
                 "    return None",
        "worked-example-only": "def find_bug(gradient):\n"
                 "    errors = check_loss(gradient, DiamondNet(), 1.0, 0.0)\n"
                 "    worst = max(errors, key=errors.get)\n"
                 "    return worst if errors[worst] > 1e-4 else None",
        "old-signature": "def find_bug(gradient):\n"
                         "    return 'w4' if gradient(DiamondNet(), 1.0) else None",
        "always-w4": "def find_bug(gradient):\n    return 'w4'",
        "stub-helper": "def helper():\n    raise NotImplementedError\n"
                       "def find_bug(gradient):\n    return helper()",
    }),
    "gradcheck.loss_check": ("check_loss", {
        "right": "def check_loss(backward, net, I, y):\n"
                 "    analytic = backward(net, I, y)\n"
                 "    def L(**params):\n"
                 "        return 0.5 * (DiamondNet(**params).output(I) - y) ** 2\n"
                 "    numeric = numerical_gradient(L, net.params)\n"
                 "    return {k: relative_error(analytic[k], numeric[k]) for k in PARAMS}",
        "of-output": "def check_loss(backward, net, I, y):\n"
                     "    analytic = backward(net, I, y)\n"
                     "    numeric = numerical_gradient(O_at(I), net.params)\n"
                     "    return {k: relative_error(analytic[k], numeric[k]) for k in PARAMS}",
    }),
    "backprop.backward": ("backward", {
        "right": "def backward(net, I, y):\n"
                 "    f = net.forward(I)\n"
                 "    dO = (f['O'] - y) * f['O'] * (1 - f['O'])\n"
                 "    d2 = dO * net.w4 * f['h2'] * (1 - f['h2'])\n"
                 "    d3 = dO * net.w5 * f['h3'] * (1 - f['h3'])\n"
                 "    d1 = (d2 * net.w2 + d3 * net.w3) * f['h1'] * (1 - f['h1'])\n"
                 "    return {'w1': d1 * I, 'w2': d2 * f['h1'], 'w3': d3 * f['h1'],\n"
                 "            'w4': dO * f['h2'], 'w5': dO * f['h3'],\n"
                 "            'b1': d1, 'b2': d2, 'b3': d3, 'b4': dO}",
        "no-I": "def backward(net, I, y):\n"
                "    f = net.forward(I)\n"
                "    dO = (f['O'] - y) * f['O'] * (1 - f['O'])\n"
                "    d2 = dO * net.w4 * f['h2'] * (1 - f['h2'])\n"
                "    d3 = dO * net.w5 * f['h3'] * (1 - f['h3'])\n"
                "    d1 = (d2 * net.w2 + d3 * net.w3) * f['h1'] * (1 - f['h1'])\n"
                "    return {'w1': d1, 'w2': d2 * f['h1'], 'w3': d3 * f['h1'],\n"
                "            'w4': dO * f['h2'], 'w5': dO * f['h3'],\n"
                "            'b1': d1, 'b2': d2, 'b3': d3, 'b4': dO}",
        "no-loss-factor": "def backward(net, I, y):\n"
                          "    f = net.forward(I)\n"
                          "    dO = f['O'] * (1 - f['O'])\n"
                          "    d2 = dO * net.w4 * f['h2'] * (1 - f['h2'])\n"
                          "    d3 = dO * net.w5 * f['h3'] * (1 - f['h3'])\n"
                          "    d1 = (d2 * net.w2 + d3 * net.w3) * f['h1'] * (1 - f['h1'])\n"
                          "    return {'w1': d1 * I, 'w2': d2 * f['h1'], 'w3': d3 * f['h1'],\n"
                          "            'w4': dO * f['h2'], 'w5': dO * f['h3'],\n"
                          "            'b1': d1, 'b2': d2, 'b3': d3, 'b4': dO}",
        "no-target": "def backward(net, I):\n    return {}",
        "uses-switched-off": "def backward(net, I, y):\n    return net.gradient(I)",
    }),
    "sgd.sgd_step": ("sgd_step", {
        "right": "pass",
        "copy": "def sgd_step(model, grads, lr):\n"
                "    for W, dW in zip(model.weights, grads['W']):\n        W = W - lr * dW\n",
        "plus": "def sgd_step(model, grads, lr):\n"
                "    for l in range(len(model.weights)):\n"
                "        model.weights[l] = model.weights[l] + lr * grads['W'][l]\n"
                "        model.biases[l] += lr * grads['b'][l]",
    }),
    "sgd.train": ("train", {
        "right": "def train(model, X, y, epochs, lr):\n"
                 "    losses = []\n"
                 "    for epoch in range(epochs):\n"
                 "        loss, grads = model.loss_and_grads(X, y, loss='bce')\n"
                 "        sgd_step(model, grads, lr)\n"
                 "        losses.append(loss)\n"
                 "    return losses",
        "stale": "def train(model, X, y, epochs, lr):\n"
                 "    losses = []\n"
                 "    loss, grads = model.loss_and_grads(X, y, loss='bce')\n"
                 "    for epoch in range(epochs):\n"
                 "        sgd_step(model, grads, lr)\n"
                 "        losses.append(loss)\n"
                 "    return losses",
        "other-stub": "def sgd_step(model, grads, lr):\n    raise NotImplementedError\n"
                      "def train(model, X, y, epochs, lr):\n"
                      "    loss, grads = model.loss_and_grads(X, y, loss='bce')\n"
                      "    sgd_step(model, grads, lr)\n    return [loss]",
    }),
    "minibatch.batches": ("minibatches", {
        "right": "pass",
        "generator": "def minibatches(X, y, batch_size, rng):\n"
                     "    order = rng.permutation(len(X))\n"
                     "    for i in range(0, len(X), batch_size):\n"
                     "        yield X[order[i:i + batch_size]], y[order[i:i + batch_size]]",
        "X-only": "def minibatches(X, y, batch_size, rng):\n"
                  "    X = X[rng.permutation(len(X))]\n"
                  "    return [(X[i:i + batch_size], y[i:i + batch_size])\n"
                  "            for i in range(0, len(X), batch_size)]",
        "ignores-rng": "def minibatches(X, y, batch_size, rng):\n"
                       "    return minibatches_(X, y, batch_size, np.random.default_rng(0))\n"
                       "minibatches_ = minibatches\n"
                       "def minibatches_(X, y, batch_size, rng):\n"
                       "    order = rng.permutation(len(X))\n"
                       "    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])\n"
                       "            for i in range(0, len(X), batch_size)]",
    }),
    "digits.step": ("step", {
        "right": "pass",
        "no-1/m": "_step = step\ndef step(params, X, y, lr):\n"
                  "    return _step(params, X, y, lr * X.shape[0])",
    }),
    "digits.train": ("train", {
        "right": "def train(params, X, y, epochs, lr, batch_size, seed):\n"
                 "    rng = np.random.default_rng(seed)\n    losses = []\n"
                 "    for epoch in range(epochs):\n        total = 0.0\n"
                 "        for Xb, yb in minibatches(X, y, batch_size, rng):\n"
                 "            total += step(params, Xb, yb, lr) * len(Xb)\n"
                 "        losses.append(total / len(X))\n    return losses",
        "per-batch": "def train(params, X, y, epochs, lr, batch_size, seed):\n"
                     "    rng = np.random.default_rng(seed)\n"
                     "    return [step(params, Xb, yb, lr) for e in range(epochs)\n"
                     "            for Xb, yb in minibatches(X, y, batch_size, rng)]",
    }),
}
#: answers checked through values (no objects) that raise: the same readable message
ANSWERS.update({
    "dense.backward": ("dense_backward", {
        "right": "from course.nn.activations import sigmoid_prime\n"
                 "def dense_backward(dA, A_prev, W, Z):\n"
                 "    dZ = dA * sigmoid_prime(Z)\n"
                 "    return A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True), dZ @ W.T",
        "shape-error": "from course.nn.activations import sigmoid_prime\n"
                       "def dense_backward(dA, A_prev, W, Z):\n"
                       "    dZ = dA * sigmoid_prime(Z)\n"
                       "    dW = dZ @ A_prev\n"
                       "    return dW, dZ.sum(axis=0, keepdims=True), dZ @ W.T",
        "broadcast-error": "from course.nn.activations import sigmoid_prime\n"
                           "def dense_backward(dA, A_prev, W, Z):\n"
                           "    dZ = dA * sigmoid_prime(Z)\n"
                           "    dW = dZ * A_prev.T\n"
                           "    return dW, dZ.sum(axis=0, keepdims=True), dZ @ W.T",
    }),
    "diamond.dO_dw1": ("dO_dw1", {
        "raises": "def dO_dw1(I, w1, w2, w3, w4, w5, b1, b2, b3, b4, **rest):\n"
                  "    return {'a': 1}[I]",
        "stub": "def dO_dw1(I, w1, w2, w3, w4, w5, b1, b2, b3, b4, **rest):\n"
                "    raise NotImplementedError('write it')",
    }),
})
CASES = [(eid, case) for eid, (_, sources) in ANSWERS.items() for case in sources]


@pytest.fixture(scope="module")
def verdicts():
    """Every case graded both ways: ``(eid, case) -> (notebook, batch)``."""
    out = {}
    for eid, (name, sources) in ANSWERS.items():
        namespaces = {case: learner_namespace(HEADER + "\n" + src) for case, src in sources.items()}
        served = {f"{case}": ns[name] for case, ns in namespaces.items()}
        for case, ns in namespaces.items():
            with Served({name: ns[name]}) as server:
                out[eid, case] = (in_notebook(eid, served[case]), server.grade(eid))
    return out


@pytest.mark.parametrize(("eid", "case"), CASES, ids=[f"{e}-{c}" for e, c in CASES])
def test_the_batch_verdict_is_the_notebooks(verdicts, eid, case):
    notebook, batch = verdicts[eid, case]
    assert batch == notebook


def test_right_answers_pass_and_mistakes_fail_both_ways(verdicts):
    for (eid, case), (notebook, _) in verdicts.items():
        assert (notebook["status"] == "passed") == (case in ("right", "generator")), (eid, case)


def test_a_shape_error_in_the_sandbox_is_read_from_the_learners_own_line(verdicts):
    for case, line in (("shape-error", "`dZ @ A_prev`"), ("broadcast-error", "`dZ * A_prev.T`")):
        _, batch = verdicts["dense.backward", case]
        assert batch["mistake"] == "shape-error"
        line_no = HEADER.count("\n") + 5           # the fourth line of the answer's cell
        assert line in batch["summary"], batch
        assert f"numpy refused it in dense_backward, line {line_no})" in batch["summary"]
    _, batch = verdicts["diamond.dO_dw1", "raises"]
    assert "KeyError" in batch["summary"] and "(`return {'a': 1}[I]`)" in batch["summary"]


def test_no_sandbox_of_a_submission_mounts_the_answer_keys(tmp_path):
    from pathlib import Path

    import course
    from course._grading.batch.model import GradingOptions
    from course._grading.batch.pipeline import Batch

    batch = Batch(GradingOptions())
    try:
        for mode in ("execute", "serve"):
            command = batch.command(tmp_path, mode)
            mounted = [command[i + 1] for i, a in enumerate(command) if a.endswith("bind")]
            assert str(batch.public) in mounted
            assert str(Path(course.__file__).parent) not in mounted, mode
    finally:
        batch.close()


# -- the Value class of lesson 08: worked on by public drivers in the sandbox -----------------
VALUE = '''
import math

class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad = float(data), 0.0
        self._backward = lambda: None
        self._prev, self._op, self.label = set(_children), _op, label

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,), "**")
        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")
        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")
        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    __radd__ = __add__
    __rmul__ = __mul__
    def __neg__(self): return self * -1
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __truediv__(self, other): return self * other**-1
    def __rtruediv__(self, other): return other * self**-1

    def topo(self):
        order, visited, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((c, False) for c in node._prev)
        return order

    def backward(self):
        self.grad = 1.0
        for node in reversed(self.topo()):
            node._backward()

    def zero_grad(self):
        for node in self.topo():
            node.grad = 0.0
'''
RECURSIVE = '''
    def topo(self):
        order, visited = [], set()
        def build(v):
            if id(v) not in visited:
                visited.add(id(v))
                for c in v._prev:
                    build(c)
                order.append(v)
        build(self)
        return order
'''
#: variant -> (edits of VALUE: old -> new)
VARIANTS = {
    "right": {},
    "mul-assign": {"self.grad += other.data * out.grad": "self.grad = other.data * out.grad",
                   "other.grad += self.data * out.grad": "other.grad = self.data * out.grad"},
    "tanh-at-input": {"(1 - t**2)": "(1 - self.data**2)"},
    "tanh-not-attached": {"        out._backward = _backward\n        return out\n\n"
                          "    __radd__": "        return out\n\n    __radd__"},
    "not-reversed": {"reversed(self.topo())": "self.topo()"},
    "no-seed": {"        self.grad = 1.0\n": ""},
    "recursive-sort": {VALUE[VALUE.index("    def topo(self):"):VALUE.index("    def backward")]:
                       RECURSIVE + "\n"},
    "zero-root-only": {"        for node in self.topo():\n            node.grad = 0.0":
                       "        self.grad = 0.0"},
    "relu-wrong": {"(out.data > 0) * out.grad": "out.grad"},
    "no-class": {"class Value:": "class _Value:"},
}
AUTOGRAD = ("autograd.mul_backward", "autograd.tanh_backward", "autograd.backward",
            "autograd.zero_grad", "autograd.engine")


def _variant(edits: dict) -> str:
    source = VALUE
    for old, new in edits.items():
        assert old in source, old
        source = source.replace(old, new)
    if "class _Value" in source:
        source += "\ndef Value(data):\n    return _Value(data)\n"
    return source


@pytest.fixture(scope="module")
def autograd_verdicts():
    out = {}
    for variant, edits in VARIANTS.items():
        answer = learner_namespace(_variant(edits))["Value"]
        with Served({"Value": answer}) as server:
            for eid in AUTOGRAD:
                out[eid, variant] = (in_notebook(eid, answer), server.grade(eid))
    return out


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_value_class_gets_the_notebooks_verdicts(autograd_verdicts, variant):
    for eid in AUTOGRAD:
        notebook, batch = autograd_verdicts[eid, variant]
        assert batch == notebook, eid


def test_the_value_variants_are_caught_by_their_own_exercise(autograd_verdicts):
    expected = {("autograd.mul_backward", "mul-assign"): "assign-not-accumulate",
                ("autograd.tanh_backward", "tanh-at-input"): "derivative-at-input",
                ("autograd.tanh_backward", "tanh-not-attached"): "not-attached",
                ("autograd.backward", "not-reversed"): "not-reversed",
                ("autograd.backward", "no-seed"): "no-seed",
                ("autograd.backward", "recursive-sort"): "recursive-sort",
                ("autograd.zero_grad", "zero-root-only"): "root-only",
                ("autograd.engine", "relu-wrong"): "engine-test-fails"}
    for key, mistake in expected.items():
        assert autograd_verdicts[key][1]["mistake"] == mistake, key
    assert all(autograd_verdicts[eid, "right"][1]["status"] == "passed" for eid in AUTOGRAD)
