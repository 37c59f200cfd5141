"""``ask_box()``: check a derivative of your own network in the notebook.

A text area for the network (lines ``name = expression``), boxes for the name to
differentiate by, your derivative and your point, and a button: the verdict and the picture
of your graph (``course.ask``) appear below. Nothing runs until the button is pressed, and
nothing the asker types can stop the kernel: ``ask`` never raises for the asker's input.
"""

from __future__ import annotations

import ipywidgets as widgets

from course.formula.network import NetworkError, parse_point
from course.widgets._static import StaticFallback
from course.your_network import ask

__all__ = ["AskBox", "ask_box"]

EXAMPLE = """n1 = w1*I + b1
n2 = w2*s(n1) + b2
n3 = w3*s(n1) + b3
nO = w4*s(n2) + w5*s(n3) + b4
O = s(nO)"""
EXAMPLE_ANSWER = "d(nO)*(d(n2)*d(n1)*I + d(n3)*d(n1)*I)"
EXAMPLE_POINT = "I=1, w1=0.5, w2=0.5, w3=0.5, w4=0.5, w5=0.5, b1=1, b2=1, b3=1, b4=1"


class AskBox(StaticFallback, widgets.VBox):
    """The "check your own network" box.

    Attributes
    ----------
    network, wrt, answer, point : ipywidgets text widgets
    button : ipywidgets.Button
        ``.click()`` runs the check (the tests drive it so).
    verdict : ipywidgets.HTML
        The result's notebook view, picture included.
    result : CheckResult or None
        The last result.
    """

    def __init__(self, network: str = EXAMPLE, wrt: str = "w1", answer: str = EXAMPLE_ANSWER,
                 point: str = EXAMPLE_POINT):
        wide = widgets.Layout(width="98%", max_width="760px")
        self.network = widgets.Textarea(value=network, description="network",
                                        layout=widgets.Layout(width="98%", max_width="760px",
                                                              height="120px"))
        self.wrt = widgets.Text(value=wrt, description="d/d", layout=widgets.Layout(
            width="160px"))
        self.answer = widgets.Text(value=answer, description="your answer", layout=wide)
        self.point = widgets.Text(value=point, description="at", layout=wide)
        self.button = widgets.Button(description="Check my derivative", button_style="primary")
        self.verdict = widgets.HTML()
        self.result = None
        self.button.on_click(lambda _: self.run())
        super().__init__([self.network, self.wrt, self.answer, self.point, self.button,
                          self.verdict])

    def run(self):
        """Check what the boxes hold and show the verdict (never raises)."""
        try:
            at = parse_point(self.point.value)
        except NetworkError as err:
            self.result = None
            self.verdict.value = f"<div style='color:#D55E00'>{err}</div>"
            return None
        self.result = ask(self.network.value, wrt=self.wrt.value.strip(),
                          answer=self.answer.value, at=at)
        self.verdict.value = self.result._repr_html_()
        return self.result


def ask_box(**kwargs) -> AskBox:
    """The "check your own network" box, filled in with the worked example's question."""
    return AskBox(**kwargs)
