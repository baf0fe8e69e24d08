"""A file's tree as the reading gets it (the parser's own, made without validating each node),
and its outline, made from the standard parser's tree."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

import rnncheck
from rnncheck import driver, outline, syntax
from rnncheck.source import lines

SOURCES = [Path(rnncheck.__file__).parent / name for name in ("reading.py", "scan.py", "cli.py")]
TRICKY = textwrap.dedent(
    """\
    async def f(x, /, *a, k=1, **kw) -> list[int]:
        async with (open(a) as b, open(c) as d):
            match x:
                case {"a": [1, *rest]} | Point(x=0) if (y := rest):
                    return [i async for i in y if not i]
        print(f"{x!r:>{k}} {'q'}", end="") ; lambda *, z=2: z ** -1
    @decorate(1)
    class C(B, metaclass=M):
        x: int = 1 if a else (b or c and not d)
    """
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_a_tree_parsed_unvalidated_is_the_validated_parse(path):
    text = path.read_text()
    syntax.parsed.cache_clear()
    tree = syntax.parsed(text)
    assert tree is not None and tree.deep_equals(cst.parse_module(text))
    assert tree.code == text


def test_a_tricky_text_parses_alike_and_a_wrong_one_not_at_all():
    syntax.parsed.cache_clear()
    tree = syntax.parsed(TRICKY)
    assert tree is not None and tree.deep_equals(cst.parse_module(TRICKY))
    assert syntax.parsed("def f(:\n    pass\n") is None


def test_nodes_made_by_hand_are_validated_after_a_parse():
    syntax.parsed.cache_clear()
    assert syntax.parsed("x = 1\n") is not None
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
    assert syntax.parsed("def f(:\n") is None
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")


def test_as_many_trees_are_kept_as_the_kept_drivers_hold():
    assert syntax.MAX_PARSED >= driver.MAX_PREPARED + driver.MAX_GENERIC
    assert syntax.MAX_KEPT >= syntax.MAX_PARSED
    syntax.parsed.cache_clear()
    texts = [f"x{n} = {n}\n" for n in range(driver.MAX_PREPARED + driver.MAX_GENERIC)]
    trees = [syntax.parsed(text) for text in texts]
    assert all(syntax.parsed(text) is tree for text, tree in zip(texts, trees, strict=True))


BINDINGS = textwrap.dedent(
    """\
    @register(cfg, key=opts, flag=None)
    def f(a, b=defaults, *c, d: hint = other, **e):
        x = y = z
        self.n, (self.m, *rest) = pair
        self . spaced = 1
        self.a[0].b = 2
        table["k"] = 1
        table["k"] += 2
        table["k"]: int = 3
        del table["k"], other["j"]
        del single["j"]
        counts += 1
        total: int = 0
        for i, (j, k) in items:
            async for q in stream:
                pass
        with open(p) as handle, lock as (left, right):
            pass
        try:
            pass
        except E as error:
            pass
        import a.b as c
        from m import n as alias, plain
        w = [v for v in seen if (u := v)]
        store.update(x=1)
        store.get("k")
        hand(over, *spread, named=value, **copied)
        alias2 = True
        match subject:
            case [first, *others] | {"k": captured, **remaining} if (guard := 1):
                pass
            case Point(x=0) as point:
                pass
        def inner(g=h):
            global gl
            gl = 1
        class Inner:
            attribute = 1
    class C(Base, metaclass=M):
        field = value
        def method(self):
            self.state = build(config)
    """
)


def test_what_a_definition_binds_and_changes_is_found_alike_on_either_tree():
    """The outline's names (standard parser) are those the reading's `syntax` finds (libcst)."""
    texts = [
        BINDINGS,
        TRICKY,
        *(p.read_text() for p in Path(rnncheck.__file__).parent.rglob("*.py")),
    ]
    compared = 0
    for text in texts:
        module, tree = syntax.parsed(text), ast.parse(text)
        assert module is not None
        syntax.assigned(module)
        rows, encoded = lines(text), {}
        kinds = cst.FunctionDef | cst.ClassDef
        ast_kinds = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        pairs = zip(
            [n for n in module.body if isinstance(n, kinds)],
            [n for n in tree.body if isinstance(n, ast_kinds)],
            strict=True,
        )
        for libcst_node, ast_node in pairs:
            assert outline.assigned(ast_node, rows, encoded) == syntax.assigned(libcst_node)
            assert outline.changes(ast_node) == syntax.changes(libcst_node)
            compared += 1
        syntax.forget_module()
    assert compared > 500


def test_the_names_found_are_those_the_code_binds_and_changes():
    tree = ast.parse(BINDINGS)
    f, klass = tree.body
    bound = outline.assigned(f, lines(BINDINGS), {})
    assert {"self.n", "self.m", "rest", "self . spaced", "self.a[0].b", "handle"} <= bound
    assert {"left", "right", "error", "c", "alias", "v", "u", "guard", "point", "gl"} <= bound
    assert {"plain", "a", "inner", "Inner", "self.state"}.isdisjoint(bound)
    changed = outline.changes(f)
    assert {
        "cfg",
        "opts",
        "None",
        "True",
        "z",
        "table",
        "single",
        "store",
        "over",
        "value",
    } <= changed
    assert {"other", "spread", "copied", "counts"}.isdisjoint(changed)
    assert outline.changes(klass) == {"value", "config"}


def outlined(text: str) -> str:
    found = outline.summary(text)
    assert found is not None
    return found[0]


def test_an_edit_inside_a_definition_leaves_the_outline_unless_it_binds_otherwise():
    text = "import torch\nLAYERS = 2\n\ndef f(cfg):\n    n = cfg\n    return n\n"
    assert outlined(text.replace("return n", "return n + 1")) == outlined(text)
    assert outlined(text.replace("n = cfg", "m = cfg")) != outlined(text)
    assert outlined(text.replace("LAYERS = 2", "LAYERS = 3")) != outlined(text)
    assert outlined(text + "# a comment\n") == outlined(text)
    assert outline.summary("def f(:\n    pass\n") is None


def test_an_attribute_target_the_parsers_may_spell_apart_outlines_its_whole_definition():
    """libcst spells `(self.x)` with its parentheses, the standard parser without them (and an
    attribute over lines without the block's indentation): the definition's text stands in for
    its names, so no edit of it can go unseen."""
    text = "def f(self):\n    (self.x) = 1\n    return 2\n"
    assert outlined(text.replace("return 2", "return 3")) != outlined(text)
    over_lines = "def f(self):\n    self.a[\n        0\n    ].b = 1\n    return 2\n"
    assert outlined(over_lines.replace("return 2", "return 3")) != outlined(over_lines)
    plain = "def f(self):\n    self.x = 1\n    return 2\n"
    assert outlined(plain.replace("return 2", "return 3")) == outlined(plain)
    assert outlined(plain) != outlined(text)


def test_statements_are_located_with_their_decorators():
    tree = ast.parse("@wrap\ndef f():\n    pass\nx = 1; y = (\n 2)\nclass C: pass\n")
    spans = [outline.span(statement) for statement in tree.body]
    assert spans == [(1, 3, "f"), (4, 4, None), (4, 5, None), (6, 6, "C")]


def test_outlining_imports_no_libcst():
    """A run that only asks whether other files' readings hold need not load libcst."""
    code = (
        "import sys; from rnncheck import outline;"
        "assert outline.summary('def f(a):\\n    a.update(x=1)\\n') is not None;"
        "print('libcst' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
