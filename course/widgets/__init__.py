"""Interactive dashboards (ipywidgets) built on :mod:`course.plots`.

Importing ``course`` imports none of this; importing ``course.widgets`` imports the
dashboards on first use. Every dashboard is an ``ipywidgets.VBox`` subclass: display
it, or drive it from code (set slider values, ``.click()`` buttons) and read its
``.readout`` — which is how the tests check it, without a browser.

========================  =================================================================
``diamond_explorer``      sliders on I, w1..w5, b1..b4; live diagram, O, all 9 gradients
``slope_explorer``        O against one weight, the true tangent, the learner's line
``backward_stepper``      Step/Back/Reset through the backward pass on the diagram
``training_dashboard``    play/step/reset SGD on a 2-D dataset: decision boundary, loss
``ask_box``               your own network and derivative, checked by ``course.ask``
``softmax_temperature``   a slider for T in softmax(z / T), the probabilities as bars
``init_scale_explorer``   the initial weights' scale vs per-layer gradient norms
``quantities``            read a readout's numbers back (``data-quantity`` cells)
========================  =================================================================
"""

from __future__ import annotations

from course._lazy import lazy_attributes

_WHERE = {
    "diamond_explorer": "explorer",
    "DiamondExplorer": "explorer",
    "slope_explorer": "slope",
    "SlopeExplorer": "slope",
    "backward_stepper": "stepper",
    "BackwardStepper": "stepper",
    "backward_stages": "stepper",
    "training_dashboard": "training",
    "TrainingDashboard": "training",
    "ask_box": "ask",
    "AskBox": "ask",
    "softmax_temperature": "beyond",
    "SoftmaxTemperature": "beyond",
    "init_scale_explorer": "beyond",
    "InitScaleExplorer": "beyond",
    "quantities": "_html",
    "ipympl_active": "_figure",
}

__all__ = sorted(_WHERE)

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
