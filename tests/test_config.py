"""Configuration values a reader of the code can see: plain config classes and dict literals,
trusted only while nothing else in the project writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnncheck.engine import check_source
from rnncheck.project import Project
from tests.helpers import check, rows

CLASS = """\
from torch import nn


class Config{bases}:
    hidden = 16
    bidirectional = True
{more}

def encode(x):
    rnn = nn.GRU(8, {hidden}, bidirectional={bidirectional})
    _, h = rnn(x)
    return h[-1]
"""
"""`h[-1]` is line 12 when `more` is empty."""


@pytest.mark.parametrize(
    ("hidden", "bidirectional"),
    [
        ("Config.hidden", "Config.bidirectional"),
        ("Config().hidden", "Config().bidirectional"),
    ],
)
def test_a_plain_config_class_attribute_is_a_fact(hidden: str, bidirectional: str) -> None:
    source = CLASS.format(bases="", more="", hidden=hidden, bidirectional=bidirectional)
    (finding,) = check(source, "RNN201")
    assert finding.row == 12
    assert "(2, batch, 16)" in finding.message


def test_an_object_of_a_config_class_carries_its_attributes() -> None:
    source = CLASS.format(bases="(object)", more="", hidden="16", bidirectional="cfg.bidirectional")
    source = source.replace("    rnn = nn.GRU", "    cfg = Config()\n    rnn = nn.GRU")
    assert rows(source, "RNN201") == [13]


@pytest.mark.parametrize(
    ("bases", "more", "after"),
    [
        ("", "", "\ndef tune(options):\n    options.bidirectional = False\n"),
        ("", "", "\nsetattr(Config, name, False)\n"),
        ("", "    def flip(self):\n        self.bidirectional = False\n", ""),
        ("", "    bidirectional = False\n", ""),
        ("(Base)", "", ""),
        ("(metaclass=Meta)", "", ""),
    ],
)
def test_a_config_attribute_something_may_change_is_not_a_fact(
    bases: str, more: str, after: str
) -> None:
    source = CLASS.format(bases=bases, more=more, hidden="16", bidirectional="Config.bidirectional")
    assert check(source + after) == []


LAYERS = """\
from torch import nn


class Settings:
    layers = 1


def build(x):
    settings = Settings()
    {change}
    gru = nn.GRU(4, 4, settings.layers)
    _, h = gru(x)
    return h.squeeze(0)
"""


def test_an_assignment_earlier_in_the_same_flow_wins() -> None:
    assert rows(LAYERS.format(change="settings.layers = 3"), "RNN206") == [13]
    assert check(LAYERS.format(change="pass")) == []  # one layer: squeeze(0) is right


def test_a_name_bound_again_forgets_what_was_set_on_the_old_object() -> None:
    change = "settings.layers = 3\n    settings = Settings()"
    assert check(LAYERS.format(change=change)) == []  # `settings.layers = 3` is a write: unknown


def test_a_config_class_of_another_module(tmp_path: Path) -> None:
    files = {
        "config.py": "class Config:\n    bidirectional = True\n    hidden = 16\n",
        "model.py": "from torch import nn\n\nfrom config import Config\n\n"
        "rnn = nn.GRU(8, Config.hidden, bidirectional=Config.bidirectional)\n"
        "_, h = rnn(x)\ny = h[-1]\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / name) for name in files]
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    found = check_source(files["model.py"].encode(), paths[1], project=project)
    assert [(f.code, f.row) for f in found] == [("RNN201", 7)]
    (tmp_path / "tune.py").write_text("import config\nconfig.Config.bidirectional = False\n")
    paths.append(str(tmp_path / "tune.py"))
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    assert check_source(files["model.py"].encode(), paths[1], project=project) == []


DICT = """\
from torch import nn

{where}cfg = {{"input_size": 8, "hidden_size": 16, "bidirectional": True}}
{where}{change}
{where}rnn = nn.GRU({arguments})
{where}_, h = rnn(x)
{where}y = h[-1]
"""


@pytest.mark.parametrize(
    "arguments",
    ["**cfg", "cfg['input_size'], cfg['hidden_size'], bidirectional=cfg['bidirectional']"],
)
@pytest.mark.parametrize("where", ["", "    "])
def test_a_dict_with_constant_keys_gives_its_values(arguments: str, where: str) -> None:
    source = DICT.format(where=where, change="pass", arguments=arguments)
    if where:
        source = source.replace("\n    cfg", "\ndef f(x):\n    cfg", 1)
    (finding,) = check(source, "RNN201")
    assert "(2, batch, 16)" in finding.message


@pytest.mark.parametrize(
    "change",
    [
        "cfg['bidirectional'] = False",
        "cfg[key] = False",
        "del cfg['bidirectional']",
        "cfg.update(loaded)",
        "cfg.setdefault('bidirectional', False)",
        "tune(cfg)",
        "alias = cfg",
    ],
)
@pytest.mark.parametrize("arguments", ["**cfg", "8, 16, bidirectional=cfg['bidirectional']"])
def test_a_dict_that_may_have_changed_gives_nothing_sure(change: str, arguments: str) -> None:
    for where in ("", "    "):
        source = DICT.format(where=where, change=change, arguments=arguments)
        if where:
            source = source.replace("\n    cfg", "\ndef f(x):\n    cfg", 1)
        assert check(source, "RNN201") == [], (change, where)


def test_a_module_dict_written_elsewhere_in_the_project_gives_nothing_sure() -> None:
    source = (
        "from torch import nn\n\nCFG = {'bidirectional': True}\n\n\ndef f(x):\n"
        "    rnn = nn.GRU(8, 16, **CFG)\n    _, h = rnn(x)\n    return h[-1]\n"
    )
    assert rows(source, "RNN201") == [9]
    assert check(source + "\n\ndef tune(options):\n    options['bidirectional'] = False\n") == []


def test_a_dict_read_with_get() -> None:
    source = DICT.format(
        where="", change="pass", arguments="8, 16, bidirectional=cfg.get('bidirectional')"
    )
    assert rows(source, "RNN201") == [7]
    source = DICT.format(
        where="", change="pass", arguments="8, 16, bidirectional=cfg.get('bi', True)"
    )
    assert rows(source, "RNN201") == [7]
    source = DICT.format(where="", change="pass", arguments="8, 16, bidirectional=cfg.get('bi')")
    assert check(source) == []


def test_a_config_object_another_file_hands_to_a_model(tmp_path: Path) -> None:
    files = {
        "config.py": "class Config(object):\n    layers = {layers}\n    dropout = 0.5\n",
        "model.py": "from torch import nn\n\n\nclass Model(nn.Module):\n"
        "    def __init__(self, config, vocabulary):\n        super().__init__()\n"
        "        self.config = config\n"
        "        self.lstm = nn.LSTM(8, 16, self.config.layers, dropout=self.config.dropout)\n",
        "train.py": "from config import Config\nfrom model import Model\n\n"
        "if __name__ == '__main__':\n    config = Config()\n    model = Model(config, len(words))\n",
    }

    def checked(layers: int) -> list[tuple[str, int]]:
        for name, text in files.items():
            (tmp_path / name).write_text(text.replace("{layers}", str(layers)))
        paths = [str(tmp_path / name) for name in files]
        project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
        found = check_source(Path(paths[1]).read_bytes(), paths[1], project=project)
        return [(f.code, f.row) for f in found]

    assert checked(1) == [("RNN401", 8)]
    assert checked(2) == []


def test_an_assignment_on_one_path_only_is_not_sure_after_the_paths_meet() -> None:
    change = "if flag:\n        settings.layers = 3"
    assert check(LAYERS.format(change=change)) == []  # 3 layers on one path, unknown after
    both = "if flag:\n        settings.layers = 3\n    else:\n        settings.layers = 3"
    assert rows(LAYERS.format(change=both), "RNN206") == [16]  # 3 on every path
    inside = "for _ in range(2):\n        settings.layers = 3"
    assert check(LAYERS.format(change=inside)) == []


IMPORTED = """\
from torch import nn

import config
from config import CFG


def spread(x):
    rnn = nn.GRU(**CFG)
    _, h = rnn(x)
    return h[-1]


def keyed(x):
    rnn = nn.GRU(8, CFG["hidden_size"], bidirectional=config.CFG["bidirectional"])
    _, h = rnn(x)
    return h[-1]
"""
"""The two `h[-1]` are lines 10 and 16."""


def _imported(tmp_path: Path, config: str, other: str = "") -> list[int]:
    files = {"config.py": config, "model.py": IMPORTED, "other.py": other}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / name) for name in files]
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    found = check_source(IMPORTED.encode(), paths[1], project=project)
    return [f.row for f in found if f.code == "RNN201"]


CONFIG = 'CFG = {"input_size": 8, "hidden_size": 16, "bidirectional": True}\n'


@pytest.mark.parametrize(
    "other",
    [
        "",
        "from config import CFG\n\nprint(CFG['hidden_size'], CFG.get('x'), list(CFG.items()))\n",
        "from config import CFG\n\nrun(**CFG)\n",
        "from config import CFG\n\nCFG['dropout'] = 0.5\n",
    ],
)
def test_a_dict_of_another_module_gives_its_values(tmp_path: Path, other: str) -> None:
    assert _imported(tmp_path, CONFIG, other) == [10, 16]


def test_a_dict_a_star_import_binds_gives_its_values(tmp_path: Path) -> None:
    starred = IMPORTED.replace("from config import CFG", "from config import *")
    (tmp_path / "config.py").write_text(CONFIG)
    (tmp_path / "model.py").write_text(starred)
    paths = [str(tmp_path / "config.py"), str(tmp_path / "model.py")]
    project = Project.of([(p, Path(p).read_bytes()) for p in paths], (str(tmp_path),))
    found = check_source(starred.encode(), paths[1], project=project)
    assert [f.row for f in found if f.code == "RNN201"] == [10, 16]


@pytest.mark.parametrize(
    ("config", "other"),
    [
        (CONFIG, "from config import CFG\n\nCFG.update(loaded)\n"),
        (CONFIG, "import config\n\nconfig.CFG['bidirectional'] = False\n"),
        (CONFIG, "from config import CFG\n\ntune(CFG)\n"),
        (CONFIG, "from config import CFG\n\ndel CFG['bidirectional']\n"),
        (CONFIG, "from config import CFG\n\nCFG[key] = False\n"),
        (CONFIG + "CFG.update(loaded)\n", ""),
        (CONFIG + "CFG = dict(CFG)\n", ""),
        (CONFIG.replace('"input_size"', "KEY"), ""),
    ],
)
def test_a_dict_of_another_module_that_may_change_gives_nothing_sure(
    tmp_path: Path, config: str, other: str
) -> None:
    assert _imported(tmp_path, config, other) == []
