"""What a run learnt, kept in `.rnncheck_cache/` so that the next run need not learn it again.

As ruff's `.ruff_cache/`: the folder sits at the project root (or where `--cache-dir` or
`$RNNCHECK_CACHE_DIR` says) and holds a `CACHEDIR.TAG` (backup tools skip it) and a `.gitignore`
of `*`. Inside, one folder per version of rnncheck's own code holds:

- `findings/`: one entry per checked file and configuration: the findings, the digest of the
  content they were computed from, the project queries the reading asked (`rnncheck.queries`)
  and the state of the project they were computed in (`state`, and its `listing`: the paths
  without the contents). An entry is used only when the content is the same and either the
  project is in that state (every answer is a function of it), or `holding.json` says the
  entry held for this state, or every query still gets the same answer (those that only the
  paths decide, `queries.of_paths`, are not asked while the listing is the same).
- `holding.json`: the entries found to hold, by asking again, for the last state of the
  project so asked about, each by its content digest and its own state (so an entry written
  since is not taken for it): the next run in that state asks nothing, and a run after an
  edit writes this one file instead of every entry again.
- `indexes.json`: each project file's index (`rnncheck.index`), by the digest of its text: a
  pure function of the text, so it holds for any file with that text. Only the indexes the
  last run asked for are kept.
- `scans.json`: each project file's scan (`rnncheck.scan`), by the digest of its text, for
  the files of the project when it was last written (`RESCAN`).
- `calls.json`: each file's calls of the classes of RNN files, with their arguments as written
  (`project._calls`), by the digest of its text and of those classes' names, for the files of
  the last run's project: building the model after one change parses only the changed file.
- `outlines.json`: the fingerprints of each file's outline and definitions
  (`rnncheck.outline`), by the digest of its text, for the files of the last run's project:
  asking again whether another file's reading still holds parses only the changed files.
- `owners.json`: what each file that writes attributes through names may hold as their owners
  (`index.owners`), by the digest of its text, for the files of the last run's project: asking
  again whether some file assigns an attribute (`Project.assigns`) parses only the changed files.
- `looks.json`: what the cheap looks into the texts of those files saw before a parse
  (`Project._unbound`, `_set_by_name`), by the digest of each text, for the files of the last
  run's project: asking `assigns` again looks only into the changed files.
- `callers.json`: per file read generically for its calls of another file's functions
  (`driver.Driver.calls_of`), the functions it calls with a telling argument and the queries
  that reading asked: while they get the same answers, a file whose function it does not so
  call (an edited `util.py` that many files import) is read again without it.

Entries are JSON, never pickles: a cache folder committed to a repository cannot run code. Every
write goes to a temporary file that is then renamed over the entry, so two runs at once, or a
run killed halfway, leave whole entries. An entry that cannot be read or understood is
recomputed; a folder that cannot be written turns the cache off for the run, without an error.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import rnncheck
from rnncheck import queries
from rnncheck.finding import Edit, Finding, Fix
from rnncheck.index import SCALARS, ModuleIndex
from rnncheck.project import Call, Calling, Look, Owners, Project
from rnncheck.scan import Scan
from rnncheck.source import digest

if TYPE_CHECKING:
    from rnncheck.outline import Summary

T = TypeVar("T")

FOLDER = ".rnncheck_cache"
VARIABLE = "RNNCHECK_CACHE_DIR"
"""Moves the cache, as RUFF_CACHE_DIR does for ruff; `--cache-dir` wins over it."""

RESCAN = 64
"""`scans.json` is written again only when it lacks more than one in this many of the project's
scans: scanning a file costs about what writing 60 scans does, and after a one-file edit the
whole table (a MiB on fairseq, renamed over the old one) was written again for one scan."""

TAG = """Signature: 8a477f597d28d172789f06886806bc55
# This file is a cache directory tag created by rnncheck.
# For information about cache directory tags see https://bford.info/cachedir/
"""


def location(root: str, given: str | None = None) -> str:
    """`--cache-dir`, else $RNNCHECK_CACHE_DIR, else `.rnncheck_cache` in the project root."""
    return os.path.abspath(given or os.environ.get(VARIABLE) or os.path.join(root, FOLDER))


def code_version() -> str:
    """rnncheck's version and a digest of its own source: results of other code are not used."""
    package = Path(rnncheck.__file__).parent
    sources = b"".join(path.read_bytes() for path in sorted(package.rglob("*.py")))
    return f"{rnncheck.__version__}-{digest(sources)[:12]}"


class Cache:
    """One run's view of the cache folder: findings read and kept per file, and the indexes."""

    def __init__(self, folder: str, version: str | None = None) -> None:
        self.root = folder
        self.folder = os.path.join(folder, version or code_version())
        self.holding: tuple[str, dict[str, Any], bool] | None = None
        """The state `holding.json` is for, its entries, and whether this run added some."""

    @classmethod
    def open(cls, folder: str) -> Cache | None:
        """The cache in `folder`, made if missing; None when it cannot be made (no cache)."""
        cache = cls(folder)
        try:
            os.makedirs(os.path.join(cache.folder, "findings"), exist_ok=True)
            for name, content in (("CACHEDIR.TAG", TAG), (".gitignore", "*\n")):
                if not os.path.exists(os.path.join(folder, name)):
                    _write(os.path.join(folder, name), content)
            probe = os.path.join(cache.folder, ".probe")
            _write(probe, "")  # a folder that exists may still refuse writes
            os.remove(probe)
        except OSError:
            return None
        return cache

    @functools.cached_property
    def indexes(self) -> dict[str, ModuleIndex]:
        """The indexes kept, read when first asked for (a run that builds no project model
        needs none)."""
        return _read(os.path.join(self.folder, "indexes.json"), ModuleIndex.from_plain)

    @functools.cached_property
    def scans(self) -> dict[str, Scan]:
        """The scans kept, read when first asked for."""
        return _read(os.path.join(self.folder, "scans.json"), Scan.from_plain)

    @functools.cached_property
    def calls(self) -> dict[str, list[Call]]:
        """The calls kept, read when first asked for."""
        return _read(os.path.join(self.folder, "calls.json"), _call)

    @functools.cached_property
    def outlines(self) -> dict[str, Summary | None]:
        """The outlines kept, read when first asked for."""
        return _read(os.path.join(self.folder, "outlines.json"), _outline)

    @functools.cached_property
    def owners(self) -> dict[str, Owners]:
        """The owners kept, read when first asked for."""
        return _read(os.path.join(self.folder, "owners.json"), _owned)

    @functools.cached_property
    def looks(self) -> dict[str, dict[str, Look]]:
        """The looks kept, read when first asked for."""
        return _read(os.path.join(self.folder, "looks.json"), _looked)

    @functools.cached_property
    def calling(self) -> dict[str, Calling]:
        """The callers' readings kept, read when first asked for."""
        return _read(os.path.join(self.folder, "callers.json"), _calling)

    def findings(
        self,
        path: str,
        content: bytes,
        configuration: str,
        project_state: str,
        project_listing: str,
        project: Callable[[], Project],
    ) -> list[Finding] | None:
        """The findings kept for this file, if its content and what its reading asked of the
        project are unchanged; None otherwise (or when the entry cannot be read). The queries
        are asked again of `project()` only when the project is not in the state the entry
        was last known to hold for (those of paths alone only when the listing changed too);
        an entry that still holds is then kept for this state."""
        target = self._entry(path, configuration)
        try:
            with open(target, encoding="utf-8") as handle:
                entry = json.load(handle)
            if entry["path"] != path or entry["digest"] != digest(content):
                return None
            found = [_finding(item) for item in entry["findings"]]
            if entry["state"] != project_state:
                held, key = self._held(project_state), os.path.basename(target)
                mark = [entry["digest"], entry["state"]]
                if held.get(key) != mark:
                    asked = queries.OF_PATHS if entry["listing"] == project_listing else ()
                    recorded = _record(entry["record"]).items()
                    record = {
                        question: answer
                        for question, answer in recorded
                        if question[0] not in asked
                    }
                    if not queries.holds(record, project()):
                        return None
                    held[key] = mark
                    self.holding = (project_state, held, True)
            return found
        except (OSError, ValueError, KeyError, TypeError):  # missing, partial or foreign: recompute
            return None

    def _held(self, project_state: str) -> dict[str, Any]:
        """The entries known to hold for this state (`holding.json`), by entry name."""
        if self.holding is None or self.holding[0] != project_state:
            held: dict[str, Any] = {}
            try:
                with open(os.path.join(self.folder, "holding.json"), encoding="utf-8") as handle:
                    kept = json.load(handle)
                if kept["state"] == project_state and isinstance(kept["entries"], dict):
                    held = kept["entries"]
            except (OSError, ValueError, KeyError, TypeError):
                pass
            self.holding = (project_state, held, False)
        return self.holding[1]

    def keep_holding(self) -> None:
        """Write `holding.json` when this run found entries to hold that it did not say."""
        if self.holding is not None and self.holding[2]:
            project_state, held, _ = self.holding
            plain = {"state": project_state, "entries": held}
            self._store(os.path.join(self.folder, "holding.json"), json.dumps(plain))

    def keep(
        self,
        path: str,
        content: bytes,
        configuration: str,
        project_state: str,
        project_listing: str,
        record: queries.Record,
        findings: Sequence[Finding],
    ) -> None:
        entry = {
            "path": path,
            "digest": digest(content),
            "state": project_state,
            "listing": project_listing,
            "record": _plain_record(record),
            "findings": [_plain(finding) for finding in findings],
        }
        self._store(self._entry(path, configuration), json.dumps(entry))

    def save_indexes(self, project: Project) -> None:
        """Keep the indexes `project` asked for, and the scans, calls, outlines and owners of its
        files, when they are not what the cache holds."""
        used = {key: project.known[key] for key in sorted(project.used)}
        if used.keys() != self.indexes.keys():
            plain = {key: index.plain() for key, index in used.items()}
            self._store(os.path.join(self.folder, "indexes.json"), json.dumps(plain))
        lacking = len(project.known_scans.keys() - self.scans.keys())
        if lacking * RESCAN > len(project.known_scans):
            scans = {key: scan.plain() for key, scan in sorted(project.known_scans.items())}
            self._store(os.path.join(self.folder, "scans.json"), json.dumps(scans))
        if project.known_calls.keys() != self.calls.keys():
            calls = dict(sorted(project.known_calls.items()))
            self._store(os.path.join(self.folder, "calls.json"), json.dumps(calls))
        made = project.known_outlines.items()
        outlines = {key: found for key, found in sorted(made) if key in project.known_scans}
        if outlines.keys() != self.outlines.keys():
            self._store(os.path.join(self.folder, "outlines.json"), json.dumps(outlines))
        made = project.known_owners.items()
        owners = {key: found for key, found in sorted(made) if key in project.known_scans}
        if owners.keys() != self.owners.keys():
            self._store(os.path.join(self.folder, "owners.json"), json.dumps(owners))
        made = project.known_looks.items()
        looks = {key: found for key, found in sorted(made) if key in project.known_scans}
        if looks != self.looks:
            self._store(os.path.join(self.folder, "looks.json"), json.dumps(looks))
        made = project.known_calling.items()
        calling = {path: found for path, found in sorted(made) if path in project.paths}
        if calling != self.calling:
            plain = {
                path: {"record": _plain_record(record), "calls": sorted(map(list, calls))}
                for path, (record, calls) in calling.items()
            }
            self._store(os.path.join(self.folder, "callers.json"), json.dumps(plain))

    def receiving(self, project_state: str) -> frozenset[str] | None:
        """The files that name no RNN but import a module building one (`Project.receiving`),
        as kept for this state of the project; None when another state's are kept."""
        try:
            with open(os.path.join(self.folder, "receiving.json"), encoding="utf-8") as handle:
                kept = json.load(handle)
            if kept["state"] == project_state and all(isinstance(p, str) for p in kept["paths"]):
                return frozenset(kept["paths"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def keep_receiving(self, project_state: str, paths: frozenset[str]) -> None:
        if self.receiving(project_state) is None:
            plain = {"state": project_state, "paths": sorted(paths)}
            self._store(os.path.join(self.folder, "receiving.json"), json.dumps(plain))

    def _entry(self, path: str, configuration: str) -> str:
        return os.path.join(self.folder, "findings", digest(f"{path}\0{configuration}".encode()))

    def _store(self, target: str, content: str) -> None:
        with contextlib.suppress(OSError):  # a full disk, a folder made read-only: never fail
            _write(target, content)


def state(files: Iterable[tuple[str, bytes]], roots: Sequence[str]) -> str:
    """The state of a project: its roots, its files and their contents. Every query's answer
    is a function of it (`rnncheck.queries`), so an entry that held for a state holds for it
    again without asking."""
    parts = [*roots, "", *sorted(f"{path}\0{digest(content)}" for path, content in files)]
    return digest("\n".join(parts).encode())


def listing(paths: Iterable[str], roots: Sequence[str]) -> str:
    """The project's roots and its files' paths, not what they hold: the answers of the
    queries `queries.of_paths` marks are a function of it."""
    return digest("\n".join([*roots, "", *sorted(paths)]).encode())


def configuration(rules: Sequence[type]) -> str:
    """What, besides the file, decides its findings: the rules that run (by their qualified
    names, so that stand-in rules never share entries with real ones)."""
    return ",".join(sorted(f"{rule.__module__}.{rule.__qualname__}" for rule in rules))


def _write(target: str, content: str) -> None:
    """Write `target` whole or not at all: a temporary file beside it, then a rename. The
    temporary file is made as `tempfile.mkstemp` makes one (a random name, created only if
    it is new, readable by its owner alone): importing tempfile was 1.4% of a warm run."""
    temporary = os.path.join(os.path.dirname(target), f".tmp-{os.urandom(8).hex()}")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(content)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _read(path: str, made: Callable[[Any], T]) -> dict[str, T]:
    """What `save_indexes` kept in `path`, by digest; nothing when the file is missing or is
    not what it wrote."""
    try:
        with open(path, encoding="utf-8") as handle:
            plain = json.load(handle)
        return {key: made(entry) for key, entry in plain.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _outline(plain: Any) -> Summary | None:
    """A file's outline as `save_indexes` wrote it; a TypeError when it is not one."""
    if plain is None:
        return None
    outline, definitions = plain
    if not isinstance(outline, str) or not isinstance(definitions, dict):
        raise TypeError("not an outline")
    if not all(isinstance(found, str) for found in definitions.values()):
        raise TypeError("not an outline")
    return outline, definitions


def _owned(plain: Any) -> Owners:
    """A file's owners as `save_indexes` wrote them; a TypeError when they are not."""
    if not isinstance(plain, dict):
        raise TypeError("not owners")
    for kinds in plain.values():
        if not (isinstance(kinds, list) and all(isinstance(kind, str) for kind in kinds)):
            raise TypeError("not owners")
    return {name: tuple(kinds) for name, kinds in plain.items()}


def _looked(plain: Any) -> dict[str, Look]:
    """A file's looks as `save_indexes` wrote them; a TypeError when they are not: "unbound"
    answers are booleans, "set by name" ones a name or None."""
    if not isinstance(plain, dict):
        raise TypeError("not looks")
    for question, answer in plain.items():
        if question.startswith("unbound "):
            right = type(answer) is bool
        else:
            right = question == "set by name" and (answer is None or isinstance(answer, str))
        if not right:
            raise TypeError("not looks")
    return plain


def _call(plain: Any) -> list[Call]:
    """A file's calls as `save_indexes` wrote them; a TypeError when they are not."""
    for call in plain if isinstance(plain, list) else [None]:
        if not (isinstance(call, list) and len(call) == 7):
            raise TypeError("not a call")
        name, line, text, source, positional, keywords, open_ended = call
        if not (isinstance(name, str) and type(line) is int and isinstance(text, str)):
            raise TypeError("not a call")
        if not (source is None or isinstance(source, str)) or type(open_ended) is not bool:
            raise TypeError("not a call")
        _arguments(positional, keywords)
    return plain


def _arguments(positional: Any, keywords: Any) -> None:
    """Arguments as `project._form` writes them, or a TypeError."""
    if not (isinstance(positional, list) and isinstance(keywords, list)):
        raise TypeError("not arguments")
    for keyword in keywords:
        if not (isinstance(keyword, list) and len(keyword) == 2 and isinstance(keyword[0], str)):
            raise TypeError("not a keyword")
    for form in [*positional, *(keyword[1] for keyword in keywords)]:
        kind = form[0] if isinstance(form, list) and form else None
        if kind == "call" and len(form) == 6 and isinstance(form[1], str):
            _arguments(form[2], form[3])
        elif not (
            (kind == "name" and len(form) == 2 and isinstance(form[1], str))
            or (kind == "value" and len(form) == 2 and isinstance(form[1], SCALARS))
            or form == ["unknown"]
        ):
            raise TypeError("not an argument")


def _calling(plain: Any) -> Calling:
    """A caller's reading as `save_indexes` wrote it; a TypeError when it is not one."""
    calls = plain["calls"]
    if not all(
        isinstance(c, list) and len(c) == 2 and all(isinstance(n, str) for n in c) for c in calls
    ):
        raise TypeError("not calls")
    return _record(plain["record"]), frozenset((path, name) for path, name in calls)


def _plain_record(record: queries.Record) -> list[list[Any]]:
    """A record as JSON: each question's name, its arguments and its answer's fingerprint."""
    return [[name, arguments, answer] for (name, arguments), answer in record.items()]


def _record(plain: Any) -> queries.Record:
    """The record `_plain_record` wrote (a TypeError or ValueError when it is not one: a
    question it cannot ask again never holds)."""
    return {(name, _tuples(arguments)): answer for name, arguments, answer in plain}


def _tuples(value: Any) -> Any:
    """JSON's lists back into the tuples that query arguments are."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


def _plain(finding: Finding) -> dict[str, Any]:
    fix = finding.fix
    return {
        "path": finding.path,
        "span": [finding.row, finding.column, finding.end_row, finding.end_column],
        "code": finding.code,
        "message": finding.message,
        "cell": finding.cell,
        "fix": None
        if fix is None
        else [
            fix.applicability,
            fix.message,
            [[e.content, e.row, e.column, e.end_row, e.end_column] for e in fix.edits],
        ],
    }


def _finding(plain: dict[str, Any]) -> Finding:
    row, column, end_row, end_column = plain["span"]
    fix = plain["fix"]
    return Finding(
        plain["path"],
        row,
        column,
        plain["code"],
        plain["message"],
        end_row,
        end_column,
        plain["cell"],
        None if fix is None else Fix(fix[0], fix[1], tuple(Edit(*edit) for edit in fix[2])),
    )
