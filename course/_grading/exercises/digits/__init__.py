"""Lesson 10 exercises: mini-batches, and the capstone on the 8×8 digits (in lesson order).

=====================  ======================================================================
``minibatch.batches``  :mod:`.minibatch` — ``minibatches(X, y, batch_size, rng)``
``digits.step``        :mod:`.step` — ``step(params, X, y, lr)``: forward, backward and SGD
``digits.train``       :mod:`.train` — ``train(params, X, y, epochs, lr, batch_size, seed)``,
                       checked by the accuracy it reaches on the held-out digits
=====================  ======================================================================

:mod:`.reference` holds the network, its gradients with the catalogue's mistakes as
switches, and the schedule. The mistakes are data, ready for the generated diagnosis.
"""

from __future__ import annotations

from course._grading.exercises.digits import minibatch, step, train  # noqa: F401  (registers, in lesson order)
