"""The project model: what the whole project says, asked through a few pure queries.

A project is the files under its root (`root_of`): every Python file and notebook there, and the
files named on the command line. Findings are reported for the named files only, but facts come
from all of them, so a file's findings do not depend on which others are named.

Each file is indexed on its own with the standard library's `ast` (`rnncheck.index`), lazily,
once per process. A file's reading asks about the other files only through these queries, whose
arguments are hashable and whose answers depend only on the project files' contents (so a cache
can record each question and its answer, and replay them to know whether a file's findings still
hold):

- `module_file(importer, module, level)`: the project file an import names, seen from `importer`;
- `symbol(path, name)`: what a module-level name of a project file is (a constant, a class, a
  function, a module), followed through imports, package re-exports and star imports;
- `import_target(importer, module, level, name)`: what an import statement binds;
- `exported(path)`: the names `from <path's module> import *` binds;
- `definition(name)`: the one project file that defines a class of that name;
- `constructions_of(path, name)`: the calls that build a project class, with their literal
  arguments;
- `subclassed_in(path, name)`: the other files that may subclass a class;
- `mentions_rnn(path)`: whether a file's text mentions an RNN (else its code is not read);
- `receives_rnn(path)`: whether a file that does not imports a module that builds an RNN
  (then its code is read all the same);
- `callers(path, name, most)`: the first `most` other files that may call the function `name`
  of `path`;
- `writes_attribute(name)`: whether any project file may assign attribute `name` of an object;
- `assigns(name, path, klass)`: whether any project file may assign attribute `name` of an
  object of a project class (or of argparse's namespace), owners that are provably other
  objects left out;
- `setting(path, klass, name)`: the literal a plain class's body gives an attribute;
- `writes_key(name)`: whether any project file may write key `name` of a dict;
- `outline(path)`: a project file's module code and what each of its definitions binds, and
  `definition_text(path, name)`: the text of one class or function, for reading another file
  (`rnncheck.outline`).

Each is marked `@query` (`rnncheck.queries`), which records it while a file is read.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TypeVar

from rnncheck import notebook, outline, queries
from rnncheck.index import (
    CLASS,
    MODULE,
    NEW,
    NOT_LITERAL,
    REQUIRED,
    SCALARS,
    SELF,
    UNSEEN,
    WRITTEN,
    Import,
    ModuleIndex,
    literal,
    owners,
)
from rnncheck.outline import Summary
from rnncheck.queries import of_paths, query
from rnncheck.scan import ATTRIBUTE_WRITE, DYNAMIC_WRITE, Imported, Scan, imports
from rnncheck.source import decode, digest

LONE_CR = re.compile(rb"\r(?!\n)")
IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([\w \t,*]+)|import[ \t]+([\w. \t,]+))",
    re.MULTILINE,
)
"""`from module import names` (module, names) or `import modules` (modules), on one line."""


WRITES = re.compile(ATTRIBUTE_WRITE.pattern + b"|" + DYNAMIC_WRITE.pattern)
"""The lines that may write an attribute: the only ones `owners` looks into."""
DICT_READ = re.compile(
    rb"\*\*\s*vars\s*\([\w.]*\)|(?:\bvars\s*\([\w.]*\)|[\w.]+\.__dict__)\s*\.\s*(?:items|keys|values|get|copy)\b"
)
"""`**vars(args)`, `vars(args).items()`, `x.__dict__.get(...)`: an object's attributes read."""
IMPORTING = re.compile(rb"[ \t]*(?:from|import)[ \t]")
DICT_USE = re.compile(
    rb"""\s*(?:\.\s*(?:get|keys|values|items|copy)\s*\("""
    rb"""|\[\s*(?:['"]\w+['"]\s*\](?:\s*[-+*/%&|^@]?=(?!=))?|[^\[\]]*\](?!\s*[-+*/%&|^@]?=(?!=))))"""
)
"""After a dict's name, a use that leaves it as it is but for a constant key (`writes_key`):
`.get(`, a read by key, or a write of a constant key."""
DICT_BINDING = re.compile(rb"\s*(?::[^=\n]*)?=\s*\{")
"""`CFG = {` (or `CFG: dict = {`): the one statement that binds a module's dict."""
NAMED_SETATTR = re.compile(rb"""\bsetattr\s*\(\s*[\w.]+\s*,\s*['"](\w+)['"]""")
"""`setattr(model, "n_layers", ...)`: a write of one attribute."""
CLASS_HEADER = re.compile(rb"class[ \t]+\w+[ \t]*\(([^)]*)\)")
"""A class statement's bases, as written (`class Bi(model.Tagger, Mixin)`)."""
ROOT_MARKERS = ("pyproject.toml", "rnncheck.toml", ".rnncheck.toml")
T = TypeVar("T")
Owners = dict[str, tuple[str, ...]]
"""What `index.owners` gives: each attribute written through a name, with its owners' kinds."""
Look = bool | str | None
"""What a cheap look at one file's text answered (`Project._unbound`, `Project._set_by_name`)."""
Calling = tuple[queries.Record, frozenset[tuple[str, str]]]
"""What the generic reading of a file read for its calls of another's functions found
(`driver.Driver.calls_of`): the questions it asked, and each function (path, name) it calls
with an argument that tells the callee something."""

MAX_IMPORT_CHAIN = 16
"""How many re-exports a name is followed through before it counts as unknown."""
MAX_BIND_DEPTH = 4
"""How many re-exports deep a caller's import is followed by its modules' texts alone, before
it counts as one that may bind the function (`Project._may_bind`)."""


def root_of(path: str, named: str, cwd: str) -> str:
    """The root of the project `path` belongs to: the nearest folder above it with a
    pyproject.toml or rnncheck.toml, else the git work tree's root, else the named folder that
    holds it (a file named on its own: the current folder if it lies under it, else its own)."""
    start = os.path.dirname(os.path.abspath(path))
    for markers in (ROOT_MARKERS, (".git",)):
        found = _marked(start, markers)
        if found is not None:
            return found
    named = os.path.abspath(named)
    if os.path.isdir(named):
        return named
    cwd = os.path.abspath(cwd)
    return cwd if start == cwd or start.startswith(cwd + os.sep) else start


@functools.lru_cache(maxsize=1024)
def _marked(folder: str, markers: tuple[str, ...]) -> str | None:
    """The nearest folder from `folder` up that holds one of `markers`."""
    if any(os.path.exists(os.path.join(folder, marker)) for marker in markers):
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else _marked(parent, markers)


def _memoised(method: Callable[..., T]) -> Callable[..., T]:
    """Remember a pure method's answers for the project (the files ask the same questions)."""
    name = method.__name__

    @functools.wraps(method)
    def remembered(self: Project, *arguments: object) -> T:
        key = (name, arguments)
        if key not in self._memo:
            self._memo[key] = method(self, *arguments)
        return self._memo[key]  # type: ignore[return-value]

    return remembered


@dataclass(frozen=True)
class Constant:
    """A module-level name bound once to a literal."""

    value: object


@dataclass(frozen=True)
class Module:
    """A project module, by its file."""

    path: str


@dataclass(frozen=True)
class Defined:
    """A class or function a project file defines."""

    kind: str
    path: str
    name: str


@dataclass(frozen=True)
class Dictionary:
    """A module-level dict literal with string keys (`CFG = {"hidden": 64}`) that neither its
    module nor any other project file may change but by writing a key (`writes_key`)."""

    entries: tuple[tuple[str, object], ...]


Symbol = Constant | Module | Defined | Dictionary


@dataclass(frozen=True)
class Record:
    """A dataclass or NamedTuple built with literal values: each field's value, in order."""

    name: str
    fields: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Construction:
    """One call that builds a class: where it is, and its arguments where they are literals."""

    path: str
    line: int
    text: str
    positional: tuple[object, ...]
    keywords: tuple[tuple[str, object], ...]
    open_ended: bool
    """Whether `*args` or `**kwargs` may pass arguments that cannot be seen."""


@dataclass
class Project:
    paths: frozenset[str] = frozenset()
    """Every file of the project (absolute paths)."""
    roots: tuple[str, ...] = ()
    """The projects' top folders (`root_of`): the last place a bare import is looked for."""
    definitions: dict[str, str] = field(default_factory=dict)
    """Class name -> the one project file that defines a class of that name."""
    constructions: dict[tuple[str, str], list[Construction]] = field(default_factory=dict)
    """(defining file, class name) -> the calls that build that class."""
    mentioning: frozenset[str] = frozenset()
    """The files whose text mentions an RNN (rnn, lstm, gru): only their code can build one."""
    receiving: frozenset[str] = frozenset()
    """The other files that import a project module that builds an RNN (`_receiving`)."""
    subclassing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Class name of an RNN-building file -> the files whose class statements name it as a
    base (`_find_subclasses`)."""
    _keys: frozenset[str] | None = None
    """The dict keys some file writes (`Scan.keys`), joined when first asked for."""
    scans: dict[str, Scan] = field(default_factory=dict, repr=False, compare=False)
    """Each file's scan (`rnncheck.scan`)."""
    known_scans: dict[str, Scan] = field(default_factory=dict, repr=False, compare=False)
    """The same scans by the digest of the text they were made from, for a cache."""
    digests: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Each file's digest of the text it was scanned from."""
    _scanned: tuple[frozenset[tuple[str, str]], dict[str, tuple[str, ...]]] | None = None
    """What every file's text writes and calls, joined when first asked for (few runs ask):
    each (owner, attribute) some file writes, ("*", "*") when some file writes attributes by
    computed name; and for each module-level function of a file that mentions an RNN, the
    files whose text calls a function of that name."""
    _indexes: dict[str, ModuleIndex | None] = field(default_factory=dict, repr=False)
    """Each file's index, made when first asked for (per process: not sent to workers)."""
    _given: dict[str, bytes] = field(default_factory=dict, repr=False)
    """The files' program texts, while the model is built from them (then dropped)."""
    known_calls: dict[str, list[Call]] = field(default_factory=dict, repr=False, compare=False)
    """Each file's calls of the classes of RNN files (`_calls`), by the digest of its text and
    of those classes' names, for a cache."""
    known: dict[str, ModuleIndex] = field(default_factory=dict, repr=False, compare=False)
    """Indexes by the digest of the text they were made from: those a cache kept, and those
    made by this run (`used` names the ones this run asked for)."""
    used: set[str] = field(default_factory=set, repr=False, compare=False)
    known_outlines: dict[str, Summary | None] = field(
        default_factory=dict, repr=False, compare=False
    )
    """Each file's outline and definitions (`rnncheck.outline`), by the digest of its text:
    those a cache kept, and those made by this run."""
    known_owners: dict[str, Owners] = field(default_factory=dict, repr=False, compare=False)
    """Each file's `index.owners`, by the digest of its text: those a cache kept, and those
    made by this run (`_owners`)."""
    known_looks: dict[str, dict[str, Look]] = field(default_factory=dict, repr=False, compare=False)
    """What the cheap looks before a parse (`_unbound`, `_set_by_name`) saw in each file's text,
    by the digest of the text and then the question: those a cache kept, and those made by
    this run (a replayed `assigns` then looks only into the files that changed)."""
    known_calling: dict[str, Calling] = field(default_factory=dict, repr=False, compare=False)
    """Per file, what its generic reading for a caller's sake found: those a cache kept, and
    those made by this run. It holds while every question it asked gets the same answer."""
    _memo: dict[tuple[str, tuple[object, ...]], object] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def of(
        cls,
        files: Iterable[tuple[str, bytes]],
        roots: tuple[str, ...] = (),
        known: dict[str, ModuleIndex] | None = None,
        scanned: dict[str, Scan] | None = None,
        called: dict[str, list[Call]] | None = None,
        outlined: dict[str, Summary | None] | None = None,
        owned: dict[str, Owners] | None = None,
        looked: dict[str, dict[str, Look]] | None = None,
        calling: dict[str, Calling] | None = None,
    ) -> Project:
        """The model of `files`; `known` holds indexes, `scanned` scans, `called` calls,
        `outlined` outlines, `owned` owners and `looked` looks by content digest, and
        `calling` callers' readings by path, from a cache."""
        contents = {path: _as_source(path, content) for path, content in files}
        project = cls(paths=frozenset(contents), roots=roots)
        scanned = scanned or {}
        for path, content in contents.items():
            key = project.digests[path] = digest(content)
            scan = scanned.get(key) or project.known_scans.get(key) or Scan.of(content)
            project.scans[path] = project.known_scans[key] = scan
        project.mentioning = frozenset(p for p, scan in project.scans.items() if scan.mentions_rnn)
        project.known = dict(known or {})
        project.known_outlines = dict(outlined or {})
        project.known_owners = dict(owned or {})
        project.known_looks = dict(looked or {})
        project.known_calling = dict(calling or {})
        project._given = contents
        try:
            project.receiving = project._receiving(contents)
            project._find_constructions(contents, called or {})
            project._find_subclasses(contents)
            if len(contents) == 1:  # a file checked on its own: its text is at hand
                (path,) = contents
                project._index(path)
                scan = project.scans[path]
                if scan.dynamic or any(owner != "self" for owner, _ in scan.writes):
                    project._owners(path)
        finally:
            project._given = {}
        return project

    def _scan(self) -> tuple[frozenset[tuple[str, str]], dict[str, tuple[str, ...]]]:
        if self._scanned is not None:
            return self._scanned
        written: set[tuple[str, str]] = set()
        for scan in self.scans.values():
            written.update(scan.writes)
            if scan.dynamic:
                written.add(("*", "*"))
        names = {name for path in self.mentioning for name in self.scans[path].functions}
        found: dict[str, list[str]] = {}
        for path in sorted(self.scans):
            for name in self.scans[path].called & names:
                found.setdefault(name, []).append(path)
        calling = {name: tuple(paths) for name, paths in found.items()}
        self._scanned = (frozenset(written), calling)
        return self._scanned

    def _written_keys(self) -> frozenset[str]:
        if self._keys is None:
            self._keys = frozenset(key for scan in self.scans.values() for key in scan.keys)
        return self._keys

    def _receiving(self, contents: dict[str, bytes]) -> frozenset[str]:
        """The files whose text never mentions an RNN but that import from a project module
        a class or function that builds one (`from model import Seq2Seq`), or the module
        itself: their code may take its results. A cheap look: the builders' module names in
        the text (a plain search for each first: most texts hold none, and the pattern is
        many times slower), then the import lines that name one, resolved."""
        building = {path: set(scan.building) for path, scan in self.scans.items() if scan.calls_rnn}
        names = sorted({_module_name(path).encode() for path in building})
        if not names:
            return frozenset()
        named = re.compile(rb"\b(?:" + b"|".join(re.escape(n) for n in names) + rb")\b")
        return frozenset(
            path
            for path, content in contents.items()
            if path not in self.mentioning
            and any(name in content for name in names)
            and named.search(content)
            and self._imports_rnn(path, content, building, named)
        )

    def _imports_rnn(
        self, path: str, content: bytes, building: dict[str, set[str]], named: re.Pattern[bytes]
    ) -> bool:
        """Whether a text's import lines that `named` finds a builder's name in bind that
        module, or a name of it that builds an RNN (or `*`)."""
        for line in IMPORT_LINE.finditer(content):
            if not named.search(line.group(0)):
                continue
            source, names, modules = line.groups(b"")
            if modules:
                dotted = [m.split()[0].decode() for m in modules.split(b",") if m.split()]
                if any(self.module_file(path, m, 0) in building for m in dotted):
                    return True
                continue
            level = len(source) - len(source.lstrip(b"."))
            module = source.lstrip(b".").decode() or None
            origin = self.module_file(path, module, level)
            for name in (n.split()[0].decode() for n in names.split(b",") if n.split()):
                if origin in building and (name == "*" or name in building[origin]):
                    return True
                submodule = f"{module}.{name}" if module else name
                if self.module_file(path, submodule, level) in building:
                    return True
        return False

    def _find_constructions(
        self, contents: dict[str, bytes], called: dict[str, list[Call]]
    ) -> None:
        """Where each class is defined, and the calls that build the classes of RNN files: each
        file's calls of them are a function of its text (kept by digest in `known_calls`), their
        arguments' values are the project's."""
        defined: dict[str, set[str]] = {}
        for path, scan in self.scans.items():
            for name in scan.classes:
                defined.setdefault(name, set()).add(path)
        self.definitions = {
            name: next(iter(homes)) for name, homes in defined.items() if len(homes) == 1
        }
        builders = {path for path, scan in self.scans.items() if scan.builds_rnn}
        relevant = {name: homes for name, homes in defined.items() if homes & builders}
        if not relevant:
            return
        names = sorted(relevant)
        calls = re.compile(rb"\b(?:" + b"|".join(n.encode() for n in names) + rb")\s*\(")
        named = digest("\0".join(names).encode())
        for path, content in contents.items():
            if not self.scans[path].called.isdisjoint(relevant):
                key = f"{digest(content)}-{named}"
                found = called.get(key)
                if found is None:
                    found = _calls(self, path, content, relevant, calls)
                else:
                    self._index(path)  # asked for, as a parse would have made it
                self.known_calls[key] = found
                for home, construction in _constructions(self, path, found, relevant):
                    self.constructions.setdefault(home, []).append(construction)

    def _find_subclasses(self, contents: dict[str, bytes]) -> None:
        """Which files that may be read name each class of an RNN-building file among the bases
        of a class statement (`class Bi(Tagger):`, `class Bi(model.Tagger):`): a look at the
        text, which the reading of those files resolves."""
        builders = [path for path, scan in self.scans.items() if scan.builds_rnn]
        wanted = {name for path in builders for name in self.scans[path].classes}
        found: dict[str, list[str]] = {}
        for path in sorted(contents):
            if not self.scans[path].classes or not (
                path in self.mentioning or path in self.receiving
            ):
                continue
            for header in CLASS_HEADER.finditer(contents[path]):
                for base in re.split(rb"[\s,]+", header.group(1)):
                    name = base.rsplit(b".", 1)[-1].decode("ascii", "replace")
                    if name in wanted and path not in found.get(name, ()):
                        found.setdefault(name, []).append(path)
        self.subclassing = {name: tuple(paths) for name, paths in found.items()}

    def __getstate__(self) -> dict[str, object]:
        dropped = {
            "_indexes": {},
            "_given": {},
            "_scanned": None,
            "_keys": None,
            "known": {},
            "used": set(),
            "known_scans": {},
            "known_calls": {},
            "_memo": {},
        }
        return {**self.__dict__, **dropped}

    # ---- queries: what a file's reading may ask about the others ---------------------------

    @query
    def definition(self, name: str) -> str | None:
        """The one project file that defines a class called `name`, if only one does."""
        return self.definitions.get(name)

    @query
    def constructions_of(self, path: str, name: str) -> list[Construction]:
        """The calls in the project that build the class `name` defined in `path`."""
        return self.constructions.get((path, name), [])

    @of_paths
    @_memoised
    def module_file(self, importer: str, module: str | None, level: int = 0) -> str | None:
        """The project file that `import module` (with `level` leading dots) in `importer`
        names: a script's own folder first, then the folder above its top package, then the
        root; None when the module is not the project's."""
        if level:
            base = os.path.dirname(importer)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            bases = [base]
        else:
            bases = self._search_path(importer)
        parts = module.split(".") if module else []
        for base in bases:
            found = self._file(os.path.join(base, *parts))
            if found is not None:
                return found
        return None

    @query
    @_memoised
    def symbol(self, path: str, name: str) -> Symbol | None:
        """What the module-level `name` of a project file is, followed to where it is made."""
        return self._symbol(path, name, MAX_IMPORT_CHAIN)

    @query
    def import_target(
        self, importer: str, module: str | None, level: int, name: str | None
    ) -> Symbol | None:
        """What `from module import name` (or `import module`, when `name` is None) in
        `importer` binds, when the project makes it."""
        return self._imported(importer, Import(module, level, name), MAX_IMPORT_CHAIN)

    @query
    def exported(self, path: str) -> tuple[str, ...]:
        """The names `from <path's module> import *` binds."""
        index = self._index(path)
        if index is None:
            return ()
        names = set(index.exported())
        for star in index.stars if index.public is None else []:
            source = self.module_file(path, star.module, star.level)
            if source is not None and source != path:
                names.update(self._index_exported(source))
        return tuple(sorted(names))

    @query
    def subclassed_in(self, path: str, name: str) -> tuple[str, ...]:
        """The other files that may define a subclass of the class `name` of `path`: their
        class statements name a class of that name among their bases."""
        return tuple(file for file in self.subclassing.get(name, ()) if file != path)

    @query
    def mentions_rnn(self, path: str) -> bool:
        """Whether a project file's text mentions an RNN, so that its code may build one."""
        return path in self.mentioning

    @query
    def receives_rnn(self, path: str) -> bool:
        """Whether a file whose text never mentions an RNN imports a project module that
        builds one, so that its code is read all the same."""
        return path in self.receiving

    @query
    def callers(self, path: str, name: str, most: int) -> tuple[str, ...]:
        """The first `most` other project files (by path) that import the function `name` of
        `path` (or its module) and whose text calls a function of that name."""
        found: list[str] = []
        for caller in self._scan()[1].get(name, ()):
            if len(found) == most:
                break
            if caller != path and self._may_call(caller, path, name):
                found.append(caller)
        return tuple(found)

    @query
    @_memoised
    def writes_attribute(self, name: str) -> bool:
        """Whether some project file may assign attribute `name` of an object but `self`
        (`config.layers = 3`, `setattr`), so that no value seen for it is certain."""
        written = self._scan()[0]
        return ("*", "*") in written or any(n == name and o != "self" for o, n in written)

    @query
    @_memoised
    def assigns(self, name: str, path: str, klass: str) -> bool:
        """Whether some project file may assign attribute `name` of an object of class `klass`
        of `path` (`model.n_layers = 4`), or, with both empty, of the namespace argparse gives
        (`opt.layers = 1` where `opt` may be `args`). Every assignment through a name counts
        (`setattr`, `vars(x)[k] = v` included) but those whose owner is provably another
        object: a module, a class (its attribute is hidden by the object's own), or what one
        call of a project class builds, or a method's own object, when that class is not
        `klass` and, having no base, no subclass of it."""
        writers, dynamic = self._writers()
        for file in writers.get(name, ()):
            owners = {o for o, n in self.scans[file].writes if n == name and o != "self"}
            if any(self._unbound(file, owner) for owner in owners):
                return True  # a parameter's, a loop variable's: may be any object
        named = [file for file in dynamic if self._set_by_name(file) in (None, name)]
        for file in dict.fromkeys((*writers.get(name, ()), *named)):
            found = self._owners(file)
            kinds = (*found.get(name, ()), *found.get("*", ()))
            if any(self._may_own(file, kind, path, klass) for kind in kinds):
                return True
        return False

    @_memoised
    def _writers(self) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
        """Per attribute, the files whose scan shows it assigned through a name but `self`;
        and the files that may assign attributes by computed name (`setattr`, `vars`)."""
        found: dict[str, list[str]] = {}
        for file in sorted(self.scans):
            for name in {n for o, n in self.scans[file].writes if o != "self"}:
                found.setdefault(name, []).append(file)
        dynamic = tuple(sorted(file for file, scan in self.scans.items() if scan.dynamic))
        return {name: tuple(files) for name, files in found.items()}, dynamic

    @_memoised
    def _altered(self, path: str, name: str) -> bool:
        """Whether the code may change the dict `path` binds to `name` other than by writing a
        constant key (`writes_key`): some file's text uses the name but to import it, read an
        entry (`CFG["hidden"]`, `CFG.get(...)`), spread it (`**CFG`), write a constant key, or,
        in `path`, bind it. A look at the texts that name it."""
        word = re.compile(rb"(?<![\w])" + re.escape(name.encode()) + rb"(?![\w])")
        for file in sorted(self.paths):
            content = self._text(file)
            if content is None:
                return True
            for found in word.finditer(content) if name.encode() in content else ():
                start = content.rfind(b"\n", 0, found.start()) + 1
                before, after = content[start : found.start()].rstrip(), content[found.end() :]
                bound = file == path and not before and DICT_BINDING.match(after)
                kept = IMPORTING.match(content, start) or DICT_USE.match(after) or bound
                if not (kept or before.endswith(b"**")) or before.endswith(b"del"):
                    return True
        return False

    @_memoised
    def _unbound(self, path: str, owner: str) -> bool:
        """Whether a file's text never binds `owner` to a call of a name (`owner = Config()`),
        by an import or by a class statement, so that what it holds there is surely unseen
        (`owners` would say so after a parse)."""
        return self._look(path, f"unbound {owner}", functools.partial(_unbound_in, owner), True)

    @_memoised
    def _set_by_name(self, path: str) -> str | None:
        """What a file whose scan says it may write attributes by computed name does, as far
        as its text tells: "" when each `vars(x)`, `x.__dict__` or `setattr` in it is a read
        (`f(**vars(args))`, `vars(args).items()`) or names one attribute, that attribute,
        else None (then only its parse can tell). A cheap look before a parse."""
        found = self._look(path, "set by name", _set_by_name_in, None)
        assert not isinstance(found, bool)
        return found

    def _look(self, path: str, question: str, look: Callable[[bytes], Look], unread: Look) -> Look:
        """What `look` sees in a project file's text, from `known_looks` by the digest of the
        text, else looked now; `unread` when the file cannot be read."""
        content = self._text(path)
        if content is None:
            return unread
        key = digest(content)
        seen = self.known_looks.get(key, {})
        if question not in seen:
            seen = self.known_looks[key] = {**seen, question: look(content)}
        return seen[question]

    @_memoised
    def _owners(self, path: str) -> Owners:
        """`index.owners` of a project file, from `known_owners` by the digest of its text,
        else parsed now (a replayed `assigns` then parses only the files that changed)."""
        content = self._text(path)
        if content is None:
            return {"*": (UNSEEN,)}
        key = digest(content)
        found = self.known_owners.get(key)
        if found is None:
            found = self.known_owners[key] = _parsed_owners(content)
        return found

    def _may_own(self, file: str, kind: str, path: str, klass: str) -> bool:
        """Whether an owner of `kind` (`index.owners`) in `file` may be an object of `klass`."""
        if kind == MODULE or kind.startswith(CLASS):
            return False
        if kind.startswith(SELF) and not klass:
            return False  # a method's own object is no namespace
        if not kind.startswith((NEW, SELF)):
            return True
        made = self.symbol(file, kind.split(":", 1)[1])
        if not isinstance(made, Defined) or made.kind != "class":
            return True
        if not klass:
            return False
        index = self._index(made.path)
        plain = index is not None and (made.name in index.settings or made.name in index.records)
        return (made.path, made.name) == (path, klass) or not plain

    @query
    def writes_key(self, name: str) -> bool:
        """Whether some project file may write key `name` of a dict (`cfg["hidden"] = 256`)."""
        return name in self._written_keys()

    @query
    def setting(self, path: str, klass: str, name: str) -> Constant | None:
        """The literal the body of plain class `klass` of `path` binds attribute `name` to
        (`class Config: hidden = 128`), if it binds it once and never through an object."""
        index = self._index(path)
        values = index.settings.get(klass, {}) if index is not None else {}
        return Constant(values[name]) if name in values else None

    @query
    def outline(self, path: str) -> str | None:
        """What reading a project file for another's sake rests on before any of its classes
        and functions is read: its module code, and what each definition binds, as a
        fingerprint (`rnncheck.outline`); None when it cannot be read or parsed."""
        summary = self._summary(path)
        return summary[0] if summary is not None else None

    @query
    def definition_text(self, path: str, name: str) -> str | None:
        """The first line and text of each class or function `name` of a project file, read
        for another file's sake, as a fingerprint ("" when there is none)."""
        summary = self._summary(path)
        return summary[1].get(name, "") if summary is not None else None

    def program(self, path: str) -> str | None:
        """The program text of a project file (a notebook's code cells), None if unreadable.
        Not a question: a reading of it rests on `outline` and `definition_text`."""
        content = _program(path)
        return decode(content) if content is not None else None

    @_memoised
    def _summary(self, path: str) -> Summary | None:
        """A file's outline and definitions (`rnncheck.outline.summary`), from `known_outlines`
        by the digest of its text, else made now."""
        content = _program(path)
        if content is None:
            return None
        key = digest(content)
        if key not in self.known_outlines:
            self.known_outlines[key] = outline.summary(decode(content))
        return self.known_outlines[key]

    # ---- the parts the queries share ------------------------------------------------------

    def _symbol(self, path: str, name: str, budget: int) -> Symbol | None:
        index = self._index(path)
        if index is None or budget == 0:
            return None
        if name in index.constants:
            return Constant(index.constants[name])
        if name in index.mappings and not self._altered(path, name):
            return Dictionary(index.mappings[name])
        if name in index.classes or name in index.functions:
            return Defined("class" if name in index.classes else "function", path, name)
        imported = index.imports.get(name)
        if imported is not None:
            return self._imported(path, imported, budget - 1)
        for star in index.stars:
            source = self.module_file(path, star.module, star.level)
            if source is not None and source != path and name in self._index_exported(source):
                return self._symbol(source, name, budget - 1)
        if os.path.basename(path) == "__init__.py":
            submodule = self._file(os.path.join(os.path.dirname(path), name))
            return Module(submodule) if submodule is not None else None
        return None

    def _imported(self, importer: str, imported: Import, budget: int) -> Symbol | None:
        if imported.name is None:
            target = self.module_file(importer, imported.module, imported.level)
            return Module(target) if target is not None else None
        source = self.module_file(importer, imported.module, imported.level)
        if source is not None and source != importer:
            found = self._symbol(source, imported.name, budget)
            if found is not None:
                return found
        dotted = f"{imported.module}.{imported.name}" if imported.module else imported.name
        submodule = self.module_file(importer, dotted, imported.level)
        return Module(submodule) if submodule is not None else None

    def _may_call(self, caller: str, path: str, name: str) -> bool:
        """Whether `caller` imports the function `name` of `path`, or a module or package that
        holds it. The imports its text may hold (`_imports`) are looked at first: when
        none of them can, its index is never made."""
        words = _module_words(path)
        if not self._may_import(caller, path, name, words):
            return False
        if self.symbol(caller, name) == Defined("function", path, name):
            return True
        index = self._index(caller)
        for local, imported in index.imports.items() if index is not None else ():
            if _names_module(imported, words) and _holds(self.symbol(caller, local), path):
                return True
        return False

    def _may_import(self, caller: str, path: str, name: str, words: frozenset[str]) -> bool:
        """Whether some import `caller`'s text may hold binds the function `name` of `path`, or
        a module or package that holds it: a star import, or one that `_may_call` would follow
        there. The index's imports are among the text's, and what a name is bound to by an
        import is what `_imported` finds, whatever other binding the index may prefer."""
        found = self._imports(caller)
        if found is None:
            return True
        function = Defined("function", path, name)
        for local, module, level, imported_name in found:
            imported = Import(module, level, imported_name)
            if local == "*":
                return True
            if local != name and not _names_module(imported, words):
                continue
            if not self._may_bind(caller, imported, path):
                continue
            bound = self._imported(caller, imported, MAX_IMPORT_CHAIN - 1)
            if bound == function or _holds(bound, path):
                return True
        return False

    def _may_bind(
        self, importer: str, imported: Import, path: str, depth: int = MAX_BIND_DEPTH
    ) -> bool:
        """Whether `_imported(importer, imported)` may be a function of `path` or a module
        holding it, looked at without the index of the module it names: the name is that
        module's own definition or constant, a submodule of its package, a submodule of the
        import's module, or what one of the imports its text may hold by that name binds there
        (followed `depth` modules deep; a star import may bind anything)."""
        if imported.name is None or depth == 0:
            return True
        source = self.module_file(importer, imported.module, imported.level)
        if source is None or source in (importer, path):
            return True
        found = self._imports(source)
        if found is None:
            return True
        dotted = f"{imported.module}.{imported.name}" if imported.module else imported.name
        submodules = [self.module_file(importer, dotted, imported.level)]
        if os.path.basename(source) == "__init__.py":
            submodules.append(self._file(os.path.join(os.path.dirname(source), imported.name)))
        if any(module is not None and _holds(Module(module), path) for module in submodules):
            return True
        return any(
            local == "*"
            or (
                local == imported.name
                and self._may_bind(source, Import(module, level, name), path, depth - 1)
            )
            for local, module, level, name in found
        )

    @_memoised
    def _imports(self, path: str) -> tuple[Imported, ...] | None:
        """The imports a project file's text may hold (`rnncheck.scan.imports`), read when first
        asked for: few files are asked about, and not every run. None when the text cannot say,
        or is not the one the file was scanned from (it changed since)."""
        text = self._text(path)
        if text is None or digest(text) != self.digests.get(path):
            return None
        return imports(text)

    def _index_exported(self, path: str) -> list[str]:
        index = self._index(path)
        return index.exported() if index is not None else []

    def _index(self, path: str, tree: ast.Module | None = None) -> ModuleIndex | None:
        """A project file's index: made from `tree` when the caller has parsed it, else taken
        from `known` by the digest of the file's text, else parsed now."""
        if path not in self._indexes:
            self._indexes[path] = self._made(path, tree) if path in self.paths else None
        return self._indexes[path]

    @_memoised
    def _text(self, path: str) -> bytes | None:
        """A project file's program text (a notebook's code cells), None if unreadable."""
        text = self._given.get(path)
        if text is None:
            try:
                with open(path, "rb") as handle:
                    text = _as_source(path, handle.read())
            except OSError:
                return None
        return text

    def _made(self, path: str, tree: ast.Module | None) -> ModuleIndex | None:
        text = self._text(path)
        if text is None:
            return None
        key = digest(text)
        index = self.known.get(key)
        if index is None:
            index = ModuleIndex.of(tree) if tree is not None else _parsed_index(text)
            if index is None:
                return None
            self.known[key] = index
        self.used.add(key)
        return index

    def _file(self, stem: str) -> str | None:
        for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
            if candidate in self.paths:
                return candidate
        return None

    @_memoised
    def _search_path(self, importer: str) -> list[str]:
        """Where a bare import is looked for: the importer's folder, the folder above its
        outermost package, and the folders up to the project's top."""
        folder = os.path.dirname(importer)
        package = folder
        while os.path.join(package, "__init__.py") in self.paths:
            package = os.path.dirname(package)
        top = max((r for r in self.roots if folder.startswith(r)), key=len, default="")
        return list(dict.fromkeys(f for f in (folder, package, top) if f))


def _module_words(path: str) -> frozenset[str]:
    """The stem of `path` and the names of the folders above it (`_names_module`)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    return frozenset((stem, *os.path.dirname(path).split(os.sep)))


def _names_module(imported: Import, words: frozenset[str]) -> bool:
    """Whether an import names the module of a path or a folder above it, `words` being that
    path's `_module_words` (else it cannot bind that module or a package that holds it)."""
    return not words.isdisjoint([*(imported.module or "").split("."), imported.name])


def _holds(symbol: Symbol | None, path: str) -> bool:
    """Whether a symbol is the module of `path`, or a package that holds it."""
    return isinstance(symbol, Module) and (
        symbol.path == path
        or (
            os.path.basename(symbol.path) == "__init__.py"
            and path.startswith(os.path.dirname(symbol.path) + os.sep)
        )
    )


def _parsed_index(content: bytes) -> ModuleIndex | None:
    """The index of a program text, None when it does not decode or parse."""
    text = decode(content)
    try:
        return ModuleIndex.of(ast.parse(text)) if text is not None else None
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _unbound_in(owner: str, content: bytes) -> bool:
    """`Project._unbound`'s look at a readable text."""
    word = re.escape(owner.encode())
    made = rb"(?<![\w.])" + word + rb"\s*=\s*[A-Za-z_]\w*\s*\("
    binding = made + rb"|\bimport\b[^\n]*\b" + word + rb"\b"
    return not re.search(binding + rb"|\bclass\s+" + word + rb"\b", content)


def _set_by_name_in(content: bytes) -> str | None:
    """`Project._set_by_name`'s look at a readable text."""
    covered = [(m.start(), m.end()) for m in DICT_READ.finditer(content)]
    names = {m.start(): m.group(1).decode() for m in NAMED_SETATTR.finditer(content)}
    found: set[str] = set()
    for match in DYNAMIC_WRITE.finditer(content):
        at = match.start()
        if at in names:
            found.add(names[at])
        elif not any(start <= at < end for start, end in covered):
            return None
    return next(iter(found)) if len(found) == 1 else "" if not found else None


def _parsed_owners(content: bytes) -> Owners:
    """`index.owners` of a program text; every attribute's owner unseen when it does not
    decode or parse (`UNSEEN` under the name "*")."""
    text = decode(content)
    if text is None:
        return {"*": (UNSEEN,)}
    try:
        return owners(ast.parse(text), _lines(WRITES, content))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {"*": (UNSEEN,)}


def _program(path: str) -> bytes | None:
    """A project file's program, as its index and scan are made from; None if unreadable."""
    try:
        with open(path, "rb") as handle:
            return _as_source(path, handle.read())
    except OSError:
        return None


def _as_source(path: str, content: bytes) -> bytes:
    """A notebook's code cells as one program; any other file as it is."""
    if not path.endswith(".ipynb"):
        return content
    text = decode(content)
    try:
        return notebook.read(text).program.encode() if text is not None else b""
    except notebook.NotebookError:
        return b""


Call = list[object]
"""A call of a class in a file, as plain data: its name, line, text, the module the name is
imported from (or None), its positional and keyword arguments as `_form`s, and whether `*args`
or `**kwargs` may pass more."""


def _calls(
    project: Project,
    path: str,
    content: bytes,
    defined: dict[str, set[str]],
    calls: re.Pattern[bytes],
) -> list[Call]:
    """The calls in one file of the classes in `defined` (found by `calls`), as `Call`s."""
    text = decode(content)
    if text is None:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return []
    project._index(path, tree)  # parsed here already
    sources = _imported_from(tree)
    lines = text.splitlines()
    found: list[Call] = []
    for node in _walk_lines(tree, _lines(calls, content)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        name = node.func.id
        if name not in defined:
            continue
        open_ended = any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        )
        source = _segment(lines, node) or f"{name}(...)"
        positional = [_form(a) for a in node.args]
        keywords = [[k.arg, _form(k.value)] for k in node.keywords if k.arg]
        found.append(
            [
                name,
                node.lineno,
                " ".join(source.split()),
                sources.get(name),
                positional,
                keywords,
                open_ended,
            ]
        )
    return found


def _form(node: ast.expr) -> object:
    """An argument as plain data, valued against the project later (`_Literals`): a name, a call
    of a name, a scalar it spells out, or nothing known."""
    if isinstance(node, ast.Name):
        return ["name", node.id]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return [
            "call",
            node.func.id,
            [_form(a) for a in node.args],
            [[k.arg, _form(k.value)] for k in node.keywords if k.arg],
            any(isinstance(a, ast.Starred) for a in node.args),
            any(k.arg is None for k in node.keywords),
        ]
    found = literal(node)
    return ["value", found] if isinstance(found, SCALARS) else ["unknown"]


def _constructions(
    project: Project, path: str, calls: list[Call], defined: dict[str, set[str]]
) -> Iterable[tuple[tuple[str, str], Construction]]:
    """The constructions one file's calls make, keyed by the class each one builds."""
    value = _Literals(project, path).value
    for name, line, text, source, positional, keywords, open_ended in calls:
        home = _home(name, path, defined, {} if source is None else {name: source})
        if home is None:
            continue
        built = Construction(
            path,
            line,
            text,
            tuple(value(a) for a in positional),
            tuple((k, value(v)) for k, v in keywords),
            open_ended,
        )
        yield (home, name), built


def _lines(pattern: re.Pattern[bytes], content: bytes) -> list[int] | None:
    """The lines (1-based, in order) on which `pattern` matches; None when lone carriage
    returns, which Python counts as line breaks, make counting newlines wrong."""
    if LONE_CR.search(content):
        return None
    found, line, counted = [], 1, 0
    for match in pattern.finditer(content):
        line += content.count(b"\n", counted, match.start())
        counted = match.start()
        if not found or found[-1] != line:
            found.append(line)
    return found


def _walk_lines(tree: ast.AST, lines: list[int] | None) -> Iterable[ast.AST]:
    """`ast.walk`, in its order, less the subtrees that span none of `lines`: most of a file."""
    pending = deque([tree])
    while pending:
        node = pending.popleft()
        for child in ast.iter_child_nodes(node):
            end = getattr(child, "end_lineno", None)
            if lines is None or end is None:
                pending.append(child)
                continue
            decorators = getattr(child, "decorator_list", ())  # above the `def` line
            start = min([child.lineno, *(decorator.lineno for decorator in decorators)])
            if bisect_left(lines, start) < bisect_right(lines, end):
                pending.append(child)
        yield node


def _segment(lines: list[str], node: ast.expr) -> str:
    """The source of a node (ast.get_source_segment splits the whole text on every call)."""
    if node.end_lineno is None or node.end_col_offset is None:
        return ""
    first, last = node.lineno - 1, node.end_lineno - 1
    if first == last:
        return lines[first][node.col_offset : node.end_col_offset]
    middle = lines[first + 1 : last]
    return "\n".join([lines[first][node.col_offset :], *middle, lines[last][: node.end_col_offset]])


def _home(
    name: str, caller: str, defined: dict[str, set[str]], sources: dict[str, str]
) -> str | None:
    """The file whose class `name(...)` in `caller` builds: the caller's own class of that name,
    else the one in the module it is imported from, else the only one; None when unsure."""
    homes = defined.get(name, set())
    if caller in homes:
        return caller
    if name in sources:
        homes = {home for home in homes if _module_name(home) == sources[name]}
    return next(iter(homes)) if len(homes) == 1 else None


def _imported_from(tree: ast.Module) -> dict[str, str]:
    """Names imported at module level with `from X import name`, and the last part of X."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = node.module.rsplit(".", 1)[-1]
    return found


def _module_name(path: str) -> str:
    """The name other files import a file by: its stem, or its package for `__init__.py`."""
    file = PurePath(path)
    return file.parent.name if file.stem == "__init__" else file.stem


@dataclass
class _Literals:
    """The values a construction's arguments spell out in one file: literals, the project's
    constants, and records built from them (`Config(hidden=64)`)."""

    project: Project
    path: str

    def value(self, form: object) -> object:
        kind, *rest = form  # type: ignore[misc]
        if kind == "name":
            symbol = self.project.symbol(self.path, rest[0])
            return symbol.value if isinstance(symbol, Constant) else NOT_LITERAL
        if kind == "call":
            return self.record(*rest)
        return rest[0] if kind == "value" else NOT_LITERAL

    def record(
        self,
        name: str,
        positional: list[object],
        keywords: list[list[object]],
        starred: bool,
        double_starred: bool,
    ) -> object:
        """`Config(...)` of a project dataclass or NamedTuple, when every field is known."""
        symbol = self.project.symbol(self.path, name)
        index = self.project._index(symbol.path) if isinstance(symbol, Defined) else None
        fields = index.records.get(name) if index is not None else None
        if fields is None or starred:
            return NOT_LITERAL
        if len(positional) > len(fields) or double_starred:
            return NOT_LITERAL
        values = dict(fields)
        values.update(
            (field, self.value(a)) for (field, _), a in zip(fields, positional, strict=False)
        )
        for keyword, argument in keywords:
            if keyword not in values:
                return NOT_LITERAL
            values[keyword] = self.value(argument)  # type: ignore[index]
        if any(v is REQUIRED for v in values.values()):
            return NOT_LITERAL
        values.update((field, NOT_LITERAL) for field, default in fields if default is WRITTEN)
        return Record(name, tuple(values.items()))
