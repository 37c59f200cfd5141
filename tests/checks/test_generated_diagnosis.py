"""The generated scalar diagnosis (course._grading.diagnosis): every edit of every graph
exercise, handed in as a learner would — a Python function and a formula — is named.

The expected id is the edit's own, or the id of a catalogue entry (or of an earlier edit)
that gives the same values: the catalogue is searched first and keeps its ids.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import explain
from course._grading.diagnosis import candidate_table
from course._grading.diagnosis import edits as E
from course._grading.diagnosis.paths import Structure
from course._grading.exercises import diamond
from course._grading.exercises.backprop.delta import DELTA_H1
from course._grading.exercises.chain.rule import DY_DW1, DY_DW2
from course._grading.points import sample_points
from course._grading.registry import CheckOptions
from course.nn.activations import sigmoid, sigmoid_prime

SPECS = {**{f"diamond.dO_d{p}": s for p, s in diamond.SPECS.items()},
         "chain.dy_dw1": DY_DW1, "chain.dy_dw2": DY_DW2, "backprop.delta_h1": DELTA_H1}

#: a factor's label -> its text in the course's formula syntax (d is s′, s the sigmoid)
FORMULA = {"h1(1 − h1)": "h1*(1-h1)", "δ2": "delta2", "δ3": "delta3"}


def _formula_factor(label: str) -> str:
    return FORMULA.get(label, label.replace("s'(", "d("))


def _prod(factors) -> str:
    return "*".join(f"({_formula_factor(f.label)})" for f in factors) or "1"


def _sum(factors) -> str:
    return "(" + " + ".join(_formula_factor(f.label) for f in factors) + ")" if factors else "0"


def render(form: E.Form) -> str | None:
    """The form as a formula a learner could type (None for another derivative altogether)."""
    if form.whole is not None:
        return None
    kept = [(p, c) for p, c in zip(form.paths, form.counts) if c]
    shared = set.intersection(*[{f.label for f in p} for p, _ in kept])
    once = [f for f in kept[0][0] if f.label in shared]
    own = [([f for f in p if f.label not in shared], c) for p, c in kept]
    if form.combine == "sum":
        body = " + ".join(f"{c}*{_prod(p)}" for p, c in kept)
    elif form.combine == "product-all":
        body = "*".join(f"({_prod(p)})^{c}" for p, c in kept)
    elif form.combine == "product":
        body = _prod(once) + "".join(f"*({_prod(p)})^{c}" for p, c in own)
    elif form.combine == "added":
        body = _prod(once) + "*(" + " + ".join(f"{c}*{_sum(p)}" for p, c in own) + ")"
    elif form.combine == "added-outer":
        last = kept[0][0][-1]
        outer = {last.label} if last.label in shared else set()
        body = _prod([last] if outer else []) + "*(" + " + ".join(
            f"{c}*{_sum([f for f in p if f.label not in outer])}" for p, c in kept) + ")"
    else:
        body = " + ".join(f"{c}*{_sum(list(p))}" for p, c in kept)
    return f"-({body})" if form.sign < 0 else body


def _structure_and_table(eid):
    spec = SPECS[eid]
    pts = sample_points(spec, CheckOptions(), spec.variables)      # every variable named
    n = len(pts[spec.variables[0]])
    truth = np.broadcast_to(np.asarray(spec.reference(**pts), dtype=float), (n,))
    return spec, pts, candidate_table(spec, pts, truth)


def _acceptable_ids(table, values) -> set:
    """Ids of every row equal to ``values``, and of catalogue rows equal to ``-values`` (the
    catalogue's message, "Besides, your value has the opposite sign")."""
    def equal(rows, v):
        return np.all(np.isclose(rows, v[None, :], rtol=1e-9, atol=1e-15)
                      | (np.isnan(rows) & np.isnan(v)[None, :]), axis=1)
    ids = {table.rows[i].id for i in np.flatnonzero(equal(table.values, values))}
    flipped = equal(table.values[:table.n_catalogue], -values)
    return ids | {table.rows[i].id for i in np.flatnonzero(flipped)}


def _cases():
    cases = []
    for eid in SPECS:
        _, _, table = _structure_and_table(eid)
        for row in table.rows[table.n_catalogue:table.n_catalogue + table.n_single]:
            cases.append((eid, row))
        # pairs: a few of every family with the sign, and a drop with a slope mistake
        pairs = table.rows[table.n_catalogue + table.n_single:]
        picked, families = [], set()
        for row in pairs:
            fam = tuple(e.family for e in row.edits)
            if fam not in families:
                families.add(fam)
                picked.append(row)
        cases += [(eid, row) for row in picked]
    return cases


CASES = _cases()


@pytest.mark.parametrize("eid, row", CASES, ids=[f"{e}-{r.id}" for e, r in CASES])
def test_every_generated_edit_is_named_as_a_function_and_as_a_formula(eid, row):
    spec, pts, table = _structure_and_table(eid)
    index = table.rows.index(row)
    expected = _acceptable_ids(table, table.values[index])
    assert row.id in expected
    S = table.structure
    form = E.Form(S.paths, (1,) * len(S.paths))
    for e in row.edits:
        form = e.apply(form)
    answers = [_edited_function(spec, table, row)]
    text = render(form)
    if text is not None:
        answers.append(text)
    for answer in answers:
        result = explain(eid, answer)
        assert not result.passed, (answer, str(result))
        assert result.mistake in expected, (answer, result.mistake, expected, str(result))
        assert result.summary and "{" not in result.summary and "None" not in result.summary


def _edited_function(spec, table, row):
    """The edited derivative as a vectorized learner function of every variable: the same
    edits (by their place in the edit list) applied to the structure at its arguments."""
    positions = [next(i for i, s in enumerate(table.singles) if s is e) for e in row.edits]

    def answer(**values):
        n = np.broadcast(*values.values()).size
        full = {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in values.items()}
        S = Structure(spec.graph, full, n)
        singles = E.singles(S)
        form = E.Form(S.paths, (1,) * len(S.paths))
        for i in positions:
            form = singles[i].apply(form)
        return E.value(form, n)
    return answer


# --- the generated space ------------------------------------------------------------------------

def test_candidate_counts_per_exercise():
    counts = {}
    for eid in SPECS:
        _, _, table = _structure_and_table(eid)
        counts[eid] = (table.n_single, len(table.rows) - table.n_catalogue - table.n_single)
    assert counts["diamond.dO_dw1"][0] >= 30 and counts["diamond.dO_dw1"][1] >= 500
    assert all(single >= 3 for single, _ in counts.values()), counts


def test_every_kind_of_edit_is_generated_for_the_two_path_derivative():
    _, _, table = _structure_and_table("diamond.dO_dw1")
    ids = {row.id for row in table.rows[table.n_catalogue:]}
    ids |= {row.id for row in table.rows[:table.n_catalogue]}
    for wanted in ("weights-dropped-on-h2-path", "h3-path-duplicated", "factors-added",
                   "d-of-activation-h2", "s-instead-of-d-zO", "derivative-wrt-w2",
                   "derivative-of-h1", "sign", "weight-dropped-w3"):
        assert any(i == wanted or i.startswith(wanted) for i in ids), wanted


# --- realistic mistakes outside the catalogue ---------------------------------------------------

NAMED = [  # (exercise, answer, id, words of the message)
    ("diamond.dO_dw1", "d(zO)*(w4 + d(z2) + w2 + w5 + d(z3) + w3)*d(z1)*I", "factors-added",
     ["added the factors", "multiplies them"]),
    ("diamond.dO_dw1", "d(zO)*(d(z2) + w5*d(z3)*w3)*d(z1)*I", "weights-dropped-on-h2-path",
     ["on the path through h2 you left out w4·w2", "0.25 at the worked example"]),
    ("diamond.dO_dw4", "s(zO)*h2", "s-instead-of-d", ["s"]),
    ("diamond.dO_dw1", "s(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I", "s-instead-of-d-zO",
     ["you used s(zO) where s′(zO) belongs"]),
    ("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3 + w5*d(z3)*w3)*d(z1)*I",
     "h3-path-duplicated", ["path through h3 twice"]),
    ("diamond.dO_dw2", "d(z2)*h1", "derivative-of-h2", ["that is dh2/dw2", "stops at h2"]),
    ("diamond.dO_dw1", "d(zO)*(w4*d(h2)*w2 + w5*d(z3)*w3)*d(z1)*I", "d-of-activation-h2",
     ["s′(h2) where s′(z2) belongs"]),
    ("chain.dy_dw1", "d(z2)*(w2 + d(z1) + x)", "factors-added", ["added the factors"]),
    ("backprop.delta_h1", "(delta2*w2 + delta3)*h1*(1-h1)", "weight-dropped-w3",
     ["on the path through h3 you left out w3"]),
    ("diamond.dO_dw1", "-d(zO)*(w4*d(z2)*w2 + w5*d(z3))*d(z1)*I", "weight-dropped-w3+sign",
     ["two slips", "w3", "wrong sign"]),
]


@pytest.mark.parametrize("eid, answer, mistake, words", NAMED,
                         ids=[f"{e}-{m}" for e, _, m, _ in NAMED])
def test_realistic_mistakes_are_named_in_the_learners_variables(eid, answer, mistake, words):
    result = explain(eid, answer)
    assert result.mistake == mistake, str(result)
    for word in words:
        assert word in result.summary, (word, result.summary)


# --- correct answers always pass, one-point agreement never does ---------------------------------

def _base_formula(eid) -> str:
    _, _, table = _structure_and_table(eid)
    S = table.structure
    return render(E.Form(S.paths, (1,) * len(S.paths)))


@pytest.mark.parametrize("eid", sorted(SPECS))
def test_the_expanded_sum_over_paths_passes(eid):
    result = explain(eid, _base_formula(eid))
    assert result.passed, str(result)


@pytest.mark.parametrize("answer", [
    "d(z2)*w2*d(z1)*x",
    r"d\left(z_2\right)\cdot w_2\cdot d\left(z_1\right)\cdot x",
    "d(w2*s(w1*x+b1)+b2)*w2*d(w1*x+b1)*x",
    lambda x, w1, w2: sigmoid_prime(w2 * sigmoid(w1 * x + 1) + 1) * w2
    * sigmoid_prime(w1 * x + 1) * x,
])
def test_correct_chain_answers_pass(answer):
    assert explain("chain.dy_dw1", answer).passed


def chain_math(x, w1, w2):
    """Scalar-only, with a loop over the chain's two layers."""
    value, grad = x, 1.0
    slopes = []
    for w in (w1, w2):
        z = w * value + 1
        value = 1 / (1 + math.exp(-z))
        slopes.append(value * (1 - value))
    grad = slopes[1] * w2 * slopes[0] * x
    return grad


def test_a_scalar_only_loop_passes():
    assert explain("chain.dy_dw1", chain_math).passed


@pytest.mark.parametrize("answer", ["(delta2*w2 + delta3*w3)*h1*(1 - h1)",
                                    "delta2*w2*h1*(1-h1) + delta3*w3*h1*(1-h1)",
                                    lambda delta2, delta3, w2, w3, h1:
                                    (delta2 * w2 + delta3 * w3) * h1 * (1 - h1)])
def test_correct_delta_answers_pass(answer):
    assert explain("backprop.delta_h1", answer).passed


@pytest.mark.parametrize("eid, answer", [
    ("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)"),        # I = 1 hides it
    ("chain.dy_dw1", "d(z2)*w2*d(z1)"),                                      # x = 1 hides it
    ("diamond.dO_dw2", "d(zO)*w5*d(z3)*h1"),                                 # w2 = w3 there
    ("diamond.dO_dw1", "0.0014291881022"),
])
def test_right_at_the_worked_example_only_never_passes(eid, answer):
    result = explain(eid, answer)
    assert not result.passed and result.mistake


def test_a_new_graph_exercise_gets_the_diagnosis_by_declaring_its_graph():
    """The scaled tanh y = tanh(w·(2/3)·x + b): dy/dx needs the inner constant 2/3."""
    from course._grading.scalar import GraphTarget, ScalarSpec, grade_scalar
    from course.nn.graph import Graph

    g = Graph()
    x, w, b = g.input("x"), g.input("w"), g.input("b")
    g.tanh(g.add(g.mul(w, g.mul(g.const(2 / 3, "2/3"), x, name="u")), b, name="z"), name="y")
    spec = ScalarSpec(
        variables=("x", "w", "b"), quantity="dy/dx",
        reference=lambda x, w, b: (1 - np.tanh(w * 2 / 3 * x + b) ** 2) * w * 2 / 3,
        sample=lambda rng, n: {k: rng.uniform(-2, 2, n) for k in ("x", "w", "b")},
        graph=GraphTarget(g, "y", "x", params=("w", "b"), prime="tanh'({})"))
    opts = CheckOptions()
    right = grade_scalar("t.dy_dx", spec, lambda x, w, b: (1 - np.tanh(w * 2 / 3 * x + b) ** 2)
                         * w * 2 / 3, opts)
    assert right.passed
    wrong = grade_scalar("t.dy_dx", spec, lambda x, w, b: (1 - np.tanh(w * 2 / 3 * x + b) ** 2)
                         * w, opts)
    assert wrong.mistake == "constant-missing", str(wrong)
    assert "you left out 2/3" in wrong.summary and "d/dx f(a·x) = a·f′(a·x)" in wrong.summary
    itself = grade_scalar("t.dy_dx", spec, lambda x, w, b: np.tanh(w * 2 / 3 * x + b) * w * 2 / 3,
                          opts)
    assert itself.mistake == "s-instead-of-d-z" and "tanh(z) where tanh'(z)" in itself.summary
