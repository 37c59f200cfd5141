"""What the batch grader produces: plain data, one record per exercise and per submission."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from course._grading.registry import CheckOptions

__all__ = ["GradingOptions", "ExerciseGrade", "SubmissionGrade", "NOTEBOOK_N_CASES"]

#: how many random cases the in-notebook ``check`` uses
NOTEBOOK_N_CASES = CheckOptions().n_cases


@dataclass(frozen=True)
class GradingOptions:
    """How a batch is graded.

    Attributes
    ----------
    timeout : float
        Seconds one notebook cell may run before it is interrupted.
    budget : float or None
        Seconds one whole submission may take (kernel runs, restarts and checks);
        ``None`` means ``10 * timeout + 60``.
    lesson : str or None
        Expected lesson (``NN_name``); a notebook of another lesson scores 0.
    n_cases : int
        Random cases per exercise in the checks (the notebook uses 48).
    seed : int
        Seed of the grading cases (differs from the notebook's).
    check_timeout : float
        Seconds one exercise's check may take in the grading process.
    max_restarts : int
        Fresh kernels started after a cell killed the kernel or ignored an interrupt.
    sandbox : bool
        Run every submission in the bubblewrap sandbox (``course._grading.batch.sandbox``);
        ``False`` only for notebooks the instructor trusts (``--unsafe-no-sandbox``, and
        ``python -m course validate`` on the course's own notebooks).
    """

    timeout: float = 30.0
    budget: float | None = None
    lesson: str | None = None
    n_cases: int = 200
    seed: int = 1_000_003
    check_timeout: float = 10.0
    max_restarts: int = 3
    sandbox: bool = True

    @property
    def total_budget(self) -> float:
        """The per-submission time budget in seconds."""
        return self.budget if self.budget is not None else 10 * self.timeout + 60


@dataclass
class ExerciseGrade:
    """The grade of one exercise of one submission.

    ``status`` is ``passed``, ``failed`` or ``not attempted`` (a verdict), or
    ``not defined`` (the notebook never binds the answer's name), ``not readable``
    (it could not be copied out of the kernel or was refused), ``not graded``
    (grading itself did not finish).
    """

    exercise_id: str
    answer_name: str
    max_points: float
    points: float = 0.0
    status: str = "not graded"
    mistake: str | None = None
    summary: str = ""
    feedback: str = ""
    n_cases: int = 0
    review: list[str] = field(default_factory=list)

    @property
    def has_verdict(self) -> bool:
        """True when the grader reached a verdict (anything but ``not graded``)."""
        return self.status != "not graded"


@dataclass
class SubmissionGrade:
    """One row of the CSV: a submission and what became of it."""

    file: str
    lesson: str = ""
    exercises: list[ExerciseGrade] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    executed: bool = False
    cell_errors: list[dict] = field(default_factory=list)
    elapsed: float = 0.0
    feedback_file: str = ""
    interrupted: bool = False        # Ctrl-C came before it was graded (not in the JSON)

    @property
    def total(self) -> float:
        return float(sum(e.points for e in self.exercises))

    @property
    def max_points(self) -> float:
        return float(sum(e.max_points for e in self.exercises))

    @property
    def fully_graded(self) -> bool:
        """Executed, and every exercise got a verdict."""
        return self.executed and bool(self.exercises) and all(
            e.has_verdict for e in self.exercises)

    @property
    def reason(self) -> str:
        """The ``reason`` column: every note, ``; ``-separated (empty when all went well)."""
        return "; ".join(self.notes)

    @property
    def review(self) -> str:
        """The ``review`` column: answers whose code an instructor should read."""
        return "; ".join(f"{e.exercise_id}: {', '.join(e.review)}"
                         for e in self.exercises if e.review)

    @classmethod
    def from_json(cls, data: dict) -> SubmissionGrade:
        """The row ``to_json`` wrote (a journal of an interrupted run is read back with it)."""
        known = {f for f in ExerciseGrade.__dataclass_fields__}
        return cls(file=str(data["file"]), lesson=str(data.get("lesson", "")),
                   exercises=[ExerciseGrade(**{k: v for k, v in e.items() if k in known})
                              for e in data.get("exercises", [])],
                   notes=list(data.get("notes", [])), executed=bool(data.get("executed")),
                   cell_errors=list(data.get("cell_errors", [])),
                   elapsed=float(data.get("elapsed_seconds", 0.0)))

    def to_json(self) -> dict:
        return {
            "file": self.file, "lesson": self.lesson, "total": self.total,
            "max": self.max_points, "fully_graded": self.fully_graded, "reason": self.reason,
            "notes": list(self.notes), "review": self.review, "executed": self.executed,
            "cell_errors": self.cell_errors, "elapsed_seconds": round(self.elapsed, 2),
            "feedback_file": self.feedback_file,
            "exercises": [{**asdict(e), "has_verdict": e.has_verdict} for e in self.exercises],
        }
