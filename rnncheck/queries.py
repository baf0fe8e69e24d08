"""The questions a file's reading asks about the rest of the project, recorded with their answers.

A file's findings rest on its own text and on what its reading learns from the project model:
which file defines a base class, how the project builds a class, what another file contains. A
cached result can be trusted only while those answers still hold, so each such question is asked
through a method marked `@query`. While a file is checked inside `recording()`, every query logs
its name, its arguments and a fingerprint of its answer; `holds(record, project)` asks each logged
question again of the current project, and the cached result is valid only if every fingerprint
is the same. A change to a constructor call in train.py then invalidates exactly the files whose
reading asked how that class is built, and a new kind of question is covered as soon as it is a
query.

The contract, for whoever adds a question:
- Reading a file learns about other files only through `@query` methods of the project model:
  never by reading its fields, and never by opening another file without asking a query about it
  (`Project.outline(path)` and `Project.definition_text(path, name)` are those queries: the
  module code, and each definition read).
- A query's arguments are plain data (str, int, tuples of them) and its answer is a function of
  the project and the arguments alone, with a `repr` that shows everything the answer says (plain
  data or dataclasses of it: that `repr` is what is fingerprinted).
- A query whose answer the project's roots and file paths alone decide, whatever the files
  hold, is marked `@of_paths` instead: after an edit that adds or removes no file, a cached
  entry does not ask it again (`rnncheck.cache`). Mark none that reads a text or an index.
- Work that is shared between files (another file read once per run for many subclasses) is
  memoised with `remembered`, which logs again, for each later file, the questions the first
  computation asked, or keeps the record it wrote and replays it with `log` (another file's
  prepared driver and its generic reading, in `rnncheck.driver`). A reading kept from an earlier
  run (a caller's, `Project.known_calling`) is taken only when `holds` gets the same answers to
  its record, which is then logged.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

Question = tuple[str, tuple[Any, ...]]
Record = dict[Question, str]
"""(query name, arguments) -> fingerprint of the answer: what one file's reading rests on."""

P = ParamSpec("P")
T = TypeVar("T")
S = TypeVar("S")

_QUERIES: dict[str, Callable[..., Any]] = {}
"""Every query by name, undecorated: how `holds` asks again without logging."""
_RECORDS: list[Record] = []
"""The records being written, innermost last."""
OF_PATHS: set[str] = set()
"""The queries whose answer is a function of their arguments and of the project's roots and
file paths alone, never of a file's text (`of_paths`)."""


def fingerprint(answer: object) -> str:
    return hashlib.blake2b(repr(answer).encode(), digest_size=16).hexdigest()


def query(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """Mark a method of the project model as a question whose answer a reading rests on."""
    name = method.__qualname__
    _QUERIES[name] = method

    @functools.wraps(method)
    def asked(subject: S, *arguments: P.args, **keywords: P.kwargs) -> T:
        answer = method(subject, *arguments, **keywords)
        if _RECORDS:
            _RECORDS[-1][(name, arguments)] = fingerprint(answer)
        return answer

    return asked


def of_paths(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """A query whose answer only the project's roots and file paths decide (where an import
    leads): a cached entry recorded for the same paths need not ask it again after an edit."""
    OF_PATHS.add(method.__qualname__)
    return query(method)


@contextmanager
def recording() -> Iterator[Record]:
    """Log the queries asked inside the block; an enclosing recording gets them as well."""
    record: Record = {}
    _RECORDS.append(record)
    try:
        yield record
    finally:
        _RECORDS.pop()
        if _RECORDS:
            _RECORDS[-1].update(record)


def holds(record: Record, subject: object) -> bool:
    """Whether every logged question gets the same answer from `subject` now. Each answer is
    fingerprinted once per subject: the entries of a run ask mostly the same questions (a
    fifth of allennlp's are distinct), and an answer is a function of the subject."""
    if not _HELD or _HELD[0][0] is not subject:
        _HELD[:] = [(subject, {})]
    answers = _HELD[0][1]
    for question, expected in record.items():
        answer = answers.get(question)
        if answer is None:
            method = _QUERIES.get(question[0])
            if method is None:
                return False
            answer = answers[question] = fingerprint(method(subject, *question[1]))
        if answer != expected:
            return False
    return True


_HELD: list[tuple[object, Record]] = []
"""The subject `holds` last asked, and the fingerprints of its answers so far."""


def log(record: Record) -> None:
    """Log again, in the recording now open, the questions a remembered computation asked."""
    if _RECORDS:
        _RECORDS[-1].update(record)


def remembered(function: Callable[[str, S], T]) -> Callable[[str, S], T]:
    """Memoise `function(key, subject)` per key while the subject stays the same object; a
    remembered answer logs again the queries its computation asked."""
    memo: dict[str, tuple[T, Record]] = {}
    current: list[S] = []

    @functools.wraps(function)
    def wrapper(key: str, subject: S) -> T:
        if not current or current[0] is not subject:
            memo.clear()
            current[:] = [subject]
        known = memo.get(key)
        if known is not None:
            log(known[1])
            return known[0]
        with recording() as asked:
            answer = function(key, subject)
        memo[key] = (answer, asked)
        return answer

    return wrapper
