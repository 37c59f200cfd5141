"""Lesson 09 exercises: beyond the sigmoid (one module per topic, in lesson order).

===========================  ==================================================================
``softmax.forward``          :mod:`.softmax` — ``softmax(Z)``, row-wise and stable
``softmax.ce_grad``          :mod:`.softmax` — ``softmax_ce_grad(Z, y)``: dL/dZ = (P − Y)/m
``relu.backward``            :mod:`.relu` — ``relu_backward(dA, Z)``: dA ⊙ [Z > 0]
``relu.leaky_backward``      :mod:`.relu` — ``leaky_relu_backward(dA, Z, alpha)``
``init.scale``               :mod:`.init` — ``init_std(n_in, n_out, activation)``: Xavier or He
===========================  ==================================================================

The mistakes are data (``ArrayMistake`` tuples and the ``init`` candidates), ready to be
ported to the generated array diagnosis.
"""

from __future__ import annotations

from course._grading.exercises.beyond import init, relu, softmax  # noqa: F401  (registers, in lesson order)
