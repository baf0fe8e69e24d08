"""A file's scan: what its text says by patterns, a pure function of it that a cache can keep."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import rnncheck
from rnncheck import scan as scanning
from rnncheck.index import ModuleIndex
from rnncheck.scan import Scan, imports

TEXT = b"""\
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, args):
        self.rnn = nn.LSTM(4, 8)
        self.args.layers += 1
        models[0].decoder.proj = None
        if self.args.depth == 2 or x.y <= 3:
            pass


async def train(model):
    step (model)
"""


def test_a_scan_finds_classes_functions_calls_and_attribute_writes():
    scan = Scan.of(TEXT)
    assert scan.mentions_rnn and scan.builds_rnn and not scan.dynamic
    assert scan.classes == ("Encoder",)
    assert scan.functions == ("train",)
    assert {"LSTM", "step", "Encoder", "__init__", "train"} <= scan.called
    assert "Module" not in scan.called and "rnn" not in scan.called
    assert scan.writes == {("self", "rnn"), ("args", "layers"), ("decoder", "proj")}


@pytest.mark.parametrize(
    ("pattern", "without"),
    [
        (scanning.ATTRIBUTE_WRITE, rb"\.(\w+)\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)"),
    ],
)
def test_a_boundary_after_a_name_changes_no_match(pattern, without):
    texts = [p.read_bytes() for p in Path(rnncheck.__file__).parent.rglob("*.py")]
    texts.append(TEXT + b"f_(1); a.b_c = 2; x.y2\t+= 3; w .z= 4; \xc3\xa9t\xc3\xa9(5)\n")
    plain = re.compile(without)
    for text in texts:
        found = [(m.start(), m.groups()) for m in pattern.finditer(text)]
        assert found == [(m.start(), m.groups()) for m in plain.finditer(text)]


def test_the_names_called_are_those_a_pattern_over_the_text_itself_finds():
    """`_called` searches the text reversed; the names are the forward pattern's."""
    texts = [p.read_bytes() for p in Path(rnncheck.__file__).parent.rglob("*.py")]
    texts.append(b"f_(1); a b(2); g \n\t (h((3)); 4(5); x.y2(); \xc3\xa9t(6); t\xc3\xa9(7); (z\n")
    forward = re.compile(rb"\b(\w+)\s*\(")
    for text in texts:
        assert scanning._called(text) == {name.decode() for name in forward.findall(text)}
    assert scanning._called(texts[-1]) == {"f_", "b", "g", "h", "4", "y2", "t"}


def test_a_comparison_is_no_write_and_setattr_may_write_anything():
    assert Scan.of(b"ok = a.b == 1 and a.c != 2 and a.d >= 3\n").writes == frozenset()
    assert Scan.of(b"setattr(args, name, 3)\n").dynamic
    assert Scan.of(b"settings = vars_list\n").dynamic is False


def test_a_file_that_mentions_no_rnn_has_no_functions_to_read():
    scan = Scan.of(b"def helper(x):\n    return x\n")
    assert scan.functions == () and not scan.mentions_rnn and "helper" in scan.called


def test_a_scan_survives_json():
    scan = Scan.of(TEXT)
    assert Scan.from_plain(json.loads(json.dumps(scan.plain()))) == scan


@pytest.mark.parametrize(
    "plain", [[], [True], [1, 0, [], [], [], [], 0], [True, True, [3], [], [], [], False]]
)
def test_what_is_not_a_scan_is_refused(plain):
    with pytest.raises((TypeError, ValueError)):
        Scan.from_plain(plain)


IMPORTS = [
    "import os\n",
    "import torch.nn as nn, numpy\n",
    "import a . b as c\n",
    "from . import (a as b,  # a comment (with a parenthesis)\n    c,\n)\n",
    "from .. x . y import z as w\n",
    "from ...pkg import *\n",
    "from \\\n  model \\\n  import Encoder\n",
    "x = 1; import json\n",
    "x = 1 + \\\n  2; import json\n",
    "if True: import re\n",
    "try:\n    from fast import parse\nexcept ImportError:\n    from slow import parse\n",
    "from.models import Tagger\n",
    "from a import(b)\n",
    "from a import b\r\nimport c\rimport d\n",
]


@pytest.mark.parametrize("source", IMPORTS)
def test_every_import_the_index_finds_is_among_the_texts(source):
    index = ModuleIndex.of(ast.parse(source))
    found = imports(source.encode())
    assert found is not None
    bound = {(local, i.module, i.level, i.name) for local, i in index.imports.items()}
    bound |= {("*", i.module, i.level, i.name) for i in index.stars}
    assert bound and bound <= set(found)


def test_an_import_in_a_string_is_one_more_and_a_docstrings_prompt_none():
    text = b'"""\nimport extra\n>>> import shown\n>>> from x import (\n...     y)\n"""\nimport os\n'
    assert imports(text) == (("extra", "extra", 0, None), ("os", "os", 0, None))


@pytest.mark.parametrize(
    "text",
    [
        b"import caf\xc3\xa9\n",
        b"from x import a, caf\xc3\xa9\n",
        b"# -*- coding: latin-1 -*-\nimport os\n",
        b"if x: \\\n    import os\n",
    ],
)
def test_imports_the_patterns_cannot_be_sure_of_are_unknown(text):
    assert imports(text) is None


def test_a_scan_survives_json_and_one_with_imports_is_refused():
    """Imports are read when asked for (`Project._imports`), not kept: a scan a cache kept
    with them is not this scan."""
    scan = Scan.of(b"from .a import b as c\nimport d.e\nclass C(LSTM): pass\n")
    plain = json.loads(json.dumps(scan.plain()))
    assert Scan.from_plain(plain) == scan
    with pytest.raises((TypeError, ValueError)):
        Scan.from_plain([*plain, [["c", "a", 1, "b"]]])
