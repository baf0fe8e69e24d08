"""File discovery: what is walked, what is skipped, and exclusion globs matched as ruff does."""

from __future__ import annotations

import pytest

from rnncheck.discovery import DEFAULT_EXCLUDE, Exclusion, python_files
from rnncheck.globs import FilePattern, FilePatterns

from .conftest import FINDING, relative, write


def test_python_sources_under_a_folder_less_the_usual_folders(project):
    write(
        project,
        {
            "pkg/m.py": "",
            "pkg/stub.pyi": "",
            "pkg/notes.txt": "",
            ".git/hooks/h.py": "",
            ".venv/lib/x.py": "",
            "env/pyvenv.cfg": "",
            "env/lib/y.py": "",
            "pkg/__pycache__/m.py": "",
            "node_modules/n.py": "",
            "rnncheck.egg-info/e.py": "",
            "build/b.py": "",
        },
    )
    found = python_files(["."], Exclusion(DEFAULT_EXCLUDE, str(project)))
    assert relative(found) == ["pkg/m.py", "pkg/stub.pyi"]


def test_named_files_are_checked_even_when_excluded(project):
    write(project, {"build/b.py": "", "script": ""})
    exclusion = Exclusion(DEFAULT_EXCLUDE, str(project))
    assert relative(python_files(["build/b.py", "script"], exclusion)) == ["build/b.py", "script"]
    assert relative(python_files(["build"], exclusion)) == ["build/b.py"]


def test_force_exclude_applies_to_named_files_and_their_folders(project):
    write(project, {"build/b.py": "", "gen/deep/g.py": "", "m.py": ""})
    exclusion = Exclusion((*DEFAULT_EXCLUDE, "gen"), str(project))
    named = ["build/b.py", "gen/deep/g.py", "m.py"]
    assert relative(python_files(named, exclusion, force_exclude=True)) == ["m.py"]


def test_duplicates_are_checked_once_in_sorted_order(project):
    write(project, {"b.py": "", "a/c.py": ""})
    found = python_files(["b.py", ".", "./b.py"], Exclusion((), str(project)))
    assert relative(found) == ["a/c.py", "b.py"]


def test_a_missing_path_is_an_error(project):
    with pytest.raises(FileNotFoundError):
        python_files(["nope.py"], Exclusion((), str(project)))


def test_force_exclude_through_the_command_line(rnncheck, project):
    write(project, {"build/b.py": FINDING})
    assert rnncheck("build/b.py").code == 1
    assert rnncheck("--force-exclude", "build/b.py").code == 0


GLOBS = [
    ("build", "/root/build", True),
    ("build", "/root/src/build", True),
    ("build", "/root/builder", False),
    ("*.egg-info", "/root/x/rnncheck.egg-info", True),
    ("tests/*.py", "/root/tests/a.py", True),
    ("tests/*.py", "/root/tests/deep/a.py", True),
    ("tests/*.py", "/root/src/tests/a.py", False),
    ("**/gen/*", "/root/a/b/gen/x.py", True),
    ("**/gen/*", "/root/gen/x.py", True),
    ("m?.py", "/root/m1.py", True),
    ("m[0-9].py", "/root/mx.py", False),
    ("m[!0-9].py", "/root/mx.py", True),
    ("*.{py,pyi}", "/root/stub.pyi", True),
    ("./src/a.py", "/root/src/a.py", True),
    ("a.py", "/root/src/a.py", True),
]


@pytest.mark.parametrize("pattern, path, matches", GLOBS)
def test_globs_match_as_in_ruff(pattern, path, matches):
    assert FilePattern(pattern, "/root").matches(path) is matches


@pytest.mark.parametrize("pattern, path, matches", GLOBS)
def test_patterns_tried_at_once_match_as_each_alone(pattern, path, matches):
    others = [FilePattern(other, "/root") for other in ("venv", "docs/*.py")]
    both = FilePatterns([others[0], FilePattern(pattern, "/root"), others[1]])
    assert both.matches(path) is (matches or any(o.matches(path) for o in others))


def test_no_patterns_match_nothing():
    assert not FilePatterns([]).matches("/root/build")
