"""The 1-1-2-1 "diamond" network of the worked example.

::

    I --w1--> h1 --w2--> h2 --w4--> O
                 \\--w3--> h3 --w5--/

    h1 = s(I*w1 + b1), h2 = s(h1*w2 + b2), h3 = s(h1*w3 + b3), O = s(h2*w4 + h3*w5 + b4)

``DiamondNet`` is the network three ways, all from the same parameters:

* ``forward`` / ``backward``: the lessons' equations with numbers (or numpy arrays,
  broadcast elementwise, so one point or many); ``backward`` is the course's one written-out
  backward pass of the diamond (the stepper, the lesson-05 checker and the pictures use it);
* ``graph()``: the computational graph of ``course.nn.graph`` (paths and named factors);
  ``graph(loss=True)`` adds the loss node L = ½(O − y)² with the target ``y``;
* ``diamond_values``: the same network built of autograd ``Value`` objects (lesson 08).

From lesson 03 on the lessons differentiate the loss L = ½(O − y)² of a target ``y``:
``loss(I, y)``, ``backward(I, y)`` (deltas δ = ∂L/∂z, δO = (O − y)·s'(zO)) and
``loss_gradient(I, y)`` (∂L/∂param). Without ``y``, ``backward(I)`` and ``gradient(I)`` stay
what they were: dO/dz and dO/d(param), the output's own derivatives.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.autograd import Value
from course.nn.graph import Graph

__all__ = ["DiamondNet", "diamond_values", "WEIGHTS", "BIASES", "PARAMS"]

WEIGHTS = ("w1", "w2", "w3", "w4", "w5")
BIASES = ("b1", "b2", "b3", "b4")
PARAMS = WEIGHTS + BIASES


@dataclass
class DiamondNet:
    """The diamond network; defaults are the worked example (weights 0.5, biases 1).

    Examples
    --------
    >>> net = DiamondNet()
    >>> round(net.gradient(1.0)["w1"], 13)
    0.0014291881022
    """

    w1: float = 0.5
    w2: float = 0.5
    w3: float = 0.5
    w4: float = 0.5
    w5: float = 0.5
    b1: float = 1.0
    b2: float = 1.0
    b3: float = 1.0
    b4: float = 1.0

    @property
    def params(self) -> dict:
        """The nine parameters as a dict ``{"w1": ..., "b4": ...}``."""
        return asdict(self)

    def replace(self, **changes) -> DiamondNet:
        """A copy with some parameters changed (unknown names raise ``TypeError``)."""
        return DiamondNet(**{**self.params, **changes})

    def forward(self, I) -> dict:
        """Every intermediate of the forward pass.

        Returns
        -------
        dict
            ``z1, h1, z2, h2, z3, h3, zO, O`` (floats, or arrays broadcast with ``I``
            and the parameters).
        """
        z1 = I * self.w1 + self.b1
        h1 = sigmoid(z1)
        z2 = h1 * self.w2 + self.b2
        h2 = sigmoid(z2)
        z3 = h1 * self.w3 + self.b3
        h3 = sigmoid(z3)
        zO = h2 * self.w4 + h3 * self.w5 + self.b4
        O = sigmoid(zO)
        return {"z1": z1, "h1": h1, "z2": z2, "h2": h2, "z3": z3, "h3": h3, "zO": zO, "O": O}

    def output(self, I):
        """The network's output O for input I."""
        return self.forward(I)["O"]

    def loss(self, I, y):
        """The squared-error loss L = ½(O − y)² of the output O for the target ``y``."""
        return 0.5 * (self.output(I) - y) ** 2

    def backward(self, I, y=None) -> dict:
        """One backward pass: the deltas at every node and the nine parameter gradients.

        With a target ``y`` everything is a derivative of the loss L = ½(O − y)² (the
        lessons' δ = ∂L/∂z); without one, of the output O itself (δ = dO/dz). With ``s'(z)``
        the sigmoid's derivative at the node's pre-activation::

            δO = (O − y)·s'(zO)            (dL/dO = O − y; without y that factor is 1)
            δ2 = δO·w4·s'(z2)             δ3 = δO·w5·s'(z3)
            δ1 = (δ2·w2 + δ3·w3)·s'(z1)   (h1 feeds h2 and h3: the two paths add)
            ∂/∂w = δ of the node the edge enters × the value on the edge;   ∂/∂b = δ

        Returns
        -------
        dict
            ``forward`` (the cache it used), ``s_prime`` (s'(z) at ``zO, z2, z3, z1``: the
            local derivatives of the activations), ``deltas`` (at ``zO, z2, z3, z1``),
            ``grads`` (the nine parameter gradients) and, with ``y``, ``loss`` (L) and
            ``dL_dO`` (O − y). Floats, or arrays broadcast with ``I``.
        """
        f = self.forward(I)
        # s'(z) at every node, accurate in the tails (h(1 - h) would round to 0 there)
        ds = {z: sigmoid_prime(f[z]) for z in ("zO", "z2", "z3", "z1")}
        dL_dO = 1.0 if y is None else f["O"] - y                # dL/dO: the loss factor
        delta_O = dL_dO * ds["zO"]                              # at zO
        delta_2 = delta_O * self.w4 * ds["z2"]                  # at z2: through w4
        delta_3 = delta_O * self.w5 * ds["z3"]                  # at z3: through w5
        # h1 feeds both h2 and h3, so its delta collects both paths (the sum rule)
        delta_1 = (delta_2 * self.w2 + delta_3 * self.w3) * ds["z1"]
        grads = {
            "w1": delta_1 * I, "w2": delta_2 * f["h1"], "w3": delta_3 * f["h1"],
            "w4": delta_O * f["h2"], "w5": delta_O * f["h3"],
            "b1": delta_1, "b2": delta_2, "b3": delta_3, "b4": delta_O,
        }
        deltas = {"zO": delta_O, "z2": delta_2, "z3": delta_3, "z1": delta_1}
        out = {"forward": f, "s_prime": ds, "deltas": deltas, "grads": grads}
        if y is not None:
            out.update(loss=0.5 * dL_dO ** 2, dL_dO=dL_dO)
        return out

    def gradient(self, I) -> dict:
        """dO/d(param) for ``w1..w5`` and ``b1..b4`` at input I (the output's derivatives)."""
        return self.backward(I)["grads"]

    def loss_gradient(self, I, y) -> dict:
        """∂L/∂(param) of the loss L = ½(O − y)² for ``w1..w5`` and ``b1..b4``.

        >>> g = DiamondNet().loss_gradient(1.0, 1.0)
        >>> round(g["w1"] / DiamondNet().gradient(1.0)["w1"], 10)   # = O − y
        -0.1414164894
        """
        return self.backward(I, y)["grads"]

    @staticmethod
    def graph(loss: bool = False) -> Graph:
        """The diamond as a computational graph (``course.nn.graph``): free names ``I``,
        ``w1..w5``, ``b1..b4``; named nodes ``z1, h1, z2, h2, z3, h3, zO, O``.

        With ``loss=True`` the loss follows O: a free name ``y`` (the target) and the nodes
        ``e = O − y``, ``e2 = e²`` and ``L = ½·e2``, whose edges multiply to dL/dO = O − y.

        >>> g = DiamondNet.graph()
        >>> [" ".join(g.factor_names(p)) for p in g.paths("w1", "O")]
        ["I 1 s'(z1) w2 1 s'(z2) w4 1 1 s'(zO)", "I 1 s'(z1) w3 1 s'(z3) w5 1 1 s'(zO)"]
        >>> " ".join(DiamondNet.graph(loss=True).factor_names(
        ...     DiamondNet.graph(loss=True).paths("O", "L")[0]))
        '1 2·e ½'
        """
        g = Graph()
        I, (w1, w2, w3, w4, w5), (b1, b2, b3, b4) = (
            g.input("I"), [g.input(w) for w in WEIGHTS], [g.input(b) for b in BIASES])
        h1 = g.sigmoid(g.add(g.mul(I, w1), b1, name="z1"), name="h1")
        h2 = g.sigmoid(g.add(g.mul(h1, w2), b2, name="z2"), name="h2")
        h3 = g.sigmoid(g.add(g.mul(h1, w3), b3, name="z3"), name="h3")
        zO = g.add(g.add(g.mul(h2, w4), g.mul(h3, w5)), b4, name="zO")
        O = g.sigmoid(zO, name="O")
        if loss:                                    # L = ½(O − y)²: dL/dO = ½·2e·1 = O − y
            e = g.sub(O, g.input("y"), name="e")
            g.mul(g.const(0.5, "½"), g.pow(e, 2, name="e2"), name="L")
        return g


def diamond_values(I=1.0, **params):
    """The diamond network built from autograd ``Value`` objects (lessons 03-05 and 08).

    Parameters
    ----------
    I : float
        The input.
    **params : float
        Any of ``w1..w5, b1..b4``; the rest take ``DiamondNet``'s defaults (0.5 and 1).

    Returns
    -------
    (Value, dict)
        The output ``O`` and ``{"w1": Value, ..., "b4": Value}``. After ``O.backward()``
        every ``params[name].grad`` equals ``DiamondNet(**params).gradient(I)[name]``.
    """
    unknown = sorted(set(params) - set(PARAMS))
    if unknown:
        raise TypeError(
            f"unknown diamond parameter(s) {unknown}; the parameters are {', '.join(PARAMS)}."
        )
    p = {name: Value(value, label=name) for name, value in DiamondNet(**params).params.items()}
    I = Value(I, label="I")
    z1 = I * p["w1"] + p["b1"]
    h1 = z1.sigmoid()
    z2 = h1 * p["w2"] + p["b2"]
    h2 = z2.sigmoid()
    z3 = h1 * p["w3"] + p["b3"]
    h3 = z3.sigmoid()
    zO = h2 * p["w4"] + h3 * p["w5"] + p["b4"]
    O = zO.sigmoid()
    for node, name in [(z1, "z1"), (h1, "h1"), (z2, "z2"), (h2, "h2"), (z3, "z3"), (h3, "h3"),
                       (zO, "zO"), (O, "O")]:
        node.label = name
    return O, p
