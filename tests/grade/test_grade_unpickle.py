"""The allow-listed loader: what an answer may and may not bring into the grading process.

The learner-like functions below are pickled BY VALUE (as cloudpickle pickles a
notebook's functions), so loading them exercises the same path as a real answer.
"""

from __future__ import annotations

import functools
import math
import os
import pickle
import subprocess
import sys

import cloudpickle
import numpy as np
import pytest

from course._grading.batch.review import library_references, scan
from course._grading.batch.unpickle import SAFE_BUILTINS, RefusedGlobal, allowed_module, load_answer
from course.nn.activations import sigmoid as s


@pytest.fixture(autouse=True, scope="module")
def _pickle_this_module_by_value():
    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)
    yield
    cloudpickle.unregister_pickle_by_value(module)


def roundtrip(obj):
    return load_answer(cloudpickle.dumps(obj))


# --- learner-like answers -------------------------------------------------------------
def forward(z):
    return s(z)


def sigmoid_prime(z):
    h = forward(z)
    return h * (1 - h) + 0 * np.exp(0)


def reads_a_file(z):
    return open("/etc/hostname").read()


def imports_os(z):
    import os

    return os


def imports_math(z):
    import math

    return math.sqrt(z)


def uses_subprocess(z):
    return subprocess.run


def patches_numpy(z):
    np.isclose = lambda *a, **k: True
    return z


def patches_a_numpy_submodule(z):
    np.linalg.norm = None
    return z


def climbs_to_subclasses(z):
    return ().__class__.__base__.__subclasses__()


def calls_the_climber(z):
    climbs_to_subclasses(z)
    return z


# --- tests ----------------------------------------------------------------------------
def test_a_learner_function_with_numpy_and_helpers_still_computes():
    loaded = roundtrip(sigmoid_prime)
    assert loaded is not sigmoid_prime
    z = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(loaded(z), s(z) * (1 - s(z)))


def test_arrays_rngs_partials_and_math_load():
    data = {"a": np.arange(4.0), "rng": np.random.default_rng(3),
            "f": functools.partial(math.pow, 2.0), "u": np.tanh, "scalar": np.float32(1.5)}
    loaded = roundtrip(data)
    np.testing.assert_array_equal(loaded["a"], data["a"])
    assert loaded["f"](3.0) == 8.0 and loaded["u"] is np.tanh
    assert loaded["rng"].random() == np.random.default_rng(3).random()


@pytest.mark.parametrize("obj, named", [
    (os.system, "system"), (eval, "eval"), (getattr, "getattr"), (open, "open"),
    (pickle.loads, "loads"),
])
def test_dangerous_globals_are_refused_by_name(obj, named):
    with pytest.raises(RefusedGlobal, match="graded answers may not use") as err:
        roundtrip(obj)
    assert named in str(err.value)


def test_the_checker_and_the_reference_exercises_are_refused():
    from course._grading.exercises.warmup import f_prime
    from course.checks import check

    for obj in (check, f_prime):
        with pytest.raises(RefusedGlobal, match=r"course\.(checks|_grading)"):
            roundtrip(obj)


def test_a_module_outside_the_allow_list_is_refused_when_a_function_uses_it():
    with pytest.raises(RefusedGlobal, match="the module subprocess"):
        roundtrip(uses_subprocess)


def test_a_reduce_payload_calling_os_system_never_runs(tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    with pytest.raises(RefusedGlobal):
        load_answer(pickle.dumps(Payload()))
    assert not marker.exists()


def test_answers_see_reduced_builtins_and_a_guarded_import():
    with pytest.raises(NameError, match="open"):
        roundtrip(reads_a_file)(1.0)
    with pytest.raises(ImportError, match="may not import 'os'"):
        roundtrip(imports_os)(1.0)
    assert roundtrip(imports_math)(4.0) == 2.0
    assert "eval" not in SAFE_BUILTINS and "exec" not in SAFE_BUILTINS


def test_modules_reach_answers_read_only_so_the_checkers_numpy_stays_intact():
    with pytest.raises(AttributeError, match="may not change the module numpy "):
        roundtrip(patches_numpy)(1.0)
    with pytest.raises(AttributeError, match="may not change the module numpy.linalg"):
        roundtrip(patches_a_numpy_submodule)(1.0)
    assert not np.isclose(1.0, 2.0)           # the real numpy was never touched
    assert np.linalg.norm is not None


def test_allowed_module_keeps_file_and_process_access_out():
    assert allowed_module("numpy") and allowed_module("numpy.linalg")
    assert allowed_module("course.nn.networks")
    for name in ("os", "numpy.ctypeslib", "numpy.f2py", "course.checks",
                 "course._grading.exercises.sigmoid", "subprocess", "ctypes", "builtins"):
        assert not allowed_module(name), name


def test_review_flags_introspection_but_not_maths():
    assert scan(roundtrip(sigmoid_prime)) == []
    assert scan(roundtrip(calls_the_climber)) == ["__base__", "__subclasses__"]  # via helper
    assert library_references(roundtrip(sigmoid_prime)) == ["course.nn.activations.sigmoid"]
