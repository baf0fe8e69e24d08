"""Values across calls: project functions read with their arguments, RNN classes as values."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnncheck.engine import check_source
from rnncheck.project import Project
from tests.helpers import check, rows

USE = "_, h = g(x)\ny = h[-1]\n"
"""RNN201 on line `len(prefix) + 2` when `g` is a bidirectional GRU."""


def test_a_factory_that_returns_an_rnn() -> None:
    source = "from torch import nn\ndef make():\n    return nn.GRU(4, 8, bidirectional=True)\ng = make()\n"
    assert rows(source + USE, "RNN201") == [6]


@pytest.mark.parametrize(("given", "expected"), [("True", [6]), ("False", []), ("flag", [])])
def test_a_factory_is_read_with_the_arguments_of_each_call(given: str, expected: list[int]) -> None:
    source = f"from torch import nn\ndef make(bi):\n    return nn.GRU(4, 8, bidirectional=bi)\ng = make({given})\n"
    assert rows(source + USE, "RNN201") == expected


def test_a_factory_default_and_a_tuple_it_returns() -> None:
    source = (
        "from torch import nn\ndef make(bi=True):\n    gru = nn.GRU(4, 8, bidirectional=bi)\n"
        "    return gru, nn.Linear(8, 2)\ng, fc = make()\n"
    )
    assert rows(source + USE, "RNN201") == [7]


def test_a_recursive_function_is_read_a_bounded_number_of_times() -> None:
    source = "from torch import nn\ndef make(n):\n    return make(n + 1)\ng = make(0)\n"
    assert check(source + USE) == []


def test_a_function_nobody_calls_is_still_read() -> None:
    source = "from torch import nn\ndef f(x):\n    g = nn.GRU(4, 8, bidirectional=True)\n    _, h = g(x)\n    return h[-1]\n"
    assert rows(source, "RNN201") == [5]


@pytest.mark.parametrize(
    "cls", ["nn.GRU", 'getattr(nn, "GRU")', '{"gru": nn.GRU}["gru"]', "{0: nn.GRU}[0]"]
)
def test_an_rnn_class_held_as_a_value(cls: str) -> None:
    source = f"from torch import nn\ncell = {cls}\ng = cell(4, 8, bidirectional=True)\n"
    assert rows(source + USE, "RNN201") == [5]


def test_one_of_several_kinds_keeps_the_facts_they_share() -> None:
    source = (
        "from torch import nn\nCELLS = {'rnn': nn.RNN, 'gru': nn.GRU}\n"
        "def f(kind, x):\n    g = CELLS[kind](4, 8, 2)\n    _, h = g(x)\n    return h.view(x.size(1), -1)\n"
    )
    (finding,) = check(source, "RNN204")
    assert finding.row == 6 and "nn.RNN or nn.GRU(4, 8, num_layers=2)" in finding.message


def test_kinds_whose_results_differ_in_shape_are_not_merged() -> None:
    source = (
        "from torch import nn\nCELLS = {'lstm': nn.LSTM, 'gru': nn.GRU}\n"
        "def f(kind, x):\n    g = CELLS[kind](4, 8, 2)\n    _, h = g(x)\n    return h.view(x.size(1), -1)\n"
    )
    assert check(source) == []


def test_a_function_from_another_module(tmp_path: Path) -> None:
    files = {
        "factory.py": "from torch import nn\ndef make(layers):\n    return nn.GRU(4, 8, layers)\n",
        "use.py": "from factory import make\nrnn = make(3)\n_, h = rnn(x)\ny = h.squeeze(0)\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / name) for name in files]
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    (finding,) = check_source(files["use.py"].encode(), paths[1], project=project)
    assert (finding.code, finding.row) == ("RNN206", 4)
    assert "(nn.GRU(4, 8, num_layers=3), factory.py:3)" in finding.message


STEP = """\
from torch import nn


def step(rnn, x):
    out, _ = rnn(x)
    return out[-1]


def loop(rnn, batches):
    for x in batches:
        step(rnn, x)
"""
"""`out[-1]` (line 6) is RNN102 when `rnn` is bidirectional and time-major."""


def test_a_function_is_read_with_the_arguments_its_callers_give() -> None:
    source = STEP + "\nloop(nn.GRU(4, 8, bidirectional=True), [])\n"
    (finding,) = check(source, "RNN102")
    assert finding.row == 6 and finding.fix is None
    assert finding.message.endswith("(when called from line 11)")


def test_a_parameter_no_call_binds_stays_unknown() -> None:
    assert check(STEP) == []
    assert check(STEP + "\nloop(nn.GRU(4, 8), [])\nloop(make(), [])\n") == []


def test_calls_from_another_file_give_contexts(tmp_path: Path) -> None:
    files = {
        "steps.py": STEP,
        "train.py": "import steps\nfrom torch import nn\n\n\ndef main():\n"
        "    steps.loop(nn.GRU(4, 8, bidirectional=True), [])\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / name) for name in files]
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    (finding,) = check_source(STEP.encode(), paths[0], project=project)
    assert (finding.code, finding.row) == ("RNN102", 6)
    assert finding.message.endswith("(when called from line 11)")
    alone = Project.of([(paths[0], STEP.encode())], (str(tmp_path),))
    assert check_source(STEP.encode(), paths[0], project=alone) == []
