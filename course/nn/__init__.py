"""The subject: the code a learner is invited to read.

Each concept is one module, named as in the lessons:

``activations``  sigmoid, tanh, ReLU and their derivatives (accurate in the tails)
``losses``       squared error and cross-entropy, with their gradients
``networks``     ``DiamondNet``, the worked example's network (and ``diamond_values``, the
                 same network built of autograd ``Value`` objects)
``graph``        the computational-graph core: nodes, local derivatives, topological order,
                 paths from a node to the output
``autograd``     ``Value``, a scalar autograd engine built on ``graph``
``mlp``          a vectorized multi-layer perceptron (``MLP``)
``gradcheck``    numerical gradients and relative error
``datasets``     small 2-D data sets made on the spot (XOR, moons, spirals)
``train``        the SGD loop, accuracy and per-layer gradient norms

Nothing here imports anything else of ``course``: the checker, the widgets and the grader
are built on top of this package, never the other way round.
"""

import importlib

_MODULES = ("activations", "losses", "networks", "graph", "autograd", "mlp", "gradcheck",
            "datasets", "train")
__all__ = list(_MODULES)


def __getattr__(name):
    """``course.nn.mlp`` and friends work after a bare ``import course.nn``."""
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
