"""One JupyterLab server and one headless Chromium for the whole browser-test session.

The tests drive the course the way a learner meets it: a real ``jupyter lab`` on a
free localhost port (token auth, temporary copy of ``lessons/`` and ``solutions/``),
Debian's Chromium driven by Playwright. Helpers reach the tests as fixtures:

``lab``            a :class:`LabPage` (fresh browser context) for one test
``make_notebook``  write a scratch notebook into the server's root
``lab_server``     the running :class:`LabServer` (``lab_root``: its root directory)
``artifacts_dir``  test-artifacts/browser/: screenshots, the server log

Waits are on conditions (kernel idle, cells finished, a number shown), each bounded;
state is read from JupyterLab's models through ``labstate.js``.

Without Chromium or Playwright every browser test skips with the reason; with
``COURSE_REQUIRE_BROWSER=1`` (set by CI) that skip becomes a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

import course

REQUIRE_ENV = "COURSE_REQUIRE_BROWSER"
CHROMIUM_ENV = "COURSE_CHROMIUM"  # optional override of the Chromium executable
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--disable-quic",
]
SERVER_START_TIMEOUT = 90.0  # s, a cold JupyterLab on a busy 2-core machine
NOTEBOOK_FOLDERS = ("lessons", "solutions")

# JupyterLab user settings for the session: no news toast, no update check, and every
# cell kept in the DOM (no virtual scrolling), so selectors see the whole notebook.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> Path | None:
    """The Chromium executable: ``$COURSE_CHROMIUM``, else ``chromium`` on PATH or /usr/bin."""
    candidates = [os.environ.get(CHROMIUM_ENV), shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if chromium_path() is None:
        return ("Chromium not found (looked at $COURSE_CHROMIUM, PATH and /usr/bin/chromium; "
                "install it with `apt-get install chromium`)")
    return None


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``, or fail when ``COURSE_REQUIRE_BROWSER`` is set (as in CI)."""
    if _truthy(os.environ.get(REQUIRE_ENV)):
        pytest.fail(f"{REQUIRE_ENV} is set but the browser tests cannot run: {reason}",
                    pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def free_port() -> int:
    """A localhost port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_notebook(path: Path, sources: list[str]) -> Path:
    """Write a python3 notebook whose code cells are ``sources`` (markdown if it starts '#!md')."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for src in sources:
        if src.startswith("#!md\n"):
            nb.cells.append(nbformat.v4.new_markdown_cell(src.removeprefix("#!md\n")))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(src))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _strip_outputs(folder: Path) -> None:
    """Clear outputs and execution counts, so a numbered prompt in the page means 'ran here'."""
    for path in folder.rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        nbformat.write(nb, path)


@dataclass
class LabServer:
    """A running ``jupyter lab``: its base URL, token, root directory and log."""

    url: str
    token: str
    root: Path
    log: Path
    proc: subprocess.Popen = field(repr=False)

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as err:
            return f"(server log unreadable: {err})"
        return "\n".join(lines[-n:])

    def api(self, path: str, method: str = "GET", timeout: float = 5.0):
        """Call the REST API with the token; returns decoded JSON (or None for no content)."""
        req = urllib.request.Request(self.url + path.lstrip("/"), method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def wait_ready(self, timeout: float) -> None:
        """Poll ``/api/status`` until it answers; fail with the log tail otherwise."""
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with code {self.proc.returncode} before it "
                            f"was ready. Server log tail:\n{self.log_tail()}", pytrace=False)
            try:
                self.api("api/status", timeout=2.0)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as err:
                last_error = str(err)
            time.sleep(0.25)
        pytest.fail(f"jupyter lab did not answer {self.url}api/status within {timeout:.0f} s "
                    f"(last error: {last_error}). Server log tail:\n{self.log_tail()}",
                    pytrace=False)

    def stop(self) -> None:
        """Ask the server to shut down (kernels included), then end its process group."""
        if self.proc.poll() is None:
            try:
                self.api("api/shutdown", method="POST", timeout=5.0)
                self.proc.wait(timeout=15)
            except (urllib.error.URLError, OSError, subprocess.TimeoutExpired):
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.proc.poll() is not None:
                break
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


def _server_env(home: Path) -> dict:
    """The learner's environment: not grading mode, the repo's ``course`` importable."""
    env = dict(os.environ)
    # The test run sets these (the root conftest.py); a learner's kernel has neither: widgets
    # behave interactively and matplotlib draws inline instead of into Agg.
    for name in ("COURSE_GRADING", "MPLBACKEND"):
        env.pop(name, None)
    package_parent = str(Path(course.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    env["COURSE_PROGRESS_FILE"] = str(home / "progress.json")
    env["JUPYTER_CONFIG_DIR"] = str(home / "config")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    return env


@pytest.fixture(scope="session")
def browser_available():
    """Skip (or fail under ``COURSE_REQUIRE_BROWSER``) when Chromium/Playwright are missing."""
    reason = unavailable_reason()
    if reason:
        skip_or_fail(reason)


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory, pytestconfig) -> Path:
    """A temporary copy of lessons/ and solutions/ (outputs cleared): the server's root."""
    root = tmp_path_factory.mktemp("lab-root")
    for name in NOTEBOOK_FOLDERS:
        source = pytestconfig.rootpath / name
        if source.is_dir():
            shutil.copytree(source, root / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            _strip_outputs(root / name)
    return root


@pytest.fixture(scope="session")
def lab_server(browser_available, lab_root, tmp_path_factory, artifacts_dir):
    """A headless ``jupyter lab`` on a free port, shut down (with its kernels) at session end."""
    home = tmp_path_factory.mktemp("lab-home")
    for name, settings in LAB_SETTINGS.items():
        target = home / "user-settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings), encoding="utf-8")
    token = secrets.token_hex(16)
    port = free_port()
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={lab_root}",
        "--ServerApp.open_browser=False", "--ServerApp.terminals_enabled=False",
        "--ServerApp.shutdown_no_activity_timeout=900",  # an orphan (pytest killed) ends itself
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: read outputs from the model
        f"--LabApp.user_settings_dir={home / 'user-settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers run as root
    log = home / "jupyter-lab.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(cmd, cwd=lab_root, env=_server_env(home), stdin=subprocess.DEVNULL,
                                stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    server = LabServer(url=f"http://127.0.0.1:{port}/", token=token, root=lab_root, log=log,
                       proc=proc)
    try:
        server.wait_ready(SERVER_START_TIMEOUT)
        yield server
    finally:
        server.stop()
        shutil.copy(log, artifacts_dir / log.name)  # for CI: what the server said


@pytest.fixture(scope="session")
def chromium(browser_available):
    """One headless Chromium for the session.

    ``launch`` always starts from a fresh temporary ``--user-data-dir`` that Playwright
    deletes on close (it refuses the flag in ``args``; only persistent contexts take one).
    """
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def make_notebook(lab_root):
    """``make_notebook("scratch/x.ipynb", [source, ...])`` writes a notebook in the server root."""

    def make(relpath: str, sources: list[str]) -> str:
        write_notebook(lab_root / relpath, sources)
        return relpath

    return make


@pytest.fixture(scope="session")
def artifacts_dir(pytestconfig) -> Path:
    """test-artifacts/browser/ at the repository root (gitignored): screenshots go here."""
    path = pytestconfig.rootpath / "test-artifacts" / "browser"
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.png"):  # a screenshot always belongs to this run
        stale.unlink()
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item, so ``lab`` can screenshot a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"_report_{report.when}", report)


@pytest.fixture
def lab(request, chromium, lab_server, artifacts_dir):
    """A :class:`LabPage` in a fresh browser context; screenshots the page if the test fails."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    driver = LabPage(page, lab_server, artifacts_dir, workspace=request.node.name)
    try:
        yield driver
    finally:
        report = getattr(request.node, "_report_call", None)
        if report is not None and report.failed:
            driver.screenshot(f"FAILED-{request.node.name}")
        driver.shutdown_kernels()
        context.close()


NOTEBOOK = "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)"

LABSTATE_JS = Path(__file__).with_name("labstate.js")  # window.__labstate: model readers


class LabPage:
    """Drive one JupyterLab tab as a learner would: open, Run All, read outputs, screenshot."""

    def __init__(self, page, server: LabServer, artifacts: Path, workspace: str):
        self.page = page
        self.server = server
        self.artifacts = artifacts
        self.workspace = "".join(c if c.isalnum() else "-" for c in workspace)[:60]
        self.page_errors: list[str] = []
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.add_init_script(path=LABSTATE_JS)
        page.set_default_timeout(30_000)

    def open(self, path: str, timeout: float = 90_000) -> None:
        """Open the notebook at ``path`` (relative to the server root); wait for an idle kernel."""
        from urllib.parse import quote

        if not (self.server.root / path).is_file():
            pytest.fail(f"{path} does not exist: the server root holds copies of the "
                        f"repository's {' and '.join(NOTEBOOK_FOLDERS)} folders", pytrace=False)
        self.page.goto(f"{self.server.url}lab/workspaces/{self.workspace}/tree/{quote(path)}"
                       f"?reset&token={self.server.token}")
        self.wait_kernel_idle(timeout)

    def wait_kernel_idle(self, timeout: float = 90_000) -> None:
        """Wait until the notebook has a connected, idle kernel; accept a kernel-choice dialog."""
        deadline = time.monotonic() + timeout / 1000
        while True:
            remaining = max(1000.0, (deadline - time.monotonic()) * 1000)
            state = self.page.wait_for_function("() => window.__labstate.kernelState()",
                                                timeout=remaining, polling=100).json_value()
            if state == "ready":
                return
            dialog = self.page.locator(".jp-Dialog")
            text = dialog.inner_text()
            if "kernel" not in text.lower():
                pytest.fail(f"unexpected JupyterLab dialog:\n{text}", pytrace=False)
            dialog.locator(".jp-mod-accept").click()  # the default: Python 3 (ipykernel)
            dialog.wait_for(state="detached")

    def cells(self) -> list[dict]:
        """The open notebook's code cells, from its model.

        Each is ``{"cell": index, "hasSource": bool, "count": execution count or None,
        "running": bool, "errors": [{"ename", "evalue"}]}``.
        """
        return self.page.evaluate("() => window.__labstate.cells()")

    def error_outputs(self) -> list[dict]:
        """Every error output of the open notebook: ``[{"cell", "ename", "evalue"}]``."""
        return [{"cell": c["cell"], **e} for c in self.cells() for e in c["errors"]]

    def run_all(self, timeout: float = 120_000) -> None:
        """Menu Run > Run All Cells, then wait until every queued cell has run (or was aborted)."""
        self.wait_kernel_idle()
        before = max((c["count"] or 0 for c in self.cells()), default=0)
        self.page.locator('.lm-MenuBar-itemLabel:text-is("Run")').click()
        self.page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        self.page.wait_for_function("(before) => window.__labstate.runFinished(before)",
                                    arg=before, timeout=timeout, polling=100)

    def locator(self, selector: str):
        """Locator for ``selector`` inside the open notebook."""
        return self.page.locator(f"{NOTEBOOK} {selector}")

    def slider(self, label: str, within=None):
        """The ipywidgets slider(s) whose description is exactly ``label`` (inside ``within``)."""
        scope = within if within is not None else self.page.locator(NOTEBOOK)
        has_label = self.page.locator(f'.widget-label:text-is("{label}")')
        return scope.locator(".widget-slider").filter(has=has_label)

    @staticmethod
    def slider_value(slider) -> float:
        """The value a slider's readout shows."""
        return float(slider.locator(".widget-readout").inner_text())

    def press_slider(self, slider, key: str = "ArrowRight", times: int = 1) -> float:
        """Focus the slider's handle, press ``key`` ``times`` times; return the new readout."""
        readout = slider.locator(".widget-readout")
        before = readout.inner_text()
        handle = slider.locator(".noUi-handle")
        handle.focus()
        for _ in range(times):
            handle.press(key)
        self.page.wait_for_function("([el, before]) => el.textContent.trim() !== before",
                                    arg=[readout.element_handle(), before.strip()])
        return self.slider_value(slider)

    def wait_for_number(self, selector: str, expected: float, rel: float,
                        timeout: float = 15_000) -> str:
        """Wait until the number shown by ``selector`` is ``expected`` (within ``rel``).

        Returns the text shown last, matching or not, so the test asserts on it.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        full = f"{NOTEBOOK} {selector}"
        try:
            self.page.wait_for_function("(a) => window.__labstate.numberIs(...a)",
                                        arg=[full, expected, rel], timeout=timeout, polling=100)
        except PlaywrightTimeout:
            pass
        return self.page.locator(full).first.inner_text()

    def screenshot(self, name: str, element=None) -> Path:
        """Save a PNG of the page (scrolled to ``element`` if given) under test-artifacts/."""
        path = self.artifacts / f"{name}.png"
        if element is not None:
            element.scroll_into_view_if_needed()
        self.page.screenshot(path=path)
        return path

    def shutdown_kernels(self) -> None:
        """End every kernel session (frees the shared machine between tests)."""
        try:
            for session in self.server.api("api/sessions") or []:
                self.server.api(f"api/sessions/{session['id']}", method="DELETE")
        except (urllib.error.URLError, OSError):
            pass
