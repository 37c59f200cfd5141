"""``python -m course``: a thin command line over the library's stages.

Each stage lives in its own module (start, release, checks, _grading.batch, validate); this
file only wires options.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_release(args) -> int:
    from course.release import MarkerError, release

    try:
        changes = release(args.root, check_only=args.check)
    except (MarkerError, FileNotFoundError) as err:
        print(f"release: {err}", file=sys.stderr)
        return 2
    changed = [c for c in changes if c.action != "unchanged"]
    for c in changes:
        if c.action != "unchanged" or args.verbose:
            verb = f"would be {c.action}" if args.check else c.action
            print(f"{c.path}: {verb}")
    if args.check and changed:
        print("release --check: lessons/ is stale; run `python -m course release`",
              file=sys.stderr)
        return 1
    if not changed:
        print(f"release: {len(changes)} lessons up to date")
    return 0


def _cmd_exercises(args) -> int:
    from course._grading.registry import all_exercises

    exercises = all_exercises()
    lesson = None
    for ex in exercises:
        if ex.lesson != lesson:
            lesson = ex.lesson
            print(f"\n{lesson}")
        print(f"  {ex.id:<28} {ex.title}")
        if args.mistakes:
            for mid, meaning in ex.mistakes.items():
                print(f"      - {mid}: {meaning}")
    print(f"\n{len(exercises)} exercises")
    return 0


def _cmd_check(args) -> int:
    from course.checks import explain

    result = explain(args.exercise, args.formula)
    print(result)
    return 0 if result.passed else 1


def _cmd_ask(args) -> int:
    from course.formula.network import NetworkError, parse_point
    from course.your_network import ask

    text = args.network
    if "=" not in text:                           # a file holding the network
        try:
            text = Path(text).read_text(encoding="utf-8")
        except OSError as err:
            print(f"ask: cannot read the network file {args.network!r} ({err.strerror}); "
                  "give a file or the network itself, lines `name = expression`",
                  file=sys.stderr)
            return 2
    try:
        at = parse_point(args.at or "")
    except NetworkError as err:
        print(f"ask: {err}", file=sys.stderr)
        return 2
    result = ask(text, wrt=args.wrt, answer=args.answer, at=at, output=args.output)
    print(result)
    if result.passed:
        return 0
    bad_input = (result.mistake or "").startswith(("bad-network", "bad-answer", "bad-formula"))
    return 2 if bad_input else 1


def _cmd_delegate(module: str):
    def run(args) -> int:
        import importlib

        return importlib.import_module(module).main(args)
    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m course",
        description="The backprop course: start your own copy of the lessons, release lessons, "
                    "list and check exercises, grade, build the lessons' web site.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="regenerate lessons/ from solutions/")
    p.add_argument("--root", type=Path, default=Path("."), help="the course repository")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when lessons/ is stale (for CI and pre-commit)")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser("exercises", help="list every exercise id")
    p.add_argument("--mistakes", action="store_true", help="also list each catalogued mistake")
    p.set_defaults(func=_cmd_exercises)

    p = sub.add_parser("check", help="check a formula answer from the terminal")
    p.add_argument("exercise", help="exercise id, e.g. diamond.dO_dw1")
    p.add_argument("formula", help="the formula, Python syntax or LaTeX (quote it)")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("ask", help="check a derivative of your own network")
    p.add_argument("network", help="a file, or the network itself: lines `name = expression`")
    p.add_argument("--wrt", required=True, help="the free name to differentiate by, e.g. w1")
    p.add_argument("--answer", required=True, help="your derivative as a formula (quote it)")
    p.add_argument("--at", help="your point, e.g. I=1,w1=0.5 (default 0.5 for every name)")
    p.add_argument("--output", help="the output's name (default: the last assigned)")
    p.set_defaults(func=_cmd_ask)

    for name, module, text in (
            ("start", "course.start", "copy the lessons into your own working folder"),
            ("grade", "course._grading.batch", "grade submitted notebooks into a CSV"),
            ("validate", "course.validate", "execute every notebook as CI does"),
            ("site", "course.site", "execute the lessons into a static web site (HTML)")):
        import importlib

        mod = importlib.import_module(module)
        p = sub.add_parser(name, help=text)
        mod.add_arguments(p)
        p.set_defaults(func=_cmd_delegate(module))
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ModuleNotFoundError as err:      # an instructor tool without its extra installed
        print(f"course {args.command}: needs the package {err.name!r}, which is not installed; "
              'install the instructor tools with `pip install "backprop-course[grade]"`',
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
