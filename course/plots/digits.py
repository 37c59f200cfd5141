"""Pictures of lesson 10: the 8×8 digits, training curves, a confusion matrix, the digits a
network gets wrong, and its first layer's weights as images (plain matplotlib)."""

from __future__ import annotations

import numpy as np

__all__ = ["show_digits", "training_curves", "confusion_matrix", "confusion_plot",
           "wrong_digits", "weight_images"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def show_digits(X, y, n=20, cols=10, title="", predicted=None, probs=None):
    """A grid of ``n`` digits with their labels (and predictions, when given)."""
    plt = _plt()
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.95, rows * 1.15), layout="constrained")
    for k, ax in enumerate(np.ravel(axes)):
        ax.set_axis_off()
        if k >= min(n, len(X)):
            continue
        ax.imshow(np.asarray(X[k]).reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        text = f"{y[k]}"
        if predicted is not None:
            text = f"true {y[k]}\nsaid {predicted[k]}"
            if probs is not None:
                text += f" ({probs[k]:.0%})"
        ax.set_title(text, fontsize=8, color="#D55E00" if predicted is not None else "#1a1a1a")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def training_curves(history: dict, axes=None, epochs: int | None = None):
    """Loss (left) and train/test accuracy (right) against epoch; returns the line artists
    so a loop can move them with ``set_data`` as training runs."""
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
    ax_loss, ax_acc = axes
    e = np.arange(1, len(history.get("loss", [])) + 1)
    lines = {
        "loss": ax_loss.plot(e, history.get("loss", []), color="#0072B2", lw=2)[0],
        "train": ax_acc.plot(e, history.get("train", []), color="#0072B2", lw=2,
                             label="training digits")[0],
        "test": ax_acc.plot(e, history.get("test", []), color="#D55E00", lw=2, ls="--",
                            label="held-out digits")[0],
    }
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="loss")
    # the whole range: a first epoch far below 95 % stays in view
    ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0.0, 1.02), title="accuracy")
    ax_acc.axhline(0.95, color="#555555", lw=1, ls=":")
    ax_acc.text(0.99, 0.935, "95 %", fontsize=8, color="#555555", ha="right", va="top",
                transform=ax_acc.get_yaxis_transform())     # right end, under the line
    if epochs:
        for ax in axes:
            ax.set_xlim(0.5, epochs + 0.5)
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))     # epochs are whole numbers
        ax.grid(alpha=0.3)
    ax_acc.legend(loc="lower right")
    return lines


def confusion_matrix(y_true, y_pred, k: int = 10) -> np.ndarray:
    """``C[i, j]`` = how many examples of class i were predicted as j: (k, k) ints."""
    C = np.zeros((k, k), dtype=int)
    np.add.at(C, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return C


def confusion_plot(y_true, y_pred, ax=None, k: int = 10):
    """The confusion matrix as an image with counts; the diagonal is right."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.2), layout="constrained")
    C = confusion_matrix(y_true, y_pred, k)
    ax.imshow(np.log1p(C), cmap="Blues")
    for i in range(k):
        for j in range(k):
            if C[i, j]:
                ax.text(j, i, C[i, j], ha="center", va="center", fontsize=8,
                        color="white" if i == j else "#D55E00")
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true",
           title=f"confusion matrix ({int(np.trace(C))} of {C.sum()} right)")
    return ax


def wrong_digits(X, y_true, y_pred, probs=None, n=12):
    """The first ``n`` digits the network got wrong, with what it said."""
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))[:n]
    shown_probs = None if probs is None else np.asarray(probs)[wrong]
    return show_digits(X[wrong], np.asarray(y_true)[wrong], n=len(wrong),
                       cols=min(len(wrong), 6) or 1, predicted=np.asarray(y_pred)[wrong],
                       probs=shown_probs,
                       title=f"{len(wrong)} of the held-out digits it gets wrong")


def weight_images(W1, n=32, cols=8):
    """Every hidden unit's 64 incoming weights as an 8×8 image (blue +, red −)."""
    plt = _plt()
    W1 = np.asarray(W1)
    n = min(n, W1.shape[1])
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.9, rows * 0.95), layout="constrained")
    lim = float(np.abs(W1).max()) or 1.0
    for u, ax in enumerate(np.ravel(axes)):
        ax.set_axis_off()
        if u < n:
            ax.imshow(W1[:, u].reshape(8, 8), cmap="RdBu", vmin=-lim, vmax=lim)
            ax.set_title(f"unit {u}", fontsize=7)
    fig.suptitle("first-layer weights: what each hidden unit looks for (blue +, red −)",
                 fontsize=10)
    return fig
