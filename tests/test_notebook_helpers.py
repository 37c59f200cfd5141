import math

from course.notebook import learner_or_reference, probe


def reference(z):
    return 2.0 * z


def test_stub_falls_back_to_reference_and_says_so(capsys):
    def stub(z):
        raise NotImplementedError("write it")

    assert learner_or_reference(stub, reference, 1.0, name="f") is reference
    assert "Your f is not written yet — showing the course's reference" in capsys.readouterr().out


def test_written_function_is_used(capsys):
    def mine(z):
        return 3.0 * z

    assert learner_or_reference(mine, reference, 1.0, name="f", number=True) is mine
    assert capsys.readouterr().out.strip() == "Using your f."


def test_broken_or_non_numeric_function_falls_back_with_the_reason(capsys):
    def returns_none(z):
        print(z)

    def raises(z):
        return undefined_name  # noqa: F821

    assert learner_or_reference(returns_none, reference, 1.0, name="f", number=True) is reference
    assert "does not return a number yet (it returned NoneType)" in capsys.readouterr().out
    assert learner_or_reference(raises, reference, 1.0, name="f") is reference
    assert "NameError" in capsys.readouterr().out
    assert probe(lambda z: math.inf, 1.0, number=True) == "returns inf"


def test_non_numeric_answers_are_fine_without_number():
    assert probe(lambda: {"w1": 1.0}) == ""
    assert probe(lambda: None) == ""
