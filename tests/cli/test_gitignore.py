"""What git ignores is skipped while walking folders, with git itself as the judge of what that is."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from rnncheck import gitignore
from rnncheck.discovery import Exclusion, python_files, walk

from .conftest import FINDING, relative, write


@pytest.fixture(autouse=True)
def own_git_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No global or system git configuration, and no global excludes file, of the machine's own."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return home


def git(*arguments: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def found(project: Path, *paths: str, respect: bool = True, force: bool = False) -> list[str]:
    return relative(python_files(list(paths or ["."]), Exclusion((), str(project), respect), force))


TREE = {
    ".gitignore": "build/\ndata/**\n!data/keep.py\n*_tmp.py\n/top.py\nlogs\n",
    "top.py": "",
    "pkg/top.py": "",
    "pkg/m.py": "",
    "pkg/m_tmp.py": "",
    "pkg/logs/l.py": "",
    "pkg/.gitignore": "!m_tmp.py\nlocal.py\n",
    "pkg/local.py": "",
    "pkg/deep/local.py": "",
    "pkg/deep/.gitignore": "!local.py\n",
    "build/b.py": "",
    "build/.gitignore": "!b.py\n",
    "src/build/b.py": "",
    "data/x.py": "",
    "data/keep.py": "",
    "data/sub/y.py": "",
    "secret.py": "",
    "personal.py": "",
    "notes.py": "",
}
"""Nested .gitignore files, negations, folder patterns, anchoring, and a re-inclusion that git
refuses because the folder above is ignored (build/.gitignore's `!b.py`)."""


@pytest.fixture
def repository(project: Path, own_git_settings: Path) -> Path:
    write(project, TREE)
    git("init", "--quiet", cwd=project)
    write(project, {".git/info/exclude": "secret.py\n", "global-ignore": "personal.py\n"})
    git("config", "--global", "core.excludesFile", str(project / "global-ignore"), cwd=project)
    return project


def test_the_files_walked_are_those_git_does_not_ignore(repository):
    listed = git("ls-files", "--others", "--exclude-standard", cwd=repository).split()
    untracked = sorted(name for name in listed if name.endswith(".py"))
    assert found(repository) == untracked
    assert untracked == [
        "data/keep.py",
        "notes.py",
        "pkg/deep/local.py",
        "pkg/m.py",
        "pkg/m_tmp.py",
        "pkg/top.py",
    ]


def test_turned_off_everything_is_walked(repository):
    assert len(found(repository, respect=False)) == len([n for n in TREE if n.endswith(".py")])


def test_an_ignored_folder_is_not_entered_and_each_file_is_read_once(repository, monkeypatch):
    read: list[str] = []
    original = gitignore.IgnoreFile.read.__func__

    def recording(cls, path, folder):
        read.append(os.path.relpath(path, repository))
        return original(cls, path, folder)

    monkeypatch.setattr(gitignore.IgnoreFile, "read", classmethod(recording))
    found(repository, ".", "pkg", "pkg/deep")
    assert "build/.gitignore" not in read
    assert sorted(read) == sorted(set(read))
    assert {".gitignore", "pkg/.gitignore", "pkg/deep/.gitignore", ".git/info/exclude"} <= set(read)


def test_a_named_ignored_file_is_checked_unless_force_exclude(repository):
    named = ["pkg/m_tmp.py", "top.py", "build/b.py", "data/sub/y.py", "secret.py", "pkg/m.py"]
    assert found(repository, *named) == sorted(named)
    assert found(repository, *named, force=True) == ["pkg/m.py", "pkg/m_tmp.py"]


def test_a_named_ignored_folder_is_walked_unless_force_exclude(repository):
    assert found(repository, "build") == ["build/b.py"]
    assert found(repository, "build", force=True) == []


def test_patterns_are_relative_to_their_own_folder(project):
    write(project, {"a/.gitignore": "/m.py\n", "a/m.py": "", "a/b/m.py": "", "m.py": ""})
    git("init", "--quiet", cwd=project)
    assert found(project) == ["a/b/m.py", "m.py"]


def test_outside_a_repository_nothing_is_ignored(project):
    write(project, {".gitignore": "*.py\n", "m.py": "", "sub/n.py": ""})
    assert found(project) == ["m.py", "sub/n.py"]


def test_a_repository_below_the_walk_has_its_own_rules(project):
    write(project, {".gitignore": "m.py\n", "m.py": "", "inner/m.py": "", "inner/n.py": ""})
    write(project, {"inner/.gitignore": "n.py\n"})
    git("init", "--quiet", cwd=project)
    git("init", "--quiet", cwd=project / "inner")
    assert found(project) == ["inner/m.py"]


def test_a_worktree_reads_the_main_repository_exclude_file(project):
    main = project / "main"
    write(main, {"m.py": "", ".gitignore": ""})
    git("init", "--quiet", cwd=main)
    git("add", ".", cwd=main)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "m", cwd=main)
    git("worktree", "add", "--quiet", str(project / "other"), cwd=main)
    write(project, {"main/.git/info/exclude": "local_*.py\n", "other/local_a.py": ""})
    assert found(project / "other", "other") == ["other/m.py"]


def test_the_default_global_excludes_file(project, own_git_settings):
    write(own_git_settings, {".config/git/ignore": "*_scratch.py\n"})
    write(project, {"m.py": "", "m_scratch.py": ""})
    git("init", "--quiet", cwd=project)
    assert found(project) == ["m.py"]


def test_without_git_installed_the_default_global_file_still_counts(
    project, own_git_settings, monkeypatch
):
    write(own_git_settings, {".config/git/ignore": "*_scratch.py\n"})
    write(project, {".gitignore": "gen/\n", "m.py": "", "m_scratch.py": "", "gen/g.py": ""})
    git("init", "--quiet", cwd=project)
    monkeypatch.setenv("PATH", str(project / "no-such-folder"))
    assert found(project) == ["m.py"]


def test_the_walker_alone_skips_the_same(repository):
    assert relative(sorted(walk(str(repository), Exclusion((), str(repository))))) == found(
        repository
    )


def test_the_setting_and_the_flags(rnncheck, project):
    write(project, {".gitignore": "gen/\n", "gen/g.py": FINDING, "m.py": ""})
    git("init", "--quiet", cwd=project)
    assert rnncheck().code == 0
    assert rnncheck("--no-respect-gitignore").code == 1
    write(project, {"pyproject.toml": "[tool.rnncheck]\nrespect-gitignore = false\n"})
    assert rnncheck().code == 1
    assert rnncheck("--respect-gitignore").code == 0
    assert rnncheck("--respect-gitignore", "--no-respect-gitignore").code == 1
    assert rnncheck("--respect-gitignore", "gen/g.py").code == 1
    assert rnncheck("--force-exclude", "--respect-gitignore", "gen/g.py").code == 0


def test_the_setting_must_be_a_boolean(rnncheck, project):
    write(project, {"pyproject.toml": '[tool.rnncheck]\nrespect-gitignore = "no"\n'})
    run = rnncheck()
    assert run.code == 2
    assert "`respect-gitignore` in [tool.rnncheck] must be true or false" in run.err


def test_a_pattern_pathspec_cannot_read_is_skipped_as_git_skips_it(project):
    write(project, {".gitignore": "[z-a]\n!\nm_*.py\n", "m_x.py": "", "n.py": ""})
    git("init", "--quiet", cwd=project)
    assert found(project) == ["n.py"]
    assert "m_x.py" not in git("ls-files", "--others", "--exclude-standard", cwd=project)
