"""Which bodies are read, in which context, and what is remembered: the schedule of readings.

A module is read silently first (to learn its names), then its classes and functions, then its
code aloud. A class is read twice per context: silently, to learn what `self.x` holds and what
methods return, then aloud. Its contexts are the generic one (parameters unknown), each
construction the project model lists (`configurations`), and each object the module's code is
seen to build with known values (`Seq2Seq(encoder, decoder)`). A function's contexts are the
generic one and each call, in this module or another file, that fixes some argument: those are
read until no new call appears (a fixpoint, bounded by `MAX_ROUNDS`), as pytype's call records
are. Calling an object or a project function reads its body silently with the arguments
(memoised, at most `MAX_CALL_DEPTH` deep and `MAX_CONTEXTS` argument lists per function). Another
file is read silently, for its classes, objects, functions and calls, once per checked file (each
checked file records the queries its findings rest on: that file's outline, and each class or
function taken from it, `rnncheck.outline`); its module code, read first, once per run when that
reading needs no other file's driver (`foreign_driver`); its generic reading (what its classes
hold, the calls and objects its code makes: `calls_of`, `inherited`) once per run, on a fresh
driver of its own, so that what it finds does not depend on what was asked of that file first
(`generic_reading`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import libcst as cst

from rnncheck import queries, syntax
from rnncheck.abstract import (
    UNKNOWN,
    Abstract,
    Const,
    Extent,
    Function,
    Instance,
    Items,
    Klass,
    Mapping,
    Method,
    Namespace,
    Opaque,
    RnnClass,
    Unknown,
    join,
)
from rnncheck.configurations import MAX_CONFIGURATIONS, Configuration, configurations
from rnncheck.events import Rnn, Value, where
from rnncheck.index import SCALARS
from rnncheck.positions import Positions
from rnncheck.project import Construction, Project, Record
from rnncheck.reading import Context, Env, Frame, Reading, bound
from rnncheck.sizes import Size

MAX_INLINING = 3
"""How deep helper methods are read at their calls."""
MAX_CALL_DEPTH = 4
"""How deep calls of project functions and objects are followed."""
MAX_CONTEXTS = 8
"""How many distinct argument lists one function is read with."""
MAX_CALLERS = 4
"""How many other files' calls of one function are looked at."""
MAX_BASES = 8
"""How many bases up a class's lineage is followed."""
FACT_VALUES = (Const, Opaque, Size, Items, Record, Namespace, Mapping, Extent)
"""The values an attribute holds that another assignment elsewhere would make untrue (an RNN
or a module it holds is an object: code that replaces one is not looked for)."""
MAX_ROUNDS = 4
"""How many times the readings in callers' contexts are repeated to reach a fixpoint
(script -> train_loop -> train_step -> helper)."""


@dataclass(frozen=True)
class Built:
    """An object the project's code builds, as the context its class is read in."""

    instance: Instance
    locate: Callable[[cst.CSTNode], int] = field(compare=False, repr=False)
    path: str = ""
    """The file whose code builds it."""
    heir: str = ""
    """The subclass whose `__init__` makes the call, when it initialises its base."""

    def describe(self, here: str) -> str:
        site = self.instance.site
        text = " ".join(syntax.text(site).split())
        line = where(self.path, here, self.locate(site))
        if self.heir:
            return f"when `{self.heir}` calls `{text}`, {line}"
        return f"when built as `{text}`, {line}"


@dataclass(frozen=True)
class Site:
    """A call of a project function, with the values of its arguments there."""

    path: str
    node: cst.Call
    arguments: tuple[Abstract, ...]
    locate: Callable[[cst.CSTNode], int] = field(compare=False, repr=False)
    """Finds the call's line (positions are computed only for a message)."""

    @property
    def line(self) -> int:
        return self.locate(self.node)

    def describe(self, here: str) -> str:
        return f"when called from {where(self.path, here, self.line)}"


Emit = Callable[[object], None]
N = TypeVar("N", cst.ClassDef, cst.FunctionDef)


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
        self.rnns: dict[
            tuple[cst.Call, Configuration | Built | Site | None, object | None], Rnn
        ] = {}
        """Each RNN built, once per construction context and per object or call followed."""
        self.announced: set[tuple[cst.Call, Configuration | Built | Site | None, object | None]] = (
            set()
        )
        self.classes: dict[str, Env] = {}
        """Each class's settled attributes, for the subclasses that follow it in the module."""
        self.inlining: set[cst.FunctionDef] = set()
        """Helper methods being read at a call, so a recursive helper is read once."""
        self.foreign = False
        """Whether this module is read for another file's sake (its RNNs then name their file)."""
        self.configuration: Configuration | Built | Site | None = None
        """The construction being followed, while a class is read with its constructor's values."""
        self.instance: object | None = None
        """The object (or the function call) being followed, while it is read for what it gives
        back: what is built there belongs to it."""
        self.class_nodes: dict[str, cst.ClassDef] = {}
        self.instances: dict[str, list[Built]] = {}
        """The objects the project's code builds with known constructor values, per class of
        this module: each one is a context its class is read in."""
        self.elsewhere: dict[tuple[str, str], list[Built]] = {}
        """The objects this module's code builds of other files' classes, by (file, class)."""
        self.objects: dict[Instance, Env] = {}
        """What `self.x` holds in each object followed (memo)."""
        self.rewrites: dict[str, frozenset[str]] = {}
        """Per class, the attributes methods may assign to `self` after construction (memo)."""
        self.calls: dict[tuple[Instance | Function, tuple[Abstract, ...]], Abstract | None] = {}
        """What calling an object or a function with these arguments gives back (memo)."""
        self.contexts: dict[Function, int] = {}
        """How many argument lists each function has been read with."""
        self.depth = 0
        """How many calls deep the reading now is."""
        self.function_nodes: dict[str, cst.FunctionDef] = {}
        self.wanting: set[str] = set()
        """The functions whose generic reading calls a parameter or reads one's attribute:
        only their callers' arguments can tell them more."""
        self.sites: dict[Function, list[Site]] = {}
        """The calls this module's readings make of project functions, with telling arguments."""
        self.globals: Env = {}
        """The module's names that hold one value throughout."""
        self.prepared = self.done = False
        """Whether the module's names are known, and whether the generic readings were made."""
        self.reading = Reading(module, self, locate, path)

    def run(self) -> None:
        """Module code silently (to learn its names), then classes and functions, then module code
        for real, now that calling a class's instance can be followed into its `forward`."""
        self.prepare()
        self.generic()

    def prepare(self) -> None:
        """The module's definitions, and its names, from a silent reading of its code."""
        syntax.assigned(self.module)
        self.class_nodes = {
            n.name.value: n for n in self.module.body if isinstance(n, cst.ClassDef)
        }
        self.function_nodes = {
            n.name.value: n for n in self.module.body if isinstance(n, cst.FunctionDef)
        }
        module_rows = syntax.rows(self.module)
        frame = Frame(env={}, scope="<module>", rows=module_rows)
        loud, self.silent = not self.silent, True
        self.reading.block(self.module.body, frame)
        self.silent = not loud
        bound = syntax.binding_counts(self.module.body)
        # Names no statement assigns come from `def`, `class` and `from ... import`: bound once.
        stable = {name: value for name, value in frame.env.items() if bound.get(name, 1) == 1}
        dicts = {name for name, value in stable.items() if isinstance(value, Mapping)}
        for name in syntax.changed(self.module, dicts) if dicts else ():
            del stable[name]  # a dict some code of the module may change holds nothing sure
        self.globals = stable
        # What calls gave back before the module's names were known is forgotten.
        self.calls.clear()
        self.objects.clear()
        self.contexts.clear()
        self.prepared = True

    def generic(self) -> Driver:
        """Read every class and function in its generic context, then the module code (once:
        another file's module is read so only when something needs its classes or calls, and
        then on a fresh copy of its own, `generic_reading`)."""
        if self.done or not self.prepared:
            return self
        if self.foreign and _WORLDS[-1].root is not self:
            return generic_reading(self.path, self.project) or self
        self.done = True
        for node in self.module.body if self.foreign else ():
            if isinstance(node, cst.FunctionDef | cst.ClassDef):
                self.project.definition_text(self.path, node.name.value)
        stable = self.globals
        module_rows = syntax.rows(self.module)
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
                self.built_elsewhere(node.name.value, calls)
                self.heirs_elsewhere(node.name.value)
        self.reading.block(self.module.body, Frame(env={}, scope="<module>", rows=module_rows))
        if not self.foreign:
            self.objects_built()
            self.called()
        return self

    def called(self) -> None:
        """Read each function again with the arguments of each call that fixes some of them,
        in this module or another, until no new call appears (pytype's call records)."""
        done: set[tuple[Function, tuple[Abstract, ...]]] = set()
        for _ in range(MAX_ROUNDS):
            pending = [
                (definition, site)
                for name, definition in self.function_nodes.items()
                if name in self.wanting
                for site in self.calls_of(Function(name, self.path))
                if (Function(name, self.path), site.arguments) not in done
            ]
            if not pending:
                return
            for definition, site in pending:
                function = Function(definition.name.value, self.path)
                done.add((function, site.arguments))
                given = bound(definition, site.node, list(site.arguments), method=False)
                context = Context(function.name, self.globals, None, given)
                self.configuration = site
                try:
                    self.reading.function(definition, context)
                finally:
                    self.configuration = None

    def calls_of(self, function: Function) -> list[Site]:
        """The calls of a function of this module that fix some argument: here and in the
        other files that call it (but those whose reading is known to make none,
        `_calls_nothing`)."""
        sites = list(self.sites.get(function, []))
        for caller in self.project.callers(self.path, function.name, MAX_CALLERS):
            if _calls_nothing(caller, function, self.project):
                continue
            reader = foreign_driver(caller, self.project)
            if reader is not None:
                generic = reader.generic()
                sites.extend(generic.sites.get(function, []))
                _keep_calling(caller, generic, self.project)
        distinct = {site.arguments: site for site in sites}
        return list(distinct.values())[:MAX_CONTEXTS]

    def wants(self, parameter: Opaque) -> None:
        """A parameter is called, or an attribute of it read: its callers may tell what it is."""
        self.wanting.add(parameter.key.split(":", 1)[0])

    def calling(self, function: Function, node: cst.Call, arguments: list[Abstract]) -> None:
        """A call this module's code makes: remembered when it fixes some argument."""
        if any(_telling(value) for value in arguments):
            site = Site(self.path, node, tuple(arguments), self.reading.locate)
            known = self.sites.setdefault(function, [])
            if all(other.arguments != site.arguments for other in known):
                known.append(site)

    def built_elsewhere(self, name: str, calls: list[Construction]) -> None:
        """The objects other files build of a class of this module, with the values their own
        code gives (`Seq2Seq(encoder, decoder)` in train.py): looked for only when the class's
        generic reading calls what its constructor is given or reads its attributes, and the
        call passes something that is not a literal."""
        if f"{name}.__init__" not in self.wanting:
            return
        files = dict.fromkeys(c.path for c in calls if c.path != self.path and _unspelt(c))
        for path in list(files)[:MAX_CALLERS]:
            reader = foreign_driver(path, self.project)
            for built in reader.generic().elsewhere.get((self.path, name), []) if reader else ():
                self.add_built(built)

    def heirs_elsewhere(self, name: str) -> None:
        """The subclasses other files define of a class of this module, each as the base its
        `__init__` initialises with its arguments (`super().__init__(16, True)`): contexts of
        the class, as a subclass in this module gives."""
        for path in self.project.subclassed_in(self.path, name)[:MAX_CALLERS]:
            reader = foreign_driver(path, self.project)
            for built in reader.generic().elsewhere.get((self.path, name), []) if reader else ():
                if built.heir:
                    self.add_built(built)

    def objects_built(self) -> None:
        """Read each class again as each object the code builds of it (`Seq2Seq(encoder,
        decoder)`), until no new one appears (at most `MAX_CONFIGURATIONS` per class)."""
        done: set[Instance] = set()
        while True:
            pending = [
                built
                for objects in self.instances.values()
                for built in objects[:MAX_CONFIGURATIONS]
                if built.instance not in done
            ]
            if not pending:
                return
            for built in pending:
                instance = built.instance
                done.add(instance)
                self.configuration = built
                try:
                    self.klass(
                        self.class_nodes[instance.name], self.globals, dict(instance.bindings)
                    )
                finally:
                    self.configuration = None

    def method_of(self, klass: Klass, name: str) -> cst.FunctionDef | None:
        """A method of a project class, by name."""
        owner = self.owner(klass.path)
        node = owner.definition(owner.class_nodes, klass.name) if owner is not None else None
        return _method(node, name) if node is not None else None

    def definition(self, nodes: dict[str, N], name: str) -> N | None:
        """A class or function of this module about to be read: when the module is another
        file's, the reading rests on its text (`Project.definition_text`)."""
        node = nodes.get(name)
        if node is not None and self.foreign:
            self.project.definition_text(self.path, name)
        return node

    def owner(self, path: str) -> Driver | None:
        """The driver of the module that defines a class: this one, or another file's."""
        if path in ("", self.path):
            return self
        return foreign_driver(path, self.project) if self.project.mentions_rnn(path) else None

    def built(self, instance: Instance) -> None:
        """An object of a project class built here with known constructor values."""
        built = Built(instance, self.reading.locate, self.path)
        local = instance.path in ("", self.path) and instance.name in self.class_nodes
        if local:
            self.add_built(built)
        elif instance.path:
            known = self.elsewhere.setdefault((instance.path, instance.name), [])
            if all(other.instance != instance for other in known):
                known.append(built)

    def add_built(self, built: Built) -> None:
        known = self.instances.setdefault(built.instance.name, [])
        if all(other.instance != built.instance for other in known):
            known.append(built)

    def attributes(self, instance: Instance) -> Env:
        """What `self.x` holds in an object: its class read silently with its constructor values."""
        if instance.path not in ("", self.path):
            owner = self.owner(instance.path)
            return owner.attributes(instance) if owner is not None else {}
        node = self.definition(self.class_nodes, instance.name)
        if node is None or not instance.bindings:
            return self.generic().classes.get(instance.name, {})
        known = self.objects.get(instance)
        if known is None:
            self.objects[instance] = {}  # a class whose constructor builds its own kind
            with self.following(instance):
                known = self.learn(node, self.globals, dict(instance.bindings))[0]
            self.objects[instance] = known
        return known

    def exposed(self, instance: Instance) -> Env:
        """What an object's attributes hold where code outside its construction may have run
        (`decoder.n_layers`, `self.n_layers` in `forward`): `outside` of its attributes."""
        if instance.path not in ("", self.path):
            owner = self.owner(instance.path)
            return owner.exposed(instance) if owner is not None else {}
        node = self.class_nodes.get(instance.name)
        attributes = self.attributes(instance)
        return self.outside(node, attributes) if node is not None else attributes

    def outside(self, node: cst.ClassDef, attributes: Env) -> Env:
        """A class's attributes after its construction: a value is unknown when some project
        file may assign that attribute of another name (`model.n_layers = 4`, `setattr`), or
        a method of the class, of a base or of a subclass in this module may assign it to
        `self` (the `__init__`s of the class and of its bases run before, and their values are
        in `attributes`). Objects (RNNs, modules) are kept: replacing one is not a value's
        write."""
        rewritten = self.rewritten(node)
        project = self.project
        return {
            name: UNKNOWN
            if isinstance(value, FACT_VALUES)
            and (name in rewritten or project.assigns(name, self.path, node.name.value))
            else value
            for name, value in attributes.items()
        }

    def rewritten(self, node: cst.ClassDef) -> frozenset[str]:
        """The attributes that the methods of a class, of its bases (followed by their first
        base, into other files too) and of its subclasses in this module may assign to
        `self` after construction."""
        name = node.name.value
        known = self.rewrites.get(name)
        if known is not None:
            return known
        assigned: set[str] = set()
        for klass in self.lineage(node):
            methods = _methods(klass)
            assigned.update(a for m in methods if m.name.value != "__init__" for a in _self_set(m))
        heirs, grown = {name}, True
        while grown:
            found = {n for n, c in self.class_nodes.items() if set(_base_names(c)) & heirs}
            grown, heirs = not found <= heirs, heirs | found
        for heir in heirs - {name}:
            assigned.update(a for m in _methods(self.class_nodes[heir]) for a in _self_set(m))
        self.rewrites[name] = frozenset(assigned)
        return self.rewrites[name]

    def lineage(self, node: cst.ClassDef) -> list[cst.ClassDef]:
        """A class and its bases, each followed by its first base."""
        chain = [node]
        owner: Driver | None = self
        while owner is not None and len(chain) <= MAX_BASES:
            base = syntax.first_base(chain[-1])
            if base is None:
                break
            if base not in owner.class_nodes:
                origin = self.project.definition(base)
                owner = self.owner(origin) if origin is not None else None
            found = owner.class_nodes.get(base) if owner is not None else None
            if found is None or found in chain:
                break
            chain.append(found)
        return chain

    def call(
        self, instance: Instance, arguments: Env, given: tuple[Abstract, ...]
    ) -> Abstract | None:
        """What calling an object gives back: its `forward` read silently with the arguments."""
        if instance.path not in ("", self.path):
            owner = self.owner(instance.path)
            return owner.call(instance, arguments, given) if owner is not None else None
        node = self.definition(self.class_nodes, instance.name)
        forward = _method(node, "forward") if node is not None else None
        if forward is None or not instance.bindings:
            return None
        attributes = self.exposed(instance)
        definitions = {m.name.value: m for m in _methods(node)}  # type: ignore[arg-type]
        scope = f"{instance.name}.forward"
        context = Context(scope, self.globals, attributes, arguments, definitions)
        return self.gives_back((instance, given), forward, context)

    def call_function(
        self, function: Function, node: cst.Call, arguments: list[Abstract]
    ) -> Abstract | None:
        """What calling a project function gives back: its body read silently with the
        arguments bound (memoised; bounded in depth and in argument lists per function)."""
        owner = self.owner(function.path)
        if owner is not self:
            return owner.call_function(function, node, arguments) if owner is not None else None
        definition = self.definition(self.function_nodes, function.name)
        key = (function, tuple(arguments))
        if definition is None:
            return None
        if key not in self.calls:
            if self.contexts.get(function, 0) >= MAX_CONTEXTS:
                return None
            self.contexts[function] = self.contexts.get(function, 0) + 1
        given = bound(definition, node, arguments, method=False)
        context = Context(function.name, self.globals, None, given)
        return self.gives_back(key, definition, context)

    def gives_back(
        self,
        key: tuple[Instance | Function, tuple[Abstract, ...]],
        body: cst.FunctionDef,
        context: Context,
    ) -> Abstract | None:
        """What a body read silently for one call returns (memoised; unknown past
        `MAX_CALL_DEPTH`, and while the same call is being read: recursion)."""
        if key in self.calls:
            return self.calls[key]
        if self.depth >= MAX_CALL_DEPTH:
            return None
        self.calls[key] = None
        self.depth += 1
        try:
            with self.following(key):
                returned = self.reading.function(body, context).returned
        finally:
            self.depth -= 1
        self.calls[key] = returned
        return returned

    @contextlib.contextmanager
    def following(self, instance: object) -> Iterator[None]:
        """Read silently, as `instance`: what is built belongs to that object."""
        saved = self.silent, self.instance, self.configuration
        self.silent, self.instance = True, instance
        try:
            yield
        finally:
            self.silent, self.instance, self.configuration = saved

    def klass(self, node: cst.ClassDef, globals_: Env, bindings: Env | None = None) -> None:
        """Read the methods once silently to learn `self.x` and what methods return, then for real."""
        self.class_nodes.setdefault(node.name.value, node)
        attributes, definitions = self.learn(node, globals_, bindings)
        if bindings is None:
            self.classes[node.name.value] = attributes
        after = self.outside(node, attributes)
        for method in _methods(node):
            seen = attributes if method.name.value == "__init__" else after
            context = _method_context(node, method, globals_, seen, bindings, definitions)
            self.reading.function(method, context)
        for inner in syntax.statements(node.body):
            if isinstance(inner, cst.ClassDef) and bindings is None:
                self.klass(inner, globals_)

    def learn(
        self, node: cst.ClassDef, globals_: Env, bindings: Env | None
    ) -> tuple[Env, dict[str, cst.FunctionDef]]:
        """What `self.x` holds and what each method returns, read silently."""
        methods = _methods(node)
        definitions = {m.name.value: m for m in methods}
        init = definitions.get("__init__")
        generic = bindings is None and (init is None or not _initialises_base(init))
        inherited = self.inherited(syntax.first_base(node)) if generic else {}
        assigned: dict[str, list[Abstract]] = {}
        returns: Env = {}
        was_silent, self.silent = self.silent, True
        try:
            for method in methods:
                attributes = {**inherited, **_settled(assigned), **returns}
                if method.name.value != "__init__":
                    attributes = self.outside(node, attributes)
                context = _method_context(node, method, globals_, attributes, bindings, definitions)
                frame = self.reading.function(method, context)
                if frame.self_name is None:
                    continue
                if frame.inherited is not None and method.name.value == "__init__":
                    inherited = frame.inherited
                prefix = frame.self_name + "."
                for name in syntax.self_targets(method, frame.self_name):
                    assigned.setdefault(name, []).append(frame.env.get(prefix + name, UNKNOWN))
                if frame.returned is not None:
                    returns[method.name.value] = Method(frame.returned)
        finally:
            self.silent = was_silent
        return {**inherited, **returns, **_settled(assigned)}, definitions

    def inherit(
        self,
        base: Klass,
        site: cst.Call,
        node: cst.Call,
        arguments: list[Abstract],
        heir: cst.ClassDef | None,
    ) -> Env | None:
        """What a base class's `__init__` sets when a subclass calls it with these arguments
        (`super().__init__(hidden, bidirectional=True)` at `site`; `node` passes them without
        `self`): the base read silently with them.
        A base of this module is also read aloud so, for what its own methods do."""
        init = self.method_of(base, "__init__")
        if init is None:
            return None
        given = bound(init, node, arguments) if node.args else {}  # none: the generic base
        values = tuple((n, v) for n, v in given.items() if not isinstance(v, Unknown))
        inherited = self.attributes(Instance(base.name, values, None, base.path))
        telling = tuple((n, v) for n, v in values if not isinstance(v, Opaque | Extent))
        if telling and heir is not None:
            instance = Instance(base.name, telling, site, base.path)
            built = Built(instance, self.reading.locate, self.path, heir.name.value)
            if base.path in ("", self.path):
                self.add_built(built)
            else:  # for the base's file, which reads it so too (`heirs_elsewhere`)
                known = self.elsewhere.setdefault((base.path, base.name), [])
                if all(other.instance != instance for other in known):
                    known.append(built)
        return inherited

    def inherited(self, base: str | None) -> Env:
        """The attributes a base class sets: from this module, or from the project file defining it."""
        if base is None:
            return {}
        if base in self.classes:
            return self.classes[base]
        origin = self.project.definition(base)
        if origin is None or origin == self.path:
            return {}
        reader = self.owner(origin)
        return reader.generic().classes.get(base, {}) if reader is not None else {}

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

    def copy(self) -> Driver:
        """Another driver of the same module in this one's state: its containers are copied,
        so reading on with one leaves the other as it was."""
        other = object.__new__(Driver)
        other.__dict__ = {name: _copied(value) for name, value in vars(self).items()}
        reading = object.__new__(Reading)
        reading.__dict__ = {name: _copied(value) for name, value in vars(self.reading).items()}
        reading.driver, other.reading = other, reading
        return other


def _copied(value: object, deep: bool = True) -> object:
    """A container and the containers in it, copied; anything else (nodes, values) shared."""
    if isinstance(value, dict):
        return {key: _copied(item, False) for key, item in value.items()} if deep else dict(value)
    if isinstance(value, list):
        return [_copied(item, False) for item in value] if deep else list(value)
    if isinstance(value, set):
        return set(value)
    return value


def _telling(value: Abstract) -> bool:
    """Whether an argument tells the callee something its own reading cannot know."""
    if isinstance(value, Items):
        return any(_telling(item) for item in value.items)
    return isinstance(value, Instance | Rnn | Value | Record | RnnClass) or (
        isinstance(value, Const) and not value.assumption
    )


@functools.lru_cache(maxsize=1024)
def _initialises_base(init: cst.FunctionDef) -> bool:
    """Whether an `__init__` calls a base's (`super().__init__(...)`): the base is then read
    at that call, with its arguments."""
    pending: list[cst.CSTNode] = [init.body]
    while pending:
        node = pending.pop()
        func = node.func if isinstance(node, cst.Call) else None
        if isinstance(func, cst.Attribute) and func.attr.value == "__init__":
            return True
        pending.extend(syntax.children(node))
    return False


def _unspelt(construction: Construction) -> bool:
    """Whether a construction passes a value that is not a literal (the caller's code may
    know it)."""
    values = [*construction.positional, *(value for _, value in construction.keywords)]
    return construction.open_ended or any(not isinstance(v, SCALARS) for v in values)


def _self_set(method: cst.FunctionDef) -> set[str]:
    """The attributes a method assigns to its first parameter (`self.n_layers = 4`)."""
    params = [*method.params.posonly_params, *method.params.params]
    return syntax.self_targets(method, params[0].name.value) if params else set()


def _base_names(node: cst.ClassDef) -> list[str]:
    return [base.value.value for base in node.bases if isinstance(base.value, cst.Name)]


def _methods(node: cst.ClassDef) -> list[cst.FunctionDef]:
    """A class's methods, `__init__` first."""
    methods = [m for m in syntax.statements(node.body) if isinstance(m, cst.FunctionDef)]
    return sorted(methods, key=lambda m: m.name.value != "__init__")


def _method(node: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    return next((m for m in _methods(node) if m.name.value == name), None)


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
    return Context(scope, globals_, attributes, given, definitions, owner)


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


@dataclass
class _World:
    """What the readings of one checked file, or of one file's generic reading, see of the
    other files: each is read so once in it. A file's generic reading starts a world of its
    own, so that what it finds does not depend on which checked file asked first or on what
    was asked of that file before (the budgets `MAX_CONTEXTS` and `MAX_CALL_DEPTH` included)."""

    path: str | None = None
    """The file read generically in it (None: the checked file's world)."""
    root: Driver | None = None
    """That file's driver, once made."""
    foreign: dict[str, tuple[Project, Driver]] = field(default_factory=dict)
    """Per other file read: the project it was read with, and its driver."""
    preparing: set[str] = field(default_factory=set)
    """The files whose module code is being read (a cycle of them is cut)."""
    asked: set[str] = field(default_factory=set)
    """The files whose generic reading a reading here asked for (in nested worlds too)."""
    cuts: set[str] = field(default_factory=set)
    """Those among them that were then being read so in an enclosing world (a cycle, cut:
    the reading got that file's driver as it stood)."""
    readings: dict[str, tuple[Driver | None, queries.Record]] = field(default_factory=dict)
    """The generic readings made in this world that rest on such a cut: kept in it alone."""


_WORLDS: list[_World] = [_World()]
"""The checked file's world, then the generic readings under way, innermost last."""
_GENERIC: dict[str, tuple[Project, str, Driver | None, queries.Record, frozenset[str]]] = {}
"""Per file, across checked files: its generic reading that no cycle cut, with the project and
text it was read with, the queries it asked and the files whose generic readings it took. It
holds in any world where none of those files is being read generically (it would be cut)."""
MAX_GENERIC = 64
_PREPARED: dict[str, tuple[Project, str, Driver, queries.Record]] = {}
"""Per file read for another's sake, across checked files: its driver just after `prepare`,
with the project and text it was read with and the queries that reading asked, when it asked
nothing of any other file's driver (it is then a function of the text and those answers)."""
MAX_PREPARED = 64
_contacts = 0
"""How many times a driver has asked for another file's driver."""


def forget_foreign() -> None:
    """Forget the other files read for one checked file. What a foreign driver learnt, it
    learnt by asking queries, which were recorded for that file alone; the next checked file
    must ask them again, or its cached findings would rest on answers it never recorded (a
    generic reading kept across checked files logs its queries again when taken)."""
    _WORLDS[:] = [_World()]


def generic_reading(path: str, project: Project) -> Driver | None:
    """Another file read generically (its classes and functions in their generic contexts,
    then its module code) on a fresh driver, in a world of its own: a function of that file
    and the project, so made once per run and taken by every reading that asks for it, each
    logging again the queries it asked. A reading that asks for a file being read so gets its
    driver as it stands (a cycle); a generic reading that rests on such a cut is kept only in
    the world that asked for it."""
    text = project.program(path)
    here = _WORLDS[-1]
    here.asked.add(path)
    for world in _WORLDS:
        if world.path == path:
            here.cuts.add(path)
            return world.root
    known = _GENERIC.get(path)
    if (
        known is not None
        and known[0] is project
        and known[1] == text
        and not any(world.path in known[4] for world in _WORLDS)
    ):
        queries.log(known[3])
        here.asked |= known[4]
        return known[2]
    local = here.readings.get(path)
    if local is not None:
        queries.log(local[1])
        return local[0]
    world = _World(path)
    _WORLDS.append(world)
    try:
        with queries.recording() as asked:
            reader = world.root = foreign_driver(path, project)
            if reader is not None:
                reader.generic()
    finally:
        _WORLDS.pop()
    world.asked.discard(path)
    world.cuts.discard(path)
    here.asked |= world.asked
    if world.cuts:
        here.cuts |= world.cuts
        here.readings[path] = (reader, asked)
    elif text is not None:
        if len(_GENERIC) >= MAX_GENERIC:
            _GENERIC.clear()
        _GENERIC[path] = (project, text, reader, asked, frozenset(world.asked))
    return reader


def _calls_nothing(caller: str, function: Function, project: Project) -> bool:
    """Whether a generic reading of `caller` that an earlier run (or this one) made, kept in
    `Project.known_calling`, calls `function` with no argument that tells it something, and
    every question it asked gets the same answer now: the reading is a function of those
    answers, so making it again would find no call either, and it is not made (an edited
    `util.py` is read again without parsing every file that calls it). Its questions are
    logged, as taking the reading would log them."""
    known = project.known_calling.get(caller)
    if known is None or (function.path, function.name) in known[1]:
        return False
    if not queries.holds(known[0], project):
        return False
    queries.log(known[0])
    return True


def _keep_calling(caller: str, reader: Driver, project: Project) -> None:
    """Keep, for `_calls_nothing`, the functions the generic reading of `caller` calls with a
    telling argument and the questions it asked, when no cycle cut it (it is in `_GENERIC`)."""
    known = _GENERIC.get(caller)
    if known is not None and known[0] is project and known[2] is reader:
        calls = frozenset((f.path, f.name) for f, found in reader.sites.items() if found)
        project.known_calling[caller] = (known[3], calls)


def foreign_driver(path: str, project: Project) -> Driver | None:
    """Another project file, read silently once per checked file (many subclasses share a
    base, many objects share a class), starting from its prepared driver when an earlier
    checked file left one; None while it is being read or when it cannot be."""
    global _contacts
    _contacts += 1
    world = _WORLDS[-1]
    known = world.foreign.get(path)
    if known is not None and known[0] is project:
        return known[1]
    text = project.program(path)
    module = syntax.parsed(text)
    if module is not None:
        syntax.keep(module)
    project.outline(path)
    if path in world.preparing:
        return None
    prepared = _PREPARED.get(path)
    if prepared is not None and prepared[0] is project and prepared[1] == text:
        queries.log(prepared[3])
        reader = prepared[2].copy()
    else:
        if module is None:
            return None
        world.preparing.add(path)
        contacts = _contacts
        try:
            with queries.recording() as asked:
                reader = Driver(module, lambda event: None, Positions(module).line, path, project)
                reader.silent = reader.foreign = True
                reader.prepare()
        finally:
            world.preparing.discard(path)
        if contacts == _contacts and text is not None:
            if len(_PREPARED) >= MAX_PREPARED:
                _PREPARED.clear()
            _PREPARED[path] = (project, text, reader.copy(), asked)
    world.foreign[path] = (project, reader)
    return reader
