"""Throughput of rnncheck over a folder: the engine in-process on one core, and the full CLI.

    python benchmarks/checker_throughput.py DIR [--repeat N] [--no-cli] [--json]

The files are those the CLI would check: `rnncheck.discovery.python_files` with the default
exclusions (or the configuration that applies in DIR). The in-process run is
`rnncheck.runner.check_files(..., jobs=1)`, the same work the CLI does (project index, then each
file) without worker processes. The CLI run is `python -m rnncheck DIR --exit-zero
--output-format json` in a subprocess, with its own choice of processes. Each is repeated N times
and the median is reported; peak memory is the in-process runs' tracemalloc peak (Python
allocations) and this process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import asdict, dataclass

import rnncheck
from rnncheck import config, rules, runner
from rnncheck.discovery import DEFAULT_EXCLUDE, Exclusion, python_files
from rnncheck.selection import Layer, PerFileIgnores, resolve
from rnncheck.source import mentions_rnn


@dataclass
class Corpus:
    files: int
    lines: int
    """Source lines; for a notebook, the lines of its code cells."""
    bytes: int
    parsed: int
    """Files that pass the text prefilter (`rnncheck.source.mentions_rnn`) and are parsed."""
    skipped: int
    """Files the prefilter rules out without parsing."""


@dataclass
class Report:
    directory: str
    repeat: int
    corpus: Corpus
    engine_seconds: float
    engine_seconds_all: list[float]
    files_per_second: float
    lines_per_second: float
    parsed_files_per_second: float
    tracemalloc_peak_mib: float
    maxrss_mib: float
    findings: dict[str, int]
    crashed: int
    cli_seconds: float | None
    cli_seconds_all: list[float]
    cli_exit_statuses: list[int]
    cli_failed_runs: int
    """CLI runs that printed no JSON report (the CLI failed): left out of the median."""
    cli_findings: int | None


def work_list(directory: str) -> list[tuple[str, runner.Rules]]:
    """The (path, rules) pairs the CLI would check for `rnncheck DIR` run inside DIR."""
    settings = config.find(directory)
    origin = f"`{settings.path}`" if settings.path else "the defaults"
    selected = resolve(
        [Layer(origin, settings.select, settings.extend_select, settings.ignore)], rules.ALL_RULES
    )
    per_file = PerFileIgnores(settings.per_file_ignores, settings.root, rules.ALL_RULES, origin)
    patterns = DEFAULT_EXCLUDE if settings.exclude is None else settings.exclude
    exclusion = Exclusion(
        (*patterns, *settings.extend_exclude),
        settings.root,
        settings.respect_gitignore is not False,
    )
    paths = python_files([directory], exclusion)
    return [(path, per_file.rules_for(path, selected)) for path in paths]


def survey(paths: list[str]) -> Corpus:
    lines = size = parsed = 0
    for path in paths:
        try:
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError:
            continue
        size += len(content)
        lines += _source_lines(path, content)
        parsed += mentions_rnn(content)
    return Corpus(len(paths), lines, size, parsed, len(paths) - parsed)


def _source_lines(path: str, content: bytes) -> int:
    """Lines of Python: a notebook's code cells (as rnncheck reads them), not its JSON."""
    if path.endswith(".ipynb"):
        try:
            from rnncheck import notebook
        except ImportError:  # an rnncheck that does not read notebooks
            return 0
        try:
            return len(notebook.read(content.decode("utf-8-sig")).program.splitlines())
        except (ValueError, UnicodeDecodeError):
            return 0
    return content.count(b"\n") + (0 if content.endswith(b"\n") or not content else 1)


def time_engine(work: list[tuple[str, runner.Rules]]) -> tuple[float, runner.Results, int]:
    """One in-process, single-process run: seconds, results, tracemalloc peak in bytes."""
    tracemalloc.start()
    try:
        started = time.perf_counter()
        results = runner.check_files(work, jobs=1)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return elapsed, results, peak


def time_engine_untraced(work: list[tuple[str, runner.Rules]]) -> float:
    started = time.perf_counter()
    runner.check_files(work, jobs=1)
    return time.perf_counter() - started


def time_cli(directory: str) -> tuple[float, int, int | None]:
    """One CLI run: seconds, exit status, and the number of findings (None if it printed no JSON)."""
    command = [
        sys.executable,
        "-m",
        "rnncheck",
        directory,
        "--exit-zero",
        "--output-format",
        "json",
    ]
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(rnncheck.__file__)))
    python_path = [package_root, os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, python_path))}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=directory, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    try:
        findings: int | None = len(json.loads(done.stdout))
    except ValueError:
        findings = None
    return elapsed, done.returncode, findings


def measure(directory: str, repeat: int, cli: bool) -> Report:
    work = work_list(directory)
    corpus = survey([path for path, _ in work])
    # tracemalloc slows allocation-heavy code several times over: trace one run for memory,
    # time the others untraced.
    _, results, peak = time_engine(work)
    engine_times = [time_engine_untraced(work) for _ in range(repeat)]
    cli_runs = [time_cli(directory) for _ in range(repeat)] if cli else []
    # Exit status 2 with a JSON report means internal errors on some files, still a full run;
    # no JSON means the CLI itself failed, and that run's time says nothing.
    completed = [t for t, _, found in cli_runs if found is not None]
    engine = statistics.median(engine_times)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    maxrss_mib = maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024
    return Report(
        directory=directory,
        repeat=repeat,
        corpus=corpus,
        engine_seconds=engine,
        engine_seconds_all=engine_times,
        files_per_second=corpus.files / engine if engine else float("inf"),
        lines_per_second=corpus.lines / engine if engine else float("inf"),
        parsed_files_per_second=corpus.parsed / engine if engine else float("inf"),
        tracemalloc_peak_mib=peak / (1024 * 1024),
        maxrss_mib=maxrss_mib,
        findings=dict(sorted(Counter(finding.code for finding in results.findings).items())),
        crashed=len(results.crashed),
        cli_seconds=statistics.median(completed) if completed else None,
        cli_seconds_all=[t for t, _, _ in cli_runs],
        cli_exit_statuses=[status for _, status, _ in cli_runs],
        cli_failed_runs=len(cli_runs) - len(completed),
        cli_findings=next((found for _, _, found in cli_runs if found is not None), None),
    )


def render(report: Report) -> str:
    corpus = report.corpus
    rows = [
        f"directory          {report.directory}",
        f"files              {corpus.files} ({corpus.parsed} parsed, "
        f"{corpus.skipped} skipped by the prefilter)",
        f"lines              {corpus.lines} ({corpus.bytes / 1024:.0f} KiB)",
        f"engine (1 process) {report.engine_seconds:.3f} s median of {report.repeat}: "
        f"{report.files_per_second:.1f} files/s, {report.lines_per_second:.0f} lines/s, "
        f"{report.parsed_files_per_second:.1f} parsed files/s",
        f"engine runs        {', '.join(f'{t:.3f}' for t in report.engine_seconds_all)} s",
        f"memory             tracemalloc peak {report.tracemalloc_peak_mib:.1f} MiB, "
        f"max RSS {report.maxrss_mib:.1f} MiB",
        f"findings           {report.findings or 'none'}; {report.crashed} internal errors",
    ]
    if report.cli_seconds_all:
        median = "n/a" if report.cli_seconds is None else f"{report.cli_seconds:.3f} s"
        rows.append(
            f"CLI (subprocess)   {median} median of {report.repeat - report.cli_failed_runs} "
            f"({', '.join(f'{t:.3f}' for t in report.cli_seconds_all)} s), "
            f"exit statuses {report.cli_exit_statuses}, {report.cli_findings} findings"
        )
        if report.cli_failed_runs:
            rows.append(f"WARNING            {report.cli_failed_runs} CLI runs printed no report")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="folder of Python files to check")
    parser.add_argument("--repeat", "-n", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI subprocess timing")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    directory = os.path.abspath(options.directory)
    if not os.path.isdir(directory):
        parser.error(f"not a directory: {options.directory}")
    report = measure(directory, options.repeat, not options.no_cli)
    print(json.dumps(asdict(report), indent=2) if options.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
