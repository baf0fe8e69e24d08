"""Many files: the output is identical run to run and however the work is spread over processes."""

from __future__ import annotations

import gc

from rnncheck import runner

from .conftest import FINDING, write

MANY = runner.PARALLEL_FROM + 6


def many_files(project) -> None:
    kinds = ["nn.LSTM(8, 16)", "nn.GRU(8, 16)", "nn.RNN(8, 16)"]
    files = {
        f"pkg{index % 7}/m{index}.py": "import torch.nn as nn\n"
        + "".join(f"m{row} = {kinds[(index + row) % 3]}\n" for row in range(index % 4 + 1))
        for index in range(MANY)
    }
    files["pkg0/broken.py"] = "lstm = (\n"
    files["pkg1/crash.py"] = FINDING + "explode = nn.RNN(1, 2)\n"
    write(project, files)


def test_output_is_the_same_with_one_or_two_processes(rnncheck, project):
    many_files(project)
    serial = rnncheck("--output-format", "json", "--jobs", "1")
    parallel = rnncheck("--output-format", "json", "--jobs", "2")
    automatic = rnncheck("--output-format", "json")
    assert serial.code == parallel.code == automatic.code == 2  # crash.py's internal error
    assert serial.out.count('"code"') > MANY
    assert serial.out == parallel.out == automatic.out


def test_output_is_the_same_run_to_run_and_sorted(rnncheck, project):
    many_files(project)
    runs = [rnncheck("--output-format", "concise", "--jobs", "2").out for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    places = []
    for line in runs[0].splitlines()[:-1]:
        path, row, column, rest = line.split(":", 3)
        places.append((path, int(row), int(column), rest.split()[0]))
    assert places == sorted(places)


def test_work_is_spread_only_when_there_is_enough(monkeypatch):
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda _: set(range(8)), raising=False)
    assert runner._automatic(runner.PARALLEL_FROM) == 1
    assert runner._automatic(runner.PARALLEL_FROM + 1) == 2
    assert runner._automatic(100 * runner.PARALLEL_FROM) == 8


def test_garbage_is_collected_rarely_while_checking_and_as_before_after(tmp_path, monkeypatch):
    seen = []
    engine = runner._engine()
    real = engine.check_source

    def check_source(*arguments):
        seen.append(gc.get_threshold()[0])
        return real(*arguments)

    monkeypatch.setattr(engine, "check_source", check_source)
    path = tmp_path / "m.py"
    path.write_text("import torch.nn as nn\nrnn = nn.LSTM(8, 16)\n")
    before = gc.get_threshold()
    runner.check_files([(str(path), ())], jobs=1)
    runner.check_file(str(path), path.read_bytes(), (), runner.Project())
    assert seen == [runner.YOUNG_OBJECTS, runner.YOUNG_OBJECTS]
    assert gc.get_threshold() == before
