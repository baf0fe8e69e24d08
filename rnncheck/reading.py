"""The reading of one body under one context: follow each RNN to every use of its results.

Names hold `abstract` values, statements are read in order, branches apart and joined, loops
once with what they rebind forgotten. Every use of an RNN result becomes an event for the rules,
carrying the layout that holds at that point. Which bodies are read, with which context, is the
driver's decision (`rnncheck.driver`); what other files say comes from the project model.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import libcst as cst

from rnncheck import conditions, facts, parsers, sequences, syntax
from rnncheck.abstract import (
    UNKNOWN,
    Abstract,
    Const,
    Extent,
    Function,
    Instance,
    Items,
    Klass,
    Lengths,
    Mapping,
    Method,
    ModuleRef,
    Namespace,
    Opaque,
    Packed,
    Parser,
    Passthrough,
    RnnClass,
    StepIndex,
    Tensor,
    Unknown,
    as_int,
    as_size,
    join,
    truth,
)
from rnncheck.events import (
    STATE_ROLES,
    WHOLE,
    Application,
    Item,
    LastSteps,
    Linear,
    MethodCall,
    Rnn,
    RnnCall,
    Role,
    Samples,
    Selection,
    Span,
    Value,
)
from rnncheck.imports import ImportTable
from rnncheck.index import NOT_LITERAL, SCALARS
from rnncheck.layout import Dim, Layout, output_axes, state_axes
from rnncheck.project import Constant, Defined, Dictionary, Module, Record, Symbol
from rnncheck.sizes import Size

if TYPE_CHECKING:
    from rnncheck.driver import Driver

KEEPS_LAYOUT_METHODS = frozenset(
    {"contiguous", "clone", "detach", "float", "double", "half", "bfloat16", "to", "cpu", "cuda"}
)
KEEPS_LAYOUT_FUNCTIONS = frozenset(
    {
        "torch.relu",
        "torch.tanh",
        "torch.sigmoid",
        "torch.dropout",
        "torch.nn.functional.relu",
        "torch.nn.functional.gelu",
        "torch.nn.functional.elu",
        "torch.nn.functional.leaky_relu",
        "torch.nn.functional.tanh",
        "torch.nn.functional.sigmoid",
        "torch.nn.functional.dropout",
    }
)
KEEPS_LAYOUT_MODULES = frozenset(
    {"torch.nn.Dropout", "torch.nn.ReLU", "torch.nn.Tanh", "torch.nn.GELU", "torch.nn.Identity"}
)
CONCATENATE = frozenset({"torch.cat", "torch.concat", "torch.concatenate"})
PACK = frozenset({"torch.nn.utils.rnn.pack_padded_sequence", "torch.nn.utils.rnn.pack_sequence"})
PACK_PADDED = "torch.nn.utils.rnn.pack_padded_sequence"
UNPACK = "torch.nn.utils.rnn.pad_packed_sequence"
COMPILES = frozenset({"torch.jit.script", "torch.jit.trace"})
"""Functions that give back a module that computes what the module they are given does."""
LITERAL_NODES = frozenset({cst.Integer, cst.Float, cst.SimpleString})
SCOPED_NODES = frozenset({cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp, cst.Lambda})
"""Expressions with names of their own, read as a comprehension (node types, exactly)."""
RETURNS_ITSELF = frozenset(
    {"to", "cuda", "cpu", "float", "double", "half", "bfloat16", "eval", "train", "requires_grad_"}
)
"""Methods of a module that return the module itself (`nn.GRU(...).to(device)`)."""
TENSOR_ATTRIBUTES = frozenset({"shape", "dtype", "device", "data", "T", "grad", "is_cuda", "ndim"})
"""Attributes that say nothing about an object a caller might pass (a tensor's)."""
PARSER = "argparse.ArgumentParser"
FACTORIES = frozenset({"torch.randn", "torch.rand", "torch.zeros", "torch.ones", "torch.empty"})
REDUCTIONS = frozenset({"mean", "sum", "max", "amax"})
"""Pooling over the time axis keeps an output's feature width (`out.mean(1)`, `torch.max(out, 1)`)."""
SWAP_FIRST_TWO = ((0, 1), (1, 0))

Env = dict[str, Abstract]


@dataclass
class Frame:
    """What one function body knows while it is read."""

    env: Env
    scope: str
    self_name: str | None = None
    attributes: Env = field(default_factory=dict)
    refinements: conditions.Facts = field(default_factory=dict)
    globals: Env = field(default_factory=dict)
    returned: Abstract | None = None
    """What the function's `return` statements give, joined."""
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)
    """The methods of the class being read, for calls of `self.helper(...)`."""
    rows: syntax.Rows = field(default_factory=lambda: syntax.Rows({}, {}))
    """The constant rows this body takes of each expression, to tell `h[-1]` alone from
    `h[-1]` taken with `h[-2]`."""
    owner: cst.ClassDef | None = None
    """The class whose method this is."""
    inherited: Env | None = None
    """What the base class's `__init__` sets, once this body has called it."""
    owners: set[str] = field(default_factory=set)
    """Names whose attributes this body may have set (`settings.layers = 1`): rebinding one
    forgets them. Shared by the branches: a name too many costs only a look."""

    def lookup(self, name: str) -> Abstract | None:
        if name in self.env:
            return self.env[name]
        if self.self_name and name.startswith(self.self_name + "."):
            return self.attributes.get(name[len(self.self_name) + 1 :])
        return self.globals.get(name)

    def branch(self) -> Frame:
        """A copy whose names and facts change apart, as `replace` makes it (which costs three
        times more: bodies branch thousands of times)."""
        other = Frame.__new__(type(self))
        other.__dict__.update(self.__dict__, env=dict(self.env), refinements=dict(self.refinements))
        return other


@dataclass
class Context:
    """What a body is read with: where it stands, the names around it and what its caller gives."""

    scope: str
    globals: Env
    attributes: Env | None = None
    """For a method: what `self.x` holds; None for a plain function."""
    bindings: Env = field(default_factory=dict)
    """Parameter values the caller fixes; the others are opaque."""
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)
    """The methods of the class being read, for calls of `self.helper(...)`."""
    owner: cst.ClassDef | None = None
    """For a method: its class, whose bases `super()` names."""


class Reading:
    """Reads the bodies of one module; the driver says which, with what, and whether aloud."""

    def __init__(
        self, module: cst.Module, driver: Driver, locate: Callable[[cst.CSTNode], int], path: str
    ) -> None:
        self.driver = driver
        self.path = path
        self.imports = ImportTable(module)
        self.torch = self.imports.alias("torch")
        self.locate = locate
        self.names: dict[cst.BaseExpression, cst.BaseExpression] = {}
        """The target each assigned value is given to (`self.lstm = nn.LSTM(...)`), spelt only
        for a message (`name`)."""

    def name(self, value: cst.BaseExpression) -> str:
        """What a value built here is called in messages: its target's text, or its own."""
        return syntax.text(self.names.get(value, value))

    def function(self, node: cst.FunctionDef, context: Context) -> Frame:
        """Read a function's body with its parameters bound as the context says."""
        frame = Frame(
            env={},
            scope=context.scope,
            attributes=context.attributes or {},
            globals=context.globals,
            methods=context.methods,
            rows=syntax.rows(node.body),
            owner=context.owner,
        )
        params = node.params
        positional = [*params.posonly_params, *params.params]
        decorators = {syntax.dotted(d.decorator) for d in node.decorators}
        if context.attributes is not None and positional and "staticmethod" not in decorators:
            if "classmethod" not in decorators:
                frame.self_name = positional[0].name.value
            positional = positional[1:]
        for param in [*positional, *params.kwonly_params]:
            name = param.name.value
            given = context.bindings.get(name)
            if isinstance(given, Value):
                given = given.but(text=name)
            frame.env[name] = given or Opaque(f"{context.scope}:{name}", name)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                frame.env[star.name.value] = UNKNOWN
        if isinstance(node.body, cst.IndentedBlock):
            self.block(node.body.body, frame)
        return frame

    # ---- statements ------------------------------------------------------------------------

    def block(self, statements: Iterable[cst.CSTNode], frame: Frame) -> None:
        for statement in statements:
            self.statement(statement, frame)

    def statement(self, node: cst.CSTNode, frame: Frame) -> None:
        # Exact types, as in `evaluate`.
        if type(node) is cst.SimpleStatementLine:
            for small in node.body:
                self.small(small, frame)
        elif type(node) is cst.If:
            self.branching(node, frame)
        elif type(node) is cst.For or type(node) is cst.While:
            self.loop(node, frame)
        elif type(node) is cst.FunctionDef:
            module_level = frame.scope == "<module>"
            frame.env[node.name.value] = (
                Function(node.name.value, self.path) if module_level else UNKNOWN
            )
            if not module_level:
                scope = f"{frame.scope}.{node.name.value}"
                self.function(node, Context(scope, {**frame.globals, **frame.env}))
        elif type(node) is cst.ClassDef:
            frame.env[node.name.value] = Klass(node.name.value, self.path)
            if frame.scope != "<module>":
                self.driver.klass(node, {**frame.globals, **frame.env})
        elif type(node) is cst.With:
            for item in node.items:
                self.evaluate(item.item, frame)
                if item.asname is not None:
                    self.forget(item.asname.name, frame)
            self.block(syntax.statements(node.body), frame)
        elif type(node) is cst.Try or type(node) is cst.TryStar:
            self.attempt(node, frame)
        else:
            self.opaque_statement(node, frame)

    def small(self, node: cst.BaseSmallStatement, frame: Frame) -> None:
        # Exact types, as in `evaluate`.
        if type(node) is cst.Assign:
            targets = [t.target for t in node.targets]
            if len(targets) == 1:
                self.names[node.value] = targets[0]
            value = self.evaluate(node.value, frame)
            if isinstance(value, Mapping) and isinstance(node.value, cst.Name):
                frame.env[node.value.value] = UNKNOWN  # two names for one dict: trust one
            for target in targets:
                self.bind(target, value, frame)
        elif type(node) is cst.AnnAssign:
            if node.value is not None:
                self.names[node.value] = node.target
                value = self.evaluate(node.value, frame)
                self.bind(node.target, value, frame)
        elif type(node) is cst.AugAssign:
            self.evaluate(node.value, frame)
            self.evaluate(node.target, frame)
            self.forget(node.target, frame)
        elif type(node) is cst.Expr:
            self.evaluate(node.value, frame)
        elif type(node) is cst.Return:
            value = self.evaluate(node.value, frame) if node.value is not None else Const(None)
            frame.returned = join(frame.returned, value)
        elif type(node) is cst.Del:
            self.forget(node.target, frame)
        elif type(node) is cst.Import or type(node) is cst.ImportFrom:
            self.imported(node, frame)
        else:
            for child in syntax.expressions(node):
                self.evaluate(child, frame)

    def imported(self, node: cst.Import | cst.ImportFrom, frame: Frame) -> None:
        """The project's modules and constants an import binds; torch's names stay the import
        table's."""
        project = self.driver.project
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = syntax.dotted(alias.name)
                local = syntax.dotted(alias.asname.name) if alias.asname else dotted.split(".")[0]
                if dotted.split(".")[0] != "torch":
                    target = dotted if alias.asname else local
                    self.bind_symbol(
                        local, project.import_target(self.path, target, 0, None), frame
                    )
            return
        module = syntax.dotted(node.module) if node.module is not None else None
        level = len(node.relative)
        if level == 0 and (module or "").split(".")[0] == "torch":
            return
        if isinstance(node.names, cst.ImportStar):
            source = project.module_file(self.path, module, level)
            for name in project.exported(source) if source is not None else ():
                self.bind_symbol(name, project.symbol(source, name), frame)  # type: ignore[arg-type]
            return
        for alias in node.names:
            name = syntax.dotted(alias.name)
            local = syntax.dotted(alias.asname.name) if alias.asname else name
            self.bind_symbol(local, project.import_target(self.path, module, level, name), frame)

    def bind_symbol(self, local: str, symbol: Symbol | None, frame: Frame) -> None:
        value = _symbol_value(symbol)
        if value is not None:
            frame.env[local] = value
        elif local in frame.env:
            frame.env[local] = UNKNOWN

    def branching(self, node: cst.If, frame: Frame) -> None:
        """Each live arm with what the test says there; arms that return do not flow on."""
        verdict, *learnt = self.condition(node.test, frame)
        survivors: list[Frame] = []
        for taken, block, facts_there in (
            (True, node.body, learnt[0]),
            (False, node.orelse, learnt[1]),
        ):
            if verdict is (not taken):
                continue
            arm = frame.branch()
            arm.refinements = conditions.refine(arm.refinements, facts_there)
            if isinstance(block, cst.If):
                self.statement(block, arm)
            elif block is not None:
                self.block(syntax.statements(block), arm)
            if not syntax.leaves(block):
                survivors.append(arm)
        self.meet(frame, survivors or [frame.branch()])

    def condition(self, test: cst.BaseExpression, frame: Frame) -> conditions.Test:
        """Whether a test holds, when the code makes it certain, and what each arm learns:
        `not`, `and`, `or` and comparisons of sizes with numbers are understood."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return conditions.negated(self.condition(test.expression, frame))
        if isinstance(test, cst.BooleanOperation):
            left, right = self.condition(test.left, frame), self.condition(test.right, frame)
            if isinstance(test.operator, cst.Or):
                return conditions.either(left, right)
            return conditions.both(left, right)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            return self.comparison(test, frame)
        value = self.evaluate(test, frame)
        known = truth(value)
        if known is not None:
            return conditions.known(known)
        if isinstance(value, Opaque):
            return conditions.flag(value.key, frame.refinements)
        return conditions.UNDECIDED

    def comparison(self, test: cst.Comparison, frame: Frame) -> conditions.Test:
        """`self.num_layers > 1`: decided between known numbers; a bound on a size the code
        names but never fixes."""
        target = test.comparisons[0]
        symbol = _COMPARISONS.get(type(target.operator))
        left, right = self.evaluate_all([test.left, target.comparator], frame)
        flagged = _flag_comparison(left, right, target.operator, frame.refinements)
        if flagged is not None:
            return flagged
        if symbol is None:
            return conditions.UNDECIDED
        numbers = [
            as_int(v) if not (isinstance(v, Const) and v.assumption) else None
            for v in (left, right)
        ]
        if None not in numbers:
            return conditions.known(conditions.COMPARE[symbol](*numbers))  # type: ignore[arg-type]
        for named, number, comparison in (
            (left, numbers[1], symbol),
            (right, numbers[0], conditions.FLIPPED[symbol]),
        ):
            key = _size_key(named)
            if key is not None and number is not None:
                return conditions.bounded(key, comparison, number, frame.refinements)
        return conditions.UNDECIDED

    def loop(self, node: cst.For | cst.While, frame: Frame) -> None:
        if isinstance(node, cst.For):
            self.evaluate(node.iter, frame)
        else:
            self.evaluate(node.test, frame)
        rebound = syntax.assigned(node.body) | (
            syntax.names(node.target) if isinstance(node, cst.For) else set()
        )
        body = frame.branch()
        for name in rebound:
            if name in body.env:
                body.env[name] = UNKNOWN
        if isinstance(node, cst.For):
            self.forget(node.target, body)
        self.block(syntax.statements(node.body), body)
        self.meet(frame, [frame.branch(), body])
        if node.orelse is not None:
            self.block(syntax.statements(node.orelse), frame)

    def attempt(self, node: cst.Try | cst.TryStar, frame: Frame) -> None:
        before = frame.branch()
        self.block(syntax.statements(node.body), frame)
        arms = [frame.branch()]
        for handler in node.handlers:
            arm = before.branch()
            self.meet(arm, [before, frame.branch()])
            if handler.name is not None:
                self.forget(handler.name.name, arm)
            self.block(syntax.statements(handler.body), arm)
            arms.append(arm)
        if node.orelse is not None:
            self.block(syntax.statements(node.orelse), arms[0])
        self.meet(frame, arms)
        if node.finalbody is not None:
            self.block(syntax.statements(node.finalbody), frame)

    def opaque_statement(self, node: cst.CSTNode, frame: Frame) -> None:
        """A statement the engine does not model (match, async forms): read it, trust nothing it binds."""
        for name in syntax.assigned(node):
            frame.env[name] = UNKNOWN
        for child in syntax.expressions(node):
            self.evaluate(child, frame)
        for inner in syntax.inner_statements(node):
            self.statement(inner, frame.branch())

    def meet(self, frame: Frame, arms: list[Frame]) -> None:
        names = set().union(*(arm.env for arm in arms))
        merged: Env = {}
        first, *others = arms
        for name in names:
            value = first.env.get(name)
            if value is not None and all(other.env.get(name) is value for other in others):
                merged[name] = value  # what `join` gives when every path holds the one value
                continue
            value = None
            for arm in arms:
                value = join(value, arm.env.get(name))
            if value is not None and any(name not in arm.env for arm in arms):
                value = value if _flow_bound(name, frame) else UNKNOWN
            if value is not None:
                merged[name] = value
        frame.env = merged
        frame.refinements = {
            key: fact
            for key, fact in first.refinements.items()
            if all(other.refinements.get(key) == fact for other in others)
        }

    # ---- binding ---------------------------------------------------------------------------

    def bind(self, target: cst.BaseExpression, value: Abstract, frame: Frame) -> None:
        # Exact types, as in `evaluate`.
        if type(target) is cst.Name or type(target) is cst.Attribute:
            name = syntax.text(target)
            if isinstance(value, Value):
                value = value.but(text=name)
            if type(target) is cst.Name or _is_self_attribute(target, frame):
                if isinstance(value, Unknown) and type(target) is cst.Attribute:
                    value = _instance_symbol(name, frame) or value
                frame.env[name] = value
            elif type(target.value) is cst.Name:
                self.overwritten(target.value.value, target.attr.value, frame)  # type: ignore[attr-defined]
                frame.env[name] = value  # read back in this flow (`attribute`)
                frame.owners.add(target.value.value)
            if type(target) is cst.Name and name in frame.owners:
                for key in [k for k in frame.env if k.startswith(name + ".")]:
                    del frame.env[key]  # another object now: what was set on the old one is not its
            return
        if type(target) is cst.Subscript:
            self.stored(target, value, frame)
            return
        if type(target) is cst.Tuple or type(target) is cst.List:
            elements = [e.value for e in target.elements]
            parts = self.unpack(value, len(elements), frame)
            if parts is None or any(type(e) is cst.StarredElement for e in target.elements):
                self.forget(target, frame)
                return
            for element, part in zip(elements, parts, strict=True):
                self.bind(element, part, frame)

    def overwritten(self, owner: str, attribute: str, frame: Frame) -> None:
        """`args.layers = ...`: the parser's default no longer holds."""
        namespace = frame.lookup(owner)
        if isinstance(namespace, Namespace):
            options = {**dict(namespace.options), attribute: NOT_LITERAL}
            frame.env[owner] = replace(namespace, options=tuple(options.items()))

    def unpack(self, value: Abstract, count: int, frame: Frame) -> list[Abstract] | None:
        if isinstance(value, Items):
            return list(value.items) if len(value.items) == count else None
        if isinstance(value, Value) and count == 2:
            if value.role is Role.RESULT:
                return [self.result_part(value, 0, frame), self.result_part(value, 1, frame)]
            if value.role is Role.STATE:
                return [self.state_part(value, 0, frame), self.state_part(value, 1, frame)]
        return None

    def stored(self, target: cst.Subscript, value: Abstract, frame: Frame) -> None:
        """`cfg["hidden"] = 256`: the dict this flow holds has the key's new value; written
        under a key that is not known, it is unknown."""
        if not isinstance(target.value, cst.Name):
            return
        name = target.value.value
        mapping = frame.lookup(name)
        if not isinstance(mapping, Mapping):
            return
        part = target.slice[0].slice if len(target.slice) == 1 else None
        key = self.evaluate(part.value, frame) if isinstance(part, cst.Index) else UNKNOWN
        if isinstance(key, Const) and not key.assumption:
            kept = tuple((k, v) for k, v in mapping.items if k != key.value)
            frame.env[name] = replace(mapping, items=(*kept, (key.value, value)))
        else:
            frame.env[name] = UNKNOWN

    def forget(self, target: cst.BaseExpression, frame: Frame) -> None:
        owner = target.value if isinstance(target, cst.Subscript) else None
        if isinstance(owner, cst.Name) and isinstance(frame.lookup(owner.value), Mapping):
            frame.env[owner.value] = UNKNOWN  # `del cfg["k"]`, `cfg["k"] += 1`
        for name in syntax.names(target):
            frame.env[name] = UNKNOWN

    # ---- expressions -----------------------------------------------------------------------

    def evaluate(self, node: cst.BaseExpression, frame: Frame) -> Abstract:
        # Exact types: libcst's ABC isinstance is slow to say no, and its nodes have no subclasses.
        if type(node) in LITERAL_NODES:
            try:
                return Const(syntax.literal(node))
            except ValueError:
                return UNKNOWN
        if type(node) is cst.Name:
            if node.value in ("True", "False", "None"):
                return Const({"True": True, "False": False, "None": None}[node.value])
            found = frame.lookup(node.value)
            if found is None:
                qualified = self.imports.qualify(node)
                return _library_value(qualified) if qualified is not None else UNKNOWN
            return found
        if type(node) is cst.Attribute:
            return self.attribute(node, frame)
        if type(node) is cst.BinaryOperation:
            return self.arithmetic(node, frame)
        if type(node) is cst.UnaryOperation:
            inner = self.evaluate(node.expression, frame)
            negative = isinstance(node.operator, cst.Minus) and isinstance(inner, Const)
            if negative and type(inner.value) in (int, float):  # type: ignore[union-attr]
                return Const(-inner.value, inner.assumption)  # type: ignore[union-attr, operator]
            size = as_size(inner) if isinstance(node.operator, cst.Minus) else None
            if size is not None and not negative:
                return -1 * size  # `h[-self.layers:]`
            if isinstance(node.operator, cst.Not) and truth(inner) is not None:
                return Const(not truth(inner))
            return UNKNOWN
        if type(node) is cst.Tuple or type(node) is cst.List:
            return Items(tuple(self.evaluate_all([e.value for e in node.elements], frame)))
        if type(node) is cst.Dict:
            return self.mapping(node, frame)
        if type(node) is cst.Subscript:
            return self.subscript(node, frame)
        if type(node) is cst.Call:
            return self.call(node, frame)
        if type(node) is cst.IfExp:
            verdict, _, _ = self.condition(node.test, frame)
            if verdict is not None:
                return self.evaluate(node.body if verdict else node.orelse, frame)
            return (
                join(self.evaluate(node.body, frame), self.evaluate(node.orelse, frame)) or UNKNOWN
            )
        if type(node) in SCOPED_NODES:
            self.comprehension(node, frame)
            return UNKNOWN
        for child in syntax.expressions(node):
            self.evaluate(child, frame)
        return UNKNOWN

    def mapping(self, node: cst.Dict, frame: Frame) -> Abstract:
        """A dict literal, as a Mapping when every key is a constant."""
        items: list[tuple[object, Abstract]] = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                self.evaluate(element.value, frame)
                return UNKNOWN
            key, value = self.evaluate_all([element.key, element.value], frame)
            if not isinstance(key, Const) or key.assumption:
                return UNKNOWN
            items.append((key.value, value))
        return Mapping(tuple(items))

    def comprehension(self, node: cst.BaseExpression, frame: Frame) -> None:
        inner = frame.branch()
        for name in syntax.names_in(node):
            inner.env[name] = UNKNOWN
        for child in syntax.expressions(node):
            self.evaluate(child, inner)

    def attribute(self, node: cst.Attribute, frame: Frame) -> Abstract:
        if _is_self_attribute(node, frame):
            found = frame.lookup(syntax.text(node))
            return UNKNOWN if found is None else found
        qualified = self.imports.qualify(node)
        if qualified is not None and not _bound_here(node, frame):
            return _library_value(qualified)
        if isinstance(node.value, cst.Name):  # spelt only then: `x(...).y` is code to generate
            text = syntax.text(node)
            if text in frame.env:
                return frame.env[text]  # `settings.layers = 1` earlier in this flow
        owner = self.evaluate(node.value, frame)
        if isinstance(owner, Opaque) and node.attr.value not in TENSOR_ATTRIBUTES:
            self.driver.wants(owner)
        return self.member(owner, node.attr.value, frame)

    def member(self, owner: Abstract, name: str, frame: Frame) -> Abstract:
        """`owner.name`: an RNN's own facts (`self.lstm.bidirectional`), an instance's attributes."""
        if isinstance(owner, Instance):
            found = self.driver.exposed(owner).get(name)
            return found if found is not None else self.setting(owner.path, owner.name, name)
        if isinstance(owner, Klass):
            return self.setting(owner.path, owner.name, name)
        if isinstance(owner, ModuleRef):
            return _symbol_value(self.driver.project.symbol(owner.path, name)) or UNKNOWN
        if isinstance(owner, Record):
            value = dict(owner.fields).get(name, NOT_LITERAL)
            known = isinstance(value, SCALARS) and not self.driver.project.writes_attribute(name)
            return Const(value) if known else UNKNOWN
        if isinstance(owner, Namespace):
            value = dict(owner.options).get(name, NOT_LITERAL)
            written = self.driver.project.assigns(name, "", "")
            if not isinstance(value, SCALARS) or written:
                return UNKNOWN
            return Const(value, f"--{name}={value!r}")
        if not isinstance(owner, Rnn):
            return UNKNOWN
        rnn = owner
        layout = self.layout(rnn, frame)
        if name not in Layout.__dataclass_fields__ or name in ("kind", "rows_at_least"):
            return UNKNOWN
        value = getattr(layout, name)
        if value is None:
            return Opaque(_fact_key(rnn, name), f"{rnn.name}.{name}")
        return value if not isinstance(value, bool | int | float) else Const(value)

    def setting(self, path: str, klass: str, name: str) -> Abstract:
        """An attribute of a plain config class (`class Config: hidden = 128`), known while
        no project file assigns that attribute of any object."""
        project = self.driver.project
        found = project.setting(path, klass, name) if path else None
        if found is None or project.writes_attribute(name):
            return UNKNOWN
        return Const(found.value)

    def arithmetic(self, node: cst.BinaryOperation, frame: Frame) -> Abstract:
        left, right = self.evaluate_all([node.left, node.right], frame)
        if isinstance(left, Lengths) and isinstance(node.operator, cst.Subtract):
            return LastSteps(left.site) if right == Const(1) else UNKNOWN
        if any(isinstance(v, Const) and v.assumption for v in (left, right)):
            return UNKNOWN  # an assumed value stays where a message can name it
        operator = type(node.operator)
        numbers = [
            v.value if isinstance(v, Const) and type(v.value) in (int, float) else None
            for v in (left, right)
        ]
        if None not in numbers:
            a, b = numbers
            try:
                return Const(_OPERATORS[operator](a, b)) if operator in _OPERATORS else UNKNOWN
            except (ZeroDivisionError, TypeError, OverflowError):
                return UNKNOWN
        sizes = as_size(left), as_size(right)
        if sizes[0] is None or sizes[1] is None or operator not in _OPERATORS:
            return UNKNOWN
        return _OPERATORS[operator](sizes[0], sizes[1])

    def evaluate_all(self, nodes: list[cst.BaseExpression], frame: Frame) -> list[Abstract]:
        return [self.evaluate(node, frame) for node in nodes]

    # ---- calls -----------------------------------------------------------------------------

    def call(self, node: cst.Call, frame: Frame) -> Abstract:
        qualified = None if _bound_here(node.func, frame) else self.imports.qualify(node.func)
        if qualified is not None:
            return self.library_call(qualified, node, frame)
        func = node.func
        if _initialises_base(node, frame):
            return self.base_init(node, frame)
        if type(func) is cst.Attribute and not _is_self_attribute(func, frame):
            owner = self.evaluate(func.value, frame)
            if isinstance(owner, Value):
                return self.method(owner, node, frame)
            if isinstance(owner, Parser):
                return self.parser_call(owner, node, frame)
            if isinstance(owner, Mapping):
                return self.mapping_call(owner, node, frame)
            if isinstance(owner, Rnn | Instance) and func.attr.value in RETURNS_ITSELF:
                self.evaluate_all([a.value for a in node.args], frame)
                return owner
            if (
                isinstance(owner, Lengths | LastSteps | StepIndex)
                and func.attr.value in sequences.KEEPS_VALUES
            ):
                self.evaluate_all([a.value for a in node.args], frame)
                return owner
            if (
                isinstance(owner, LastSteps | StepIndex)
                and func.attr.value in sequences.SHAPES_INDEX
            ):
                shaped = self.evaluate_all([a.value for a in node.args], frame)
                if any(a.star or a.keyword is not None for a in node.args):
                    return UNKNOWN
                return sequences.shaped_steps(owner, func.attr.value, shaped) or UNKNOWN
            if func.attr.value == "size" and len(node.args) == 1:
                self.evaluate_all([a.value for a in node.args], frame)
                return sequences.extent(node)
            callee = self.member(owner, func.attr.value, frame)
        elif type(func) is cst.Name and func.value == "len" and "len" not in frame.env:
            self.evaluate_all([a.value for a in node.args], frame)
            return Extent(syntax.text(node))
        elif type(func) is cst.Name and func.value == "getattr" and frame.lookup("getattr") is None:
            return self.looked_up_attribute(node, frame)
        else:
            callee = self.evaluate(func, frame)
            if isinstance(callee, Opaque):
                self.driver.wants(callee)
        arguments = self.evaluate_all([a.value for a in node.args], frame)
        for arg, value in zip(node.args, arguments, strict=True):
            if isinstance(value, Parser) and type(arg.value) is cst.Name:
                frame.env[arg.value.value] = replace(value, escaped=True)
            if isinstance(value, Mapping) and type(arg.value) is cst.Name and not arg.star:
                frame.env[arg.value.value] = UNKNOWN  # the callee may change it
        if isinstance(callee, Rnn):
            return self.rnn_call(callee, node, arguments, frame)
        if isinstance(callee, RnnClass) and facts.one_shape(callee.kinds):
            return self.build(callee.kinds, node, frame)
        if isinstance(callee, Function):
            self.driver.calling(callee, node, arguments)
            returned = self.driver.call_function(callee, node, arguments)
            return returned if returned is not None else UNKNOWN
        if isinstance(callee, Linear) and arguments and isinstance(arguments[0], Value):
            self.emit(Application(node, callee, arguments[0], self.layout(arguments[0].rnn, frame)))
        if isinstance(callee, Passthrough) and len(arguments) == 1:
            return arguments[0]
        if isinstance(callee, Method):
            inlined = self.inline(func, node, arguments, frame)
            return inlined if inlined is not None else callee.returns
        if isinstance(callee, Klass):
            return self.instance(callee, node, arguments)
        if isinstance(callee, Instance):
            returned = self.call_object(callee, node, arguments)
            if returned is not None:
                return returned
            forward = self.member(callee, "forward", frame)
            return forward.returns if isinstance(forward, Method) else UNKNOWN
        return UNKNOWN

    def base_init(self, node: cst.Call, frame: Frame) -> Abstract:
        """`super().__init__(...)` or `Base.__init__(self, ...)`: the base class's `__init__`
        read with these arguments; what it sets is now this object's."""
        target = node.func.value  # type: ignore[attr-defined]
        given = node
        if not _is_super(target):
            base = self.evaluate(target, frame)
            given = node.with_changes(args=node.args[1:])  # without `self`
        else:
            owner = frame.owner
            first = owner.bases[0].value if owner is not None and owner.bases else None
            base = self.evaluate(first, frame) if first is not None else UNKNOWN
        arguments = self.evaluate_all([a.value for a in given.args], frame)
        if not isinstance(base, Klass):
            return UNKNOWN
        inherited = self.driver.inherit(base, node, given, arguments, frame.owner)
        if inherited is not None:
            frame.inherited = inherited
            for name, value in inherited.items():
                frame.env[f"{frame.self_name}.{name}"] = value
        return Const(None)

    def instance(self, klass: Klass, node: cst.Call, arguments: list[Abstract]) -> Instance:
        """An object of a project class, carrying the constructor values its call fixes."""
        init = self.driver.method_of(klass, "__init__")
        if init is None:
            return Instance(klass.name, path=klass.path)
        bindings = tuple(
            (name, value)
            for name, value in bound(init, node, arguments).items()
            if not isinstance(value, Unknown | Opaque | Extent)
        )
        built = Instance(klass.name, bindings, node if bindings else None, klass.path)
        if bindings:
            self.driver.built(built)
        return built

    def call_object(
        self, instance: Instance, node: cst.Call, arguments: list[Abstract]
    ) -> Abstract | None:
        """What calling a built object gives back, its `forward` read with these arguments."""
        forward = self.driver.method_of(Klass(instance.name, instance.path), "forward")
        if forward is None or not instance.bindings:
            return None
        given = bound(forward, node, arguments)
        return self.driver.call(instance, given, tuple(arguments))

    def mapping_call(self, mapping: Mapping, node: cst.Call, frame: Frame) -> Abstract:
        """`cfg.get("hidden", 64)` reads a dict; any method but a read may change it."""
        name = node.func.attr.value  # type: ignore[attr-defined]
        arguments = self.evaluate_all([a.value for a in node.args], frame)
        if name == "copy" and not node.args:
            return mapping
        if name == "get" and 1 <= len(arguments) <= 2 and not any(a.keyword for a in node.args):
            key = arguments[0]
            if isinstance(key, Const) and not key.assumption:
                default = arguments[1] if len(arguments) == 2 else Const(None)
                return next((v for k, v in mapping.items if k == key.value), default)
        if name not in syntax.DICT_READS and isinstance(node.func.value, cst.Name):  # type: ignore[attr-defined]
            frame.env[node.func.value.value] = UNKNOWN  # type: ignore[attr-defined]
        return UNKNOWN

    def looked_up_attribute(self, node: cst.Call, frame: Frame) -> Abstract:
        """`getattr(nn, "GRU")`: a library attribute named by a constant string."""
        arguments = self.evaluate_all([a.value for a in node.args], frame)
        if len(node.args) != 2 or any(a.keyword or a.star for a in node.args):
            return UNKNOWN
        owner = (
            None
            if _bound_here(node.args[0].value, frame)
            else self.imports.qualify(node.args[0].value)
        )
        name = arguments[1]
        if owner is None or not isinstance(name, Const) or not isinstance(name.value, str):
            return UNKNOWN
        return _library_value(f"{owner}.{name.value}")

    def parser_call(self, parser: Parser, node: cst.Call, frame: Frame) -> Abstract:
        """`parser.add_argument(...)` and `set_defaults(...)` add what `parse_args()` gives."""
        name = node.func.attr.value  # type: ignore[attr-defined]
        arguments = self.evaluate_all([a.value for a in node.args], frame)
        if name in ("parse_args", "parse_known_args"):
            if node.args or parser.escaped:
                return UNKNOWN
            parsed = Namespace(parser.options)
            return parsed if name == "parse_args" else Items((parsed, UNKNOWN))
        values = [_literal_value(a, v) for a, v in zip(node.args, arguments, strict=True)]
        flags = [v for a, v in zip(node.args, values, strict=True) if a.keyword is None]
        keywords = {a.keyword.value: v for a, v in zip(node.args, values, strict=True) if a.keyword}
        if name == "add_argument" and not any(a.star for a in node.args):
            added = parsers.option(flags, keywords)
            changes = [added] if added is not None else []
        elif name == "set_defaults" and not flags and not any(a.star for a in node.args):
            changes = list(keywords.items())
        else:
            return UNKNOWN
        if isinstance(node.func.value, cst.Name):  # type: ignore[attr-defined]
            options = {**dict(parser.options), **dict(changes)}
            frame.env[node.func.value.value] = replace(parser, options=tuple(options.items()))  # type: ignore[attr-defined]
        return UNKNOWN

    def inline(
        self, func: cst.BaseExpression, node: cst.Call, arguments: list[Abstract], frame: Frame
    ) -> Abstract | None:
        """A helper of the same class read again with the RNN results it is handed
        (`self.attend(output, h_n)`), as if its body stood at the call."""
        if self.driver.silent or not _is_self_attribute(func, frame):
            return None
        definition = frame.methods.get(func.attr.value)  # type: ignore[attr-defined]
        if definition is None:
            return None
        given = {
            n: v for n, v in bound(definition, node, arguments).items() if isinstance(v, Value)
        }
        if not given:
            return None
        scope = f"{frame.scope.rsplit('.', 1)[0]}.{definition.name.value}"
        context = Context(scope, frame.globals, frame.attributes, given, frame.methods)
        inner = self.driver.inline(self, definition, context)
        return inner.returned if inner is not None else None

    def library_call(self, qualified: str, node: cst.Call, frame: Frame) -> Abstract:
        kind = facts.RNN_CLASSES.get(qualified)
        if kind is not None:
            return self.build((kind,), node, frame)
        arguments = self.evaluate_all([a.value for a in node.args], frame)
        if qualified == "torch.nn.Linear":
            bound, _ = facts.bind(node, ("in_features", "out_features"))
            features = bound.get("in_features")
            given = arguments[node.args.index(features)] if features else UNKNOWN
            assumed = isinstance(given, Const) and given.assumption
            size = as_size(given) if not assumed else None
            return Linear(self.name(node), size, node, self.locate)
        if qualified in KEEPS_LAYOUT_MODULES:
            return Passthrough(qualified)
        first = arguments[0] if arguments and node.args[0].keyword is None else UNKNOWN
        if qualified in KEEPS_LAYOUT_FUNCTIONS:
            return first if isinstance(first, Value) else UNKNOWN
        if qualified in COMPILES and isinstance(first, Rnn | Instance):
            return first
        if (
            qualified.startswith("torch.")
            and qualified[6:] in REDUCTIONS
            and isinstance(first, Value)
        ):
            return _pooled(first, node, list(zip(node.args, arguments, strict=True))[1:])
        if qualified in CONCATENATE and isinstance(first, Items):
            return self.concatenate(first, node, frame)
        if qualified == "torch.transpose" and isinstance(first, Value):
            axes = tuple(as_int(a) for a in arguments[1:3])
            return self.transposed(first, axes)
        if qualified in PACK:
            return self.packed(qualified, node, frame)
        if qualified == "torch.arange" and sequences.counts_from_zero(node, arguments):
            return Samples()
        if qualified in sequences.TENSOR_OF and isinstance(first, Lengths | LastSteps):
            return first
        if qualified == "torch.gather":
            self.gather(None, node, ("input", "dim", "index"), arguments, frame)
            return UNKNOWN
        # pad_packed_sequence proves its argument was packed, wherever the packing happened
        if qualified == UNPACK and isinstance(first, Value) and first.role is Role.OUTPUT:
            return self.unpacked(first, node, frame)
        if qualified == UNPACK and isinstance(first, Unknown | Opaque) and node.args:
            return self.unpacked(self.unseen(node), node, frame)
        if qualified in FACTORIES:
            return _factory(node, arguments)
        if qualified == PARSER:
            return Parser()
        return UNKNOWN

    def packed(self, qualified: str, node: cst.Call, frame: Frame) -> Packed:
        """A PackedSequence; `pack_padded_sequence(x, lengths)` makes the name `lengths` (also
        written `lengths.cpu()`) that pack's lengths from here on."""
        if qualified != PACK_PADDED:
            return Packed()
        bound, _ = facts.bind(node, ("input", "lengths"))
        given = bound.get("lengths")
        name = sequences.values_of(given.value) if given is not None else None
        if name is None:
            return Packed()
        frame.env[name] = Lengths(node)
        return Packed(node)

    def build(self, kinds: tuple[facts.Kind, ...], node: cst.Call, frame: Frame) -> Rnn:
        """The RNN a constructor call builds; of one of several `kinds`, the facts they share."""
        driver = self.driver
        key = (node, driver.configuration, driver.instance)
        rnn = driver.rnns.get(key)
        if rnn is None:
            assumed: list[str] = []
            seen: dict[cst.BaseExpression, Abstract] = {}

            def evaluate(expression: cst.BaseExpression) -> Abstract:
                if expression not in seen:
                    seen[expression] = self.evaluate(expression, frame)
                value = seen[expression]
                if isinstance(value, Const) and value.assumption:
                    assumed.append(value.assumption)
                return value

            spread = self.spread(node, frame)
            for value in (spread or {}).values():
                if isinstance(value, Const) and value.assumption:
                    assumed.append(value.assumption)
            read = [facts.read(kind, node, evaluate, spread) for kind in kinds]
            layout = facts.shared([layout for layout, _ in read])
            sources = {name: key for _, found in read for name, key in found.items()}
            origin = self.path if driver.foreign else ""
            name = self.name(node)
            assumptions = tuple(dict.fromkeys(assumed))
            family = kinds if len(kinds) > 1 else ()
            rnn = Rnn(name, layout, node, sources, self.locate, origin, assumptions, family)
            driver.rnns[key] = rnn
        else:
            self.evaluate_all([a.value for a in node.args], frame)
        if not driver.silent and key not in driver.announced:
            driver.announced.add(key)
            self.emit(rnn)
        return rnn

    def entry(
        self,
        owner: cst.BaseExpression,
        mapping: Mapping,
        value: Abstract,
        key: object,
        frame: Frame,
    ) -> Abstract:
        """A dict's value for a key: a module's dict holds it only while no project file
        writes that key of any dict (`cfg["hidden"] = 256` elsewhere)."""
        shared = mapping.shared or (isinstance(owner, cst.Name) and owner.value not in frame.env)
        if not shared or not isinstance(value, Const):
            return value
        name = key.value if isinstance(key, Const) else key
        return UNKNOWN if self.driver.project.writes_key(str(name)) else value

    def spread(self, node: cst.Call, frame: Frame) -> dict[str, Abstract] | None:
        """What the `**` arguments of a call pass (`nn.LSTM(**cfg)`), when each is a dict
        whose keys are all known strings and no `*` argument hides positional ones."""
        spread: dict[str, Abstract] = {}
        for arg in node.args:
            if arg.star == "*":
                return None
            if arg.star == "**":
                mapping = self.evaluate(arg.value, frame)
                if not isinstance(mapping, Mapping):
                    return None
                if not all(isinstance(key, str) for key, _ in mapping.items):
                    return None
                for key, value in mapping.items:
                    spread[key] = self.entry(arg.value, mapping, value, key, frame)  # type: ignore[index]
        return spread if any(arg.star == "**" for arg in node.args) else None

    def rnn_call(self, rnn: Rnn, node: cst.Call, arguments: list[Abstract], frame: Frame) -> Value:
        bound, _ = facts.bind(node, ("input", "hx"))
        first, state = (
            arguments[node.args.index(bound[name])] if name in bound else UNKNOWN
            for name in ("input", "hx")
        )
        layout = self.layout(rnn, frame)
        self.emit(RnnCall(node, rnn, first, state, layout))
        packed = isinstance(first, Packed) or (isinstance(first, Value) and first.packed)
        lengths = first.lengths if isinstance(first, Packed | Value) and packed else None
        unbatched = isinstance(first, Tensor) and len(first.shape) == 2
        given = bound["input"].value if "input" in bound and not packed else None
        batch, steps = sequences.batch_and_steps(first, given, layout.batch_first)
        return Value(
            Role.RESULT,
            rnn,
            syntax.text(node),
            batch_first=layout.batch_first,
            batched=not unbatched,
            packed=packed,
            lengths=lengths,
            batch=batch,
            steps=steps,
        )

    def result_part(self, result: Value, index: int, frame: Frame) -> Value:
        layout = self.layout(result.rnn, frame)
        rank = 3 if result.batched else 2
        if index == 0:
            return result.but(
                role=Role.OUTPUT,
                text=f"{result.text}[0]",
                rank=rank,
                width=layout.output_width,
                padded=False,
            )
        role = Role.STATE if layout.has_cell else Role.H_N
        return result.but(
            role=role,
            text=f"{result.text}[1]",
            rank=None if layout.has_cell else rank,
            width=None if layout.has_cell else layout.state_width,
            packed=False,
        )

    def state_part(self, state: Value, index: int, frame: Frame) -> Value:
        layout = self.layout(state.rnn, frame)
        role = Role.H_N if index == 0 else Role.C_N
        width = layout.state_width if index == 0 else layout.cell_width
        return state.but(
            role=role,
            text=f"{state.text}[{index}]",
            rank=3 if state.batched else 2,
            width=width,
        )

    def method(self, value: Value, node: cst.Call, frame: Frame) -> Abstract:
        name = node.func.attr.value  # type: ignore[attr-defined]
        arguments = self.evaluate_all([a.value for a in node.args], frame)
        spread = (
            arguments[0].items
            if len(arguments) == 1 and isinstance(arguments[0], Items)
            else arguments
        )
        if name == "gather":
            self.gather(value, node, ("dim", "index"), arguments, frame)
            return UNKNOWN
        if any(a.star or a.keyword is not None for a in node.args):
            spread = (UNKNOWN, *spread)
        self.emit(MethodCall(node, value, name, tuple(spread), self.layout(value.rnn, frame)))
        if name in KEEPS_LAYOUT_METHODS:
            return value
        if name in ("transpose", "permute"):
            return self.transposed(value, tuple(as_int(a) for a in spread))
        if name == "size":
            return sequences.extent(node)
        if name in REDUCTIONS:
            return _pooled(value, node, list(zip(node.args, arguments, strict=True)))
        return UNKNOWN

    def gather(
        self,
        value: Value | None,
        node: cst.Call,
        names: tuple[str, ...],
        arguments: list[Abstract],
        frame: Frame,
    ) -> None:
        """`value.gather(dim, index)` or `torch.gather(input, dim, index)`: a method call whose
        arguments are `(dim, index)` however they are passed."""
        bound, open_ended = facts.bind(node, names)
        if open_ended or "dim" not in bound or "index" not in bound:
            return
        dim, index = (arguments[node.args.index(bound[name])] for name in ("dim", "index"))
        subject = bound["input"].value if "input" in bound else None
        if value is None and "input" in bound:
            given = arguments[node.args.index(bound["input"])]
            value = given if isinstance(given, Value) else None
        if value is None:
            return
        layout = self.layout(value.rnn, frame)
        self.emit(
            MethodCall(node, value, "gather", (dim, index), layout, subject, self.torch, frame.rows)
        )

    def transposed(self, value: Value, axes: tuple[int | None, ...]) -> Abstract:
        """`transpose(0, 1)` / `permute(1, 0, 2)` of an output swaps its batch and time axes."""
        swapped = axes[:2] in SWAP_FIRST_TWO and (len(axes) == 2 or axes[2:] == (2,))
        if (
            value.role is Role.OUTPUT
            and swapped
            and value.batched
            and value.batch_first is not None
        ):
            return value.but(
                batch_first=not value.batch_first, text=f"{value.text}.transpose(0, 1)"
            )
        return UNKNOWN

    def unpacked(self, value: Value, node: cst.Call, frame: Frame) -> Abstract:
        bound, open_ended = facts.bind(
            node, ("sequence", "batch_first", "padding_value", "total_length")
        )
        flag = bound.get("batch_first")
        batch_first = (
            truth(self.evaluate(flag.value, frame)) if flag else (None if open_ended else False)
        )
        lengths = value.lengths if value.lengths is not None else node
        padded = value.but(batch_first=batch_first, padded=True, packed=False, lengths=lengths)
        return Items((padded, Lengths(lengths)))

    def unseen(self, node: cst.Call) -> Value:
        """The PackedSequence `pad_packed_sequence` unpacks when nothing shows what made it."""
        unknown = Layout(facts.Kind.RNN, None, None, None, None, None, None, None)
        origin = self.path if self.driver.foreign else ""
        rnn = Rnn("", unknown, node, locate=self.locate, origin=origin, unseen=True)
        text = syntax.text(node.args[0].value)
        return Value(Role.OUTPUT, rnn, text, rank=3, packed=True)

    def concatenate(self, items: Items, node: cst.Call, frame: Frame) -> Abstract:
        values = items.items
        if not values or not all(isinstance(v, Value) for v in values):
            return UNKNOWN
        first: Value = values[0]  # type: ignore[assignment]
        ranks = {v.rank for v in values}  # type: ignore[union-attr]
        bound, _ = facts.bind(node, ("tensors", "dim"))
        dim = as_int(self.evaluate(bound["dim"].value, frame)) if "dim" in bound else 0
        rank = first.rank
        if len(ranks) != 1 or rank is None or dim is None or dim not in (-1, rank - 1):
            return UNKNOWN
        widths = [v.width for v in values]  # type: ignore[union-attr]
        if any(w is None for w in widths):
            return UNKNOWN
        total = sum(widths[1:], start=widths[0])  # type: ignore[arg-type]
        return Value(Role.TENSOR, first.rnn, syntax.text(node), rank=rank, width=total)

    # ---- subscripts ------------------------------------------------------------------------

    def subscript(self, node: cst.Subscript, frame: Frame) -> Abstract:
        if isinstance(node.value, cst.Attribute) and node.value.attr.value == "shape":
            self.evaluate(node.value.value, frame)
            return sequences.extent(node)
        base = self.evaluate(node.value, frame)
        written = [self.item(element, frame) for element in node.slice]
        items = _spread_ellipsis(written, len(_axes(base) or ()) if isinstance(base, Value) else 0)
        if isinstance(base, Items) and len(items) == 1 and isinstance(items[0], int):
            index = items[0]
            return base.items[index] if -len(base.items) <= index < len(base.items) else UNKNOWN
        if isinstance(base, Mapping) and len(node.slice) == 1:
            key = self.evaluate(node.slice[0].slice.value, frame)  # type: ignore[attr-defined]
            return self.entry(node.value, base, _looked_up(base, key), key, frame)
        if not isinstance(base, Value):
            return UNKNOWN
        layout = self.layout(base.rnn, frame)
        first = items[0] if len(items) == 1 else None
        if base.role is Role.RESULT:
            if isinstance(first, int) and first in (0, 1, -1, -2):
                return self.result_part(base, first % 2, frame)
            return UNKNOWN
        companions = frame.rows.beside(node)
        if base.role is Role.STATE:
            self.emit(Selection(node, base, items, layout, None, companions, self.torch))
            if isinstance(first, int) and first in (0, 1, -1, -2):
                return self.state_part(base, first % 2, frame)
            return UNKNOWN
        axes = _axes(base)
        self.emit(Selection(node, base, items, layout, axes, companions, self.torch, frame.rows))
        if base.role is Role.TENSOR or axes is None:
            return UNKNOWN
        return _select(base, axes, items, syntax.text(node))

    def item(self, element: cst.SubscriptElement, frame: Frame) -> Item:
        part = element.slice
        if isinstance(part, cst.Slice):
            bounds = [
                None if b is None else as_size(self.evaluate(b, frame))
                for b in (part.lower, part.upper, part.step)
            ]
            if all(b is None for b in (part.lower, part.upper, part.step)):
                return WHOLE
            return Span(bounds[0], bounds[1], bounds[2], syntax.text(part))
        value = part.value
        if isinstance(value, cst.Ellipsis):
            return ELLIPSIS
        number = syntax.int_literal(value)
        if number is not None:
            return number
        evaluated = self.evaluate(value, frame)
        if isinstance(evaluated, Samples | LastSteps):
            return evaluated
        size = as_int(evaluated)
        return size if size is not None else None

    # ---- layout and events -----------------------------------------------------------------

    def layout(self, rnn: Rnn, frame: Frame) -> Layout:
        """The RNN's layout with the facts that the enclosing `if`s settle."""
        return conditions.refined(rnn.layout, frame.refinements, lambda name: _fact_key(rnn, name))

    def emit(self, event: object) -> None:
        self.driver.emit(event)


def _factory(node: cst.Call, arguments: list[Abstract]) -> Abstract:
    """`torch.zeros(a, b, c)` or `torch.zeros((a, b, c))`: a tensor of a visible shape."""
    if any(a.star for a in node.args):
        return UNKNOWN
    dims = [v for a, v in zip(node.args, arguments, strict=True) if a.keyword is None]
    if len(dims) == 1 and isinstance(dims[0], Items):
        dims = list(dims[0].items)
    return Tensor(tuple(dims)) if dims else UNKNOWN


def _pooled(value: Value, node: cst.Call, arguments: list[tuple[cst.Arg, Abstract]]) -> Abstract:
    """An output pooled over its time axis: one axis fewer, the same features."""
    dims = [v for a, v in arguments if a.keyword is None or a.keyword.value == "dim"]
    axes = _axes(value)
    dim = as_int(dims[0]) if dims else None
    if (
        value.role is not Role.OUTPUT
        or axes is None
        or dim is None
        or not -len(axes) <= dim < len(axes)
    ):
        return UNKNOWN
    if axes[dim] != "time":
        return UNKNOWN
    pooled = Value(Role.TENSOR, value.rnn, syntax.text(node), rank=len(axes) - 1, width=value.width)
    is_max = syntax.text(node.func).split(".")[-1] == "max"
    return Items((pooled, UNKNOWN)) if is_max else pooled


ELLIPSIS = object()
"""`...` in a subscript, before it is spread over the axes it stands for."""


def _spread_ellipsis(items: list[object], rank: int) -> tuple[Item, ...]:
    """`out[..., -1]` as `out[:, :, -1]`; unknown (None) where the rank is not known."""
    if ELLIPSIS not in items:
        return tuple(items)  # type: ignore[arg-type]
    if items.count(ELLIPSIS) > 1 or rank == 0 or len(items) - 1 > rank:
        return tuple(None if item is ELLIPSIS else item for item in items)  # type: ignore[misc]
    at = items.index(ELLIPSIS)
    filled = [WHOLE] * (rank - len(items) + 1)
    return (*items[:at], *filled, *items[at + 1 :])  # type: ignore[return-value]


def _axes(value: Value) -> tuple[str, ...] | None:
    if value.role in STATE_ROLES:
        return state_axes(value.batched)
    if value.role is Role.OUTPUT and not value.packed:
        return output_axes(value.batch_first, value.batched)
    return None


def _select(base: Value, axes: tuple[str, ...], items: tuple[Item, ...], text: str) -> Abstract:
    """The tensor `base[items]` gives: which axes stay, and the feature width when it is known."""
    if any(item is None or isinstance(item, Samples | LastSteps) for item in items):
        return UNKNOWN
    if len(items) > len(axes):
        return UNKNOWN
    width = base.width
    kept = 0
    last = len(axes) - 1
    for position in range(len(axes)):
        item = items[position] if position < len(items) else WHOLE
        if isinstance(item, int):
            width = None if position == last else width
            continue
        kept += 1
        if position == last and isinstance(item, Span):
            width = _span_width(item, width)
    return Value(Role.TENSOR, base.rnn, text, rank=kept, width=width)


def _span_width(span: Span, width: Dim | None) -> Dim | None:
    """`[lower:upper]` of an axis `width` wide, when both bounds are known and not negative."""
    if span.step is not None or width is None:
        return None
    lower = span.lower if span.lower is not None else Size.of(0)
    upper = span.upper if span.upper is not None else Size.of(width)
    if any(bound.value is not None and bound.value < 0 for bound in (lower, upper)):
        return None
    return upper - lower


def bound(
    function: cst.FunctionDef, node: cst.Call, arguments: list[Abstract], method: bool = True
) -> Env:
    """The value a call gives each parameter (after `self` for a method): its argument, else
    the parameter's literal default when nothing unseen (`*args`, `**kw`) may pass one."""
    params = function.params
    positional = [*params.posonly_params, *params.params][1 if method else 0 :]
    declared = [*positional, *params.kwonly_params]
    bound, open_ended = facts.bind(node, tuple(p.name.value for p in declared))
    given = {name: arguments[node.args.index(arg)] for name, arg in bound.items()}
    for param in declared if not open_ended else ():
        if param.name.value not in given and param.default is not None:
            try:
                default = syntax.literal(param.default)
            except ValueError:
                continue
            if isinstance(default, SCALARS):
                given[param.name.value] = Const(default)
    return given


def _literal_value(arg: cst.Arg, value: Abstract) -> object:
    """An argument as a Python value where it is a literal (`type=int` as the name `int`)."""
    if isinstance(value, Const) and not value.assumption:
        return value.value
    if arg.keyword is not None and arg.keyword.value == "type":
        return syntax.dotted(arg.value) or NOT_LITERAL
    return NOT_LITERAL


def _library_value(qualified: str) -> Abstract:
    """A library name used as a value: torch's RNN classes are known (`cell = nn.GRU`)."""
    kind = facts.RNN_CLASSES.get(qualified)
    return RnnClass((kind,)) if kind is not None else UNKNOWN


def _looked_up(mapping: Mapping, key: Abstract) -> Abstract:
    """`mapping[key]`: the entry for a constant key; for an unknown one, the RNN classes the
    entries hold together (`CELLS[kind]`), or unknown."""
    if isinstance(key, Const) and not key.assumption:
        return next((value for k, value in mapping.items if k == key.value), UNKNOWN)
    values = [value for _, value in mapping.items]
    if not values or not all(isinstance(v, RnnClass) for v in values):
        return UNKNOWN
    kinds = {kind: None for v in values for kind in v.kinds}  # type: ignore[union-attr]
    return RnnClass(tuple(kinds))


def _bound_here(node: cst.BaseExpression, frame: Frame) -> bool:
    """Whether the name an expression starts with is the body's own, or a project module's or
    class's: then it is not the imported library name the import table knows."""
    head = syntax.head(node)
    return head in frame.env or isinstance(
        frame.globals.get(head or ""), ModuleRef | Klass | Function
    )


def _symbol_value(symbol: Symbol | None) -> Abstract | None:
    """What a project name is worth here: a constant's value, a module, another module's dict
    (whose values hold while no file writes their keys); else nothing known."""
    if isinstance(symbol, Constant):
        return Const(symbol.value)
    if isinstance(symbol, Dictionary):
        entries = ((k, Const(v) if isinstance(v, SCALARS) else UNKNOWN) for k, v in symbol.entries)
        return Mapping(tuple(entries), shared=True)
    if isinstance(symbol, Module):
        return ModuleRef(symbol.path)
    if isinstance(symbol, Defined):
        kind = Klass if symbol.kind == "class" else Function
        return kind(symbol.name, symbol.path)
    return None


def _size_key(value: Abstract) -> str | None:
    """The key of a size the code names but never fixes (a parameter, `self.rnn.num_layers`)."""
    if isinstance(value, Opaque):
        return value.key
    if isinstance(value, Size) and value.constant == 0 and len(value.terms) == 1:
        atom, coefficient = value.terms[0]
        return atom.scope if coefficient == 1 and atom.scope not in ("", "extent") else None
    return None


def _flag_comparison(
    left: Abstract, right: Abstract, operator: cst.BaseCompOp, facts: conditions.Facts
) -> conditions.Test | None:
    """`self.bidirectional == True`, `flag is not False`: a value the code never fixes compared
    with a bool, as a test of its truth (`conditions.flag_equals`); None for anything else."""
    equal = isinstance(operator, cst.Equal | cst.Is)
    if not equal and not isinstance(operator, cst.NotEqual | cst.IsNot):
        return None
    for named, other in ((left, right), (right, left)):
        if (
            isinstance(named, Opaque)
            and isinstance(other, Const)
            and isinstance(other.value, bool)
            and not other.assumption
        ):
            test = conditions.flag_equals(named.key, other.value, facts)
            return test if equal else conditions.negated(test)
    return None


_COMPARISONS: dict[type, str] = {
    cst.LessThan: "<",
    cst.LessThanEqual: "<=",
    cst.GreaterThan: ">",
    cst.GreaterThanEqual: ">=",
    cst.Equal: "==",
    cst.NotEqual: "!=",
}


def _fact_key(rnn: Rnn, name: str) -> str:
    return rnn.sources.get(name) or f"rnn@{id(rnn.call)}.{name}"


_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv,
}


def _flow_bound(name: str, frame: Frame) -> bool:
    """Whether a path on which a name is not bound lacks it (a variable, `self.x`), rather than
    keeping what it held before (`settings.layers`, set on some paths only)."""
    return "." not in name or name.startswith(f"{frame.self_name}.")


def _instance_symbol(name: str, frame: Frame) -> Opaque | None:
    """`self.layers = config.layers` in `__init__`: a value that is not known, but one per
    object when `__init__` binds it only there, so `h[: self.layers]` and the RNN built with
    `self.layers` layers provably agree. (No `:` in the key: no caller can tell its value.)"""
    init = frame.methods.get("__init__")
    if init is None or frame.owner is None or frame.scope != f"{frame.owner.name.value}.__init__":
        return None
    if syntax.binding_count(init, name) != 1:
        return None
    return Opaque(f"{frame.scope}@{name}", name)


def _initialises_base(node: cst.Call, frame: Frame) -> bool:
    """`super().__init__(...)` (or `super(Cls, self).__init__(...)`), or
    `Base.__init__(self, ...)`, in a method."""
    func = node.func
    if frame.self_name is None or not isinstance(func, cst.Attribute):
        return False
    if func.attr.value != "__init__":
        return False
    if _is_super(func.value):
        return True
    first = node.args[0] if node.args else None
    return (
        isinstance(func.value, cst.Name | cst.Attribute)
        and first is not None
        and first.keyword is None
        and isinstance(first.value, cst.Name)
        and first.value.value == frame.self_name
    )


def _is_super(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "super"
    )


def _is_self_attribute(node: cst.BaseExpression, frame: Frame) -> bool:
    return (
        type(node) is cst.Attribute
        and type(node.value) is cst.Name
        and node.value.value == frame.self_name
    )
