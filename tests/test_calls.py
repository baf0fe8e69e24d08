"""Values across calls: project functions read with their arguments, RNN classes as values."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnncheck.engine import check_source
from rnncheck.project import Project
from tests.helpers import check, check_files, rows

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


CALLER = """\
from torch import nn
import model
import other


def make(layers, both):
    return nn.GRU(4, 8, layers, bidirectional=both)


def main(x):
    model.use(make(2, 1), x)
    other.use(make(2, 1), x)
"""
"""lib.py: passes a bidirectional GRU to model.py's and other.py's `use` (RNN201 there)."""
USER = "from lib import make\n\n\ndef use(rnn, x):\n    _, h = rnn(x)\n    return h[-1]\n"
ASKING = "\n\nLAYERS = [" + ", ".join(f"make({n}, 1)" for n in (1, 3, 4, 5, 6, 7, 8, 9)) + "]\n"
"""Reads lib.py's `make` with `MAX_CONTEXTS` argument lists before `use`'s callers are read."""


@pytest.mark.parametrize("asking", ["", ASKING], ids=["alone", "asked-before"])
def test_a_callers_reading_does_not_rest_on_what_was_asked_of_its_file_before(
    tmp_path: Path, asking: str
) -> None:
    files = {"lib.py": CALLER, "model.py": USER + asking, "other.py": USER}
    (finding,) = check_files(tmp_path, ["model.py"], files)["model.py"]
    assert (finding.code, finding.row) == ("RNN201", 6)
    assert finding.message.endswith("(when called from lib.py:11)")


@pytest.mark.parametrize("order", [["model.py", "other.py"], ["other.py", "model.py"]])
def test_files_that_take_one_callers_reading_find_the_same_in_either_order(
    tmp_path: Path, order: list[str]
) -> None:
    files = {"lib.py": CALLER, "model.py": USER + ASKING, "other.py": USER}
    alone = {name: check_files(tmp_path, [name], files)[name] for name in order}
    assert check_files(tmp_path, order, files) == alone
    assert [f.row for f in alone["other.py"]] == [6]


BUILDING = "def step(flag, cell, x):\n    rnn = cell(4, 8, bidirectional=flag)\n    out, _ = rnn(x)\n    return out[-1]\n"
"""steps.py: `out[-1]` (line 4) is RNN102 when a caller passes a GRU class and `True`."""
PASSING = {
    "literal": "steps.step({given}, nn.GRU, None)\n",
    "module-constant": "FLAG = {given}\nsteps.step(FLAG, nn.GRU, None)\n",
    "own-parameters": "\n\ndef run(flag, cell):\n    steps.step(flag, cell, None)\n\n\nrun({given}, nn.GRU)\n",
}
"""train.py's ways of giving `step` its arguments: the last passes only the names of its own
parameters, which the caller's own code binds (a caller cannot be ruled out by its call's text)."""


@pytest.mark.parametrize("passing", PASSING)
@pytest.mark.parametrize(("given", "rows"), [("True", [4]), ("False", [])])
def test_a_callers_values_decide_a_finding_however_they_reach_the_call(
    tmp_path: Path, passing: str, given: str, rows: list[int]
) -> None:
    train = "import steps\nfrom torch import nn\n" + PASSING[passing].format(given=given)
    found = check_files(tmp_path, ["steps.py"], {"steps.py": BUILDING, "train.py": train})
    assert [f.row for f in found["steps.py"]] == rows
    assert all("(when called from train.py:" in f.message for f in found["steps.py"])


CYCLES = {
    "late-base": {
        "a.py": "from b import Base\n\n\nclass Heir(Base):\n    def step(self, x):\n"
        "        return self.rnn(x)\n",
        "b.py": "from torch import nn\nfrom a import Heir\n\n\ndef build(x):\n"
        "    return Heir().step(x)\n\n\nclass Base(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.rnn = nn.GRU(4, 8, bidirectional=True)\n",
    },
    "early-heir": {
        "a.py": "from torch import nn\nfrom b import Base\n\n\nclass Heir(Base):\n"
        "    def step(self, x):\n        return self.rnn(x)\n\n\nclass Cell(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.gru = nn.GRU(4, 8, bidirectional=True)\n",
        "b.py": "from torch import nn\nfrom a import Cell\n\n\nclass Base(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.rnn = Cell().gru\n",
    },
}
"""a.py's class takes b.py's base, and b.py's code reads a.py's classes: each file's generic
reading asks for the other's (a cycle, cut where it closes). In the first, b.py's code reads
a.py's class before b.py's base is known; in the second, a.py's class is read before the class
b.py's base takes from a.py."""
USERS = {
    "c1.py": "from a import Heir\n\n\ndef last(x):\n    _, h = Heir().rnn(x)\n    return h[-1]\n",
    "c2.py": "from b import Base\n\n\ndef last(x):\n    _, h = Base().rnn(x)\n    return h[-1]\n",
}


@pytest.mark.parametrize("cycle", CYCLES)
@pytest.mark.parametrize("first", ["a.py", "b.py", "c1.py", "c2.py"])
def test_a_cycle_of_generic_readings_finds_the_same_whichever_file_asks_first(
    tmp_path: Path, cycle: str, first: str
) -> None:
    files = {**CYCLES[cycle], **USERS}
    order = [first, *(name for name in sorted(files) if name != first)]
    alone = {name: check_files(tmp_path, [name], files)[name] for name in order}
    assert check_files(tmp_path, order, files) == alone
    assert [f.row for f in alone["c2.py"]] == [6]
