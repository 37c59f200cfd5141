"""Pictures for the lessons, in plain matplotlib (usable in static notebooks and reports).

Nothing heavy is imported until a function is used; ipywidgets is never imported here
(the interactive dashboards live in :mod:`course.widgets`).

=========================  ===============================================================
``network_svg``            the diamond network as an SVG string (the widgets' live picture)
``draw_network``           the diamond network in matplotlib, optional gradient labels
``draw_mlp``               a small MLP, edges coloured by sign and sized by |w|
``slope_plot``             O against one weight, the true tangent and the learner's line
``epsilon_plot``           finite-difference error against the step size (the V)
``decision_boundary``      a classifier's decision regions over a 2-D dataset
``loss_curve``             loss against epoch
``gradient_norms_plot``    per-layer gradient norms by activation (vanishing gradients)
``draw_graph``             a ``course.nn.autograd.Value`` expression's computational graph
``graph_svg``              a ``course.nn.graph.Graph`` as SVG, local derivatives on the edges
``show_graph``             ``graph_svg`` for display in a notebook
``show_value_graph``       a ``Value`` expression drawn the same way, with data and grad
``bars_svg``               grouped bars as an SVG string (lesson 09's sliders)
``show_digits``            8×8 digits in a grid (lesson 10); also ``training_curves``,
                           ``confusion_plot``, ``wrong_digits``, ``weight_images``
=========================  ===============================================================
"""

from __future__ import annotations

from course._lazy import lazy_attributes

_WHERE = {
    "network_svg": "svg",
    "draw_network": "diagram",
    "draw_mlp": "diagram",
    "slope_plot": "slope",
    "SlopeFigure": "slope",
    "epsilon_plot": "epsilon",
    "decision_boundary": "training",
    "loss_curve": "training",
    "gradient_norms_plot": "training",
    "draw_graph": "graph",
    "graph_svg": "compgraph",
    "show_graph": "compgraph",
    "GraphPicture": "compgraph",
    "show_value_graph": "value_graph",
    "value_graph": "value_graph",
    "bars_svg": "bars",
    "show_digits": "digits",
    "training_curves": "digits",
    "confusion_matrix": "digits",
    "confusion_plot": "digits",
    "wrong_digits": "digits",
    "weight_images": "digits",
}

__all__ = sorted(_WHERE)

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
