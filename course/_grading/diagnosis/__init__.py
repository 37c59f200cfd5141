"""A scalar diagnosis generated from the computational graph: edits of the sum over paths.

The true derivative of an output with respect to a parameter is a sum over the graph's
paths of products of local derivatives (``course.nn.graph``)::

    dO/dw1 = Σ over paths w1 → … → O of Π (the local derivative on each edge)
           = d(zO)·w4·d(z2)·w2·d(z1)·I + d(zO)·w5·d(z3)·w3·d(z1)·I

A learner's wrong answer is, most of the time, that sum with one or two *edits*: a factor
dropped on one path or on every path (a weight, an s′, the input, a specific factor), a
path missing or counted twice, the paths multiplied, the factors along a path added,
s′ taken at the activation (d(h2) for d(z2)), the activation itself where s′ belongs
(s(zO) for d(zO)), weights swapped between paths, a chain-rule constant missing, the
derivative of the wrong node or with respect to the wrong variable, the upstream loss
factor missing, the sign. ``edits.generate`` lists them all, alone and in pairs;
``table.CandidateTable`` evaluates every candidate once per (exercise, points) — the
exercise's catalogue first, then the single edits, then the pairs — and ``diagnose``
compares the learner's values with all of them in one vectorized step. The first match
is named in the lesson's variables (``words``): "on the path through h2 you left out
w4·w2 (= 0.25 at the worked example)".

How an exercise declares it
---------------------------
A scalar exercise whose answer is d(output)/d(wrt) in a graph adds ``graph=`` to its
``ScalarSpec``::

    ScalarSpec(..., graph=GraphTarget(DiamondNet.graph(), output="O", wrt="w1",
                                      params=PARAMS, prime="d({})"))

``graph`` is a ``course.nn.graph.Graph`` whose free names are the exercise's variables
(or ``inputs(points)`` maps the exercise's points to them); ``params`` are the free
names that are weights and biases (a product with one of them is a *weight* factor; the
other operand of the first edge is the *input* factor); ``prime`` is how the lesson
writes an activation's slope (``"d({})"``, ``"s'({})"``). Optional: ``upstream`` (free
names that carry an upstream delta, δ2), ``prediction`` (when the output is a loss: the
node the loss is computed from, so that the factors after it are the *loss factor*;
``loss_factor`` says how the lesson writes their product, ``"O − y"``),
``path_names`` and ``labels`` (how a factor is printed, ``{"d(z1)": "h1(1 − h1)"}``).
Nothing else is needed: the catalogue (``ScalarSpec.mistakes``) stays for the mistakes
the graph cannot express (a bias left out of the forward pass, z(1 − z) for s′) and for
messages better than the generated ones; a catalogued mistake is always named with its
catalogue id, because the catalogue is searched first.
"""

from __future__ import annotations

from course._grading.diagnosis.paths import GraphTarget
from course._grading.diagnosis.table import CandidateTable, candidate_table, generated_meanings

__all__ = ["GraphTarget", "CandidateTable", "candidate_table", "generated_meanings"]
