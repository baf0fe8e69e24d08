"""A file's tree as the reading gets it: the parser's own, made without validating each node."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

import rnncheck
from rnncheck import driver, outline, syntax

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
    outline.parsed.cache_clear()
    tree = outline.parsed(text)
    assert tree is not None and tree.deep_equals(cst.parse_module(text))
    assert tree.code == text


def test_a_tricky_text_parses_alike_and_a_wrong_one_not_at_all():
    outline.parsed.cache_clear()
    tree = outline.parsed(TRICKY)
    assert tree is not None and tree.deep_equals(cst.parse_module(TRICKY))
    assert outline.parsed("def f(:\n    pass\n") is None


def test_nodes_made_by_hand_are_validated_after_a_parse():
    outline.parsed.cache_clear()
    assert outline.parsed("x = 1\n") is not None
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
    assert outline.parsed("def f(:\n") is None
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")


def test_as_many_trees_are_kept_as_the_kept_drivers_hold():
    assert outline.MAX_PARSED >= driver.MAX_PREPARED + driver.MAX_GENERIC
    assert syntax.MAX_KEPT >= outline.MAX_PARSED
    outline.parsed.cache_clear()
    texts = [f"x{n} = {n}\n" for n in range(driver.MAX_PREPARED + driver.MAX_GENERIC)]
    trees = [outline.parsed(text) for text in texts]
    assert all(outline.parsed(text) is tree for text, tree in zip(texts, trees, strict=True))
