"""Facts that cross files: where a class is defined, and how the checked files build it."""

from __future__ import annotations

from pathlib import Path

import rnncheck.project as project_module
from rnncheck.engine import check_source
from rnncheck.project import NOT_LITERAL, Project

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


def _project(tmp_path: Path, files: dict[str, str]) -> tuple[Project, dict[str, Path]]:
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text)
    return Project.of((str(p), p.read_bytes()) for p in paths.values()), paths


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
    assert f"{paths['train.py']}:2" in finding.message


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
    assert f"{paths['model.py']}:7" in findings[0].message


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


def test_known_constructions_are_reused_until_the_file_or_the_class_homes_change(
    monkeypatch,
) -> None:
    parsed: list[str] = []
    constructions = project_module._constructions

    def counting(path, *arguments):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return constructions(path, *arguments)

    monkeypatch.setattr(project_module, "_constructions", counting)
    files = {"model.py": MODEL.encode(), "train.py": b"from model import Encoder\nEncoder(16)\n"}
    known: dict[str, project_module.Indexed] = {}
    first = Project.of(files.items(), known)
    assert parsed == ["model.py", "train.py"]
    parsed.clear()
    assert Project.of(files.items(), known) == first
    assert parsed == []
    files["train.py"] = b"from model import Encoder\nEncoder(32)\n"
    again = Project.of(files.items(), known)
    assert parsed == ["train.py"]
    assert again == Project.of(files.items())
    parsed.clear()
    files["model.py"] = MODEL.encode() + b"\n\nclass Decoder(Encoder):\n    pass\n"
    Project.of(files.items(), known)
    assert "train.py" in parsed  # a new class in a file that builds RNNs: every file again


def test_constructions_in_decorators_and_after_lone_carriage_returns_are_indexed(
    tmp_path: Path,
) -> None:
    decorated = "from model import Encoder\n\n\n@register(Encoder(8))\ndef make():\n    pass\n"
    old_mac = "from model import Encoder\r\rx = 1\rm = Encoder(16)\r"
    for text, line in ((decorated, 4), (old_mac, 4)):
        project, paths = _project(tmp_path, {"model.py": MODEL, "train.py": text})
        built = project.constructions_of(str(paths["model.py"]), "Encoder")
        assert [(b.line, b.positional) for b in built] == [(line, (8,) if "@" in text else (16,))]
