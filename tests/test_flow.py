"""The engine's reading of code: imports, where RNNs live, where results go, guards, branches."""

from __future__ import annotations

import libcst as cst

from rnncheck.abstract import UNKNOWN, Const, Extent, join
from rnncheck.reading import Env, Frame, Reading
from tests.helpers import check, rows

BI = "nn.GRU(4, 8, bidirectional=True)"


def test_import_styles_resolve_to_torch() -> None:
    for head, ctor in (
        ("import torch", "torch.nn.GRU"),
        ("import torch.nn as tnn", "tnn.GRU"),
        ("from torch import nn", "nn.GRU"),
        ("from torch.nn import GRU as Enc", "Enc"),
        ("from torch.nn import *", "GRU"),
        ("import torch.nn.modules.rnn as r", "r.GRU"),
    ):
        source = f"{head}\ng = {ctor}(4, 8, bidirectional=True)\n_, h = g(x)\ny = h[-1]\n"
        assert rows(source, "RNN201") == [4], head


def test_a_users_own_lstm_class_is_not_torch() -> None:
    source = (
        "from torch.nn import LSTM\n\nclass LSTM:\n    pass\n\n"
        "l = LSTM(4, 8, bidirectional=True)\n_, h = l(x)\ny = h[-1]\n"
    )
    assert check(source) == []
    assert check("l = LSTM(4, 8, bidirectional=True)\n_, h = l(x)\ny = h[-1]\n") == []


def test_module_level_constants_are_facts() -> None:
    source = "import torch.nn as nn\nBI = True\ng = nn.GRU(4, 8, bidirectional=BI)\n_, h = g(x)\ny = h[-1]\n"
    assert rows(source, "RNN201") == [5]


def test_a_module_level_rnn_used_inside_a_function() -> None:
    source = f"import torch.nn as nn\ng = {BI}\ndef f(x):\n    _, h = g(x)\n    return h[-1]\n"
    assert rows(source, "RNN201") == [5]


def test_a_name_rebound_at_module_level_is_not_followed_into_functions() -> None:
    source = (
        f"import torch.nn as nn\ng = {BI}\ng = make()\n"
        "def f(x):\n    _, h = g(x)\n    return h[-1]\n"
    )
    assert check(source) == []


def test_branches_join_and_unknown_wins() -> None:
    source = (
        f"import torch.nn as nn\ndef f(x, c):\n    g = {BI}\n    _, h = g(x)\n"
        "    if c:\n        h = other(h)\n    return h[-1]\n"
    )
    assert check(source) == []
    same = (
        f"import torch.nn as nn\ndef f(x, c):\n    g = {BI}\n"
        "    if c:\n        _, h = g(x)\n    else:\n        _, h = g(x + 1)\n    return h[-1]\n"
    )
    assert rows(same, "RNN201") == [8]


def test_loops_forget_what_they_rebind_but_keep_results_after() -> None:
    source = (
        f"import torch.nn as nn\ndef f(xs):\n    g = {BI}\n    h = None\n"
        "    for x in xs:\n        y = h[-1]\n        _, h = g(x, h)\n    return h[-1]\n"
    )
    assert rows(source, "RNN201") == []
    after = (
        f"import torch.nn as nn\ndef f(xs):\n    g = {BI}\n"
        "    for x in xs:\n        _, h = g(x)\n    return h[-1]\n"
    )
    assert rows(after, "RNN201") == [6]


def test_try_with_and_nested_functions_do_not_crash_and_keep_facts() -> None:
    source = (
        f"import torch.nn as nn\ndef f(x):\n    g = {BI}\n"
        "    try:\n        _, h = g(x)\n    except ValueError as e:\n        raise\n"
        "    with ctx() as c:\n        y = h[-1]\n"
        "    def inner():\n        return h[-1]\n"
        "    return y\n"
    )
    assert rows(source, "RNN201") == [9, 11]


def test_self_attribute_assigned_twice_is_unknown() -> None:
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n"
        f"    def __init__(self):\n        self.g = {BI}\n"
        "    def reset(self):\n        self.g = nn.GRU(4, 8)\n"
        "    def forward(self, x):\n        _, h = self.g(x)\n        return h[-1]\n"
    )
    assert check(source) == []


def test_results_through_a_helper_method_of_the_class() -> None:
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n"
        "    def __init__(self, hidden):\n"
        "        self.g = nn.GRU(4, hidden, batch_first=True, bidirectional=True)\n"
        "        self.fc = nn.Linear(hidden, 2)\n"
        "    def forward(self, x):\n        return self.fc(self.encode(x))\n"
        "    def encode(self, x):\n        out, _ = self.g(x)\n        return out.mean(dim=1)\n"
    )
    assert rows(source, "RNN301") == [7]


def test_subclass_uses_the_rnn_of_its_base() -> None:
    source = (
        "import torch.nn as nn\nclass Base(nn.Module):\n"
        f"    def __init__(self):\n        self.g = {BI}\n"
        "class Child(Base):\n    def forward(self, x):\n        _, h = self.g(x)\n        return h[-1]\n"
    )
    assert rows(source, "RNN201") == [8]


def test_constructions_in_the_file_are_followed_and_named() -> None:
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n"
        "    def __init__(self, hidden, bidirectional=False):\n"
        "        self.g = nn.GRU(4, hidden, bidirectional=bidirectional)\n"
        "    def forward(self, x):\n        _, h = self.g(x)\n        return h[-1]\n"
        "small = M(8)\nlarge = M(16, bidirectional=True)\n"
    )
    (finding,) = check(source, "RNN201")
    assert (
        finding.row == 7
        and "M(16, bidirectional=True)" in finding.message
        and "line 9" in finding.message
    )


def test_constructions_from_outside_values_stay_unknown() -> None:
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n"
        "    def __init__(self, bidirectional=False):\n"
        "        self.g = nn.GRU(4, 8, bidirectional=bidirectional)\n"
        "    def forward(self, x):\n        _, h = self.g(x)\n        return h[-1]\n"
        "m = M(bidirectional=args.bi)\nn = M()\n"
    )
    assert check(source) == []


def test_syntax_errors_and_odd_bytes_are_rnn000() -> None:
    from rnncheck.engine import check_source

    assert [f.code for f in check_source(b"import torch.nn as nn\nlstm = (\n", "a.py")] == [
        "RNN000"
    ]
    assert [f.code for f in check_source(b"lstm = '\xff\xfe'\n", "b.py")] == ["RNN000"]
    assert check_source(b"", "c.py") == []


ENCODER = (
    "import torch.nn as nn\n"
    "class Enc(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.gru = nn.GRU(8, 16, 2, bidirectional=True)\n"
    "    def forward(self, x):\n"
    "        return self.gru(x)\n"
)


def test_calling_an_instance_follows_its_forward() -> None:
    source = ENCODER + (
        "class S2S(nn.Module):\n"
        "    def __init__(self):\n"
        "        self.enc = Enc()\n"
        "    def forward(self, x):\n"
        "        out, h = self.enc(x)\n"
        "        return h[-1]\n"
        "enc = Enc()\nout, h = enc(x)\nfirst = h[:2]\nbi = enc.gru.bidirectional\n"
    )
    assert [(f.code, f.row) for f in check(source)] == [("RNN201", 13), ("RNN207", 16)]


def test_an_instance_whose_forward_transforms_its_result_is_quiet() -> None:
    source = ENCODER.replace(
        "return self.gru(x)", "out, h = self.gru(x)\n        return out, h.sum(0)"
    ) + ("enc = Enc()\nout, h = enc(x)\nlast = h[-1]\n")
    assert check(source) == []


def test_constructor_values_that_are_not_scalars_are_ignored() -> None:
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n"
        "    def __init__(self, sizes, opts={'a': 1}, bidirectional=True):\n"
        "        self.g = nn.GRU(4, 8, bidirectional=bidirectional)\n"
        "    def forward(self, x):\n        _, h = self.g(x)\n        return h[-1]\n"
        "m = M([3, 4], {'b': 2})\n"
    )
    assert rows(source, "RNN201") == [7]


def test_a_finding_of_one_construction_carries_no_fix() -> None:
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n"
        "    def __init__(self, layers=1):\n"
        "        self.g = nn.GRU(4, 8, num_layers=layers, dropout=0.5)\n"
        "one = M()\ntwo = M(layers=2)\n"
    )
    (finding,) = check(source, "RNN401")
    assert "when built as `M()`" in finding.message and finding.fix is None


def test_a_helper_method_is_read_with_the_results_it_is_handed() -> None:
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n"
        "    def __init__(self, n):\n"
        "        self.n = n\n"
        "        self.lstm = nn.LSTM(8, n, bidirectional=True)\n"
        "    def attend(self, output, state):\n"
        "        return state.view(-1, self.n * 2, 1)\n"
        "    def forward(self, x):\n"
        "        output, (h, c) = self.lstm(x)\n"
        "        return self.attend(output, h)\n"
        "    def recurse(self, h):\n"
        "        return self.recurse(h)\n"
    )
    (finding,) = check(source)
    assert (finding.code, finding.row) == ("RNN204", 7) and "`state`" in finding.message


def test_pathological_nesting_is_a_clean_rnn000_or_nothing() -> None:
    from rnncheck.engine import check_source

    chain = (
        b"import torch.nn as nn\nlstm = nn.LSTM(4, 8)\nx = " + b" + ".join([b"a"] * 5000) + b"\n"
    )
    (finding,) = check_source(chain, "chain.py")
    assert finding.code == "RNN000" and "nested too deeply" in finding.message
    parens = (
        b"import torch.nn as nn\nlstm = nn.LSTM(4, 8)\nx = "
        + b"(" * 500
        + b"1"
        + b")" * 500
        + b"\n"
    )
    assert check_source(parens, "parens.py") == []


def test_a_class_inside_a_method_does_not_end_the_silent_reading() -> None:
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n"
        "    def __init__(self):\n        self.g = nn.GRU(4, 8, bidirectional=True)\n"
        "    def helper(self, x):\n"
        "        class Inner:\n            pass\n"
        "        _, h = self.g(x)\n        return h[-1]\n"
        "    def reset(self):\n        self.g = nn.GRU(4, 8)\n"
    )
    assert check(source) == []


def test_an_rnn_built_inside_another_call_is_named_by_its_own_code() -> None:
    source = "import torch.nn as nn\nwrapped = Wrapper(nn.LSTM(4, 8, dropout=0.2))\nplain = nn.GRU(4, 8, dropout=0.2)\n"
    first, second = check(source, "RNN401")
    assert "`nn.LSTM(4, 8, dropout=0.2)`" in first.message and "`wrapped`" not in first.message
    assert "`plain`" in second.message


def test_a_result_joined_from_inputs_that_show_different_batches_forgets_them() -> None:
    source = (
        "import torch\nimport torch.nn as nn\ndef f(x, c):\n"
        "    g = nn.GRU(5, 8, num_layers=2, batch_first=True)\n"
        "    if c:\n        _, h = g(torch.randn(3, 7, 5))\n"
        "    else:\n        _, h = g(torch.randn(4, 7, 5))\n"
        "    return h.view(3, -1), h.squeeze(0)\n"
    )
    assert [f.code for f in check(source)] == ["RNN206"]


def _joined(frame: Frame, arms: list[Frame]) -> Env:
    """What paths that meet hold, each name's values joined one by one (no shortcut)."""
    merged: Env = {}
    for name in set().union(*(arm.env for arm in arms)):
        value = None
        for arm in arms:
            value = join(value, arm.env.get(name))
        if value is not None and any(name not in arm.env for arm in arms):
            value = value if "." not in name or name.startswith(f"{frame.self_name}.") else UNKNOWN
        if value is not None:
            merged[name] = value
    return merged


def test_paths_meet_as_their_values_join_one_by_one() -> None:
    shared, other = Const(1), Extent("len(x)")
    frame = Frame(env={"a": shared}, scope="f", self_name="self", owners={"cfg"})
    arms = [frame.branch() for _ in range(3)]
    assert all(
        arm == frame and arm.env is not frame.env and arm.owners is frame.owners for arm in arms
    )
    arms[0].env.update(b=other, c=shared, **{"cfg.layers": shared, "self.h": other})
    arms[1].env.update(b=other, c=Const(1), d=UNKNOWN)
    arms[2].env.update(b=Const(2), c=shared, d=UNKNOWN)
    expected = _joined(frame, arms)
    reading = Reading(cst.parse_module(""), None, lambda node: 1, "m.py")  # type: ignore[arg-type]
    reading.meet(frame, arms)
    assert frame.env == expected
    assert frame.env["a"] is shared and frame.env["c"] == shared and frame.env["b"] is UNKNOWN
    assert frame.env["cfg.layers"] is UNKNOWN and frame.env["self.h"] is other
