import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True)


def test_help_lists_the_stages():
    proc = run("--help")
    assert proc.returncode == 0
    for word in ("release", "exercises", "check"):
        assert word in proc.stdout


def test_exercises_lists_ids_grouped_by_lesson():
    proc = run("exercises", "--mistakes")
    assert proc.returncode == 0
    assert "01_neuron_and_sigmoid" in proc.stdout
    assert "sigmoid.derivative" in proc.stdout
    assert "d-of-preactivation" in proc.stdout


def test_check_a_formula_from_the_terminal():
    good = run("check", "sigmoid.derivative", "s(z)*(1-s(z))")
    assert good.returncode == 0 and "✓" in good.stdout
    bad = run("check", "sigmoid.derivative", "z*(1-z)")
    assert bad.returncode == 1 and "d-of-preactivation" in bad.stdout


def test_unknown_command_is_a_usage_error():
    proc = run("frobnicate")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_an_instructor_tool_without_its_extra_says_what_to_install(monkeypatch, capsys):
    import course.release
    from course.__main__ import main

    def missing(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'nbformat'", name="nbformat")

    monkeypatch.setattr(course.release, "release", missing)
    assert main(["release", "--check"]) == 2
    err = capsys.readouterr().err
    assert "'nbformat'" in err and "backprop-course[grade]" in err
