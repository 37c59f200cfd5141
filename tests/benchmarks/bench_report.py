"""Printing a benchmark module's ratios after its benchmarks ran (even under capture)."""

from __future__ import annotations


def write_summary(request, title: str, lines: list[str]) -> None:
    """Write ``title`` and ``lines`` to pytest's terminal; nothing when ``lines`` is empty
    (the benchmarks were skipped) or there is no terminal."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if not lines or reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():       # what capsys.disabled() does
        reporter.write_line("")
        reporter.write_sep("-", title)
        for line in lines:
            reporter.write_line(line)
