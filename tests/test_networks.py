import numpy as np
import pytest

from course.nn.gradcheck import numerical_gradient
from course.nn.networks import PARAMS, DiamondNet

WORKED_DO_DW1 = 0.0014291881022


def test_worked_example_gradient_w1_to_1e_12():
    assert abs(DiamondNet().gradient(1.0)["w1"] - WORKED_DO_DW1) < 1e-12


def test_worked_example_mistake_is_four_times_too_large():
    """The seed's learner formula drops w2*w4 and w3*w5 (0.25 at the example)."""
    f = DiamondNet().forward(1.0)
    d = {k: f[h] * (1 - f[h]) for k, h in (("zO", "O"), ("z1", "h1"), ("z2", "h2"), ("z3", "h3"))}
    wrong = d["zO"] * (d["z2"] * d["z1"] * 1.0 + d["z3"] * d["z1"] * 1.0)
    assert wrong == pytest.approx(0.00571675240882, abs=1e-13)
    assert wrong / DiamondNet().gradient(1.0)["w1"] == pytest.approx(4.0, rel=1e-12)


def test_forward_defines_every_intermediate():
    f = DiamondNet().forward(1.0)
    assert list(f) == ["z1", "h1", "z2", "h2", "z3", "h3", "zO", "O"]
    assert f["z1"] == 1.5
    assert f["h2"] == f["h3"]                         # symmetric at equal weights
    assert DiamondNet().output(1.0) == f["O"]


@pytest.mark.parametrize("seed", range(6))
def test_all_nine_gradients_match_central_differences(seed):
    rng = np.random.default_rng(seed)
    params = {p: float(rng.uniform(-2, 2)) for p in PARAMS}
    I = float(rng.uniform(-2, 2))
    analytic = DiamondNet(**params).gradient(I)
    numeric = numerical_gradient(lambda **p: DiamondNet(**p).output(I), params)
    assert set(analytic) == set(PARAMS)
    for p in PARAMS:
        assert analytic[p] == pytest.approx(numeric[p], rel=1e-6, abs=1e-10), p


def test_vectorized_over_inputs_and_parameters():
    rng = np.random.default_rng(1)
    I = rng.uniform(-2, 2, 7)
    w1 = rng.uniform(-2, 2, 7)
    grads = DiamondNet(w1=w1).gradient(I)
    for i in range(7):
        one = DiamondNet(w1=float(w1[i])).gradient(float(I[i]))
        assert grads["w1"][i] == pytest.approx(one["w1"], rel=1e-14)
        assert grads["b4"][i] == pytest.approx(one["b4"], rel=1e-14)


def test_deltas_collect_both_paths_at_h1():
    back = DiamondNet(w2=0.7, w3=-0.4).backward(0.8)
    d, f = back["deltas"], back["forward"]
    both = (d["z2"] * 0.7 + d["z3"] * -0.4) * f["h1"] * (1 - f["h1"])
    assert d["z1"] == pytest.approx(both)
    assert back["grads"]["b1"] == d["z1"]


def test_replace_and_params():
    net = DiamondNet().replace(w3=0.1)
    assert net.params["w3"] == 0.1 and net.params["w1"] == 0.5
    with pytest.raises(TypeError):
        DiamondNet().replace(w9=1.0)
