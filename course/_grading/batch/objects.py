"""The course's public objects as plain data, on both sides of the channel.

A check hands some answers the course's own objects: a ``DiamondNet`` (``backprop.backward``,
``gradcheck.loss_check``), an ``MLP`` (``sgd.sgd_step``, ``sgd.train``), a numpy
``Generator`` (``minibatch.batches``). Such an object crosses the channel as its *kind* and
its *state* — plain numbers, strings and arrays (``state``) — and is rebuilt on the other side
(``build``): in the sandbox as the public class, for the learner to use; in the grader (an
object the learner's code made or returned) as the public class again, from validated plain
values only. Nothing of a learner's own class is ever rebuilt here.

A checker may hand in a *subclass* of one of these (a ``DiamondNet`` whose ``backward`` is
switched off, an ``MLP`` that records its ``loss_and_grads`` calls): its own methods
(``hooks``) are not sent; the sandbox's copy calls them back over the channel, so they keep
running in the grader, on the grader's object (``course._grading.batch.remote``).
"""

from __future__ import annotations

import json

import numpy as np

from course.nn.mlp import ACTIVATIONS, MLP
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["kind_of", "state", "build", "assign", "attributes", "hooks", "ObjectError"]


class ObjectError(ValueError):
    """A state that is not what its kind holds."""


_BASES = {"DiamondNet": DiamondNet, "MLP": MLP, "Generator": np.random.Generator}
_MLP_ATTRS = ("activations", "dtype", "sizes", "seed", "weights", "biases")


def kind_of(obj) -> str | None:
    """The public kind ``obj`` is an instance of (a subclass counts), else ``None``."""
    for cls in type(obj).__mro__:
        for name, base in _BASES.items():
            if cls is base:
                return name
    return None


def base_of(kind: str) -> type:
    return _BASES[kind]


def attributes(kind: str) -> tuple[str, ...]:
    """The attributes an answer may change (their state comes back after each call)."""
    return {"DiamondNet": PARAMS, "MLP": ("weights", "biases"), "Generator": ()}[kind]


def hooks(obj, kind: str) -> list[str]:
    """The methods ``obj``'s class defines below the public base (called back, not sent)."""
    names: list[str] = []
    for cls in type(obj).__mro__:
        if cls is _BASES[kind]:
            break
        names += [n for n, v in vars(cls).items()
                  if callable(v) and not n.startswith("__") and n not in names]
    return names


def state(obj, kind: str) -> dict:
    """``obj``'s state: a dict of plain values (numbers, strings, arrays, lists of them)."""
    if kind == "Generator":
        return {"bit_generator": json.dumps(obj.bit_generator.state)}
    out = {a: getattr(obj, a) for a in (_MLP_ATTRS if kind == "MLP" else PARAMS)}
    if kind == "MLP":
        out["dtype"] = np.dtype(out["dtype"]).name
        out["sizes"] = [int(n) for n in out["sizes"]]
        out["seed"] = out["seed"] if isinstance(out["seed"], int) else None
        out["weights"], out["biases"] = list(out["weights"]), list(out["biases"])
        out["activations"] = list(out["activations"])
    return out


def build(kind: str, values: dict, cls: type | None = None):
    """A new object of ``kind`` (or of ``cls``, a subclass) from ``state``'s values, checked:
    ``ObjectError`` for anything else."""
    if kind not in _BASES or not isinstance(values, dict):
        raise ObjectError(f"no public kind {str(kind)[:40]!r}")
    cls = cls or _BASES[kind]
    if kind == "Generator":
        return _generator(values)
    obj = cls.__new__(cls)
    if kind == "DiamondNet":
        for name in PARAMS:
            value = values.get(name)
            if not (type(value) in (float, int) or isinstance(value, (np.floating, np.ndarray))
                    and np.asarray(value).dtype.kind in "fi"):
                raise ObjectError(f"DiamondNet.{name} is not a number")
            setattr(obj, name, value)
        return obj
    return _mlp(obj, values)


def apply(obj, kind: str, values: dict) -> None:
    """Set ``obj``'s state from checked ``values`` (keeps ``obj``'s own class and extras)."""
    fresh = build(kind, values)
    if kind == "Generator":
        obj.bit_generator.state = fresh.bit_generator.state
        return
    for name in (_MLP_ATTRS if kind == "MLP" else PARAMS):
        setattr(obj, name, getattr(fresh, name))
    if kind == "MLP":
        obj._workspaces = {}


def _generator(values: dict):
    try:
        spec = json.loads(values["bit_generator"])
        rng = np.random.Generator(np.random.PCG64())
        if not (isinstance(spec, dict) and spec.get("bit_generator") == "PCG64"):
            raise ObjectError("only PCG64 generators")
        rng.bit_generator.state = spec
    except (KeyError, TypeError, ValueError) as err:
        raise ObjectError(f"not a generator state ({type(err).__name__})") from None
    return rng


def _arrays(values, n: int, what: str) -> list:
    if not (isinstance(values, list) and len(values) == n and all(
            isinstance(a, np.ndarray) and a.dtype.kind in "fi" for a in values)):
        raise ObjectError(f"MLP.{what} is not a list of {n} arrays of numbers")
    return values


def _mlp(obj, values: dict):
    sizes, activations = values.get("sizes"), values.get("activations")
    if not (isinstance(sizes, list) and 2 <= len(sizes) <= 64
            and all(type(n) is int and 0 < n for n in sizes)):
        raise ObjectError("MLP.sizes is not a list of positive widths")
    if not (isinstance(activations, list) and len(activations) == len(sizes) - 1
            and all(isinstance(a, str) and a in ACTIVATIONS for a in activations)):
        raise ObjectError("MLP.activations is not a list of known names")
    if values.get("dtype") not in ("float32", "float64"):
        raise ObjectError("MLP.dtype is not float32 or float64")
    seed = values.get("seed")
    obj.activations = list(activations)
    obj.dtype = np.dtype(values["dtype"])
    obj.sizes, obj.seed = tuple(sizes), seed if type(seed) is int else 0
    obj.weights = _arrays(values.get("weights"), len(sizes) - 1, "weights")
    obj.biases = _arrays(values.get("biases"), len(sizes) - 1, "biases")
    obj._workspaces = {}
    return obj


def assign(obj, kind: str, values) -> None:
    """Set the changeable attributes of ``obj`` from plain ``values`` (a state), in place
    where the arrays' shapes agree (code on this side may hold those arrays)."""
    if not isinstance(values, dict):
        return
    for name in attributes(kind):
        if name not in values:
            continue
        new, old = values[name], getattr(obj, name, None)
        if isinstance(new, list) and isinstance(old, list) and len(new) == len(old) and all(
                isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.flags.writeable for a, b in zip(old, new)):
            for a, b in zip(old, new):
                np.copyto(a, b, casting="unsafe")
        else:
            setattr(obj, name, new)
