"""What the tree says by itself, checked against slower, independent ways of asking."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap

import libcst as cst
import pytest

from rnncheck import imports, reading, syntax

MODULE = textwrap.dedent(
    """\
    import torch
    a, (b, c) = 1, (2, 3)

    def outer(x, h):
        y = h[-1]
        for i in range(3):
            z = [w for w in x if (v := w)]
        def inner():
            q = h[-2], h[-1]
            with open("f") as handle:
                r = h[0]
        return y

    class Model:
        def forward(self, x):
            self.out, _ = x
            match x:
                case [first, *rest]:
                    pass
    """
)


def _naive_bound(node: cst.CSTNode) -> set[str]:
    """Every bound name under `node`, found through libcst's own `children`."""
    found: set[str] = set()
    if type(node) in syntax.BINDS_TARGET:
        found |= syntax.names(node.target)  # type: ignore[attr-defined]
    elif isinstance(node, cst.AsName):
        found |= syntax.names(node.name)
    elif isinstance(node, cst.MatchAs) and node.name is not None:
        found.add(node.name.value)
    for child in node.children:
        found |= _naive_bound(child)
    return found


def _every(node: cst.CSTNode) -> list[cst.CSTNode]:
    return [node, *(inner for child in node.children for inner in _every(child))]


def test_what_each_node_binds_is_what_a_walk_of_it_alone_finds():
    module = cst.parse_module(MODULE)
    try:
        syntax.assigned(module)
        nodes = _every(module)
        assert all(set(syntax.assigned(node)) == _naive_bound(node) for node in nodes)
        assert {"a", "b", "c", "y", "i", "z", "w", "v", "q", "handle", "r"} <= syntax.assigned(
            module
        )
        assert "self.out" in syntax.assigned(module)
    finally:
        syntax.forget_module()


def test_rows_are_those_of_the_body_asked_about():
    module = cst.parse_module(MODULE)
    outer = module.body[2]
    assert isinstance(outer, cst.FunctionDef)
    inner = next(s for s in syntax.statements(outer.body) if isinstance(s, cst.FunctionDef))
    try:
        syntax.assigned(module)
        assert syntax.rows(outer.body).alone == {("h", 0, ""): frozenset({-1, 0})}
        assert syntax.rows(inner.body).alone == {
            ("h", 0, ""): frozenset({0})
        }  # h[-1] of y: outside
        pair = [node for node in _every(inner) if isinstance(node, cst.Subscript)][:2]
        assert [syntax.rows(inner.body).beside(node) for node in pair] == [
            frozenset({-1}),
            frozenset({-2}),
        ]
    finally:
        syntax.forget_module()


CHANGING = textwrap.dedent(
    """\
    def fill(a, b, c, d, e, f, g, h):
        a["k"] = 1
        b.update(x=1)
        build(c)
        alias = d
        del e["k"]
        f["k"] += 1
        g["k"]: int = 1
        h.attr = 1

    def reads(a, b, c, d, e, f):
        a.get("k"), b.items()
        build(**c)
        build(*d)
        x = e.attr
        y = f["k"]
    """
)


def _naive_changed(node: cst.CSTNode) -> set[str]:
    """The names under `node` that may change, found through libcst's own `children`."""
    found: set[str] = set()
    if isinstance(node, cst.Assign) and isinstance(node.value, cst.Name):
        found.add(node.value.value)
    elif isinstance(node, cst.AssignTarget | cst.AugAssign | cst.AnnAssign | cst.Del):
        target = node.target
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            found.add(target.value.value)
    elif isinstance(node, cst.Call):
        func = node.func
        method = isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
        if method and func.attr.value not in syntax.DICT_READS:
            found.add(func.value.value)
        found |= {a.value.value for a in node.args if not a.star and isinstance(a.value, cst.Name)}
    for child in node.children:
        found |= _naive_changed(child)
    return found


@pytest.mark.parametrize("source", [MODULE, CHANGING])
def test_what_each_node_may_change_is_what_a_walk_of_it_alone_finds(source):
    module = cst.parse_module(source)
    try:
        syntax.assigned(module)
        assert all(set(syntax.changes(node)) == _naive_changed(node) for node in _every(module))
    finally:
        syntax.forget_module()


EVERY_KIND = textwrap.dedent(
    """\
    @decorated(1)
    class Net(nn.Module, metaclass=Meta):
        size: int = 3
        async def forward(self, x, *rest, y=-1.5, **more) -> "Net":
            lambda z, *, w=1j: (z, w)
            a = x if y else {"k": [1, 2], **more}
            b = f"{x!r:>{y}}" "tail", ...
            c = [i for i in x if i] + {i for i in x} - {k: v for k, v in x}
            d = x[1:2, ::3, ...]
            try:
                raise ValueError() from None
            except (ValueError, KeyError) as error:
                del a, b
            finally:
                global g
            while not x:
                x @= not (y or z and w)
            return await x
        def steps(self, x, /, h):
            yield (yield from x), h[-1], h[0], h[:, -1]
    """
)


def _naive_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """A node's children read off all its fields, one by one, trivia left out."""
    found: list[cst.CSTNode] = []
    for field in dataclasses.fields(node):  # type: ignore[arg-type]
        value = getattr(node, field.name)
        for item in value if isinstance(value, tuple | list) else [value]:
            if isinstance(item, cst.CSTNode) and not isinstance(item, syntax.TRIVIA):
                found.append(item)
    return found


@pytest.mark.parametrize("source", [MODULE, CHANGING, EVERY_KIND])
def test_children_are_every_node_of_the_fields_in_order_less_trivia(source):
    nodes = _every(cst.parse_module(source))
    assert len({type(node) for node in nodes}) > (60 if source == EVERY_KIND else 20)
    for node in nodes:
        found = syntax.children(node)
        assert [id(child) for child in found] == [id(child) for child in _naive_children(node)]
        libcst = [child for child in node.children if not isinstance(child, syntax.TRIVIA)]
        assert sorted(map(id, found)) == sorted(map(id, libcst))


def test_childless_nodes_have_no_children_and_the_walk_notes_nothing_of_them():
    nodes = _every(cst.parse_module(EVERY_KIND))
    childless = [node for node in nodes if type(node) in syntax.CHILDLESS]
    assert {type(node) for node in childless} == syntax.CHILDLESS
    assert all(not node.children for node in childless)
    assert not syntax.CHILDLESS & syntax.ACTING
    assert not any(syntax._SPANNED[kind] for kind in syntax.CHILDLESS)


@pytest.mark.parametrize("source", [MODULE, EVERY_KIND])
def test_what_a_body_takes_is_what_a_walk_of_it_alone_finds(source):
    module = cst.parse_module(source)
    bodies = [node for node in _every(module) if syntax._SPANNED[type(node)]]
    try:
        syntax.assigned(module)
        whole = [syntax.rows(body).alone for body in bodies]
        alone = []
        for body in bodies:
            syntax.forget_module()
            alone.append(syntax.rows(body).alone)
        assert whole == alone
        assert any(whole)
    finally:
        syntax.forget_module()


def test_what_a_function_may_change_is_its_dicts_handed_on_or_written():
    module = cst.parse_module(CHANGING)
    fill, reads = module.body
    try:
        assert syntax.changes(fill) == {"a", "b", "c", "d", "e", "f", "g"}
        assert syntax.changes(reads) == set()
        assert syntax.changed(module, {"a", "h", "z"}) == {"a"}
    finally:
        syntax.forget_module()


LITERALS = ["(1, 2)", "-3", "[1, 'a', None]", "{1: {2: 3}}", "set()", "...", "1 + 2j", "'a' 'b'"]
OTHERS = ["x", "f(1)", "(1, x)", "{**x}", "(*a,)", "-x", "f'x'", "a.b", "[i for i in x]", "1 + 2"]


@pytest.mark.parametrize("source", [*LITERALS, *OTHERS])
def test_a_literal_is_what_literal_eval_reads(source):
    try:
        expected: object = ast.literal_eval(source)
    except ValueError:
        expected = ValueError
    try:
        found: object = syntax.literal(cst.parse_expression(source))
    except ValueError:
        found = ValueError
    assert found == expected


def test_a_kept_module_is_walked_once_across_checked_files(monkeypatch):
    walked: list[cst.CSTNode] = []
    walk = syntax._walk

    def counting(root: cst.CSTNode) -> None:
        walked.append(root)
        walk(root)

    monkeypatch.setattr(syntax, "_walk", counting)
    kept, other = (cst.parse_module("a = 1\nfor b in c:\n    d = b\n") for _ in range(2))
    syntax.keep(kept)
    for _ in range(2):
        assert syntax.assigned(kept) == syntax.assigned(other) == {"a", "b", "d"}
        syntax.forget_module()
    assert walked == [kept, other, other]


def test_a_nodes_source_is_generated_once_until_its_module_is_forgotten(monkeypatch):
    generated: list[cst.CSTNode] = []

    class Counting:
        def code_for_node(self, node: cst.CSTNode) -> str:
            generated.append(node)
            return cst.Module([]).code_for_node(node)

    monkeypatch.setattr(syntax, "_CODE", Counting())
    call, other = (cst.parse_expression("f(x) + 1") for _ in range(2))
    assert syntax.text(call) == syntax.text(call) == syntax.text(other) == "f(x) + 1"
    assert generated == [call, other]
    syntax.forget_module()
    assert syntax.text(call) == "f(x) + 1"
    assert generated == [call, other, call]


def _exactly_tested(module: object) -> set[type]:
    """The libcst classes a module tests a node's exact type against (`type(x) is cst.X`,
    `kind is cst.X`), and the frozensets of classes it looks types up in."""
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    found: set[type] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operator, right in zip(node.ops, node.comparators, strict=True):
                named = isinstance(right, ast.Attribute) and isinstance(right.value, ast.Name)
                if isinstance(operator, ast.Is | ast.IsNot) and named and right.value.id == "cst":  # type: ignore[union-attr]
                    found.add(getattr(cst, right.attr))  # type: ignore[union-attr]
    for value in vars(module).values():
        if isinstance(value, frozenset) and value and all(isinstance(v, type) for v in value):
            found |= value
    return found


@pytest.mark.parametrize("module", [syntax, reading, imports])
def test_no_node_type_tested_exactly_has_subclasses(module):
    found = _exactly_tested(module)
    assert {cst.Name, cst.Attribute} <= found
    assert all(issubclass(kind, cst.CSTNode) and not kind.__subclasses__() for kind in found)
