"""Check many files: in worker processes when there are enough of them to pay for the start-up.

Each file is checked on its own; nothing one file does (unreadable, undecodable, a bug in a
rule) stops the others. The result does not depend on how the work was spread.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat

from rnncheck import engine
from rnncheck.finding import Finding
from rnncheck.project import Project
from rnncheck.rules.base import Rule

PARALLEL_FROM = 64
"""Below this many files, starting worker processes costs more than it saves."""

Rules = tuple[type[Rule], ...]


@dataclass
class Results:
    """The findings of a run, sorted, and the files whose check failed inside rnncheck."""

    findings: list[Finding] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)


def check_file(
    path: str, content: bytes, rules: Rules, project: Project
) -> tuple[list[Finding], bool]:
    """One file's findings, and whether rnncheck itself failed on it (an internal error)."""
    try:
        return engine.check_source(content, path, rules, project), False
    except Exception as error:  # one file's failure must not end the run
        message = f"internal error while checking this file: {type(error).__name__}: {error}"
        return [_problem(path, message)], True


def check_files(work: Sequence[tuple[str, Rules]], jobs: int | None = None) -> Results:
    """Check each (path, rules) pair; `jobs` processes, or as many as pay off when None.

    Every file is read first: the project index of classes and their constructions is built
    from all of them once, then sent along with each file.
    """
    results = Results()
    readable: list[tuple[str, bytes, Rules]] = []
    for path, rules in work:
        try:
            with open(path, "rb") as handle:
                readable.append((path, handle.read(), rules))
        except OSError as error:
            results.findings.append(_problem(path, f"Cannot read file: {error.strerror or error}"))
    project = Project.of((path, content) for path, content, _ in readable)
    processes = jobs if jobs is not None else _automatic(len(readable))
    if processes > 1 and len(readable) > 1:
        chunk = max(1, len(readable) // (processes * 4))
        columns = zip(*readable, strict=True)
        with ProcessPoolExecutor(max_workers=processes) as pool:
            outcomes = list(pool.map(check_file, *columns, repeat(project), chunksize=chunk))
    else:
        outcomes = [check_file(*item, project) for item in readable]
    for (path, _, _), (findings, crashed) in zip(readable, outcomes, strict=True):
        results.findings.extend(findings)
        if crashed:
            results.crashed.append(path)
    results.findings.sort()
    return results


def _automatic(files: int) -> int:
    if files <= PARALLEL_FROM:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        cpus = os.cpu_count() or 1
    return min(cpus, files // PARALLEL_FROM + 1)


def _problem(path: str, message: str) -> Finding:
    return Finding(path, 1, 1, engine.PARSE_ERROR, message, 1, 1)
