"""`rnncheck run SCRIPT [ARGS]` / `rnncheck run -m MODULE [ARGS]`: a program run under the checks.

As `python -m cProfile` does, the program runs as `__main__` with its own argv. The misuses seen
while it ran print afterwards in the static checker's formats; the exit status is 1 when there
was one, else the program's own.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
import traceback
import warnings
from collections.abc import Sequence

from rnncheck import report
from rnncheck.finding import Finding
from rnncheck.runtime.checking import checking
from rnncheck.runtime.misuse import RNNMisuseWarning


def main(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="rnncheck run",
        description="Run a Python program and report how it misuses RNN results.",
    )
    parser.add_argument("--output-format", choices=tuple(report.FORMATS), default="full")
    parser.add_argument("-m", dest="module", help="run a library module as a script")
    parser.add_argument("program", nargs=argparse.REMAINDER, help="SCRIPT [ARGS...]")
    options = parser.parse_args(arguments)
    if options.module is None and not options.program:
        parser.error("give a SCRIPT or -m MODULE")
    target = options.module or options.program[0]
    argv = options.program if options.module is None else [target, *options.program]
    status, findings = execute(target, argv, module=options.module is not None)
    shown = report.FORMATS[options.output_format](findings, report.View())
    if options.output_format in report.SUMMARISED:
        shown += report.summary(findings, 0, report.View())
    sys.stdout.write(shown)
    sys.stdout.flush()
    return 1 if findings else status


def execute(target: str, argv: list[str], *, module: bool) -> tuple[int, list[Finding]]:
    """Run the program; its exit status and the misuses seen, each place once."""
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = argv
    sys.path.insert(0, os.getcwd() if module else os.path.dirname(os.path.abspath(target)))
    status = 0
    watch = checking()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RNNMisuseWarning)
            with watch:
                if module:
                    runpy.run_module(target, run_name="__main__", alter_sys=True)
                else:
                    runpy.run_path(target, run_name="__main__")
    except SystemExit as stop:
        status = _status(stop.code)
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    tracking = watch.tracking
    seen = [] if tracking is None else tracking.reporter.found
    findings = {}
    for code, message, place in seen:
        span = place.span
        path = os.path.abspath(place.filename)
        findings.setdefault(
            (path, span.row, span.column, code),
            Finding(path, span.row, span.column, code, message, span.end_row, span.end_column),
        )
    return status, sorted(findings.values())


def _status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
