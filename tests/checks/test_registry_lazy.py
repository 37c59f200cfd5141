"""A lesson's first check imports only its own topic's exercises, and the registry's order
does not depend on which exercises were looked up first."""

import json
import subprocess
import sys
import textwrap

import pytest

from course._grading import registry


def _fresh(code: str):
    """Run ``code`` in a fresh interpreter (nothing registered yet); its printed JSON."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def test_a_lookup_imports_only_the_module_its_topic_names():
    loaded = _fresh("""
        import json, sys
        from course._grading import registry
        registry.get_exercise("softmax.forward")
        prefix = registry.EXERCISES_PACKAGE + "."
        print(json.dumps(sorted(m[len(prefix):] for m in sys.modules if m.startswith(prefix))))
    """)
    assert {"beyond.softmax", "beyond.relu", "beyond.init"} <= set(loaded)     # its package
    assert {m.split(".")[0] for m in loaded} == {"beyond"}, loaded


@pytest.mark.parametrize("exercise_id", [e.id for e in registry.all_exercises()])
def test_every_topic_names_the_module_that_registers_it(exercise_id):
    """The naming rule keeps lessons fast: an exercise registered elsewhere would still be
    found (by a full load), but its lesson's first check would import every lesson."""
    places = registry._topic_places(exercise_id.partition(".")[0], registry._listing())
    assert registry._ORDER[exercise_id][0] in places, (
        f"{exercise_id}: put it in a module or package named after its topic")


def test_the_order_is_that_of_a_full_load_whatever_was_looked_up_first():
    after_lookups = _fresh("""
        import json
        from course._grading import registry
        for exercise_id in ("minibatch.batches", "tanh.derivative", "softmax.ce_grad",
                            "quiz08.bfs", "diamond.dO_dw1", "no-such.topic"):
            try:
                registry.get_exercise(exercise_id)
            except KeyError:
                pass
        print(json.dumps([e.id for e in registry.all_exercises()]))
    """)
    assert after_lookups == [e.id for e in registry.all_exercises()]


def test_an_unknown_id_still_suggests_from_every_exercise():
    message = _fresh("""
        import json
        from course._grading import registry
        try:
            registry.get_exercise("softmax.foward")
        except KeyError as err:
            print(json.dumps(str(err)))
    """)
    assert "Did you mean 'softmax.forward'" in message
