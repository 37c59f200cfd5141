"""``training_dashboard()``: SGD on a small 2-D dataset, live, TensorFlow-Playground style.

Play/pause (an ``ipywidgets.Play`` ticking in the browser), Step, Reset, learning rate,
activation, hidden sizes and dataset; decision regions, loss curve, epoch counter and a
progress bar. Every tick trains ``epochs_per_tick`` full-batch epochs with
``MLP.step`` and updates the picture in place. In grading mode it builds but never plays.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course._env import grading_mode
from course.nn.datasets import DATASETS, load
from course.nn.mlp import MLP
from course.nn.train import accuracy
from course.plots.training import TrainingPicture
from course.widgets._figure import FigureView
from course.widgets._html import readout_html
from course.widgets._static import StaticFallback


def parse_hidden(text) -> tuple[int, ...]:
    """``"8"`` -> ``(8,)``, ``"16, 8"`` -> ``(16, 8)``; a clear ValueError otherwise."""
    if isinstance(text, (tuple, list)):
        parts = list(text)
    else:
        parts = [p for p in str(text).replace(" ", "").split(",") if p]
    try:
        sizes = tuple(int(p) for p in parts)
    except (TypeError, ValueError):
        sizes = ()
    if not sizes or not all(0 < n <= 64 for n in sizes):
        raise ValueError(f"hidden sizes must be whole numbers from 1 to 64 separated by "
                         f"commas, e.g. '8' or '16, 8'; got {text!r}")
    return sizes


class TrainingDashboard(StaticFallback, widgets.VBox):
    """Train an MLP on a 2-D dataset with play/step/reset.

    Attributes
    ----------
    play : ipywidgets.Play
        Ticks while playing (disabled in grading mode).
    step_button, reset_button : ipywidgets.Button
    lr : ipywidgets.SelectionSlider
    activation, dataset : ipywidgets.Dropdown
    hidden : ipywidgets.Text
        Hidden sizes, e.g. ``"8"`` or ``"16, 8"``.
    progress : ipywidgets.IntProgress
        Epochs run out of the play range.
    readout : ipywidgets.HTML
        ``data-quantity`` cells ``epoch``, ``loss``, ``accuracy``; errors as a note.
    model : course.nn.mlp.MLP
    epoch : int
    losses : list[float]
        The loss before each epoch's step (``MLP.step``'s return value).
    X, y : ndarray
    """

    def __init__(self, dataset="xor", hidden=(8,), activation="tanh", lr=0.5,
                 epochs_per_tick=5, max_ticks=200, loss="bce", seed=0, **kwargs):
        self.epochs_per_tick, self.loss, self.seed = int(epochs_per_tick), loss, seed
        self.dataset = widgets.Dropdown(options=sorted(DATASETS), value=dataset,
                                        description="data")
        self.activation = widgets.Dropdown(options=["sigmoid", "tanh", "relu"],
                                           value=activation, description="activation")
        self.hidden = widgets.Text(value=", ".join(map(str, parse_hidden(hidden))),
                                   description="hidden", continuous_update=False)
        # notches 1-2-5 per decade: one arrow key is one sensible step, and 0.5 stays 0.5
        self.lr = widgets.SelectionSlider(options=lr_options(lr), value=float(lr),
                                          description="lr", continuous_update=False)
        self.play = widgets.Play(value=0, min=0, max=max_ticks, step=1, interval=120,
                                 description="play", show_repeat=False)
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.reset_button = widgets.Button(description="Reset", icon="refresh")
        self.progress = widgets.IntProgress(value=0, min=0, max=max_ticks * self.epochs_per_tick,
                                            description="epochs")
        self.status = widgets.Label("")
        self.readout = widgets.HTML()
        self.view = FigureView(figsize=(9.0, 3.8))
        self.picture = None
        self.step_button.on_click(lambda _: self.tick())
        self.reset_button.on_click(lambda _: self.reset())
        self.play.observe(self._on_play_value, names="value")
        self.play.observe(self._on_playing, names="playing")
        for w in (self.dataset, self.activation, self.hidden):
            w.observe(lambda _: self.reset(), names="value")
        if grading_mode():          # builds, never animates
            self.play.disabled = True
        row1 = widgets.HBox([self.play, self.step_button, self.reset_button, self.progress,
                             self.status])
        row2 = widgets.HBox([self.dataset, self.activation, self.hidden, self.lr],
                            layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([row1, row2, self.view.widget, self.readout], **kwargs)
        self.add_class("course-training")
        self.reset()

    # ---- actions -----------------------------------------------------------------------
    def reset(self) -> None:
        """New data and a freshly initialised model (same seed); epoch 0."""
        try:
            sizes = parse_hidden(self.hidden.value)
        except ValueError as err:
            self._show_error(str(err))
            return
        self.X, self.y = load(self.dataset.value, seed=self.seed)
        self.model = MLP((2, *sizes, 1), activation=self.activation.value,
                         output_activation="sigmoid", seed=self.seed)
        self.epoch, self.losses = 0, []
        self._last_play = 0
        self.play.playing = False
        self.play.value = 0
        self.progress.value = 0
        self.view.figure.clear()
        self.picture = TrainingPicture(self.view.figure, self.X, self.y,
                                       max_epochs=max(50, 40 * self.epochs_per_tick),
                                       show_title=False)
        self.view.set_dynamic(self.picture.dynamic)
        self._draw()

    def tick(self) -> None:
        """Train ``epochs_per_tick`` epochs, then update the picture once."""
        lr = float(self.lr.value)
        for _ in range(self.epochs_per_tick):
            self.losses.append(float(self.model.step(self.X, self.y, lr, loss=self.loss)))
            self.epoch += 1
        self.progress.value = min(self.epoch, self.progress.max)
        self._draw()

    # ---- callbacks ---------------------------------------------------------------------
    def _on_play_value(self, change) -> None:
        new = int(change["new"])
        if grading_mode() or new <= self._last_play:
            self._last_play = new           # a rewind (reset or loop): no training
            return
        self._last_play = new
        self.tick()

    def _on_playing(self, change) -> None:
        running = bool(change["new"]) and not grading_mode()
        self.status.value = "running…" if running else ("paused" if self.epoch else "")
        self.progress.bar_style = "info" if running else ""

    # ---- drawing -----------------------------------------------------------------------
    def _draw(self) -> None:
        acc = accuracy(self.model, self.X, self.y)
        self.picture.update(self.model, self.losses, self.epoch, acc)
        if self.picture.needs_full_draw:
            self.view.set_dynamic(self.picture.dynamic)
            self.picture.needs_full_draw = False
        else:
            self.view.dynamic = list(self.picture.dynamic)   # the contour is new each tick
        self.view.refresh()
        # the loss before the last step (what MLP.step returns); at epoch 0 the initial loss
        loss = (self.losses[-1] if self.losses
                else float(self.model.loss_and_grads(self.X, self.y, loss=self.loss)[0]))
        self.readout.value = readout_html(
            [("epoch", "epoch", self.epoch), ("loss", "loss", loss),
             ("accuracy", "accuracy", acc)],
            note="" if np.isfinite(loss) or not self.losses
            else "the loss blew up (inf/nan): lower the learning rate and press Reset")

    def _show_error(self, message: str) -> None:
        self.readout.value = readout_html([], note=message)


def lr_options(lr: float = 0.5) -> list[tuple[str, float]]:
    """The learning-rate slider's notches: 0.001 … 10 in 1-2-5 steps, plus ``lr`` itself.

    Raises
    ------
    ValueError
        For a learning rate that is not a positive, finite number.
    """
    lr = float(lr)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    values = {round(m * 10.0**e, 12) for e in range(-3, 1) for m in (1, 2, 5)} | {10.0, lr}
    return [(f"{v:g}", v) for v in sorted(values)]


def training_dashboard(dataset: str = "xor", hidden=(8,), activation: str = "tanh",
                       lr: float = 0.5, epochs_per_tick: int = 5, max_ticks: int = 200,
                       loss: str = "bce", seed: int = 0) -> TrainingDashboard:
    """A play/step/reset dashboard training an MLP on a 2-D dataset.

    Parameters
    ----------
    dataset : {"xor", "moons", "circles", "spirals"}
    hidden : tuple of int or str
        Hidden layer sizes, e.g. ``(8,)`` or ``"16, 8"``.
    activation : {"sigmoid", "tanh", "relu"}
        Hidden activation (the output is a sigmoid).
    lr : float
        Learning rate (the slider's notches run 0.001, 0.002, 0.005 … 10; ``lr`` is added).
    epochs_per_tick : int
        Full-batch epochs per Step or per play tick.
    max_ticks : int
        Where the Play widget stops.
    loss : {"bce", "mse"}
    seed : int
        Seeds both the data and the initial weights (Reset reproduces a run).

    Returns
    -------
    TrainingDashboard
    """
    return TrainingDashboard(dataset, hidden, activation, lr, epochs_per_tick, max_ticks,
                             loss, seed)
