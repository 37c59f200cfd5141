"""Lesson 06 exercises: a dense sigmoid layer on a batch, forward and backward, and a 2-layer net.

One example per row (the convention of ``course.nn.mlp``)::

    Z = A_prev @ W + b      # (m, n_out) = (m, n_in) @ (n_in, n_out) + (1, n_out)
    A = s(Z)                # (m, n_out)

    delta      = dA * s'(Z)                    # BP1/BP2  (m, n_out)
    dW      = A_prev.T @ delta                 # BP4      (n_in, n_out), the shape of W
    db      = delta.sum(axis=0, keepdims=True) # BP3      (1, n_out), the shape of b
    dA_prev = delta @ W.T                      #          (m, n_in), passed to the layer below

``dA`` is dL/dA of a loss that is a *mean* over the batch, so it already carries the 1/m.

======================  =======================================================================
``dense.forward``       :mod:`.layer` — ``dense_forward(A_prev, W, b) -> (Z, A)``
``dense.backward``      :mod:`.layer` — ``dense_backward(dA, A_prev, W, Z) -> (dW, db, dA_prev)``
``dense.mlp_backward``  :mod:`.network` — all four gradients of a 2-layer net (MSE)
======================  =======================================================================

:mod:`.reference` holds the references and the cases (shapes with m, n_in and n_out all
different, so a transpose cannot hide); array mistakes are named by
``course._grading.arrays``.
"""

from __future__ import annotations

from course._grading.exercises.dense.layer import BACKWARD, FORWARD
from course._grading.exercises.dense.network import MLP_BACKWARD
from course._grading.exercises.dense.reference import dense_backward, dense_forward, mlp_backward

__all__ = ["dense_forward", "dense_backward", "mlp_backward", "FORWARD", "BACKWARD",
           "MLP_BACKWARD"]
