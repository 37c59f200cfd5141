"""``backward_stepper()``: walk the diamond's backward pass one node at a time.

Each step highlights a node or edges on the diagram, shows the delta or gradient just
computed with its formula and numbers, and keeps what earlier steps found. The numbers
are :meth:`DiamondNet.backward`'s own. With a target ``y`` the pass starts at the loss
L = ½(O − y)² (δ = ∂L/∂z, δO = (O − y)·s'(zO)); without one, at the output O (δ = ∂O/∂z).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import ipywidgets as widgets

from course.nn.networks import DiamondNet
from course.plots import palette as pal
from course.plots.svg import network_svg
from course.widgets._html import number, readout_html
from course.widgets._static import StaticFallback


@dataclass
class Stage:
    """One step of the backward pass.

    ``formulas`` are the lines shown for this step; ``local`` the local derivatives used
    (label, readout key, value); ``deltas``/``grads`` everything known after the step.
    """

    title: str
    highlight: set
    formulas: list
    local: list = field(default_factory=list)
    deltas: dict = field(default_factory=dict)
    grads: dict = field(default_factory=dict)


def _first_stages(f, dl, g, sp, y) -> tuple[Stage, str, list, list]:
    """Stage 0 and what step 1 (node O) says, for the output (``y`` None) or the loss."""
    n = number
    if y is None:
        return (Stage(f"Forward pass done: O = {n(f['O'])}. Press Step to go backwards.",
                      set(), ["Every z and h is cached; the backward pass reuses them."]),
                "Node O: δO = ∂O/∂zO",
                [f"δO = s'(zO) = O(1 − O) = {n(f['O'])} · {n(1 - f['O'])} = {n(dl['zO'])}"],
                [("s'(zO) = O(1 − O)", "s_prime(zO)", sp["zO"])])
    loss = 0.5 * (f["O"] - y) ** 2
    return (Stage(f"Forward pass done: O = {n(f['O'])}, L = ½(O − y)² = {n(loss)} with "
                  f"y = {n(y)}. Press Step to go backwards.",
                  {"L"}, ["Every z and h is cached; the backward pass reuses them."]),
            "Node O: δO = ∂L/∂zO = (O − y) · s'(zO)",
            [f"∂L/∂O = O − y = {n(f['O'])} − {n(y)} = {n(f['O'] - y)}   (the loss factor)",
             f"δO = (O − y) · O(1 − O) = {n(f['O'] - y)} · {n(f['O'])} · {n(1 - f['O'])} = "
             f"{n(dl['zO'])}"],
            [("loss factor ∂L/∂O = O − y", "dL/dO", f["O"] - y),
             ("s'(zO) = O(1 − O)", "s_prime(zO)", sp["zO"])])


def backward_stages(net: DiamondNet, I: float, y: float | None = None) -> list[Stage]:
    """The backward pass of ``net`` at input ``I`` as a list of stages (stage 0: forward only);
    with a target ``y``, of the loss L = ½(O − y)²."""
    r = net.backward(I, y)
    f, dl, g = r["forward"], r["deltas"], r["grads"]
    sp = r["s_prime"]                               # s'(z) = s(z)(1 - s(z)) at each node
    n = number
    q = "O" if y is None else "L"                   # what every derivative is of
    first, title_O, lines_O, local_O = _first_stages(f, dl, g, sp, y)
    stages = [first]

    def add(title, highlight, formulas, local, new_deltas=(), new_grads=()):
        prev = stages[-1]
        stages.append(Stage(title, set(highlight), formulas, local,
                            {**prev.deltas, **{k: dl[k] for k in new_deltas}},
                            {**prev.grads, **{k: g[k] for k in new_grads}}))

    add(title_O, {"O", "b4"},
        [*lines_O, f"∂{q}/∂b4 = δO · ∂zO/∂b4 = δO · 1 = {n(g['b4'])}"],
        local_O, ["zO"], ["b4"])
    add(f"Edges w4, w5: ∂{q}/∂w = δO · (the input to the edge)", {"w4", "w5"},
        [f"∂{q}/∂w4 = δO · h2 = {n(dl['zO'])} · {n(f['h2'])} = {n(g['w4'])}",
         f"∂{q}/∂w5 = δO · h3 = {n(dl['zO'])} · {n(f['h3'])} = {n(g['w5'])}"],
        [("∂zO/∂w4 = h2", "dzO/dw4", f["h2"]), ("∂zO/∂w5 = h3", "dzO/dw5", f["h3"])],
        (), ["w4", "w5"])
    for k, h, w, b in (("2", "h2", "w4", "b2"), ("3", "h3", "w5", "b3")):
        z = "z" + k
        add(f"Node {h}: δ{k} = δO · {w} · s'({z})", {h, w, b},
            [f"δ{k} = δO · {w} · s'({z}) = {n(dl['zO'])} · {n(getattr(net, w))} · "
             f"{n(sp[z])} = {n(dl[z])}",
             f"∂{q}/∂{b} = δ{k} = {n(g[b])}"],
            [(f"∂zO/∂{h} = {w}", f"dzO/d{h}", getattr(net, w)),
             (f"s'({z}) = {h}(1 − {h})", f"s_prime({z})", sp[z])],
            [z], [b])
    add(f"Edges w2, w3: ∂{q}/∂w = δ · h1", {"w2", "w3"},
        [f"∂{q}/∂w2 = δ2 · h1 = {n(dl['z2'])} · {n(f['h1'])} = {n(g['w2'])}",
         f"∂{q}/∂w3 = δ3 · h1 = {n(dl['z3'])} · {n(f['h1'])} = {n(g['w3'])}"],
        [("∂z2/∂w2 = ∂z3/∂w3 = h1", "dz2/dw2", f["h1"])], (), ["w2", "w3"])
    add("Node h1: two paths meet, so their contributions add (the sum rule)",
        {"h1", "w2", "w3", "b1"},
        [f"δ1 = (δ2 · w2 + δ3 · w3) · s'(z1) = ({n(dl['z2'])} · {n(net.w2)} + "
         f"{n(dl['z3'])} · {n(net.w3)}) · {n(sp['z1'])} = {n(dl['z1'])}",
         f"∂{q}/∂b1 = δ1 = {n(g['b1'])}"],
        [("∂z2/∂h1 = w2", "dz2/dh1", net.w2), ("∂z3/∂h1 = w3", "dz3/dh1", net.w3),
         ("s'(z1) = h1(1 − h1)", "s_prime(z1)", sp["z1"])],
        ["z1"], ["b1"])
    add(f"Edge w1: ∂{q}/∂w1 = δ1 · I — all nine gradients from one backward pass",
        {"w1", "I"},
        [f"∂{q}/∂w1 = δ1 · I = {n(dl['z1'])} · {n(I)} = {n(g['w1'])}"],
        [("∂z1/∂w1 = I", "dz1/dw1", I)], (), ["w1"])
    return stages


def stage_html(stage: Stage, index: int, total: int, of: str = "O") -> str:
    """The readout for one stage: title, formulas, local derivatives, deltas and gradients
    (derivatives of ``of``: ``"O"``, or ``"L"`` for the loss)."""
    rows = [(label if label.startswith("loss factor") else f"local derivative {label}",
             f"local:{key}", v, pal.MUTED) for label, key, v in stage.local]
    rows += [(f"δ at {z}: d{of}/d{z}", f"d{of}/d{z}", v) for z, v in stage.deltas.items()]
    rows += [(f"d{of}/d{p}", f"d{of}/d{p}", v, pal.GRADIENT) for p, v in stage.grads.items()]
    head = f"Step {index} of {total - 1}: {stage.title}" if index else stage.title
    table = readout_html(rows, title=head)
    # formulas in the card's proportional font: a monospace O (output) reads as 0 (zero)
    lines = "".join(f"<div class='course-formula'>{escape(line, quote=False)}</div>"
                    for line in stage.formulas)
    return table.replace("<table", f"<div style='margin:4px 0'>{lines}</div><table", 1)


class BackwardStepper(StaticFallback, widgets.VBox):
    """Step/Back/Reset through the backward pass on the diagram.

    Attributes
    ----------
    step_button, back_button, reset_button : ipywidgets.Button
    stage : int
        0 (forward pass only) to ``len(stages) - 1`` (all nine gradients).
    stages : list[Stage]
    readout : ipywidgets.HTML
        The current stage; deltas as ``data-quantity="dO/dzO"`` etc., gradients as
        ``"dO/dw4"`` etc. (``dL/dzO``, ``dL/dw4`` with a target ``y``).
    diagram : ipywidgets.HTML
        The SVG diagram with the current node/edges highlighted.
    """

    def __init__(self, net: DiamondNet | None = None, I: float = 1.0,
                 y: float | None = None, **kwargs):
        self.net = net if net is not None else DiamondNet()
        self.I = float(I)
        self.y = None if y is None else float(y)
        self.stages = backward_stages(self.net, self.I, self.y)
        self.stage = 0
        self.step_button = widgets.Button(description="Step ▶", button_style="primary")
        self.back_button = widgets.Button(description="◀ Back")
        self.reset_button = widgets.Button(description="Reset")
        self.diagram = widgets.HTML(layout=widgets.Layout(width="100%", max_width="780px"))
        self.readout = widgets.HTML()
        self.step_button.on_click(lambda _: self.go(self.stage + 1))
        self.back_button.on_click(lambda _: self.go(self.stage - 1))
        self.reset_button.on_click(lambda _: self.go(0))
        buttons = widgets.HBox([self.back_button, self.step_button, self.reset_button])
        super().__init__([buttons, self.diagram, self.readout], **kwargs)
        self.add_class("course-stepper")
        self.go(0)

    def go(self, stage: int) -> None:
        """Show ``stage`` (clamped to the valid range)."""
        self.stage = max(0, min(int(stage), len(self.stages) - 1))
        s = self.stages[self.stage]
        self.diagram.value = network_svg(self.net, self.I, gradients=s.grads,
                                         highlight=s.highlight, deltas=s.deltas,
                                         title=f"Backward pass: step {self.stage} of "
                                               f"{len(self.stages) - 1}", y=self.y)
        self.readout.value = stage_html(s, self.stage, len(self.stages),
                                        "O" if self.y is None else "L")
        self.back_button.disabled = self.stage == 0
        self.step_button.disabled = self.stage == len(self.stages) - 1


def backward_stepper(net: DiamondNet | None = None, I: float = 1.0,
                     y: float | None = None) -> BackwardStepper:
    """Walk the backward pass of the diamond network node by node.

    Parameters
    ----------
    net : DiamondNet, optional
        Default: the worked example.
    I : float
    y : float, optional
        A target: the pass then starts at the loss L = ½(O − y)² and every δ is ∂L/∂z.

    Returns
    -------
    BackwardStepper
        An ``ipywidgets.VBox`` with ``.step_button``, ``.back_button``, ``.reset_button``,
        ``.stage`` and ``.readout``.
    """
    return BackwardStepper(net, I, y)
