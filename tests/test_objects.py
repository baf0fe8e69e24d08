"""Values across objects: an object of a project class carries the values it was built with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rnncheck.engine import check_source
from rnncheck.finding import Finding
from rnncheck.project import Project
from tests.helpers import check, rows

MODULES = """\
from torch import nn


class Encoder(nn.Module):
    def __init__(self, hidden, layers, bidirectional=True):
        super().__init__()
        self.layers = layers
        self.rnn = nn.LSTM(8, hidden, layers, bidirectional=bidirectional)

    def forward(self, src):
        outputs, (h, c) = self.rnn(src)
        return outputs, h, c


class Decoder(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src):
        _, h, c = self.encoder(src)
        return h[: self.decoder.layers]
"""
"""`h[: self.decoder.layers]` is line 29."""


def test_an_attribute_of_another_object_is_read_per_object() -> None:
    source = MODULES + "\nmodel = Seq2Seq(Encoder(16, 2).cuda(), Decoder(2))\n"
    (finding,) = check(source, "RNN207")
    assert finding.row == 29
    assert "when built as `Seq2Seq(Encoder(16, 2).cuda(), Decoder(2))`, line 31" in finding.message
    assert finding.fix is None


def test_objects_built_differently_are_told_apart() -> None:
    source = (
        MODULES
        + "\nsmall = Seq2Seq(Encoder(16, 1), Decoder(1))\nuni = Seq2Seq(Encoder(16, 2, False), Decoder(2))\n"
    )
    assert rows(source, "RNN207") == []  # one layer: h[:1] is its forward state; one direction


def test_a_shorter_decoder_takes_too_few_rows_of_a_deep_bidirectional_encoder() -> None:
    source = MODULES + "\nmodel = Seq2Seq(Encoder(16, 2), Decoder(1))\n"
    assert rows(source, "RNN207") == [29]  # h[:1]: layer 0's forward state only


def test_an_object_built_from_unknown_values_stays_quiet() -> None:
    source = (
        MODULES + "\ndef build(layers):\n    return Seq2Seq(Encoder(16, layers), Decoder(layers))\n"
    )
    assert check(source) == []


def test_calling_an_object_reads_its_forward_and_gives_back_what_it_returns() -> None:
    source = (
        MODULES + "\nencoder = Encoder(16, 1)\noutputs, h, c = encoder(x)\nlast = outputs[-1]\n"
    )
    assert rows(source, "RNN102") == [33]


def test_to_cuda_and_eval_return_the_same_module() -> None:
    for method in ("to(device)", "cuda()", "eval()", "float()"):
        source = f"from torch import nn\ngru = nn.GRU(4, 8, bidirectional=True).{method}\n_, h = gru(x)\ny = h[-1]\n"
        assert rows(source, "RNN201") == [4], method


TRAIN = """\
from model import Decoder, Encoder, Seq2Seq


def main(vocabulary):
    hidden = 512
    encoder = Encoder(hidden, {layers})
    decoder = Decoder(1)
    model = Seq2Seq(encoder, decoder).cuda()
"""


def _checked_with(tmp_path: Path, train: str) -> list[Finding]:
    """The findings in model.py (MODULES) of a project whose train.py builds its objects."""
    files = {"model.py": MODULES, "train.py": train}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / name) for name in files]
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    return check_source(MODULES.encode(), paths[0], project=project)


def test_an_object_another_file_builds_from_its_own_values(tmp_path: Path) -> None:
    (finding,) = _checked_with(tmp_path, TRAIN.format(layers=2))
    assert (finding.code, finding.row) == ("RNN207", 29)
    assert finding.message.endswith("(when built as `Seq2Seq(encoder, decoder)`, train.py:8)")
    assert finding.fix is None


def test_an_object_another_file_builds_differently_stays_quiet(tmp_path: Path) -> None:
    assert _checked_with(tmp_path, TRAIN.format(layers=1)) == []  # h[:1]: the forward state
    assert _checked_with(tmp_path, TRAIN.format(layers="vocabulary")) == []


def test_a_scripted_or_traced_module_is_the_same_module() -> None:
    for call in ("torch.jit.script(gru)", "torch.jit.trace(gru, (x,))"):
        source = (
            "import torch\nfrom torch import nn\ngru = nn.GRU(4, 8, bidirectional=True)\n"
            f"scripted = {call}\n_, h = scripted(x)\ny = h[-1]\n"
        )
        assert rows(source, "RNN201") == [6], call
    source = (
        MODULES + "\nimport torch\nmodel = torch.jit.script(Seq2Seq(Encoder(16, 2), Decoder(1)))\n"
    )
    assert rows(source, "RNN207") == [29]


def test_a_scripted_unknown_module_stays_unknown() -> None:
    source = "import torch\nscripted = torch.jit.script(make())\n_, h = scripted(x)\ny = h[-1]\n"
    assert check(source) == []


BASE = """\
from torch import nn


class Base(nn.Module):
    def __init__(self, hidden, bidirectional=False):
        super().__init__()
        self.hidden = hidden
        self.rnn = nn.GRU(8, hidden, bidirectional=bidirectional)

    def forward(self, x):
        _, h = self.rnn(x)
        return h[-1]
"""
"""`h[-1]` is line 12."""


def test_a_base_is_read_with_the_arguments_its_subclass_passes() -> None:
    for call in (
        "super().__init__(hidden, True)",
        "Base.__init__(self, hidden, bidirectional=True)",
    ):
        source = BASE + (
            "\n\nclass Bi(Base):\n    def __init__(self, hidden):\n"
            f"        {call}\n\n    def last(self, x):\n        _, h = self.rnn(x)\n        return h[-1]\n"
        )
        findings = check(source, "RNN201")
        assert [f.row for f in findings] == [12, 21], call
        assert findings[0].message.endswith(f"(when `Bi` calls `{call}`, line 17)")
        assert findings[0].fix is None


def test_a_base_given_nothing_telling_stays_quiet() -> None:
    for call in (
        "super().__init__(hidden)",
        "super(Uni, self).__init__(hidden, flag)",
        "super().__init__(**kw)",
    ):
        source = BASE + (
            "\n\nclass Uni(Base):\n    def __init__(self, hidden, flag, **kw):\n"
            f"        {call}\n\n    def last(self, x):\n        _, h = self.rnn(x)\n        return h[-1]\n"
        )
        assert check(source) == [], call


def test_a_subclass_in_another_file_reads_its_base_with_its_arguments(tmp_path: Path) -> None:
    tagger = (
        "from base import Base\n\n\nclass Tagger(Base):\n    def __init__(self):\n"
        "        super().__init__(32, bidirectional=True)\n\n"
        "    def tag(self, x):\n        _, h = self.rnn(x)\n        return h[-1]\n"
    )
    files = {"base.py": BASE, "tagger.py": tagger}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / name) for name in files]
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    assert [(f.code, f.row) for f in check_source(tagger.encode(), paths[1], project=project)] == [
        ("RNN201", 10)
    ]
    quiet = tagger.replace(", bidirectional=True", "")
    (tmp_path / "tagger.py").write_text(quiet)
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    assert check_source(quiet.encode(), paths[1], project=project) == []


def test_a_base_in_another_file_is_reported_per_subclass(tmp_path: Path) -> None:
    tagger = (
        "import base\n\n\nclass Tagger(base.Base):\n    def __init__(self):\n"
        "        super().__init__(32, bidirectional=True)\n"
    )
    for name, text in {"base.py": BASE, "tagger.py": tagger}.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / "base.py"), str(tmp_path / "tagger.py")]
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    (finding,) = check_source(BASE.encode(), paths[0], project=project)
    assert (finding.code, finding.row) == ("RNN201", 12)
    assert finding.message.endswith(
        "(when `Tagger` calls `super().__init__(32, bidirectional=True)`, tagger.py:6)"
    )
    assert finding.fix is None
    (tmp_path / "rnncheck.toml").write_text("")
    command = [sys.executable, "-m", "rnncheck", "--no-cache", "--output-format", "json"]
    runs = [
        subprocess.run([*command, "--exit-zero", named], cwd=tmp_path, capture_output=True)
        for named in (".", "base.py")
    ]
    whole, alone = ([(f["code"], f["location"]["row"]) for f in json.loads(r.stdout)] for r in runs)
    assert whole == alone == [("RNN201", 12)]
    quiet = tagger.replace(", bidirectional=True", "")
    (tmp_path / "tagger.py").write_text(quiet)
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    assert check_source(BASE.encode(), paths[0], project=project) == []
    other = tagger.replace("import base", "import other as base")
    (tmp_path / "tagger.py").write_text(other)
    (tmp_path / "other.py").write_text(
        BASE.replace("class Base", "class Base2") + "\nBase = Base2\n"
    )
    paths.append(str(tmp_path / "other.py"))
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    assert check_source(BASE.encode(), paths[0], project=project) == []  # another `Base`


INSTANCE_SYMBOL = """\
from torch import nn


class Encoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layers = config.layers
        self.rnn = nn.GRU(8, 16, self.layers, bidirectional=True)
{more}
    def forward(self, x):
        _, h = self.rnn(x)
        return h[-self.layers :]
"""


def test_an_attribute_set_once_from_an_unknown_value_is_one_size_per_object() -> None:
    assert rows(INSTANCE_SYMBOL.format(more=""), "RNN207") == [12]


def test_an_attribute_set_twice_or_from_elsewhere_is_not_one_size() -> None:
    twice = "        self.layers = config.decoder_layers\n"
    assert check(INSTANCE_SYMBOL.format(more=twice)) == []
    later = "\n    def shrink(self):\n        self.layers = 1\n"
    assert check(INSTANCE_SYMBOL.format(more=later)) == []
    other = INSTANCE_SYMBOL.format(more="").replace("h[-self.layers :]", "h[-self.depth :]")
    assert check(other) == []


LITERAL = """\
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.n_layers = 1
        self.rnn = nn.LSTM(8, 16, 2, bidirectional=True, dropout=0.5 if self.n_layers > 1 else 0)

    def forward(self, x):
        _, (h, c) = self.rnn(x)
        return h[: self.n_layers]
{more}
"""
"""`h[: self.n_layers]` is line 12."""


def test_an_attribute_init_sets_to_a_literal_is_a_fact_while_nothing_else_writes_it() -> None:
    assert rows(LITERAL.format(more=""), "RNN207") == [12]


@pytest.mark.parametrize(
    "more",
    [
        "\ndef deeper():\n    model = Model()\n    model.n_layers = 4\n    return model\n",
        "\ndef tune(model, depth):\n    model.n_layers = depth\n",
        "\ndef tune(model):\n    setattr(model, 'n_layers', 4)\n",
        "\ndef tune(model, name):\n    setattr(model, name, 4)\n",
        "\ndef tune(model, saved):\n    vars(model).update(saved)\n",
        "\ndef tune(model, saved):\n    model.__dict__[saved] = 4\n",
        "\nclass Deep(Model):\n    def load(self, saved):\n        for key in saved:\n"
        "            setattr(self, key, saved[key])\n",
        "\n    def deepen(self):\n        self.n_layers = 4\n",
        "\nclass Deep(Model):\n    def __init__(self):\n        super().__init__()\n"
        "        self.n_layers = 4\n",
        "\nclass Wide(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.model = Model()\n        self.model.n_layers = 4\n",
    ],
)
def test_an_attribute_some_code_may_write_after_construction_is_not_a_fact(more: str) -> None:
    assert rows(LITERAL.format(more=more), "RNN207") == []


@pytest.mark.parametrize(
    "more",
    [
        "\nclass Settings:\n    n_layers = 2\n\n\ndef tune():\n    settings = Settings()\n"
        "    settings.n_layers = 4\n",
        "\nimport config\n\nconfig.n_layers = 4\n",
        "\nModel.n_layers = 4\n",
        "\ndef run(model, args):\n    model.generate(**vars(args))\n    print(args.__dict__['seed'])\n",
        "\ndef tune(model):\n    setattr(model, 'n_hidden', 4)\n",
        "\nclass Options:\n    def __init__(self, **options):\n        for key in options:\n"
        "            setattr(self, key, options[key])\n",
        "\nclass Other(nn.Module):\n    def grow(self):\n        self.n_layers = 4\n",
    ],
)
def test_a_write_of_another_object_leaves_the_attribute_a_fact(more: str) -> None:
    assert rows(LITERAL.format(more=more), "RNN207") == [12]


def test_a_write_in_another_file_reaches_the_objects_it_may_hold(tmp_path: Path) -> None:
    source = LITERAL.format(more="")
    (tmp_path / "model.py").write_text(source)
    for train, fires in [
        ("from model import Model\n\nmodel = Model()\nmodel.n_layers = 4\n", False),
        ("from model import Model\n\n\ndef run(net):\n    net.n_layers = 4\n", False),
        ("class Options:\n    n_layers = 2\n\n\noptions = Options()\noptions.n_layers = 4\n", True),
    ]:
        (tmp_path / "train.py").write_text(train)
        paths = [str(tmp_path / "model.py"), str(tmp_path / "train.py")]
        project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
        found = check_source(source.encode(), paths[0], project=project)
        assert [f.row for f in found if f.code == "RNN207"] == ([12] if fires else []), train


def test_an_attribute_read_in_init_after_it_is_set_is_the_flows_own() -> None:
    source = LITERAL.format(more="\ndef tune(model):\n    model.n_layers = 2\n").replace(
        "0.5 if self.n_layers > 1 else 0", "0.5 if self.n_layers == 1 else 0"
    )
    source = source.replace("nn.LSTM(8, 16, 2,", "nn.LSTM(8, 16, self.n_layers,")
    assert rows(source, "RNN401") == [8]  # set just above, whatever code runs later
    assert rows(source, "RNN207") == []
