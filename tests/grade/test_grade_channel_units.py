"""The pieces of the channel, without a sandbox: public objects rebuilt only from checked
plain values, arguments' changes written back in place or as new values, callback stubs
that hold no code of the grader's, and drivers resolved only by their registered name."""

from __future__ import annotations

import json

import numpy as np
import pytest

from course._grading.batch import objects
from course._grading.batch.mutation import after, settle, snapshot
from course._grading.batch.serve import AnswerServer, _callback_stub
from course._grading.batch.wire import WireError, decode, encode
from course._grading.drivers import resolve
from course.nn.mlp import MLP
from course.nn.networks import DiamondNet


def test_a_diamond_is_rebuilt_from_nine_numbers_only():
    state = objects.state(DiamondNet(w1=0.3), "DiamondNet")
    net = objects.build("DiamondNet", state)
    assert type(net) is DiamondNet and net.w1 == 0.3
    with pytest.raises(objects.ObjectError):
        objects.build("DiamondNet", {**state, "w2": "0.5"})
    with pytest.raises(objects.ObjectError):
        objects.build("Learner", state)


def test_a_model_is_rebuilt_from_checked_arrays_and_names():
    model = MLP((2, 3, 1), activation="tanh", seed=1)
    state = decode(encode(objects.state(model, "MLP")))
    copy = objects.build("MLP", state)
    assert type(copy) is MLP and np.array_equal(copy.weights[0], model.weights[0])
    assert np.array_equal(copy.forward(np.ones((4, 2))), model.forward(np.ones((4, 2))))
    with pytest.raises(objects.ObjectError):
        objects.build("MLP", {**state, "activations": ["os.system", "sigmoid"]})
    with pytest.raises(objects.ObjectError):
        objects.build("MLP", {**state, "weights": ["not an array", state["weights"][1]]})


def test_a_generator_crosses_as_its_pcg64_state_only():
    rng = np.random.default_rng(5)
    copy = objects.build("Generator", objects.state(rng, "Generator"))
    assert copy.permutation(10).tolist() == rng.permutation(10).tolist()
    bad = json.dumps({"bit_generator": "MT19937", "state": {}})
    with pytest.raises(objects.ObjectError):
        objects.build("Generator", {"bit_generator": bad})


def test_changes_come_back_in_place_or_as_new_values():
    mine = {"W": np.zeros(3), "b": np.zeros(2), "lr": 0.1}     # the grader's
    theirs = decode(encode(mine))                                # the sandbox's copy
    table = snapshot(theirs)
    kept = theirs["W"]
    theirs["W"] -= 1.0                  # in place
    theirs["b"] = theirs["b"] + 2.0     # a new array under the same key
    theirs["new"] = 7
    original_W, original_b = mine["W"], mine["b"]
    settle(mine, json.loads(json.dumps(after(theirs, table))))
    assert mine["W"] is original_W and mine["W"].tolist() == [-1.0] * 3
    assert mine["b"] is not original_b and original_b.tolist() == [0.0, 0.0]
    assert mine["b"].tolist() == [2.0, 2.0] and mine["new"] == 7 and kept is theirs["W"]


def test_a_models_parameters_come_back_into_the_graders_model():
    mine = MLP((2, 3, 1), seed=0)
    theirs = objects.build("MLP", decode(encode(objects.state(mine, "MLP"))))
    table = snapshot(theirs)
    first = mine.weights[0]
    theirs.weights[0] -= 1.0
    theirs.biases[1] = theirs.biases[1] + 1.0
    settle(mine, json.loads(json.dumps(after(theirs, table, lambda v: encode(v)))))
    assert mine.weights[0] is first and np.array_equal(first, theirs.weights[0])
    assert np.array_equal(mine.biases[1], theirs.biases[1])


def test_a_state_that_is_not_plain_is_refused():
    from course._grading.batch.wire import Opaque

    with pytest.raises(WireError):
        settle({}, {"dict": [["x", {"value": {"pickle": "gASV"}, "same": False}]]})
    with pytest.raises(WireError):
        settle({}, {"eval": "__import__('os')"})
    target: dict = {}
    settle(target, {"dict": [["x", {"value": {"object": "Evil"}, "same": False}]]})
    assert isinstance(target["x"], Opaque) and type(target["x"]).__name__ == "Evil"


def test_a_callback_stub_holds_an_id_and_no_code_of_the_graders():
    server = AnswerServer({}, lambda message: None)
    stub = _callback_stub(server, 3, "gradient")
    contents = [c.cell_contents for c in stub.__closure__]
    assert sorted(map(type, contents), key=str) == sorted([AnswerServer, int], key=str)
    assert stub.__name__ == "gradient" and 3 in contents
    assert all(not callable(c) or isinstance(c, AnswerServer) for c in contents)


def test_only_registered_drivers_can_be_run_by_name():
    from course._grading.drivers.autograd import engine_numbers

    assert resolve(engine_numbers.driver_name) is engine_numbers.__wrapped__
    for name in ("course._grading.drivers.autograd:as_value_class",
                 "course._grading.batch.serve:AnswerServer", "os:system",
                 "course._grading.drivers.autograd:Ops", "nonsense"):
        assert resolve(name) is None, name
