"""Cold, warm and one-changed-file runs of the command line, against the parse floor.

    python benchmarks/cache_runs.py DIR [DIR ...] [--repeat N] [--json]

For each folder, every figure is one whole process (start-up included), timed by the operating
system (`os.wait4`): wall seconds, CPU seconds (user + system, worker processes included) and
peak resident memory, the median of N runs:

- floor: libcst parsing the files the checker must read (those its prefilter lets through; a
  notebook's code cells as one program), in one process, and nothing else;
- start-up: `python -c "import rnncheck.cli"`, what every run pays before it reads a file
  (libcst, most of the rest, is imported only when some file must be read);
- cold: `python -m rnncheck DIR` with an empty cache;
- warm: the same again, nothing changed;
- one changed: the same after one line is added to the largest file the checker reads (the file
  is put back afterwards), as pre-commit's run after an edit;
- leaf changed: the same for the largest program (not a notebook) the checker reads that no other
  file's reading asked for (no `outline` query names it in the cold run's cache): pre-commit's
  other case, an edit that invalidates only the edited file;
- fact file changed: the same for the largest file the checker does not read (its text names
  no RNN) whose outline some reading asked for (a `config.py`, a `util.py`): the edit leaves
  every finding as it was, and the run only asks again whether the readings still hold;
- pre-commit: that leaf edited again, then `python -m rnncheck LEAF` named alone from the
  folder, with the cache warm for the rest: what pre-commit runs (`pass_filenames`), the
  project around the file read for its facts.

Python compiles rnncheck's modules once and keeps their bytecode, as an installed copy has it:
`PYTHONDONTWRITEBYTECODE` is dropped from the measured processes (else every run would compile
the checker's own source again, a quarter of a warm run), and one run warms the bytecode first.

The targets (issue 10): cold CPU at most 1.6 x the floor, warm at most 0.1 x cold, one changed
file under 1 s. The folder is never left changed; caches go to a temporary folder.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from rnncheck.discovery import DEFAULT_EXCLUDE, Exclusion, python_files
from rnncheck.source import mentions_rnn

FLOOR = """
import sys, libcst
from rnncheck import notebook
from rnncheck.source import decode
for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        text = decode(handle.read())
    try:
        libcst.parse_module(notebook.read(text).program if path.endswith(".ipynb") else text)
    except Exception:
        pass
"""


ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Figure:
    wall: float
    cpu: float
    memory_mib: float


@dataclass
class Runs:
    directory: str
    files: int
    read: int
    changed: str
    leaf: str
    fact: str | None
    floor: Figure
    startup: Figure
    cold: Figure
    warm: Figure
    one_changed: Figure
    leaf_changed: Figure
    fact_changed: Figure | None
    pre_commit: Figure

    def ratios(self) -> dict[str, float]:
        return {
            "cold_cpu_over_floor": self.cold.cpu / self.floor.cpu,
            "warm_cpu_over_cold": self.warm.cpu / self.cold.cpu,
            "one_changed_wall": self.one_changed.wall,
            "leaf_changed_wall": self.leaf_changed.wall,
            **({"fact_changed_wall": self.fact_changed.wall} if self.fact_changed else {}),
            "pre_commit_wall": self.pre_commit.wall,
        }


def process(command: list[str], cwd: str) -> Figure:
    """One process, measured by the kernel: wall, CPU (with its waited-for children), peak RSS."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=cwd, env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            errors.seek(0)
            said = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(command[:4])} ... exited {code}: {said}")
    return Figure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(runs: list[Figure]) -> Figure:
    return Figure(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.memory_mib for r in runs),
    )


def measure(directory: str, repeat: int) -> Runs:
    paths = python_files([directory], Exclusion(DEFAULT_EXCLUDE, directory))
    read = []
    for path in paths:
        with open(path, "rb") as handle:
            if mentions_rnn(handle.read()):
                read.append(path)
    changed = max(read, key=os.path.getsize)
    check = [sys.executable, "-m", "rnncheck", directory, "--exit-zero", "-q"]
    floor = median(
        [process([sys.executable, "-c", FLOOR, *read], directory) for _ in range(repeat)]
    )
    process([sys.executable, "-c", "import rnncheck.cli, rnncheck.engine"], directory)
    startup = [sys.executable, "-c", "import rnncheck.cli"]
    started = median([process(startup, directory) for _ in range(repeat)])
    colds, warms, ones, leaves, facts, named = [], [], [], [], [], []
    leaf, fact = changed, None
    for _ in range(repeat):
        folder = tempfile.mkdtemp(prefix="rnncheck-bench-")
        try:
            cached = [*check, "--cache-dir", folder]
            colds.append(process(cached, directory))
            warms.append(process(cached, directory))
            asked = _asked(folder)
            leaf = max(
                (p for p in read if not p.endswith(".ipynb") and p not in asked),
                key=os.path.getsize,
                default=changed,
            )
            fact = max(asked - set(read), key=os.path.getsize, default=None)
            ones.append(touched(changed, cached, directory))
            process(cached, directory)  # the cache holds again for the unchanged tree
            leaves.append(touched(leaf, cached, directory))
            process(cached, directory)  # and again, the leaf put back
            if fact is not None:
                facts.append(touched(fact, cached, directory))
                process(cached, directory)
            alone = [sys.executable, "-m", "rnncheck", os.path.relpath(leaf, directory)]
            named.append(touched(leaf, [*alone, *cached[4:]], directory))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return Runs(
        directory,
        len(paths),
        len(read),
        os.path.relpath(changed, directory),
        os.path.relpath(leaf, directory),
        os.path.relpath(fact, directory) if fact is not None else None,
        floor,
        started,
        median(colds),
        median(warms),
        median(ones),
        median(leaves),
        median(facts) if facts else None,
        median(named),
    )


def touched(path: str, command: list[str], cwd: str) -> Figure:
    """`command` measured with one line added to `path`, which is put back afterwards."""
    with open(path, "rb") as handle:
        original = handle.read()
    with open(path, "ab") as handle:
        handle.write(b"\n# touched by benchmarks/cache_runs.py\n")
    try:
        return process(command, cwd)
    finally:
        with open(path, "wb") as handle:
            handle.write(original)


def _asked(folder: str) -> set[str]:
    """The files whose outline some cached entry's reading asked for."""
    asked: set[str] = set()
    for entry in glob.glob(os.path.join(folder, "*", "findings", "*")):
        with open(entry, encoding="utf-8") as handle:
            record = json.load(handle)["record"]
        asked.update(arguments[0] for name, arguments, _ in record if name == "Project.outline")
    return asked


def render(runs: Runs) -> str:
    def row(name: str, figure: Figure, against: Callable[[Figure], str] = lambda _: "") -> str:
        return (
            f"  {name:<12} wall {figure.wall:6.2f} s  CPU {figure.cpu:6.2f} s  "
            f"max RSS {figure.memory_mib:6.0f} MiB  {against(figure)}"
        )

    return "\n".join(
        [
            f"{runs.directory}: {runs.files} files, {runs.read} read; changed: {runs.changed};"
            f" leaf: {runs.leaf}; fact file: {runs.fact or 'none asked'}",
            row("floor", runs.floor),
            row("start-up", runs.startup),
            row("cold", runs.cold, lambda f: f"{f.cpu / runs.floor.cpu:.2f} x floor CPU"),
            row("warm", runs.warm, lambda f: f"{f.cpu / runs.cold.cpu:.3f} x cold CPU"),
            row("one changed", runs.one_changed, lambda f: f"{f.wall:.2f} s end to end"),
            row("leaf changed", runs.leaf_changed, lambda f: f"{f.wall:.2f} s end to end"),
            *(
                [row("fact changed", runs.fact_changed, lambda f: f"{f.wall:.2f} s end to end")]
                if runs.fact_changed
                else []
            ),
            row("pre-commit", runs.pre_commit, lambda f: f"{f.wall:.2f} s end to end"),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="+", metavar="DIR", help="folders to check")
    parser.add_argument("--repeat", "-n", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    reports = [measure(os.path.abspath(d), options.repeat) for d in options.directories]
    if options.json:
        print(json.dumps([{**asdict(r), **r.ratios()} for r in reports], indent=2))
    else:
        print("\n".join(render(r) for r in reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
