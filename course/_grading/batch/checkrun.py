"""Driving the grading process (``course._grading.batch.worker``) from the grader.

``CheckProcess`` starts the worker early (it imports the checks while the learner's
kernel runs) and hands it one job. ``run_checks`` collects its results line by line;
when an answer kills the worker, the exercise being checked is failed with that
reason and a fresh worker checks the rest.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["CheckProcess", "run_checks", "worker_env"]


def worker_env(workdir: Path) -> dict:
    """The grading process's environment: grading mode, progress kept in ``workdir``."""
    env = dict(os.environ)
    env.update(COURSE_GRADING="1", COURSE_PROGRESS_FILE=str(workdir / "worker-progress.json"),
               MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    return env


class CheckProcess:
    """A fresh ``python -m course._grading.batch.worker``, waiting for its job on stdin."""

    def __init__(self, workdir: Path):
        self.cwd = Path(tempfile.mkdtemp(prefix="worker-", dir=workdir))
        self.stderr = open(self.cwd / "stderr.txt", "wb")  # noqa: SIM115 - closed in close()
        flags = ["-P"] if sys.version_info >= (3, 11) else []   # no cwd on sys.path
        self.proc = subprocess.Popen(
            [sys.executable, *flags, "-m", "course._grading.batch.worker"], cwd=self.cwd,
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.stderr,
            env=worker_env(workdir), start_new_session=True)

    def run(self, job: dict, timeout: float) -> int | None:
        """Send ``job``; the exit code, or ``None`` when it was killed after ``timeout``."""
        try:
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.close()
        except OSError:        # it died before reading (a broken install): see the exit code
            pass
        try:
            return self.proc.wait(timeout=max(0.1, timeout))
        except subprocess.TimeoutExpired:
            self.close()
            return None

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
            self.proc.wait()
        self.stderr.close()


def _read_results(path: Path, key: bytes) -> tuple[dict, str | None, dict, int]:
    """Finished records by id, the id still running when the file ends, review notes by id,
    and how many lines were rejected (unsigned or forged)."""
    from course._grading.batch.worker import sign

    done, running, review, forged = {}, None, {}, 0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return done, None, review, forged
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            forged += 1
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or \
                not hmac.compare_digest(str(rec.get("mac", "")), sign(rec, key)):
            forged += 1
            continue
        if rec.get("event") == "start":
            running = rec["id"]
            review[running] = rec.get("review") or []
        elif rec.get("event") == "result":
            done[rec["id"]] = rec
            running = None
    return done, running, review, forged


def run_checks(exercises, answers_file: Path, workdir: Path, options, deadline: float,
               first: CheckProcess | None = None) -> tuple[dict, int]:
    """Grade every exercise in fresh worker processes.

    ``exercises`` are registry ``Exercise`` objects. Returns a record for each exercise
    id (at least ``status`` and ``summary``, see ``course._grading.batch.worker``) and the number
    of result lines rejected because their HMAC was wrong.
    """
    records: dict[str, dict] = {}
    forged = 0
    remaining = list(exercises)
    proc = first
    retried: set[str] = set()
    for attempt in range(2 * len(exercises) + 1):
        if not remaining:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            break
        proc = proc or CheckProcess(workdir)
        results = workdir / f"results-{attempt}.jsonl"
        key = secrets.token_bytes(32)
        job = {"answers": str(answers_file), "results": str(results), "key": key.hex(),
               "exercises": [{"id": ex.id, "answer_name": ex.answer_name} for ex in remaining],
               "n_cases": options.n_cases, "seed": options.seed,
               "timeout": options.check_timeout}
        limit = min(left, len(remaining) * (options.check_timeout + 5) + 30)
        code = proc.run(job, timeout=limit)
        proc.close()
        proc = None
        done, running, review, bad_lines = _read_results(results, key)
        forged += bad_lines
        records.update(done)
        remaining = [ex for ex in remaining if ex.id not in records]
        if not remaining:
            break
        culprit = running or remaining[0].id
        if code is not None and code < 0 and culprit not in retried:
            # killed by a signal: perhaps by another notebook's process, not by this answer;
            # run it once more before blaming it
            retried.add(culprit)
            continue
        if code is not None and code < 0:
            summary = (f"the grading process was killed (signal {-code}) twice while it checked "
                       "this answer — by the answer itself or by another process (one a "
                       "notebook left running?). Grade this submission again on its own")
            records[culprit] = {"status": "not graded", "summary": summary,
                                "feedback": f"{culprit}: {summary}", "points": 0.0,
                                "crashed": True, "review": review.get(culprit, [])}
            remaining = [ex for ex in remaining if ex.id != culprit]
            continue
        how = (f"ran past the time limit of {limit:g} s" if code is None
               else f"ended with exit code {code}")
        summary = (f"checking your answer stopped the grading process (it {how}) — does your "
                   "code call os._exit, crash Python or loop forever?")
        records[culprit] = {"status": "failed", "mistake": "crashed-grader", "summary": summary,
                            "feedback": f"✗ {culprit}: {summary}", "points": 0.0,
                            "crashed": True, "review": review.get(culprit, [])}
        remaining = [ex for ex in remaining if ex.id != culprit]
    if proc is not None:
        proc.close()
    for ex in remaining:
        records[ex.id] = {"status": "not graded", "summary": "the submission ran out of its "
                          "time budget before this exercise was checked"}
    return records, forged
