"""``course.ask`` on a 10-node network, including the generated diagnosis (goal: median
≤ 100 ms). Rows: a correct answer, a wrong one the path edits name, a wrong one no edit
explains (the whole candidate space is evaluated), the same wrong answer asked COLD (the
candidate table rebuilt every time, as for a new network or point: the first question
costs this), and the baseline: parsing the network and evaluating the true derivative at
the same points (what any checker must pay)."""

from __future__ import annotations

import pytest

from course import ask
from course.formula.network import parse_network
from course.your_network import N_POINTS, _points

NETWORK = """
n1 = w1*I + b1
n2 = w2*s(n1) + b2
n3 = w3*s(n1) + b3
nO = w4*s(n2) + w5*s(n3) + b4
O = s(nO)
"""                                  # 10 free names, 5 assigned: 15 named nodes
AT = dict(I=1, w1=.5, w2=.5, w3=.5, w4=.5, w5=.5, b1=1, b2=1, b3=1, b4=1)
RIGHT = "d(nO)*(w4*d(n2)*w2 + w5*d(n3)*w3)*d(n1)*I"
NAMED = "d(nO)*(d(n2)*d(n1)*I + d(n3)*d(n1)*I)"
UNNAMED = "d(nO)*(w4*w2 + w5*w3)*I"


def _baseline():
    net = parse_network(NETWORK, names=tuple(AT))
    points = _points(net, AT, N_POINTS, 1)
    return net.graph.derivative(net.output, "w1", {n: points[n] for n in net.free})


@pytest.mark.benchmark(group="ask")
@pytest.mark.parametrize("answer", [RIGHT, NAMED, UNNAMED], ids=["right", "named", "unnamed"])
def test_ask_ten_node_network(benchmark, answer):
    result = benchmark(ask, NETWORK, "w1", answer, AT)
    assert result.passed == (answer == RIGHT)


@pytest.mark.benchmark(group="ask")
def test_ask_cold_candidate_table_rebuilt(benchmark):
    from course import your_network

    def cold():
        your_network._TABLES.clear()
        return ask(NETWORK, "w1", NAMED, AT)

    assert benchmark(cold).mistake == "weights-dropped"


@pytest.mark.benchmark(group="ask")
def test_baseline_parse_and_true_derivative(benchmark):
    benchmark(_baseline)
