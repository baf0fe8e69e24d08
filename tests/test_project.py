"""Facts that cross files: where a class is defined, and how the checked files build it."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

import pytest

from rnncheck import cli
from rnncheck import project as project_module
from rnncheck.engine import check_source
from rnncheck.index import REQUIRED, WRITTEN, ModuleIndex
from rnncheck.project import NOT_LITERAL, Project, root_of
from rnncheck.scan import imports

MODEL = """\
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, hidden, bidirectional=False):
        super().__init__()
        self.gru = nn.GRU(8, hidden, bidirectional=bidirectional)

    def forward(self, x):
        _, h = self.gru(x)
        return h[-1]
"""

CHILD = """\
from model import Encoder


class Tagger(Encoder):
    def tag(self, x):
        _, h = self.gru(x)
        return h[-1]
"""


def _written(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    """Each file written under `tmp_path` (its folders made), by name."""
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / name
        paths[name].parent.mkdir(parents=True, exist_ok=True)
        paths[name].write_text(text)
    return paths


def _project(
    tmp_path: Path, files: dict[str, str], roots: tuple[str, ...] = ()
) -> tuple[Project, dict[str, Path]]:
    paths = _written(tmp_path, files)
    return Project.of(((str(p), p.read_bytes()) for p in paths.values()), roots), paths


def _unscanned(files: list[tuple[str, bytes]], roots: tuple[str, ...]) -> Project:
    """The project of `files` as if no text's imports could be read (`Project._imports` None,
    as when every text changed since its scan)."""
    project = Project.of(files, roots)
    project.digests.clear()
    return project


def test_constructions_in_a_file_without_rnns_are_indexed(tmp_path: Path) -> None:
    project, paths = _project(
        tmp_path,
        {
            "model.py": MODEL,
            "train.py": "from model import Encoder\nm = Encoder(32, bidirectional=True)\nn = Encoder(h)\n",
        },
    )
    assert project.definitions == {"Encoder": str(paths["model.py"])}
    built = project.constructions[(str(paths["model.py"]), "Encoder")]
    assert [b.keywords for b in built] == [(("bidirectional", True),), ()]
    assert built[1].positional == (NOT_LITERAL,)


def test_a_construction_in_another_file_makes_a_finding_named_by_it(tmp_path: Path) -> None:
    project, paths = _project(
        tmp_path,
        {
            "model.py": MODEL,
            "train.py": "from model import Encoder\nm = Encoder(32, bidirectional=True)\n",
        },
    )
    (finding,) = check_source(
        paths["model.py"].read_bytes(), str(paths["model.py"]), project=project
    )
    assert finding.code == "RNN201" and finding.row == 11
    assert finding.message.endswith("(when built as `Encoder(32, bidirectional=True)`, train.py:2)")


def test_an_rnn_built_in_another_file_is_named_by_its_path_from_the_checked_file(
    tmp_path: Path,
) -> None:
    project, paths = _project(
        tmp_path,
        {
            "pkg/lib.py": "import torch.nn as nn\n\n\ndef make():\n    return nn.GRU(4, 8, bidirectional=True)\n",
            "pkg/sub/use.py": "from pkg.lib import make\n\n\ndef last(x):\n    _, h = make()(x)\n    return h[-1]\n",
        },
        (str(tmp_path),),
    )
    for _ in range(2):  # the second time, the other file's reading is already made
        (finding,) = check_source(
            paths["pkg/sub/use.py"].read_bytes(), str(paths["pkg/sub/use.py"]), project=project
        )
        assert finding.code == "RNN201" and finding.row == 6
        assert "(nn.GRU(4, 8, bidirectional=True), ../lib.py:5)" in finding.message


def test_without_the_project_the_file_alone_is_quiet(tmp_path: Path) -> None:
    _, paths = _project(tmp_path, {"model.py": MODEL})
    assert check_source(paths["model.py"].read_bytes(), str(paths["model.py"])) == []


def test_a_subclass_in_another_file_uses_its_bases_rnn(tmp_path: Path) -> None:
    bidirectional = MODEL.replace("bidirectional=bidirectional", "bidirectional=True")
    project, paths = _project(tmp_path, {"model.py": bidirectional, "tagger.py": CHILD})
    findings = check_source(
        paths["tagger.py"].read_bytes(), str(paths["tagger.py"]), project=project
    )
    assert [(f.code, f.row) for f in findings] == [("RNN201", 7)]
    assert "bidirectional=True), model.py:7)" in findings[0].message


def test_a_class_name_defined_twice_is_not_resolved(tmp_path: Path) -> None:
    project, _ = _project(tmp_path, {"a.py": MODEL, "b.py": MODEL})
    assert "Encoder" not in project.definitions


def test_a_construction_of_a_same_named_class_from_another_module_is_not_counted(
    tmp_path: Path,
) -> None:
    project, paths = _project(
        tmp_path,
        {
            "model.py": MODEL,
            "other.py": "class Encoder:\n    pass\n",
            "train.py": "from other import Encoder\nm = Encoder(32, bidirectional=True)\n",
        },
    )
    assert (str(paths["model.py"]), "Encoder") not in project.constructions
    assert [c.path for c in project.constructions[(str(paths["other.py"]), "Encoder")]] == [
        str(paths["train.py"])
    ]


def test_a_file_that_defines_a_class_builds_its_own(tmp_path: Path) -> None:
    here = MODEL + "\nmodel = Encoder(32, bidirectional=True)\n"
    project, paths = _project(tmp_path, {"model.py": here, "same_name.py": MODEL})
    (built,) = project.constructions[(str(paths["model.py"]), "Encoder")]
    assert built.path == str(paths["model.py"]) and built.line == 13


def test_constructions_imported_from_the_defining_module_count(tmp_path: Path) -> None:
    project, paths = _project(
        tmp_path,
        {
            "model.py": MODEL,
            "a.py": "from model import Encoder\nm = Encoder(32, bidirectional=True)\n",
            "b.py": "from elsewhere import Encoder\nm = Encoder(32, bidirectional=True)\n",
        },
    )
    assert [c.path for c in project.constructions[(str(paths["model.py"]), "Encoder")]] == [
        str(paths["a.py"])
    ]


def test_notebook_classes_and_constructions_are_indexed(tmp_path: Path) -> None:
    import json

    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": MODEL,
        }
    ]
    book = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    project, paths = _project(
        tmp_path, {"nb.ipynb": book, "run.py": "m = Encoder(8, bidirectional=True)\n"}
    )
    assert project.definitions == {"Encoder": str(paths["nb.ipynb"])}
    assert len(project.constructions[(str(paths["nb.ipynb"]), "Encoder")]) == 1


def test_kept_calls_build_the_same_constructions_unparsed_with_their_names_valued_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train = (
        "from model import Encoder\nfrom settings import HIDDEN\nm = Encoder(HIDDEN, True, *more)\n"
    )
    files = {"model.py": MODEL, "settings.py": "HIDDEN = 32\n", "train.py": train}
    project, paths = _project(tmp_path, files)
    key = (str(paths["model.py"]), "Encoder")
    assert [(b.positional, b.open_ended) for b in project.constructions[key]] == [
        ((32, True, NOT_LITERAL), True)
    ]
    kept = json.loads(json.dumps(project.known_calls))
    parsed: list[str] = []
    calls = project_module._calls
    monkeypatch.setattr(
        project_module,
        "_calls",
        lambda p, path, *a: parsed.append(Path(path).name) or calls(p, path, *a),
    )
    contents = [(str(p), p.read_bytes()) for p in paths.values()]
    again = Project.of(contents, (), project.known, None, kept)
    assert again.constructions == project.constructions
    assert parsed == []
    paths["settings.py"].write_text("HIDDEN = 64\n")
    contents = [(str(p), p.read_bytes()) for p in paths.values()]
    changed = Project.of(contents, (), project.known, None, kept)
    assert changed.constructions[key][0].positional == (64, True, NOT_LITERAL)
    assert parsed == []


def test_constructions_in_decorators_and_after_lone_carriage_returns_are_indexed(
    tmp_path: Path,
) -> None:
    decorated = "from model import Encoder\n\n\n@register(Encoder(8))\ndef make():\n    pass\n"
    old_mac = "from model import Encoder\r\rx = 1\rm = Encoder(16)\r"
    for text, line in ((decorated, 4), (old_mac, 4)):
        project, paths = _project(tmp_path, {"model.py": MODEL, "train.py": text})
        built = project.constructions_of(str(paths["model.py"]), "Encoder")
        assert [(b.line, b.positional) for b in built] == [(line, (8,) if "@" in text else (16,))]


# ---- the project model: roots, modules, names ------------------------------------------------

GRU_MODEL = """\
from torch import nn

{imports}


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 8, {layers})

    def forward(self, x):
        _, h = self.gru(x)
        return h.squeeze(0)
"""
"""Squeezing h_n is RNN206 exactly when the imported layer count is more than 1 (line 13)."""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _run(capsys: pytest.CaptureFixture[str], *arguments: str) -> list[tuple[str, int, str]]:
    cli.main(["--output-format", "json", "--exit-zero", *arguments])
    found = json.loads(capsys.readouterr().out)
    return sorted((Path(f["filename"]).name, f["location"]["row"], f["code"]) for f in found)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "rnncheck.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_same_named_modules_in_different_packages_are_told_apart(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        tree,
        {
            "exp/__init__.py": "",
            "exp/large/__init__.py": "",
            "exp/large/config.py": "LAYERS = 3\n",
            "exp/large/model.py": GRU_MODEL.format(
                imports="from .config import LAYERS", layers="LAYERS"
            ),
            "exp/small/__init__.py": "",
            "exp/small/config.py": "LAYERS = 1\n",
            "exp/small/model.py": GRU_MODEL.format(
                imports="from .config import LAYERS", layers="LAYERS"
            ),
        },
    )
    whole = _run(capsys, ".")
    assert whole == [("model.py", 13, "RNN206")]
    assert _run(capsys, "exp/large/model.py") == whole
    assert _run(capsys, "exp/small/model.py") == []


def test_a_script_looks_in_its_own_folder_first(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        tree,
        {
            "settings.py": "LAYERS = 1\n",
            "app/settings.py": "LAYERS = 3\n",
            "app/model.py": GRU_MODEL.format(
                imports="from settings import LAYERS", layers="LAYERS"
            ),
            "other/model.py": GRU_MODEL.format(
                imports="from settings import LAYERS", layers="LAYERS"
            ),
        },
    )
    assert _run(capsys, ".") == [("model.py", 13, "RNN206")]
    assert _run(capsys, "app/model.py") == [("model.py", 13, "RNN206")]
    assert _run(capsys, "other/model.py") == []


@pytest.mark.parametrize(
    ("imports", "layers", "extra"),
    [
        ("from settings import *", "LAYERS", {}),
        ("import settings as s", "s.LAYERS", {}),
        ("import pkg.settings", "pkg.settings.LAYERS", {"pkg/__init__.py": ""}),
        ("from pkg import LAYERS", "LAYERS", {"pkg/__init__.py": "from .settings import *\n"}),
        ("from pkg import settings", "settings.LAYERS", {"pkg/__init__.py": ""}),
    ],
)
def test_imported_constants_are_followed(
    tree: Path, capsys: pytest.CaptureFixture[str], imports: str, layers: str, extra: dict[str, str]
) -> None:
    settings = "__all__ = ['LAYERS']\nLAYERS = 3\n"
    _write(
        tree,
        {
            "settings.py": settings,
            "pkg/settings.py": settings,
            "model.py": GRU_MODEL.format(imports=imports, layers=layers),
            **extra,
        },
    )
    assert _run(capsys, "model.py") == [("model.py", 13, "RNN206")]


def test_a_star_import_binds_only_what_all_lists(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        tree,
        {
            "settings.py": "__all__ = ['HIDDEN']\nHIDDEN = 8\nLAYERS = 3\n",
            "model.py": GRU_MODEL.format(imports="from settings import *", layers="LAYERS"),
        },
    )
    assert _run(capsys, "model.py") == []


def test_a_name_bound_twice_or_not_to_a_literal_is_not_a_constant(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for settings in (
        "LAYERS = 3\nLAYERS = 1\n",
        "LAYERS = int('3')\n",
        "LAYERS = 3\nLAYERS += 1\n",
    ):
        _write(
            tree,
            {
                "settings.py": settings,
                "model.py": GRU_MODEL.format(
                    imports="from settings import LAYERS", layers="LAYERS"
                ),
            },
        )
        assert _run(capsys, "model.py") == [], settings


def test_module_constants_inside_main_guards_and_try_blocks() -> None:
    index = ModuleIndex.of(
        ast.parse(
            "A = 1\nif __name__ == '__main__':\n    B = 2\ntry:\n    C = 3\nexcept ImportError:\n"
            "    D = 4\nE = 5\nE = 6\ndef f():\n    F = 7\n"
        )
    )
    assert index.constants == {"A": 1, "B": 2, "C": 3, "D": 4}


def test_a_project_checked_whole_or_file_by_file_gives_the_same_findings(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(
        tree,
        {
            "settings.py": "LAYERS = 2\nBI = True\n",
            "pkg/__init__.py": "from .net import Net\n",
            "pkg/net.py": "from torch import nn\nfrom settings import *\n\n\nclass Net(nn.Module):\n"
            "    def __init__(self):\n        super().__init__()\n"
            "        self.gru = nn.GRU(8, 8, LAYERS, bidirectional=BI)\n\n"
            "    def forward(self, x):\n        _, h = self.gru(x)\n        return h[-1]\n",
            "model.py": GRU_MODEL.format(imports="import settings", layers="settings.LAYERS"),
        },
    )
    whole = _run(capsys, ".")
    assert whole == [("model.py", 13, "RNN206"), ("net.py", 12, "RNN201")]
    one_by_one = sorted(f for name in ("model.py", "pkg/net.py") for f in _run(capsys, name))
    assert one_by_one == whole
    monkeypatch.chdir(tree / "pkg")
    assert _run(capsys, "net.py") == [("net.py", 12, "RNN201")]


def test_the_project_root_is_found_from_the_file(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "sub" / "deep").mkdir(parents=True)
    (tmp_path / "repo" / "sub" / "pyproject.toml").write_text("")
    (tmp_path / "loose" / "inner").mkdir(parents=True)
    repo, loose = tmp_path / "repo", tmp_path / "loose"
    deep = str(repo / "sub" / "deep" / "f.py")
    assert root_of(deep, deep, str(tmp_path)) == str(repo / "sub")
    assert root_of(str(repo / "g.py"), str(repo), str(tmp_path)) == str(repo)
    inner = str(loose / "inner" / "f.py")
    assert root_of(inner, str(loose), str(tmp_path)) == str(loose)
    assert root_of(inner, inner, str(loose)) == str(loose)
    assert root_of(inner, inner, str(repo)) == str(loose / "inner")


def test_the_project_option_names_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(
        tmp_path,
        {
            "settings.py": "LAYERS = 3\n",
            "app/rnncheck.toml": "",
            "app/model.py": GRU_MODEL.format(
                imports="from settings import LAYERS", layers="LAYERS"
            ),
        },
    )
    monkeypatch.chdir(tmp_path)
    assert _run(capsys, "app/model.py") == []
    assert _run(capsys, "--project", ".", "app/model.py") == [("model.py", 13, "RNN206")]


# ---- configuration records -----------------------------------------------------------------

TAGGER = """\
from dataclasses import dataclass
from typing import NamedTuple

from torch import nn


@dataclass
class Config:
    hidden: int = 8
    bidirectional: bool = False


class Options(NamedTuple):
    hidden: int
    bidirectional: bool = True


class Tagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gru = nn.GRU(4, cfg.hidden, bidirectional=cfg.bidirectional)

    def forward(self, x):
        _, h = self.gru(x)
        return h[-1]


{built}
"""


@pytest.mark.parametrize(
    "built",
    [
        "tagger = Tagger(Config(bidirectional=True))",
        "tagger = Tagger(Config(8, True))",
        "tagger = Tagger(Options(8))",
        "tagger = Tagger(cfg=Options(hidden=8, bidirectional=True))",
    ],
)
def test_a_record_built_with_literals_carries_its_fields(built: str) -> None:
    (finding,) = check_source(TAGGER.format(built=built).encode(), "tagger.py")
    assert (finding.code, finding.row) == ("RNN201", 25)
    assert f"when built as `{built.split(' = ')[1]}`" in finding.message


@pytest.mark.parametrize(
    "built",
    [
        "tagger = Tagger(Config())",
        "tagger = Tagger(Options())",
        "tagger = Tagger(Config(bidirectional=flag))",
        "tagger = Tagger(Config(**given))",
        "tagger = Tagger(Config(bidirectional=True))\ndef tune(cfg):\n    cfg.bidirectional = False",
    ],
)
def test_a_record_field_that_is_not_certain_stays_quiet(built: str) -> None:
    assert check_source(TAGGER.format(built=built).encode(), "tagger.py") == []


def test_a_record_field_its_own_class_assigns_is_not_a_fact() -> None:
    source = TAGGER.format(built="tagger = Tagger(Config(bidirectional=True))")
    assert [f.row for f in check_source(source.encode(), "tagger.py")] == [25]
    post = "    bidirectional: bool = False\n\n    def __post_init__(self):\n        self.bidirectional = False\n"
    assigned = source.replace("    bidirectional: bool = False\n", post, 1)
    assert check_source(assigned.encode(), "tagger.py") == []


def test_a_record_from_another_module_is_read_from_its_definition(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = TAGGER.format(built="").replace("@dataclass\nclass Config", "class Unused")
    _write(
        tree,
        {
            "config.py": "from dataclasses import dataclass\n\n\n@dataclass\nclass Config:\n"
            "    hidden: int = 8\n    bidirectional: bool = False\n",
            "model.py": "from config import Config\n" + model,
            "train.py": "from config import Config\nfrom model import Tagger\n"
            "Tagger(Config(bidirectional=True))\n",
        },
    )
    assert _run(capsys, ".") == [("model.py", 25, "RNN201")]
    assert _run(capsys, "model.py") == [("model.py", 25, "RNN201")]


def test_a_question_asked_again_is_answered_from_memory_and_still_recorded(monkeypatch):
    from rnncheck import queries

    project = Project.of([("/p/model.py", b"LAYERS = 2\n"), ("/p/train.py", b"import model\n")])
    looked: list[str] = []
    find = Project._file

    def counting(self: Project, stem: str) -> str | None:
        looked.append(stem)
        return find(self, stem)

    monkeypatch.setattr(Project, "_file", counting)
    for _ in range(2):
        with queries.recording() as record:
            assert project.module_file("/p/train.py", "model") == "/p/model.py"
        assert list(record) == [("Project.module_file", ("/p/train.py", "model"))]
    assert looked == ["/p/model"]


# ---- which files are read ------------------------------------------------------------------

ENCODERS = """\
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, bidirectional=True)

    def forward(self, x):
        return self.gru(x)
"""


@pytest.mark.parametrize(
    "imported",
    [
        "from encoders import Encoder",
        "import encoders",
        "from . import encoders",
        "from .encoders import (Encoder,",
    ],
)
def test_a_file_that_names_no_rnn_but_imports_a_module_building_one_is_read(
    tmp_path: Path, imported: str
) -> None:
    use = "encoders.Encoder" if "import encoders" in imported else "Encoder"
    train = f"{imported}\n\nmodel = {use}()\n_, h = model(x)\nlast = h[-1]\n"
    if imported.endswith("(Encoder,"):
        train = train.replace("(Encoder,", "(Encoder,)")
    project, paths = _project(
        tmp_path, {"encoders.py": ENCODERS, "train.py": train, "__init__.py": ""}
    )
    findings = check_source(train.encode(), str(paths["train.py"]), project=project)
    assert [(f.code, f.row) for f in findings] == [("RNN201", 5)]


def test_a_file_that_names_no_rnn_and_imports_none_is_not_read(tmp_path: Path) -> None:
    broken = "from helpers import util\n\ndef broken(:\n"
    files = {"encoders.py": ENCODERS, "helpers.py": "util = 1\n", "train.py": broken}
    project, paths = _project(tmp_path, files)
    assert check_source(broken.encode(), str(paths["train.py"]), project=project) == []
    reading = broken.replace("helpers import util", "encoders import Encoder")
    project, paths = _project(tmp_path, {**files, "train.py": reading})
    (problem,) = check_source(reading.encode(), str(paths["train.py"]), project=project)
    assert problem.code == "RNN000"


CALLED = {
    "lib.py": "def step(rnn):\n    return rnn\n",
    "a.py": "from lib import step\nstep(1)\n",
    "b.py": "import lib\nlib.step(1)\n",
    "c.py": "from other import step\nstep(1)\n",
    "d.py": "def step(x):\n    return x\n\n\nstep(1)\n",
    "e.py": "from lib import *\nstep(1)\n",
    "f.py": '"""from lib import step"""\nfrom other import go\nstep(1)\n',
    "other.py": "def step(x):\n    return x\n",
}


def test_a_caller_whose_imports_cannot_bind_the_function_is_never_indexed(
    tmp_path: Path,
) -> None:
    _written(tmp_path, CALLED)
    files = [(str(tmp_path / name), text.encode()) for name, text in CALLED.items()]
    lib = str(tmp_path / "lib.py")
    project = Project.of(files, (str(tmp_path),))
    found = project.callers(lib, "step", 10)
    assert found == tuple(str(tmp_path / name) for name in ("a.py", "b.py", "e.py"))
    assert not {str(tmp_path / name) for name in ("c.py", "d.py")} & project._indexes.keys()
    unscanned = _unscanned(files, (str(tmp_path),))
    assert unscanned.callers(lib, "step", 10) == found  # the index's own answer
    assert str(tmp_path / "d.py") in unscanned._indexes
    first = Project.of(files, (str(tmp_path),))
    assert first.callers(lib, "step", 1) == found[:1]
    assert str(tmp_path / "b.py") not in first._indexes


def test_a_files_imports_are_read_only_when_a_caller_is_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _written(tmp_path, CALLED)
    files = [(str(tmp_path / name), text.encode()) for name, text in CALLED.items()]
    read: list[bytes] = []
    monkeypatch.setattr(project_module, "imports", lambda text: read.append(text) or imports(text))
    project = Project.of(files, (str(tmp_path),))
    assert not read
    assert project.callers(str(tmp_path / "lib.py"), "step", 10)
    assert 0 < len(read) < len(CALLED)
    (tmp_path / "a.py").write_text("from other import step\nstep(1)\n")
    assert project._imports(str(tmp_path / "e.py")) is not None
    assert Project.of(files, (str(tmp_path),))._imports(str(tmp_path / "a.py")) is None


def test_an_index_survives_json() -> None:
    index = ModuleIndex.of(ast.parse("@wrap\ndef f():\n    pass\nx = 1; y = {'a': (\n 2)}\n"))
    assert ModuleIndex.from_plain(json.loads(json.dumps(index.plain()))) == index


def test_an_index_keeps_its_markers_through_pickle() -> None:
    """A worker process's index crosses processes pickled: its markers must stay the module's
    own, since every reader compares them by identity."""
    index = ModuleIndex.of(
        ast.parse(
            "from dataclasses import dataclass\n\n\n@dataclass\nclass C:\n    hidden: int\n"
            "    layers: int = depth()\n    width: int = 2\n\n    def __post_init__(self):\n"
            "        self.width = 3\n"
        )
    )
    copy = pickle.loads(pickle.dumps(index))
    assert copy == index
    fields = dict(copy.records["C"])
    assert [fields[name] for name in ("hidden", "layers", "width")] == [
        REQUIRED,
        NOT_LITERAL,
        WRITTEN,
    ]
    assert all(
        fields[name] is marker
        for name, marker in (("hidden", REQUIRED), ("layers", NOT_LITERAL), ("width", WRITTEN))
    )


PACKAGED = {
    "pkg/__init__.py": "VALUE = 1\n",
    "pkg/steps.py": "def step(rnn):\n    return rnn\n",
    "h.py": "from pkg import steps\nsteps.step(1)\n",
    "i.py": "from pkg import VALUE\nstep(VALUE)\n",
}


def test_a_package_that_imports_nothing_by_the_name_is_not_indexed_to_rule_a_caller_out(
    tmp_path: Path,
) -> None:
    _written(tmp_path, PACKAGED)
    files = [(str(tmp_path / name), text.encode()) for name, text in PACKAGED.items()]
    steps = str(tmp_path / "pkg" / "steps.py")
    alone = Project.of([f for f in files if not f[0].endswith("h.py")], (str(tmp_path),))
    assert alone.callers(steps, "step", 10) == ()
    assert not {str(tmp_path / "pkg" / "__init__.py"), str(tmp_path / "i.py")} & set(alone._indexes)
    project = Project.of(files, (str(tmp_path),))
    assert project.callers(steps, "step", 10) == (str(tmp_path / "h.py"),)
    unscanned = _unscanned(files, (str(tmp_path),))
    assert unscanned.callers(steps, "step", 10) == (str(tmp_path / "h.py"),)
    assert str(tmp_path / "pkg" / "__init__.py") in unscanned._indexes


REEXPORTED = {
    "lib.py": "def step(rnn):\n    return rnn\n",
    "pkg/__init__.py": "from .other import step\n",
    "pkg/other.py": "def step(x):\n    return x\n",
    "fwd/__init__.py": "from .mid import step\n",
    "fwd/mid.py": "from lib import step\n",
    "j.py": "from pkg import step\nstep(1)\n",
    "k.py": "from fwd import step\nstep(1)\n",
}


def test_a_caller_whose_import_is_re_exported_from_elsewhere_is_not_indexed(
    tmp_path: Path,
) -> None:
    _written(tmp_path, REEXPORTED)
    files = [(str(tmp_path / name), text.encode()) for name, text in REEXPORTED.items()]
    lib = str(tmp_path / "lib.py")
    project = Project.of(files, (str(tmp_path),))
    assert project.callers(lib, "step", 10) == (str(tmp_path / "k.py"),)
    unread = {str(tmp_path / name) for name in ("j.py", "pkg/__init__.py", "pkg/other.py")}
    assert not unread & set(project._indexes)
    unscanned = _unscanned(files, (str(tmp_path),))
    assert unscanned.callers(lib, "step", 10) == (str(tmp_path / "k.py"),)
    assert unread <= set(unscanned._indexes)


def test_the_files_that_receive_an_rnn_are_those_whose_import_lines_name_a_builder(
    tmp_path: Path,
):
    """`_receiving` looks for the builders' module names by a plain search before the pattern:
    a name inside a longer word, or outside an import line, or a module that builds none, is
    no import of a builder, and each real one is found."""
    files = {
        "model.py": MODEL,
        "seq.py": "import torch.nn as nn\n\n\ndef make():\n    return nn.LSTM(4, 8)\n",
        "plain.py": "def helper():\n    return 1\n",
        "child.py": CHILD.replace("Encoder", "Other").replace("from model", "from plain"),
        "train.py": "from model import Encoder\n",
        "script.py": "import seq\n",
        "star.py": "from seq import *\n",
        "longer.py": "from models import Encoder\nimport sequence\nmodel_name = 'x'\n",
        "said.py": "# see model and seq\nvalue = model = seq = 1\n",
        "helper.py": "from plain import helper\nfrom seq import unrelated\n",
    }
    project, paths = _project(tmp_path, files)
    assert project.receiving == {str(paths[name]) for name in ("train.py", "script.py", "star.py")}


@pytest.mark.parametrize("path", ["/p/pkg/sub/model.py", "/p/pkg/__init__.py", "model.py"])
def test_an_import_names_a_module_by_its_stem_or_a_folder_above_it(path):
    """`_names_module` against the words of the path, spelled out."""
    stem = Path(path).stem
    folders = str(Path(path).parent).split("/") if "/" in path else [""]
    for module in (None, "", "model", "pkg.sub", "other.model", "pkg", "p", "x.y", "sub"):
        for name in (None, "model", "sub", "make", "__init__"):
            named = {*(module or "").split("."), name}
            expected = stem in named or bool(named & set(folders))
            imported = project_module.Import(module, 0, name)
            words = project_module._module_words(path)
            assert project_module._names_module(imported, words) == expected, (module, name)
