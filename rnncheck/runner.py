"""Check many files: in worker processes when there are enough of them to pay for the start-up.

Each file is checked (and, when asked, fixed) on its own; nothing one file does (unreadable,
undecodable, a bug in a rule) stops the others. The result does not depend on how the work was
spread. Fixed files are returned, not written: the command line decides (`--fix` or `--diff`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from types import ModuleType
from typing import TYPE_CHECKING

from rnncheck import cache, fixes, queries, source
from rnncheck.cache import Cache
from rnncheck.finding import Finding
from rnncheck.index import ModuleIndex
from rnncheck.project import Calling, Look, Owners, Project
from rnncheck.rules.base import Rule

if TYPE_CHECKING:
    from rnncheck.outline import Summary

PARALLEL_FROM = 64
"""Below this many files, starting worker processes costs more than it saves."""

Rules = tuple[type[Rule], ...]

YOUNG_OBJECTS = 100_000
"""How many new objects start a garbage collection while files are checked (Python's default is
700). Syntax trees are millions of objects in no cycle: collecting every 700 took a sixth of a
cold run (allennlp: 1.1 of 6.5 s), mostly in full collections going over every tree still kept;
every 100,000 takes 0.3 s."""


@dataclass(frozen=True)
class Fixing:
    """Fix as well as check: safe fixes, and unsafe ones too when `unsafe`."""

    unsafe: bool = False


@dataclass
class Outcome:
    """One file's result: its findings (left after fixing), and what fixing did."""

    findings: list[Finding]
    crashed: bool = False
    fixed: list[Finding] = field(default_factory=list)
    broken: list[Finding] = field(default_factory=list)
    content: bytes | None = None
    """The fixed file, when fixing changed it."""
    record: queries.Record = field(default_factory=dict)
    """What the check asked of the project: when its findings may be reused (`rnncheck.cache`)."""
    outlines: dict[str, Summary | None] = field(default_factory=dict)
    """The other files' outlines the check made (`Project.known_outlines`), for the cache."""
    owners: dict[str, Owners] = field(default_factory=dict)
    """The files' owners the check made (`Project.known_owners`), for the cache."""
    looks: dict[str, dict[str, Look]] = field(default_factory=dict)
    """The looks into files' texts the check made or extended (`Project.known_looks`)."""
    calling: dict[str, Calling] = field(default_factory=dict)
    """The callers' readings the check made (`Project.known_calling`), for the cache."""
    indexes: dict[str, dict[str, object]] = field(default_factory=dict)
    """The indexes the check asked for that the project had not (`Project.used`), as the cache
    writes them (a pickled index would lose its markers, `index.REQUIRED`...): a worker
    process's are made there, and the next run would make them again."""


@dataclass
class Results:
    """The findings of a run, sorted, the files whose check failed inside rnncheck, and what
    fixing did: the fixes applied, those left out because the file would not parse, and the
    changed files (path: before, after)."""

    findings: list[Finding] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    broken: list[Finding] = field(default_factory=list)
    changed: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)


@contextmanager
def collected_rarely() -> Iterator[None]:
    """Collect garbage every `YOUNG_OBJECTS` new objects (in a worker process too), as before
    afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], YOUNG_OBJECTS), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _engine() -> ModuleType:
    """The engine, imported only when a file must be read: it brings libcst, which a run whose
    findings all come from the cache never needs."""
    from rnncheck import engine

    return engine


@collected_rarely()
def check_file(
    path: str, content: bytes, rules: Rules, project: Project, fixing: Fixing | None = None
) -> Outcome:
    """One file's outcome; `crashed` when rnncheck itself failed on it (an internal error)."""
    engine = _engine()
    outlined = set(project.known_outlines)
    owned = set(project.known_owners)
    looked = dict(project.known_looks)
    calling = dict(project.known_calling)
    used = set(project.used)
    try:
        with queries.recording() as record:
            if fixing is None:
                outcome = Outcome(engine.check_source(content, path, rules, project))
            else:
                outcome = _fixed(path, content, rules, project, fixing)
        outcome.record = record
        made = project.known_outlines.items()
        outcome.outlines = {key: found for key, found in made if key not in outlined}
        outcome.owners = {k: v for k, v in project.known_owners.items() if k not in owned}
        outcome.looks = {k: v for k, v in project.known_looks.items() if looked.get(k) is not v}
        made = project.known_calling.items()
        outcome.calling = {path: v for path, v in made if calling.get(path) is not v}
        outcome.indexes = {key: project.known[key].plain() for key in project.used - used}
        return outcome
    except Exception as error:  # one file's failure must not end the run
        message = f"internal error while checking this file: {type(error).__name__}: {error}"
        return Outcome([engine.problem(path, message)], crashed=True)


def _fixed(path: str, content: bytes, rules: Rules, project: Project, fixing: Fixing) -> Outcome:
    engine = _engine()
    text = source.decode(content)
    if text is None:  # undecodable: the check says so, and there is nothing to fix
        return Outcome(engine.check_source(content, path, rules, project))
    encoding = source.encoding(content)  # a BOM or a coding cookie is kept

    def check(text: str) -> list[Finding]:
        return engine.check_source(text.encode(encoding), path, rules, project)

    done = fixes.fix_text(text, path, check, fixing.unsafe)
    changed = done.text.encode(encoding) if done.text != text else None
    return Outcome(done.findings, fixed=done.fixed, broken=done.broken, content=changed)


@collected_rarely()
def check_files(
    work: Sequence[tuple[str, Rules]],
    jobs: int | None = None,
    fixing: Fixing | None = None,
    given: Mapping[str, bytes] | None = None,
    kept: Cache | None = None,
    project_files: Sequence[str] = (),
    roots: tuple[str, ...] = (),
) -> Results:
    """Check each (path, rules) pair; `jobs` processes, or as many as pay off when None.

    Every file is read first (or taken from `given`, for standard input): the project model is
    built from them and from `project_files` (the rest of the projects under `roots`, read for
    their facts, not checked) once, then sent with each file.
    With a cache, a file whose findings it holds, still valid, is not checked again; fixing and
    standard input are always checked afresh (their results are not files on disk).
    """
    given = given or {}
    results = Results()
    readable: list[tuple[str, bytes, Rules]] = []
    for path, rules in work:
        if path in given:
            readable.append((path, given[path], rules))
            continue
        try:
            with open(path, "rb") as handle:
                readable.append((path, handle.read(), rules))
        except OSError as error:
            results.findings.append(
                _engine().problem(path, f"Cannot read file: {error.strerror or error}")
            )
    checked = {path: content for path, content, _ in readable}
    files = [*checked.items(), *_contents(project_files, checked)]
    state = cache.state(files, roots)
    listing = cache.listing((path for path, _ in files), roots)
    built: list[Project] = []

    def model() -> Project:
        """The project model, built when first needed: not at all when every file's findings
        are kept for this very project."""
        if not built:
            known = (
                (
                    kept.indexes,
                    kept.scans,
                    kept.calls,
                    kept.outlines,
                    kept.owners,
                    kept.looks,
                    kept.calling,
                )
                if kept
                else ()
            )
            built.append(Project.of(files, roots, *known))
        return built[0]

    receiving: list[frozenset[str]] = []

    def receives(path: str) -> bool:
        """Whether a file whose text names no RNN imports a module that builds one: known from
        the cache while the project is in the state it was kept for, else from the model."""
        if not receiving:
            known = kept.receiving(state) if kept is not None else None
            receiving.append(model().receiving if known is None else known)
        return path in receiving[0]

    reuse = kept if fixing is None and not given else None
    outcomes = [_known(*item, state, listing, model, receives, reuse) for item in readable]
    pending = [number for number, outcome in enumerate(outcomes) if outcome is None]
    project = model() if pending else Project()
    processes = jobs if jobs is not None else _automatic(len(pending))
    if processes > 1 and len(pending) > 1:
        chunk = max(1, len(pending) // (processes * 4))
        columns = zip(*(readable[number] for number in pending), strict=True)
        from concurrent.futures import ProcessPoolExecutor  # multiprocessing: ~25 ms, when used

        with ProcessPoolExecutor(max_workers=processes) as pool:
            done = pool.map(check_file, *columns, repeat(project), repeat(fixing), chunksize=chunk)
            for number, outcome in zip(pending, done, strict=True):
                outcomes[number] = outcome
                project.known_outlines.update(outcome.outlines)
                project.known_owners.update(outcome.owners)
                project.known_calling.update(outcome.calling)
                for key, seen in outcome.looks.items():
                    project.known_looks[key] = {**project.known_looks.get(key, {}), **seen}
                for key, plain in outcome.indexes.items():
                    if key not in project.known:
                        project.known[key] = ModuleIndex.from_plain(plain)
                project.used.update(outcome.indexes)
    else:
        for number in pending:
            outcomes[number] = check_file(*readable[number], project, fixing)
    if kept is not None:
        for number in pending if reuse is not None else ():
            path, content, rules = readable[number]
            outcome = outcomes[number]
            if outcome is not None and not outcome.crashed:
                configuration = cache.configuration(rules)
                found = outcome.findings
                kept.keep(path, content, configuration, state, listing, outcome.record, found)
        kept.keep_holding()
        if built:
            kept.save_indexes(built[0])
            kept.keep_receiving(state, built[0].receiving)
    for (path, content, _), outcome in zip(readable, outcomes, strict=True):
        assert outcome is not None
        results.findings.extend(outcome.findings)
        results.fixed.extend(outcome.fixed)
        results.broken.extend(outcome.broken)
        if outcome.crashed:
            results.crashed.append(path)
        if outcome.content is not None:
            results.changed[path] = (content, outcome.content)
    results.findings.sort()
    return results


def _known(
    path: str,
    content: bytes,
    rules: Rules,
    state: str,
    listing: str,
    model: Callable[[], Project],
    receives: Callable[[str], bool],
    kept: Cache | None,
) -> Outcome | None:
    """The outcome known without reading the file: nothing, when it cannot involve an RNN (its
    text names none, and it imports no module that builds one), or the findings kept in the
    cache for the project's state and listing; None when it must be checked."""
    if not source.mentions_rnn(content) and not receives(path):
        return Outcome([])
    configuration = cache.configuration(rules)
    found = kept.findings(path, content, configuration, state, listing, model) if kept else None
    return Outcome(found) if found is not None else None


def _contents(paths: Sequence[str], skip: Mapping[str, bytes]) -> Iterator[tuple[str, bytes]]:
    """The files of the project that are not checked, for their facts (unreadable ones left out)."""
    for path in paths:
        if path in skip:
            continue
        try:
            with open(path, "rb") as handle:
                yield path, handle.read()
        except OSError:
            continue


def _automatic(files: int) -> int:
    if files <= PARALLEL_FROM:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        cpus = os.cpu_count() or 1
    return min(cpus, files // PARALLEL_FROM + 1)
