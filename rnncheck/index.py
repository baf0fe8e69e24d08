"""What one file says by itself about its module-level names, read with the standard library's `ast`.

A pure function of the file's text (as ty's per-file semantic index is): the classes and
functions it defines, the names it binds once to a literal, what it imports and from where, and
its `__all__`. The project model (`rnncheck.project`) joins these indexes into a whole.
"""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

SCALARS = (bool, int, float, str, type(None))
"""The literal values a constant can hold: what RNN facts are made of (and hashable)."""


class _Marker:
    """A value that stands for a kind of fact; compared by identity, so it pickles as the
    module's one instance (an index made in a worker process keeps its markers)."""

    name = ""

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self) -> str:
        return self.name


class Required(_Marker):
    """A record field without a default."""

    name = "REQUIRED"


REQUIRED = Required()


class Written(_Marker):
    """A record field its own class's code assigns (`self.hidden = ...` in `__post_init__`):
    whatever the constructor is given, its value is not certain."""

    name = "WRITTEN"


WRITTEN = Written()


class NotLiteral(_Marker):
    """A value the code does not spell out."""

    name = "NOT_LITERAL"


NOT_LITERAL = NotLiteral()


@dataclass(frozen=True)
class Import:
    """What an import binds a local name to: module `module` (`level` dots up), or its `name`."""

    module: str | None
    level: int = 0
    name: str | None = None
    """None when the name is bound to the module itself (`import settings as s`)."""


@dataclass
class ModuleIndex:
    classes: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    constants: dict[str, object] = field(default_factory=dict)
    """Names bound exactly once at module level (in plain `if`/`try` blocks too), to a literal."""
    imports: dict[str, Import] = field(default_factory=dict)
    stars: list[Import] = field(default_factory=list)
    """`from m import *`, in order."""
    public: tuple[str, ...] | None = None
    """`__all__`, when it is a literal list of names."""
    records: dict[str, tuple[tuple[str, object], ...]] = field(default_factory=dict)
    """Each dataclass or NamedTuple: its fields in order, with their literal defaults
    (`REQUIRED` for a field without one, NOT_LITERAL for one the code does not spell out,
    WRITTEN for one its class's code assigns)."""
    settings: dict[str, dict[str, object]] = field(default_factory=dict)
    """Each plain class (no base but `object`, not a record): the class attributes its body
    binds once to a literal and never assigns through an object (`class Config: hidden = 128`)."""
    mappings: dict[str, tuple[tuple[str, object], ...]] = field(default_factory=dict)
    """Names bound once at module level to a dict literal whose keys are strings, each key with
    its literal value (or NOT_LITERAL): `CFG = {"hidden": 64}`. Whether code changes the dict
    is the project's to say (`Project.symbol`)."""

    @classmethod
    def of(cls, tree: ast.Module) -> ModuleIndex:
        index = cls()
        counts: dict[str, int] = {}
        values: dict[str, object] = {}
        for statement in module_statements(tree):
            for name, value in _bindings(statement, index):
                counts[name] = counts.get(name, 0) + 1
                values[name] = value
        index.constants = {
            name: value
            for name, value in values.items()
            if counts[name] == 1 and value is not NOT_LITERAL
        }
        dicts = {
            statement.targets[0].id: statement.value
            for statement in module_statements(tree)
            if isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Dict)
            and counts.get(statement.targets[0].id) == 1
        }
        for name in sorted(dicts):
            entries = _entries(dicts[name])
            if entries is not None:
                index.mappings[name] = entries
        listed = values.get("__all__") if counts.get("__all__") == 1 else None
        if isinstance(listed, tuple):
            index.public = listed
        return index

    def plain(self) -> dict[str, object]:
        """The index as JSON data (for the cache: never a pickle)."""
        return {
            "classes": sorted(self.classes),
            "functions": sorted(self.functions),
            "constants": [[name, _plain(value)] for name, value in self.constants.items()],
            "imports": [[name, *_import(i)] for name, i in self.imports.items()],
            "stars": [_import(star) for star in self.stars],
            "public": self.public,
            "records": [
                [name, [[field, _plain(value)] for field, value in fields]]
                for name, fields in self.records.items()
            ],
            "settings": [
                [name, [[attribute, value] for attribute, value in values.items()]]
                for name, values in self.settings.items()
            ],
            "mappings": [
                [name, [[key, _plain(value)] for key, value in entries]]
                for name, entries in self.mappings.items()
            ],
        }

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> ModuleIndex:
        """The index `plain()` wrote; a KeyError, TypeError or ValueError when it is not one."""
        public = plain["public"]
        return cls(
            classes=set(plain["classes"]),
            functions=set(plain["functions"]),
            constants={name: _value(value) for name, value in plain["constants"]},
            imports={name: Import(module, level, n) for name, module, level, n in plain["imports"]},
            stars=[Import(module, level, name) for module, level, name in plain["stars"]],
            public=None if public is None else tuple(public),
            records={
                name: tuple((field, _value(value)) for field, value in fields)
                for name, fields in plain["records"]
            },
            settings={name: dict(values) for name, values in plain["settings"]},
            mappings={
                name: tuple((key, _value(value)) for key, value in entries)
                for name, entries in plain["mappings"]
            },
        )

    def exported(self) -> list[str]:
        """The names `from this import *` binds: `__all__`, else every public name."""
        if self.public is not None:
            return list(self.public)
        names = [*self.classes, *self.functions, *self.constants, *self.mappings, *self.imports]
        return sorted({name for name in names if not name.startswith("_")})


def module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """The statements that run at module level: the body, and inside plain `if` and `try`."""
    pending = list(reversed(tree.body))
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.If):
            pending.extend(reversed([*statement.body, *statement.orelse]))
        elif isinstance(statement, ast.Try):
            blocks = [*statement.body, *statement.orelse, *statement.finalbody]
            for handler in statement.handlers:
                blocks.extend(handler.body)
            pending.extend(reversed(blocks))
        else:
            yield statement


def _bindings(statement: ast.stmt, index: ModuleIndex) -> Iterator[tuple[str, object]]:
    """The names a module-level statement binds, each with its literal value (or NOT_LITERAL);
    definitions and imports are also recorded in `index`."""
    if isinstance(statement, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        kinds = index.classes if isinstance(statement, ast.ClassDef) else index.functions
        kinds.add(statement.name)
        if isinstance(statement, ast.ClassDef) and _is_record(statement):
            index.records[statement.name] = _fields(statement)
        elif isinstance(statement, ast.ClassDef) and _is_plain(statement):
            index.settings[statement.name] = _settings(statement)
        yield statement.name, NOT_LITERAL
    elif isinstance(statement, ast.Import):
        for alias in statement.names:
            local = alias.asname or alias.name.split(".")[0]
            index.imports[local] = Import(alias.name if alias.asname else local)
            yield local, NOT_LITERAL
    elif isinstance(statement, ast.ImportFrom):
        for alias in statement.names:
            bound = Import(statement.module, statement.level, alias.name)
            if alias.name == "*":
                index.stars.append(bound)
                continue
            index.imports[alias.asname or alias.name] = bound
            yield alias.asname or alias.name, NOT_LITERAL
    elif isinstance(statement, ast.Assign):
        value = literal(statement.value)
        for target in statement.targets:
            for name in _names(target):
                yield name, value if isinstance(target, ast.Name) else NOT_LITERAL
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        given = statement.value if isinstance(statement, ast.AnnAssign) else None
        for name in _names(statement.target):
            yield name, literal(given) if given is not None else NOT_LITERAL
        if isinstance(statement, ast.AugAssign):
            yield from ((name, NOT_LITERAL) for name in _names(statement.target))
    elif isinstance(statement, ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
        targets = (
            [statement.target]
            if isinstance(statement, ast.For | ast.AsyncFor)
            else [item.optional_vars for item in statement.items if item.optional_vars]
        )
        for target in targets:
            yield from ((name, NOT_LITERAL) for name in _names(target))


DICT_READS = frozenset({"get", "keys", "values", "items", "copy"})
"""Methods of a dict (and of an object's `__dict__`) that only read it."""


def _entries(node: ast.Dict) -> tuple[tuple[str, object], ...] | None:
    """A dict literal's string keys with their literal values; None if a key is no string."""
    entries: list[tuple[str, object]] = []
    for key, value in zip(node.keys, node.values, strict=True):
        if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
            return None
        entries.append((key.value, literal(value)))
    return tuple(entries)


UNSEEN = "?"
"""An owner that may hold any object (a parameter, `self.args`, a name bound many ways)."""
MODULE = "module"
"""An owner bound by `import m`: a module's attribute is no object's."""
CLASS = "class:"
"""An owner that is a class the file defines (`Config.layers = 1`): a class attribute, which
an object's own attribute of that name hides."""
SELF = "self:"
"""A method's own object, written by computed name (`setattr(self, key, value)` in class
`self:` names): an object of that class, or of a subclass of it."""
NEW = "new:"
"""An owner bound only to calls of one name (`settings = Overridden()`): an object that call
makes, when the name is a class."""


def owners(tree: ast.Module, lines: list[int] | None = None) -> dict[str, tuple[str, ...]]:
    """Each attribute assigned through a name (`owner.name = ...`, `+=`, a `for` target,
    `setattr(owner, "name", ...)`), with what the owner may hold in the scope that binds it
    (`settings.layers = 1` after `settings = Overridden()` is ("new:Overridden",)); "*" for
    writes by computed name (`setattr(owner, key, ...)`, `vars(owner)` or `owner.__dict__`
    used but to be read). An explicit `self.name = ...` in a method is left out: the engine
    reads a class's own assignments. Only the statements that span one of `lines` (in order;
    None: all) are looked into, with the scopes around them."""
    found: dict[str, set[str]] = {}
    _scope_writes(tree, [], found, None, "", lines)
    return {name: tuple(sorted(kinds)) for name, kinds in found.items()}


def _scope_writes(
    scope: ast.AST,
    outer: list[dict[str, str]],
    found: dict[str, set[str]],
    own: str | None,
    klass: str,
    lines: list[int] | None,
) -> None:
    """The writes in one scope (a module or a function; for a method, `own` its `self` and
    `klass` its class), its inner functions read with this scope's bindings around them."""
    kinds = [*outer, _scope_kinds(scope)]
    method = isinstance(scope, ast.ClassDef)
    around = outer if method else kinds  # a class's names are not its methods' closure

    def kind(owner: ast.expr, dynamic: bool = False) -> str | None:
        if not isinstance(owner, ast.Name):
            return UNSEEN
        if owner.id == own:
            return SELF + klass if dynamic else None
        return next((k[owner.id] for k in reversed(kinds) if owner.id in k), UNSEEN)

    pending = [child for child in ast.iter_child_nodes(scope) if _spans(child, lines)]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            first = node.args.posonlyargs + node.args.args if method else []
            name = scope.name if isinstance(scope, ast.ClassDef) else ""
            _scope_writes(node, around, found, first[0].arg if first else None, name, lines)
            continue
        if isinstance(node, ast.ClassDef):
            _scope_writes(node, around, found, None, "", lines)
            continue
        writes = [(t.attr, kind(t.value)) for t in _targets(node) if isinstance(t, ast.Attribute)]
        if isinstance(node, ast.Call) and _dotted(node.func) == "setattr" and node.args:
            named = literal(node.args[1]) if len(node.args) > 1 else NOT_LITERAL
            attribute = named if isinstance(named, str) else "*"
            writes.append((attribute, kind(node.args[0], dynamic=True)))
        children = list(ast.iter_child_nodes(node))
        for child in children:
            owner = _dict_owner(child)
            if owner is not None and not _reads_only(node, child):
                writes.append(("*", kind(owner, dynamic=True)))
        for attribute, owner_kind in writes:
            if owner_kind is not None:
                found.setdefault(attribute, set()).add(owner_kind)
        pending.extend(child for child in children if _spans(child, lines))


def _spans(node: ast.AST, lines: list[int] | None) -> bool:
    """Whether a node spans one of `lines` (a node without lines may)."""
    end = getattr(node, "end_lineno", None)
    if lines is None or end is None:
        return True
    decorators = getattr(node, "decorator_list", ())  # above the `def` line
    start = min([node.lineno, *(decorator.lineno for decorator in decorators)])  # type: ignore[attr-defined]
    return bisect_left(lines, start) < bisect_right(lines, end)


def _dict_owner(node: ast.AST) -> ast.expr | None:
    """The object whose attributes `vars(owner)` or `owner.__dict__` is."""
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        return node.value
    if isinstance(node, ast.Call) and _dotted(node.func) == "vars" and len(node.args) == 1:
        return node.args[0]
    return None


def _reads_only(parent: ast.AST, child: ast.AST) -> bool:
    """Whether an object's attribute dict only is read where it stands: unpacked into a call
    (`f(**vars(args))`), read by key, compared, iterated, or asked a reading method."""
    if isinstance(parent, ast.keyword) and parent.arg is None:
        return True
    if isinstance(parent, ast.Attribute) and parent.attr in DICT_READS:
        return True
    if isinstance(parent, ast.Subscript) and parent.value is child:
        return isinstance(parent.ctx, ast.Load)
    if isinstance(parent, ast.For | ast.comprehension) and parent.iter is child:
        return True
    return isinstance(parent, ast.Compare)


def _scope_kinds(scope: ast.AST) -> dict[str, str]:
    """What each name a scope binds may hold: `MODULE`, `CLASS` + name, `NEW` + the one name it
    is only ever bound to calls of, else `UNSEEN` (a parameter, anything else)."""
    kinds: dict[str, str] = {}

    def bind(name: str, kind: str) -> None:
        kinds[name] = kind if kinds.get(name, kind) == kind else UNSEEN

    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        arguments = scope.args
        for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            bind(argument.arg, UNSEEN)
        for star in (arguments.vararg, arguments.kwarg):
            if star is not None:
                bind(star.arg, UNSEEN)
    pending = list(ast.iter_child_nodes(scope))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.ClassDef):
            bind(node.name, CLASS + node.name)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            if not isinstance(node, ast.Lambda):
                bind(node.name, UNSEEN)
            continue
        if isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                bind(name, UNSEEN)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bind(alias.asname or alias.name.split(".")[0], MODULE)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                bind(alias.asname or alias.name, UNSEEN)
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
        ):
            bind(node.targets[0].id, NEW + node.value.func.id)
            pending.append(node.value)
            continue
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bind(node.id, UNSEEN)
        pending.extend(ast.iter_child_nodes(node))
    return kinds


RECORD_DECORATORS = frozenset({"dataclass", "dataclasses.dataclass"})
RECORD_BASES = frozenset({"NamedTuple", "typing.NamedTuple"})


def _is_record(node: ast.ClassDef) -> bool:
    """A dataclass or a NamedTuple: a class whose constructor its fields make."""
    decorators = {_dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
    bases = {_dotted(base) for base in node.bases}
    return bool(decorators & RECORD_DECORATORS or bases & RECORD_BASES)


def _is_plain(node: ast.ClassDef) -> bool:
    """A class of its own (no base but `object`, no decorator, no metaclass)."""
    bases = {_dotted(base) for base in node.bases}
    return bases <= {"object"} and not node.decorator_list and not node.keywords


def _settings(node: ast.ClassDef) -> dict[str, object]:
    """A plain class's attributes bound once in its body to a scalar literal, less those its
    code also assigns through an object (`self.hidden = ...`)."""
    counts: dict[str, int] = {}
    values: dict[str, object] = {}
    for statement in node.body:
        for name, value in _bindings(statement, ModuleIndex()):
            counts[name] = counts.get(name, 0) + 1
            values[name] = value
    found = {n: v for n, v in values.items() if counts[n] == 1 and isinstance(v, SCALARS)}
    written = _written(node) if found else set()
    return {name: value for name, value in found.items() if name not in written}


def _written(node: ast.ClassDef) -> set[str]:
    """The attributes a class's methods assign through some object (`self.name = ...`)."""
    return {
        target.attr
        for method in node.body
        if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(method)
        for target in _targets(inner)
        if isinstance(target, ast.Attribute)
    }


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return [t for target in node.targets for t in _flattened(target)]
    if isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
        return _flattened(node.target)
    return []


def _flattened(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        return [t for element in target.elts for t in _flattened(element)]
    return [target.value] if isinstance(target, ast.Starred) else [target]


def _fields(node: ast.ClassDef) -> tuple[tuple[str, object], ...]:
    """A record's annotated fields in order, each with its literal default, REQUIRED, or
    WRITTEN."""
    fields: dict[str, object] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if "ClassVar" in ast.dump(statement.annotation):
                continue
            value = statement.value
            fields[statement.target.id] = REQUIRED if value is None else literal(value)
    written = _written(node)
    return tuple((name, WRITTEN if name in written else value) for name, value in fields.items())


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List):
        return [name for element in target.elts for name in _names(element)]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return []


def literal(node: ast.expr) -> object:
    """The scalar (or tuple of strings, for `__all__`) a node spells out, else NOT_LITERAL."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NOT_LITERAL
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return value if isinstance(value, SCALARS) else NOT_LITERAL


_MARKERS: dict[str, object] = {
    "REQUIRED": REQUIRED,
    "NOT_LITERAL": NOT_LITERAL,
    "WRITTEN": WRITTEN,
}


def _plain(value: object) -> object:
    """A literal as JSON data: the two markers by name, tuples (`__all__`) as lists."""
    for name, marker in _MARKERS.items():
        if value is marker:
            return {"marker": name}
    return list(value) if isinstance(value, tuple) else value


def _value(plain: object) -> object:
    if isinstance(plain, dict):
        return _MARKERS[plain["marker"]]
    return tuple(plain) if isinstance(plain, list) else plain


def _import(imported: Import) -> list[object]:
    return [imported.module, imported.level, imported.name]
