"""The cache: a file is read again only when its content, the configuration or a project fact
its reading used has changed; a broken or unwritable cache never changes what is reported."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from rnncheck import cache, cli, driver, engine, outline, project, queries, runner
from rnncheck.rules import ALL_RULES
from rnncheck.scan import Scan
from rnncheck.source import digest
from tests import test_calls
from tests.helpers import SHARED_CASES, needs_shared_cases

MODEL = """\
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, layers, dropout):
        super().__init__()
        self.rnn = nn.LSTM(4, 8, num_layers=layers, dropout=dropout)
"""
TRAIN = "from model import Encoder\n\nencoder = Encoder({layers}, 0.5)\n"
"""Builds model.py's class: with one layer, model.py's dropout is reported (RNN401)."""
OTHER = "import torch.nn as nn\n\ngru = nn.GRU(4, 8, dropout=0.1)\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cache.VARIABLE, raising=False)
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "train.py").write_text(TRAIN.format(layers=1))
    (tmp_path / "other.py").write_text(OTHER)
    return tmp_path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each file is read by the engine (not taken from the cache)."""
    counted: Counter[str] = Counter()
    check_source = engine.check_source

    def counting(source: bytes, path: str, *arguments: object, **keywords: object) -> object:
        counted[os.path.basename(path)] += 1
        return check_source(source, path, *arguments, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check_source", counting)
    return counted


def run(tree: Path, folder: str | None = None, rules: tuple[type, ...] = ALL_RULES) -> list[str]:
    """One in-process run with the cache in `folder` (default: the tree's own)."""
    kept = cache.Cache.open(folder or cache.location(str(tree)))
    paths = sorted(str(tree / name) for name in os.listdir(tree) if name.endswith(".py"))
    results = runner.check_files([(path, rules) for path in paths], jobs=1, kept=kept)
    return [f"{os.path.basename(f.path)}:{f.row}:{f.code}" for f in results.findings]


def test_a_second_run_reads_nothing_and_reports_the_same(tree, reads):
    first = run(tree)
    assert first == ["model.py:7:RNN401", "other.py:3:RNN401"]
    assert reads == {"model.py": 1, "other.py": 1, "train.py": 1}  # it imports an RNN's module
    assert run(tree) == first
    assert reads == {"model.py": 1, "other.py": 1, "train.py": 1}


def test_a_changed_file_is_read_again_and_only_it(tree, reads):
    run(tree)
    (tree / "other.py").write_text(OTHER.replace("dropout=0.1", "num_layers=2, dropout=0.1"))
    assert run(tree) == ["model.py:7:RNN401"]
    assert reads == {"model.py": 1, "other.py": 2, "train.py": 1}


def test_a_changed_construction_elsewhere_invalidates_the_findings_that_rest_on_it(tree, reads):
    run(tree)
    (tree / "train.py").write_text(TRAIN.format(layers=2))
    assert run(tree) == ["other.py:3:RNN401"]
    assert reads == {"model.py": 2, "other.py": 1, "train.py": 2}


def test_a_change_elsewhere_in_that_file_invalidates_nothing(tree, reads):
    run(tree)
    (tree / "train.py").write_text(TRAIN.format(layers=1) + "steps = 10\n")
    assert run(tree) == ["model.py:7:RNN401", "other.py:3:RNN401"]
    assert reads == {"model.py": 1, "other.py": 1, "train.py": 2}


def test_a_changed_configuration_reads_again(tree, reads):
    run(tree)
    fewer = tuple(rule for rule in ALL_RULES if rule.code != "RNN401")
    assert run(tree, rules=fewer) == []
    assert reads == {"model.py": 2, "other.py": 2, "train.py": 2}


def test_a_corrupt_entry_is_recomputed_and_repaired(tree, reads):
    first = run(tree)
    entries = list(Path(cache.location(str(tree))).glob("*/findings/*"))
    assert len(entries) == 3
    for number, entry in enumerate(entries):
        if number % 2:
            entry.write_bytes(b"\x80\x81")  # not even text
        else:
            entry.write_text('{"path": ')  # cut short
    assert run(tree) == first
    assert reads == {"model.py": 2, "other.py": 2, "train.py": 2}
    assert run(tree) == first
    assert reads == {"model.py": 2, "other.py": 2, "train.py": 2}


def test_an_entry_for_other_content_is_not_trusted(tree, reads):
    run(tree)
    for entry in Path(cache.location(str(tree))).glob("*/findings/*"):
        plain = json.loads(entry.read_text())
        plain["findings"] = []  # what the cache says, if it were believed
        entry.write_text(json.dumps(plain))
    (tree / "other.py").write_text(OTHER + "\n")
    assert run(tree) == ["other.py:3:RNN401"]  # model.py's emptied entry is still valid
    assert reads == {"model.py": 1, "other.py": 2, "train.py": 1}


def test_the_folder_is_tagged_and_ignored_by_git(tree):
    run(tree)
    folder = Path(cache.location(str(tree)))
    assert folder == tree / ".rnncheck_cache"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (folder / ".gitignore").read_text() == "*\n"


def test_an_unwritable_cache_is_no_cache(tree, reads):
    (tree / "blocker").write_text("a file, not a folder")
    unusable = str(tree / "blocker" / "cache")
    assert cache.Cache.open(unusable) is None
    assert run(tree, unusable) == ["model.py:7:RNN401", "other.py:3:RNN401"]
    assert run(tree, unusable) == ["model.py:7:RNN401", "other.py:3:RNN401"]
    assert reads == {"model.py": 2, "other.py": 2, "train.py": 2}


def test_cache_dir_and_its_variable_move_the_cache(tree, monkeypatch, capsys):
    assert cli.main(["--cache-dir", "elsewhere", "-q"]) == 1
    assert list((tree / "elsewhere").glob("*/findings/*"))
    monkeypatch.setenv(cache.VARIABLE, str(tree / "from-variable"))
    assert cli.main(["-q"]) == 1
    assert list((tree / "from-variable").glob("*/findings/*"))
    assert not (tree / ".rnncheck_cache").exists()
    capsys.readouterr()


def test_no_cache_neither_reads_nor_writes(tree, capsys):
    assert cli.main(["-q"]) == 1
    for entry in Path(cache.location(str(tree))).glob("*/findings/*"):
        plain = json.loads(entry.read_text())
        plain["findings"] = []
        entry.write_text(json.dumps(plain))
    capsys.readouterr()
    assert cli.main(["-q"]) == 0  # the doctored cache is believed: it is what is read
    assert cli.main(["-q", "--no-cache"]) == 1
    assert "RNN401" in capsys.readouterr().out
    elsewhere = tree / "never"
    assert cli.main(["-q", "--no-cache", "--cache-dir", str(elsewhere)]) == 1
    assert not elsewhere.exists()


def test_fixing_does_not_take_findings_from_the_cache(tree, capsys):
    assert cli.main(["-q"]) == 1
    assert cli.main(["-q", "--fix"]) == 1  # model.py's finding has no fix: one is left
    assert (tree / "other.py").read_text() == "import torch.nn as nn\n\ngru = nn.GRU(4, 8)\n"
    capsys.readouterr()


def test_two_runs_at_once_both_report_everything_and_leave_whole_entries(tree):
    for number in range(30):  # enough files for the runs to overlap
        (tree / f"copy{number}.py").write_text(OTHER)
    command = [sys.executable, "-m", "rnncheck", "--output-format", "json", "--jobs", "1"]
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    runs = [
        subprocess.Popen(command, cwd=tree, env=environment, stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [json.loads(process.communicate()[0]) for process in runs]
    assert [process.returncode for process in runs] == [1, 1]
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 32
    entries = list(Path(cache.location(str(tree))).glob("*/findings/*"))
    assert len(entries) == 33  # train.py's too: it imports model.py, which builds an RNN
    for entry in entries:
        json.loads(entry.read_text())
    assert not list(Path(cache.location(str(tree))).glob("*/findings/.tmp-*"))


@needs_shared_cases
def test_findings_are_the_same_with_and_without_the_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.VARIABLE, raising=False)
    command = [sys.executable, "-m", "rnncheck", "--output-format", "json", str(SHARED_CASES)]
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}

    def report(*arguments: str) -> str:
        done = subprocess.run(
            [*command, *arguments], env=environment, capture_output=True, text=True, check=False
        )
        assert done.returncode == 1, done.stderr
        return done.stdout

    folder = str(tmp_path / "cache")
    uncached = report("--no-cache")
    assert report("--cache-dir", folder) == uncached  # cold: computed and written
    assert list(Path(folder).glob("*/findings/*"))
    assert report("--cache-dir", folder) == uncached  # warm: read back


ENCODER = """\
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 8, num_layers={layers})

    def forward(self, x):
        _, h = self.gru(x)
        return h
"""
USER = (
    "from encoder import Encoder\n\n\ndef final_gru_state(x):\n    return Encoder()(x).squeeze(0)\n"
)
"""Calls encoder.py's module: with two layers, its h_n has two rows (RNN206)."""


def test_every_file_that_read_another_is_invalidated_when_it_changes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "encoder.py").write_text(ENCODER.format(layers=2))
    for name in ("first.py", "second.py"):
        (tmp_path / name).write_text(USER)
    assert run(tmp_path) == ["first.py:5:RNN206", "second.py:5:RNN206"]
    (tmp_path / "encoder.py").write_text(ENCODER.format(layers=1))
    assert run(tmp_path) == []


def test_indexes_are_kept_by_content_and_read_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "settings.py").write_text("LAYERS = 2\n")
    encoder = "from settings import LAYERS\n" + ENCODER.format(layers="LAYERS")
    (tmp_path / "encoder.py").write_text(encoder)
    (tmp_path / "first.py").write_text(USER)
    parsed: list[str] = []
    made = project._parsed_index

    def counting(content: bytes) -> object:
        parsed.append(content.decode())
        return made(content)

    monkeypatch.setattr(project, "_parsed_index", counting)
    folder = str(tmp_path / "cache")
    assert run(tmp_path, folder) == ["first.py:5:RNN206"]
    assert "LAYERS = 2\n" in parsed  # settings.py is read only for its names
    kept = cache.Cache.open(folder)
    assert kept is not None
    files = [(str(p), p.read_bytes()) for p in sorted(tmp_path.glob("*.py"))]
    assert all(
        kept.indexes[digest(content)] == made(content)
        for _, content in files
        if content.decode() in parsed
    )
    (tmp_path / "first.py").write_text(USER + "\n")  # read again, with settings.py's index kept
    parsed.clear()
    assert run(tmp_path, folder) == ["first.py:5:RNN206"]
    assert "LAYERS = 2\n" not in parsed


def test_an_unreadable_index_file_is_no_index(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "encoder.py").write_text(ENCODER.format(layers=2))
    (tmp_path / "first.py").write_text(USER)
    folder = str(tmp_path / "cache")
    run(tmp_path, folder)
    (kept_file,) = Path(folder).glob("*/indexes.json")
    kept_file.write_text('{"0123": {"classes": 3}}')
    assert cache.Cache.open(folder).indexes == {}  # type: ignore[union-attr]
    (tmp_path / "first.py").write_text(USER + "\n")
    assert run(tmp_path, folder) == ["first.py:5:RNN206"]


def test_an_unchanged_project_is_not_modelled_again(tree, reads, monkeypatch):
    first = run(tree)
    built: list[object] = []
    of = project.Project.of

    def counting(*arguments: object, **keywords: object) -> project.Project:
        built.append(arguments)
        return of(*arguments, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(project.Project, "of", counting)
    assert run(tree) == first
    assert built == []  # every entry was kept for this very state of the project
    (tree / "notes.py").write_text("steps = 10\n")  # a new file: the queries are asked again
    assert run(tree) == first
    assert len(built) == 1
    assert run(tree) == first
    assert len(built) == 1  # the entries were found to hold for this state (holding.json)
    assert reads == {"model.py": 1, "other.py": 1, "train.py": 1}


def test_an_entry_written_since_it_was_found_to_hold_is_not_taken_for_it(tree):
    """holding.json names each entry by its content and its own state: a note left by another
    run (two at once) for an entry that was replaced since is not trusted."""
    first = run(tree)
    (tree / "notes.py").write_text("steps = 10\n")
    assert run(tree) == first  # model.py's entry held for this state: noted
    (holding,) = Path(cache.location(str(tree))).glob("*/holding.json")
    noted = holding.read_text()
    (tree / "train.py").write_text(TRAIN.format(layers=2))
    assert run(tree) == ["other.py:3:RNN401"]  # model.py's entry is replaced
    holding.write_text(noted)  # as another run, still in the earlier state, would leave it
    (tree / "train.py").write_text(TRAIN.format(layers=1))  # the state noted, again
    assert run(tree) == first


def test_questions_of_paths_alone_are_asked_again_only_when_a_file_is_added(tmp_path):
    """Where an import leads (`Project.module_file`) is decided by the paths alone: after an
    edit that adds no file an entry does not ask it again, after one that adds a file it does;
    a question about a text is asked again either way. An entry that heard "elsewhere" for
    where `import settings` leads is taken only when that question is not asked again."""
    roots = (str(tmp_path),)
    train, settings = str(tmp_path / "train.py"), str(tmp_path / "settings.py")
    files = {train: b"import settings\n", settings: b"LAYERS = 1\n"}

    def entry(question: queries.Question, heard: object) -> list[str] | None:
        """A fresh entry for train.py that heard `heard`, then its findings after the edit."""
        kept = cache.Cache.open(str(tmp_path / f"cache-{question[0]}-{heard}"))
        assert kept is not None
        written = cache.state(before.items(), roots), cache.listing(before, roots)
        record = {question: queries.fingerprint(heard)}
        kept.keep(train, files[train], "rules", *written, record, [])
        now = cache.state(files.items(), roots), cache.listing(files, roots)
        found = kept.findings(
            train, files[train], "rules", *now, lambda: project.Project.of(files.items(), roots)
        )
        return None if found is None else [str(finding) for finding in found]

    where = ("Project.module_file", (train, "settings", 0))
    text = ("Project.mentions_rnn", (settings,))
    before = dict(files)
    files[settings] = b"LAYERS = 1\nKIND = 'lstm'\n"
    assert entry(where, "elsewhere") == []  # not asked: the same paths lead the same way
    assert entry(text, False) is None  # asked: settings.py mentions an RNN now
    before = dict(files)
    files[str(tmp_path / "notes.py")] = b"steps = 10\n"
    assert entry(where, "elsewhere") is None  # asked: a file was added
    assert entry(where, settings) == []


def test_the_files_that_receive_an_rnn_are_kept_per_state_and_a_broken_record_is_recomputed(
    tree, reads
):
    first = run(tree)
    (kept_file,) = Path(cache.location(str(tree))).glob("*/receiving.json")
    kept = json.loads(kept_file.read_text())
    assert [Path(path).name for path in kept["paths"]] == ["train.py"]
    kept_file.write_text('{"state": 3}')
    (tree / "notes.py").write_text("steps = 10\n")
    assert run(tree) == first
    assert [Path(p).name for p in json.loads(kept_file.read_text())["paths"]] == ["train.py"]


def test_a_run_whose_findings_all_come_from_the_cache_never_imports_libcst(tree):
    command = [
        sys.executable,
        "-c",
        "import sys; from rnncheck import cli; code = cli.main(sys.argv[1:]); "
        "print('libcst' in sys.modules); sys.exit(code)",
        "--cache-dir",
        str(tree / "cache"),
        "--exit-zero",
        str(tree),
    ]
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}

    def imported() -> str:
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
        return done.stdout.splitlines()[-1]

    assert imported() == "True"  # cold: the files are read
    assert imported() == "False"


def test_scans_are_kept_by_content_and_only_a_changed_file_is_scanned_again(tree, monkeypatch):
    folder = str(tree / "cache")
    first = run(tree, folder)
    kept = cache.Cache.open(folder)
    assert kept is not None
    contents = {p.name: p.read_bytes() for p in tree.glob("*.py")}
    assert kept.scans == {digest(c): Scan.of(c) for c in contents.values()}
    scanned: list[bytes] = []
    of = Scan.of.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Scan], content: bytes) -> Scan:
        scanned.append(content)
        return of(cls, content)

    monkeypatch.setattr(Scan, "of", classmethod(counting))
    (tree / "train.py").write_text(TRAIN.format(layers=1) + "steps = 10\n")
    assert run(tree, folder) == first
    assert scanned == [(tree / "train.py").read_bytes()]


def test_scans_are_written_again_only_when_many_are_lacking(tree, monkeypatch):
    for number in range(cache.RESCAN):
        (tree / f"step{number}.py").write_text(f"steps = {number}\n")
    folder = str(tree / "cache")
    first = run(tree, folder)
    (kept_file,) = Path(folder).glob("*/scans.json")
    written = kept_file.read_text()
    scanned: list[str] = []
    of = Scan.of.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        Scan, "of", classmethod(lambda c, content: scanned.append(content) or of(c, content))
    )
    (tree / "step0.py").write_text("steps = 100\n")  # one of 67 lacking: not worth a write
    assert run(tree, folder) == first
    assert run(tree, folder) == first  # nothing to model: nothing scanned
    assert kept_file.read_text() == written
    assert scanned == [b"steps = 100\n"]
    (tree / "step1.py").write_text("steps = 101\n")  # two of 67: written
    assert run(tree, folder) == first
    assert scanned == [b"steps = 100\n", b"steps = 100\n", b"steps = 101\n"]
    kept = cache.Cache.open(folder)
    assert kept is not None
    assert {digest(b"steps = 100\n"), digest(b"steps = 101\n")} <= kept.scans.keys()


def test_an_unreadable_scan_file_is_no_scan(tree):
    folder = str(tree / "cache")
    first = run(tree, folder)
    (kept_file,) = Path(folder).glob("*/scans.json")
    kept_file.write_text('{"0123": [true, true, [3], [], [], [], false]}')
    assert cache.Cache.open(folder).scans == {}  # type: ignore[union-attr]
    (tree / "train.py").write_text(TRAIN.format(layers=1) + "\n")
    assert run(tree, folder) == first


def test_calls_are_kept_and_only_a_changed_file_is_parsed_for_its_constructions(tree, monkeypatch):
    folder = str(tree / "cache")
    first = run(tree, folder)
    kept = cache.Cache.open(folder)
    assert kept is not None
    assert sorted(kept.calls.values()) == [
        [],  # model.py: `class Encoder(` only
        [
            ["Encoder", 3, "Encoder(1, 0.5)", "model", [["value", 1], ["value", 0.5]], [], False],
        ],
    ]
    parsed: list[str] = []
    calls = project._calls
    monkeypatch.setattr(
        project,
        "_calls",
        lambda p, path, *a: parsed.append(os.path.basename(path)) or calls(p, path, *a),
    )
    (tree / "other.py").write_text(OTHER + "steps = 10\n")
    assert run(tree, folder) == first
    assert parsed == []
    (tree / "train.py").write_text(TRAIN.format(layers=2))
    assert run(tree, folder) == [f for f in first if not f.startswith("model.py")]
    assert parsed == ["train.py"]


@pytest.mark.parametrize(
    "written",
    [
        "[1]",
        '{"0123": [["Encoder", 3, "Encoder(1)", null, [["value", [1]]], [], false]]}',
        '{"0123": [["Encoder", 3, "Encoder(1)", null, [["name"]], [], false]]}',
        '{"0123": [["Encoder", "3", "Encoder(1)", null, [], [], false]]}',
    ],
)
def test_an_unreadable_calls_file_is_no_calls(tree, written):
    folder = str(tree / "cache")
    first = run(tree, folder)
    (kept_file,) = Path(folder).glob("*/calls.json")
    kept_file.write_text(written)
    assert cache.Cache.open(folder).calls == {}  # type: ignore[union-attr]
    (tree / "train.py").write_text(TRAIN.format(layers=1) + "\n")
    assert run(tree, folder) == first


SIZED = ENCODER.replace("(self):", "(self, size):").replace("GRU(4,", "GRU(size,")
"""An encoder built with an argument: its class is read with it, and its module code only once,
before (`Driver.prepare`)."""


def test_a_file_read_once_for_several_checked_files_invalidates_each_of_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "settings.py").write_text("LAYERS = 2\n")
    encoder = "import settings\n\nLAYERS = settings.LAYERS\n" + SIZED.format(layers="LAYERS")
    (tmp_path / "encoder.py").write_text(encoder)
    for name in ("first.py", "second.py"):
        (tmp_path / name).write_text(USER.replace("Encoder()", "Encoder(4)"))
    prepared: Counter[str] = Counter()
    prepare = driver.Driver.prepare

    def counting(self: driver.Driver) -> None:
        prepared[os.path.basename(self.path)] += 1
        prepare(self)

    monkeypatch.setattr(driver.Driver, "prepare", counting)
    assert run(tmp_path) == ["first.py:5:RNN206", "second.py:5:RNN206"]
    assert prepared["encoder.py"] == 2  # once checked, once read for both others
    (tmp_path / "settings.py").write_text("LAYERS = 1\n")
    assert run(tmp_path) == []  # second.py's findings rest on what first.py's reading learnt


LAYERED = """\
import torch.nn as nn

LAYERS = 2


def final(x):
    gru = nn.GRU(4, 8, num_layers=LAYERS)
    _, h = gru(x)
    return h


def helper(x):
    total = x + 1
    return total
"""
CALLER = "from encoder import final\n\n\ndef last(x):\n    return final(x).squeeze(0)\n"
"""Reads encoder.py's module code and its `final`, never `helper` (RNN206: two layers)."""


@pytest.mark.parametrize(
    ("edit", "again"),
    [
        (lambda text: text.replace("x + 1", "x + 2"), False),  # a body CALLER never reads
        (lambda text: text + "\n# a comment after the code\n", False),
        (lambda text: text + "\n\ndef more():\n    return 1\n", True),  # a new name
        (lambda text: text.replace("(4, 8,", "(4, 16,"), True),  # the function CALLER reads
        (lambda text: text.replace("total = x + 1", "LAYERS = x + 1"), True),  # binds a name
        (lambda text: "\n" + text, True),  # moves `final`: its lines are in messages
        (lambda text: text.replace("LAYERS = 2", "LAYERS = 3"), True),  # the module code
    ],
)
def test_a_reader_rests_on_the_definitions_it_read_in_another_file(
    tmp_path, monkeypatch, reads, edit, again
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cache.VARIABLE, raising=False)
    (tmp_path / "encoder.py").write_text(LAYERED)
    (tmp_path / "user.py").write_text(CALLER)
    assert run(tmp_path) == ["user.py:5:RNN206"]
    reads.clear()
    (tmp_path / "encoder.py").write_text(edit(LAYERED))
    found = run(tmp_path)
    assert reads == Counter({"encoder.py": 1, **({"user.py": 1} if again else {})})
    assert found == uncached(tmp_path)


def test_a_reader_of_a_whole_module_rests_on_all_of_it(tmp_path, monkeypatch, reads):
    """USER builds `Encoder()`, whose attributes come from the module's generic reading: every
    class and function of it is read, in order, and each may change what the next one gives."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cache.VARIABLE, raising=False)
    (tmp_path / "encoder.py").write_text(
        ENCODER.format(layers=2) + "\n\ndef helper():\n    return 1\n"
    )
    (tmp_path / "user.py").write_text(USER)
    assert run(tmp_path) == ["user.py:5:RNN206"]
    reads.clear()
    (tmp_path / "encoder.py").write_text(
        ENCODER.format(layers=2) + "\n\ndef helper():\n    return 2\n"
    )
    assert run(tmp_path) == ["user.py:5:RNN206"]
    assert reads == Counter({"encoder.py": 1, "user.py": 1})


def uncached(tree: Path) -> list[str]:
    paths = sorted(str(tree / name) for name in os.listdir(tree) if name.endswith(".py"))
    results = runner.check_files([(path, ALL_RULES) for path in paths], jobs=1, kept=None)
    return [f"{os.path.basename(f.path)}:{f.row}:{f.code}" for f in results.findings]


def layered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """encoder.py (LAYERED) with two files calling its `final`; the outlines made, by file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cache.VARIABLE, raising=False)
    (tmp_path / "encoder.py").write_text(LAYERED)
    for name in ("first.py", "second.py"):
        (tmp_path / name).write_text(CALLER)
    made: list[str] = []
    summary = outline.summary
    monkeypatch.setattr(outline, "summary", lambda text: made.append(text or "") or summary(text))
    return made


def test_outlines_are_kept_and_only_a_changed_file_is_outlined_again(tmp_path, monkeypatch):
    made = layered(tmp_path, monkeypatch)
    folder = str(tmp_path / "cache")
    assert run(tmp_path, folder) == ["first.py:5:RNN206", "second.py:5:RNN206"]
    assert made == [LAYERED]  # once for both readers
    kept = cache.Cache.open(folder)
    assert kept is not None
    assert list(kept.outlines) == [digest(LAYERED.encode())]
    made.clear()
    (tmp_path / "second.py").write_text(CALLER + "\n")  # its reader asks again: kept
    assert run(tmp_path, folder) == ["first.py:5:RNN206", "second.py:5:RNN206"]
    assert made == []
    edited = LAYERED.replace("(4, 8,", "(4, 16,")
    (tmp_path / "encoder.py").write_text(edited)
    assert run(tmp_path, folder) == ["first.py:5:RNN206", "second.py:5:RNN206"]
    assert made == [edited]


def test_outlines_made_in_worker_processes_are_kept(tmp_path, monkeypatch):
    layered(tmp_path, monkeypatch)
    folder = str(tmp_path / "cache")
    kept = cache.Cache.open(folder)
    paths = sorted(str(tmp_path / name) for name in os.listdir(tmp_path) if name.endswith(".py"))
    runner.check_files([(path, ALL_RULES) for path in paths], jobs=2, kept=kept)
    assert list(cache.Cache.open(folder).outlines) == [digest(LAYERED.encode())]  # type: ignore[union-attr]


def test_indexes_made_in_worker_processes_are_kept(tmp_path, monkeypatch):
    layered(tmp_path, monkeypatch)
    record = "\n\n@dataclass\nclass Settings:\n    size: int\n    depth: int = 2\n"
    encoder = "from dataclasses import dataclass\n" + LAYERED + record  # a field REQUIRED
    (tmp_path / "encoder.py").write_text(encoder)
    paths = sorted(str(tmp_path / name) for name in os.listdir(tmp_path) if name.endswith(".py"))
    kept = {}
    for jobs in (1, 2):
        folder = str(tmp_path / f"cache{jobs}")
        runner.check_files(
            [(p, ALL_RULES) for p in paths], jobs=jobs, kept=cache.Cache.open(folder)
        )
        kept[jobs] = cache.Cache.open(folder).indexes  # type: ignore[union-attr]
    assert digest(encoder.encode()) in kept[1]  # asked for by the readers of encoder.py
    assert kept[2] == kept[1]


@pytest.mark.parametrize(
    "written", ["[1]", '{"0123": ["a", {"f": 1}]}', '{"0123": [1, {}]}', '{"0123": ["a"]}']
)
def test_an_unreadable_outlines_file_is_no_outlines(tmp_path, monkeypatch, written):
    layered(tmp_path, monkeypatch)
    folder = str(tmp_path / "cache")
    first = run(tmp_path, folder)
    (kept_file,) = Path(folder).glob("*/outlines.json")
    kept_file.write_text(written)
    assert cache.Cache.open(folder).outlines == {}  # type: ignore[union-attr]
    (tmp_path / "encoder.py").write_text(LAYERED.replace("x + 1", "x + 2"))
    assert run(tmp_path, folder) == first


def test_a_callers_reading_taken_by_several_files_invalidates_each_of_them(tmp_path, monkeypatch):
    """lib.py is read once for model.py's and other.py's `use` (`driver.generic_reading`);
    the second file takes that reading, and the queries it asked, from the first."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib.py").write_text(test_calls.CALLER)
    for name in ("model.py", "other.py"):
        (tmp_path / name).write_text(test_calls.USER)
    read: Counter[str] = Counter()
    generic = driver.Driver.generic

    def counting(self: driver.Driver) -> driver.Driver:
        if self.foreign and not self.done and driver._WORLDS[-1].root is self:
            read[os.path.basename(self.path)] += 1
        return generic(self)

    monkeypatch.setattr(driver.Driver, "generic", counting)
    assert run(tmp_path) == ["model.py:6:RNN201", "other.py:6:RNN201"]
    assert read == {"lib.py": 1}
    assert run(tmp_path, str(tmp_path / "elsewhere")) == run(tmp_path)
    unidirectional = test_calls.CALLER.replace("make(2, 1)", "make(2, 0)")  # the same outline
    (tmp_path / "lib.py").write_text(unidirectional)
    assert run(tmp_path) == []


OWNED = """\
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.n_layers = 1
        self.rnn = nn.LSTM(8, 16, 2, bidirectional=True)

    def forward(self, x):
        _, (h, c) = self.rnn(x)
        return h[: self.n_layers]
"""
"""`h[: self.n_layers]` (line 12) is RNN207 while no project file may assign a Model's
`n_layers` after construction (`Project.assigns`)."""
OPTIONS = "class Options:\n    n_layers = 2\n\n\noptions = {made}()\noptions.n_layers = 4\n"
"""Assigns `n_layers` of an Options (another object: model.py's finding holds) or, with
`from model import Model` above it, of a Model (then it does not)."""


def owned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """model.py (OWNED) beside options.py (OPTIONS); the files parsed for their owners."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cache.VARIABLE, raising=False)
    (tmp_path / "model.py").write_text(OWNED)
    (tmp_path / "options.py").write_text(OPTIONS.format(made="Options"))
    (tmp_path / "other.py").write_text(OTHER)
    parsed: list[str] = []
    owners = project.owners
    monkeypatch.setattr(
        project,
        "owners",
        lambda tree, lines: parsed.append(ast.unparse(tree)) or owners(tree, lines),
    )
    return parsed


def test_owners_are_kept_and_only_a_changed_file_is_parsed_for_them_again(tmp_path, monkeypatch):
    parsed = owned(tmp_path, monkeypatch)
    folder = str(tmp_path / "cache")
    first = run(tmp_path, folder)
    assert "model.py:12:RNN207" in first
    assert len(parsed) == 1 and "options.n_layers = 4" in parsed[0]
    kept = cache.Cache.open(folder)
    assert kept is not None
    assert kept.owners == {
        digest((tmp_path / "options.py").read_bytes()): {"n_layers": ("new:Options",)}
    }
    parsed.clear()
    (tmp_path / "other.py").write_text(OTHER + "steps = 10\n")  # model.py's entry is asked again
    assert run(tmp_path, folder) == first
    assert parsed == []
    made = "from model import Model\n\n" + OPTIONS.format(made="Model")
    (tmp_path / "options.py").write_text(made)  # now a Model's `n_layers` may change
    found = run(tmp_path, folder)
    assert "model.py:12:RNN207" not in found
    assert len(parsed) == 1 and "options = Model()" in parsed[0]
    assert found == uncached(tmp_path)


def test_owners_and_looks_made_in_worker_processes_are_kept(tmp_path, monkeypatch):
    owned(tmp_path, monkeypatch)
    folder = str(tmp_path / "cache")
    kept = cache.Cache.open(folder)
    paths = sorted(str(tmp_path / name) for name in os.listdir(tmp_path) if name.endswith(".py"))
    runner.check_files([(path, ALL_RULES) for path in paths], jobs=2, kept=kept)
    again = cache.Cache.open(folder)
    assert again is not None
    options = digest((tmp_path / "options.py").read_bytes())
    assert list(again.owners) == [options]
    assert again.looks == {options: {"unbound options": False}}


def looked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts looked into before a parse (`Project._unbound`, `_set_by_name`)."""
    seen: list[str] = []
    for name in ("_unbound_in", "_set_by_name_in"):
        look = getattr(project, name)
        monkeypatch.setattr(
            project, name, lambda *a, look=look: seen.append(a[-1].decode()) or look(*a)
        )
    return seen


def test_looks_are_kept_and_only_a_changed_file_is_looked_into_again(tmp_path, monkeypatch):
    """model.py's RNN207 rests on options.py binding `options` to a call (`Project._unbound`):
    kept by the digest of its text, so that the look is not made again for an unrelated edit,
    and an options.py whose `options` is a parameter is looked into again (then the finding
    goes: that object may be a Model)."""
    owned(tmp_path, monkeypatch)
    seen = looked(monkeypatch)
    folder = str(tmp_path / "cache")
    first = run(tmp_path, folder)
    assert "model.py:12:RNN207" in first
    assert len(seen) == 1 and "options.n_layers = 4" in seen[0]
    kept = cache.Cache.open(folder)
    assert kept is not None
    options = tmp_path / "options.py"
    assert kept.looks == {digest(options.read_bytes()): {"unbound options": False}}
    seen.clear()
    (tmp_path / "other.py").write_text(OTHER + "steps = 10\n")
    assert run(tmp_path, folder) == first
    assert seen == []
    options.write_text("def configure(options):\n    options.n_layers = 4\n")
    found = run(tmp_path, folder)
    assert "model.py:12:RNN207" not in found
    assert len(seen) == 1 and "def configure" in seen[0]
    assert found == uncached(tmp_path)


def test_a_look_for_attributes_set_by_name_is_kept_by_the_text(tmp_path, monkeypatch):
    """A file that only reads `vars(options)` sets no attribute by name (`_set_by_name`): the
    look is kept, and one that now calls `setattr(options, "n_layers", ...)` is looked into
    again."""
    owned(tmp_path, monkeypatch)
    seen = looked(monkeypatch)
    tweak = tmp_path / "tweak.py"
    tweak.write_text("def tweak(options):\n    return dict(**vars(options))\n")
    folder = str(tmp_path / "cache")
    first = run(tmp_path, folder)
    assert "model.py:12:RNN207" in first
    kept = cache.Cache.open(folder)
    assert kept is not None
    assert kept.looks[digest(tweak.read_bytes())] == {"set by name": ""}
    seen.clear()
    (tmp_path / "other.py").write_text(OTHER + "steps = 10\n")
    assert run(tmp_path, folder) == first
    assert seen == []
    tweak.write_text('def tweak(options):\n    setattr(options, "n_layers", 3)\n')
    found = run(tmp_path, folder)
    assert "model.py:12:RNN207" not in found
    assert [text for text in seen if "setattr" in text]
    assert found == uncached(tmp_path)


@pytest.mark.parametrize(
    ("table", "written"),
    [
        ("owners", "[1]"),
        ("owners", '{"0123": [1]}'),
        ("owners", '{"0123": {"n": "new:A"}}'),
        ("looks", "[1]"),
        ("looks", '{"0123": [1]}'),
        ("looks", '{"0123": {"unbound options": "no"}}'),
        ("looks", '{"0123": {"set by name": true}}'),
        ("looks", '{"0123": {"other": null}}'),
    ],
)
def test_an_unreadable_owners_or_looks_file_is_none_kept(tmp_path, monkeypatch, table, written):
    owned(tmp_path, monkeypatch)
    folder = str(tmp_path / "cache")
    first = run(tmp_path, folder)
    (kept_file,) = Path(folder).glob(f"*/{table}.json")
    kept_file.write_text(written)
    assert getattr(cache.Cache.open(folder), table) == {}
    (tmp_path / "other.py").write_text(OTHER + "\n")
    assert run(tmp_path, folder) == first


SHARED = """\
from torch import nn


def last(x, layers):
    gru = nn.GRU(4, 8, num_layers=layers)
    _, h = gru(x.inputs)
    return h.squeeze(0)
"""
"""lib.py: read in each caller's context (it reads an attribute of `x`); RNN206 with two layers."""
CALLING = "from lib import last\nfrom settings import LAYERS\n\n\ndef main(x):\n    return last(x, LAYERS)\n"
"""user.py: calls `last` with settings.py's LAYERS, which tells `last` something only when it
is a literal."""


@pytest.fixture
def calling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """lib.py and its caller user.py, whose call tells nothing; how many times each file is
    prepared for another's sake."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cache.VARIABLE, raising=False)
    (tmp_path / "lib.py").write_text(SHARED)
    (tmp_path / "user.py").write_text(CALLING)
    (tmp_path / "settings.py").write_text('LAYERS = int("2")\n')
    prepared: Counter[str] = Counter()
    prepare = driver.Driver.prepare

    def counting(self: driver.Driver) -> None:
        if self.foreign:
            prepared[os.path.basename(self.path)] += 1
        prepare(self)

    monkeypatch.setattr(driver.Driver, "prepare", counting)
    return prepared


def test_a_caller_known_to_call_with_nothing_telling_is_not_read_again(tmp_path, calling):
    assert run(tmp_path) == []
    assert calling["user.py"] == 1  # read for lib.py's `last`, and kept
    calling.clear()
    (tmp_path / "lib.py").write_text(SHARED + "\n# an edit\n")
    assert run(tmp_path) == []
    assert calling["user.py"] == 0
    assert uncached(tmp_path) == []
    assert calling["user.py"] == 1  # without the cache, read


def test_a_caller_known_to_call_with_something_telling_is_read_again(tmp_path, calling):
    (tmp_path / "settings.py").write_text("LAYERS = 2\n")
    assert run(tmp_path) == ["lib.py:7:RNN206"]
    calling.clear()
    (tmp_path / "lib.py").write_text(SHARED + "\n# an edit\n")
    assert run(tmp_path) == ["lib.py:7:RNN206"]
    assert calling["user.py"] == 1


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("settings.py", "LAYERS = 2\n"),  # the caller's own text is the same
        ("user.py", CALLING.replace("(x, LAYERS)", "(x, 2)")),
    ],
)
def test_a_caller_whose_reading_would_now_tell_something_is_read_again(
    tmp_path, calling, name, text
):
    assert run(tmp_path) == []
    (tmp_path / "lib.py").write_text(SHARED + "\n# an edit\n")
    (tmp_path / name).write_text(text)
    assert run(tmp_path) == uncached(tmp_path) == ["lib.py:7:RNN206"]


def test_callers_readings_made_in_worker_processes_are_kept(tmp_path, calling):
    folder = str(tmp_path / "cache")
    paths = sorted(str(tmp_path / name) for name in os.listdir(tmp_path) if name.endswith(".py"))
    runner.check_files([(path, ALL_RULES) for path in paths], jobs=2, kept=cache.Cache.open(folder))
    kept = cache.Cache.open(folder).calling  # type: ignore[union-attr]
    assert list(kept) == [str(tmp_path / "user.py")]
    assert kept[str(tmp_path / "user.py")][1] == frozenset()


@pytest.mark.parametrize(
    "written", ["[1]", '{"u": {"record": [], "calls": [1]}}', '{"u": {"record": [1]}}']
)
def test_an_unreadable_callers_file_is_none_kept(tmp_path, calling, written):
    folder = str(tmp_path / "cache")
    assert run(tmp_path, folder) == []
    (kept_file,) = Path(folder).glob("*/callers.json")
    kept_file.write_text(written)
    assert cache.Cache.open(folder).calling == {}  # type: ignore[union-attr]
    (tmp_path / "settings.py").write_text("LAYERS = 2\n")
    assert run(tmp_path, folder) == ["lib.py:7:RNN206"]


def test_a_callers_reading_taken_from_before_rests_on_the_same_questions(tmp_path, calling):
    """A check that takes user.py's reading from `Project.known_calling` records what reading
    it would have: the questions that reading asked, with the same answers."""
    path = str(tmp_path / "lib.py")
    files = [(str(p), p.read_bytes()) for p in sorted(tmp_path.glob("*.py"))]
    model = project.Project.of(files)
    with queries.recording() as first:
        assert engine.check_source(SHARED.encode(), path, ALL_RULES, model) == []
    kept = project.Project.of(files, calling=model.known_calling)
    driver.forget_foreign()
    calling.clear()
    with queries.recording() as second:
        assert engine.check_source(SHARED.encode(), path, ALL_RULES, kept) == []
    assert calling["user.py"] == 0
    assert second == first
