import numpy as np
import pytest

from course.nn.activations import sigmoid_prime
from course.nn.autograd import trace
from course.nn.gradcheck import numerical_gradient
from course.nn.networks import PARAMS, DiamondNet, diamond_values

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


# ---- the loss L = ½(O − y)²: deltas and gradients of L --------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_loss_gradients_match_central_differences_of_the_loss(seed):
    rng = np.random.default_rng(100 + seed)
    params = {p: float(rng.uniform(-2, 2)) for p in PARAMS}
    I, y = float(rng.uniform(-2, 2)), float(rng.uniform(0, 1))
    analytic = DiamondNet(**params).loss_gradient(I, y)
    numeric = numerical_gradient(lambda **p: DiamondNet(**p).loss(I, y), params)
    assert set(analytic) == set(PARAMS)
    for p in PARAMS:
        assert analytic[p] == pytest.approx(numeric[p], rel=1e-6, abs=1e-10), p


@pytest.mark.parametrize("seed", range(3))
def test_loss_deltas_are_dL_dz_by_central_differences(seed):
    """δ = ∂L/∂z: nudge a pre-activation by nudging its bias (∂z/∂b = 1)."""
    rng = np.random.default_rng(200 + seed)
    params = {p: float(rng.uniform(-2, 2)) for p in PARAMS}
    I, y = float(rng.uniform(-2, 2)), float(rng.uniform(0, 1))
    back = DiamondNet(**params).backward(I, y)
    numeric = numerical_gradient(lambda **p: DiamondNet(**p).loss(I, y), params)
    for z, b in (("zO", "b4"), ("z2", "b2"), ("z3", "b3"), ("z1", "b1")):
        assert back["deltas"][z] == pytest.approx(numeric[b], rel=1e-6, abs=1e-10), z
    O = DiamondNet(**params).output(I)
    assert back["dL_dO"] == pytest.approx(O - y)
    assert back["loss"] == pytest.approx(0.5 * (O - y) ** 2)
    assert back["deltas"]["zO"] == pytest.approx((O - y) * O * (1 - O))


def test_without_a_target_backward_and_gradient_stay_dO():
    net = DiamondNet(w2=0.3, b3=-0.7)
    assert net.backward(0.4)["grads"] == net.gradient(0.4)
    assert "loss" not in net.backward(0.4)
    ratio = {k: net.loss_gradient(0.4, 0.2)[k] / net.gradient(0.4)[k] for k in PARAMS}
    assert all(v == pytest.approx(net.output(0.4) - 0.2) for v in ratio.values())


def test_loss_graph_adds_L_after_O_and_agrees_with_the_library():
    g = DiamondNet.graph(loss=True)
    assert "y" in g.inputs and {"e", "e2", "L"} <= set(g.nodes)
    values = {"I": 0.7, "y": 0.3, **DiamondNet(w3=-1.2, b2=0.4).params}
    grads = g.gradient("L", values)
    reference = DiamondNet(w3=-1.2, b2=0.4).loss_gradient(0.7, 0.3)
    for p in PARAMS:
        assert grads[p] == pytest.approx(reference[p], rel=1e-12), p
    assert g.evaluate(values)["L"] == pytest.approx(DiamondNet(w3=-1.2, b2=0.4).loss(0.7, 0.3))
    assert "y" not in DiamondNet.graph().inputs


def test_replace_and_params():
    net = DiamondNet().replace(w3=0.1)
    assert net.params["w3"] == 0.1 and net.params["w1"] == 0.5
    with pytest.raises(TypeError):
        DiamondNet().replace(w9=1.0)


# ---- diamond_values: the same network built of autograd Values ---------------------------------

def test_diamond_values_worked_example():
    O, params = diamond_values()
    O.backward()
    assert params["w1"].grad == pytest.approx(0.0014291881022, abs=1e-12)
    assert O.data == pytest.approx(DiamondNet().output(1.0), rel=1e-14)
    assert {n.label for n in trace(O)[0]} >= {"h1", "h2", "h3", "z1", "zO", "O", "I"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_diamond_values_match_DiamondNet_and_numeric_at_random_points(seed):
    rng = np.random.default_rng(seed)
    point = dict(zip(PARAMS, rng.normal(size=9).tolist(), strict=True))
    I = float(rng.normal())
    O, params = diamond_values(I=I, **point)
    O.backward()
    analytic = {name: v.grad for name, v in params.items()}
    reference = DiamondNet(**point).gradient(I)
    numeric = numerical_gradient(lambda **p: diamond_values(I=I, **p)[0].data, point)
    assert sorted(analytic) == sorted(PARAMS)
    for name in PARAMS:
        assert analytic[name] == pytest.approx(reference[name], rel=1e-12, abs=1e-15), name
        assert analytic[name] == pytest.approx(numeric[name], rel=1e-6, abs=1e-9), name


def test_diamond_values_refuses_unknown_parameters():
    with pytest.raises(TypeError, match=r"unknown diamond parameter\(s\) \['w6'\]"):
        diamond_values(w6=1.0)


# ---- one backward pass, accurate in the tails ------------------------------------------------

def test_backward_reports_the_local_slopes_it_used():
    r = DiamondNet().backward(1.0)
    for z in ("zO", "z2", "z3", "z1"):
        assert r["s_prime"][z] == sigmoid_prime(r["forward"][z])
    assert r["deltas"]["zO"] == r["s_prime"]["zO"]


def test_backward_keeps_full_precision_where_the_output_saturates():
    net = DiamondNet(w4=40.0, w5=40.0, b4=10.0)        # zO ≈ 50: s(zO) rounds to 1
    r = net.backward(1.0)
    zO = r["forward"]["zO"]
    exact = _sigmoid_prime_decimal(zO)
    assert r["grads"]["b4"] == pytest.approx(exact, rel=1e-12)
    assert r["grads"]["b4"] > 0                        # h(1 - h) gives exactly 0 here


def _sigmoid_prime_decimal(z: float) -> float:
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        e = (-Decimal(z)).exp()
        return float(e / (1 + e) ** 2)
