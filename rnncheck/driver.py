"""Which bodies are read, in which context, and what is remembered: the schedule of readings.

A module is read silently first (to learn its names), then its classes and functions, then its
code aloud. A class is read twice per context: silently, to learn what `self.x` holds and what
methods return, then aloud. Each construction the project model lists for a class is one more
context (bounded by `MAX_CONFIGURATIONS`). Helper methods are read again at their calls, up to
`MAX_INLINING` deep. A base class in another file is read once per run, silently.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import libcst as cst

from rnncheck import queries, syntax
from rnncheck.abstract import UNKNOWN, Abstract, Method, join
from rnncheck.configurations import MAX_CONFIGURATIONS, Configuration, configurations
from rnncheck.events import Rnn
from rnncheck.positions import Positions
from rnncheck.project import Project
from rnncheck.reading import Context, Env, Frame, Reading

MAX_INLINING = 3
"""How deep helper methods are read at their calls."""

Emit = Callable[[object], None]


class Driver:
    """Schedules the readings of one module and keeps what they share; events go to `emit`."""

    def __init__(
        self,
        module: cst.Module,
        emit: Emit,
        locate: Callable[[cst.CSTNode], int],
        path: str = "",
        project: Project | None = None,
    ) -> None:
        self.module = module
        self.path = path
        self.project = project or Project()
        self.emit_event = emit
        self.silent = False
        self.rnns: dict[tuple[cst.Call, Configuration | None], Rnn] = {}
        """Each RNN built, once per construction context."""
        self.announced: set[tuple[cst.Call, Configuration | None]] = set()
        self.classes: dict[str, Env] = {}
        """Each class's settled attributes, for the subclasses that follow it in the module."""
        self.inlining: set[cst.FunctionDef] = set()
        """Helper methods being read at a call, so a recursive helper is read once."""
        self.foreign = False
        """Whether this module is read for another file's sake (its RNNs then name their file)."""
        self.configuration: Configuration | None = None
        """The construction being followed, while a class is read with its constructor's values."""
        self.reading = Reading(module, self, locate, path)

    def run(self) -> None:
        """Module code silently (to learn its names), then classes and functions, then module code
        for real, now that calling a class's instance can be followed into its `forward`."""
        syntax.assigned(self.module)
        module_rows = syntax.rows(self.module)
        frame = Frame(env={}, scope="<module>", rows=module_rows)
        loud, self.silent = not self.silent, True
        self.reading.block(self.module.body, frame)
        self.silent = not loud
        bound = syntax.binding_counts(self.module.body)
        # Names no statement assigns come from `def`, `class` and `from ... import`: bound once.
        stable = {name: value for name, value in frame.env.items() if bound.get(name, 1) == 1}
        for node in self.module.body:
            if isinstance(node, cst.FunctionDef):
                self.reading.function(node, Context(node.name.value, stable))
            elif isinstance(node, cst.ClassDef):
                self.klass(node, stable)
                if self.foreign:  # another file asks only what its classes hold
                    continue
                calls = self.project.constructions_of(self.path, node.name.value)
                for configuration in configurations(node, calls)[:MAX_CONFIGURATIONS]:
                    self.configuration = configuration
                    self.klass(node, stable, dict(configuration.values))
                self.configuration = None
        if not self.foreign:
            self.reading.block(self.module.body, Frame(env={}, scope="<module>", rows=module_rows))

    def klass(self, node: cst.ClassDef, globals_: Env, bindings: Env | None = None) -> None:
        """Read the methods once silently to learn `self.x` and what methods return, then for real."""
        methods = [m for m in syntax.statements(node.body) if isinstance(m, cst.FunctionDef)]
        methods.sort(key=lambda m: m.name.value != "__init__")
        definitions = {m.name.value: m for m in methods}
        inherited = self.inherited(syntax.first_base(node)) if bindings is None else {}
        assigned: dict[str, list[Abstract]] = {}
        returns: Env = {}
        was_silent, self.silent = self.silent, True
        try:
            for method in methods:
                attributes = {**inherited, **_settled(assigned), **returns}
                context = _method_context(node, method, globals_, attributes, bindings, definitions)
                frame = self.reading.function(method, context)
                if frame.self_name is None:
                    continue
                prefix = frame.self_name + "."
                for name in syntax.self_targets(method, frame.self_name):
                    assigned.setdefault(name, []).append(frame.env.get(prefix + name, UNKNOWN))
                if frame.returned is not None:
                    returns[method.name.value] = Method(frame.returned)
        finally:
            self.silent = was_silent
        attributes = {**inherited, **returns, **_settled(assigned)}
        if bindings is None:
            self.classes[node.name.value] = attributes
        for method in methods:
            context = _method_context(node, method, globals_, attributes, bindings, definitions)
            self.reading.function(method, context)
        for inner in syntax.statements(node.body):
            if isinstance(inner, cst.ClassDef) and bindings is None:
                self.klass(inner, globals_)

    def inherited(self, base: str | None) -> Env:
        """The attributes a base class sets: from this module, or from the project file defining it."""
        if base is None:
            return {}
        if base in self.classes:
            return self.classes[base]
        origin = self.project.definition(base)
        if origin is None or origin == self.path:
            return {}
        return foreign_classes(origin, self.project).get(base, {})

    def inline(self, reading: Reading, helper: cst.FunctionDef, context: Context) -> Frame | None:
        """Read a helper method at its call, unless it is already being read or too deep."""
        if helper in self.inlining or len(self.inlining) >= MAX_INLINING:
            return None
        self.inlining.add(helper)
        try:
            return reading.function(helper, context)
        finally:
            self.inlining.discard(helper)

    def emit(self, event: object) -> None:
        if not self.silent:
            self.emit_event(event)


def _method_context(
    owner: cst.ClassDef,
    method: cst.FunctionDef,
    globals_: Env,
    attributes: Env,
    bindings: Env | None,
    definitions: dict[str, cst.FunctionDef],
) -> Context:
    """A method's context, with the constructor's values when it is `__init__`."""
    scope = f"{owner.name.value}.{method.name.value}"
    given = bindings if bindings is not None and method.name.value == "__init__" else {}
    return Context(scope, globals_, attributes, given, definitions)


def _settled(assigned: dict[str, list[Abstract]]) -> Env:
    """Attributes that every assignment in the class gives the same value."""
    settled: Env = {}
    for name, values in assigned.items():
        value: Abstract | None = None
        for candidate in values:
            value = join(value, candidate)
        if value is not None:
            settled[name] = value
    return settled


@functools.lru_cache(maxsize=64)
def _parsed(text: str | None) -> cst.Module | None:
    if text is None:
        return None
    try:
        return cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None


_READING: set[str] = set()


@queries.remembered
def foreign_classes(path: str, project: Project) -> dict[str, Env]:
    """The settled attributes of the classes another project file defines (read silently, once
    per run: many subclasses share a base)."""
    module = _parsed(project.source(path))
    if module is None or path in _READING:
        return {}
    _READING.add(path)
    try:
        reader = Driver(module, lambda event: None, Positions(module).line, path, project)
        reader.silent = reader.foreign = True
        reader.run()
    finally:
        _READING.discard(path)
    return reader.classes
