"""The README's commands are the ones CI runs and the ones that work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    test_command = next(c for c in _commands() if "pytest" in c)
    assert test_command in ci


def test_the_examples_command_finds_the_examples_mistakes() -> None:
    examples_command = next(c for c in _commands() if "examples" in c)
    assert examples_command.endswith("-m rnncheck examples/")
    done = subprocess.run(
        [sys.executable, "-m", "rnncheck", "examples/", "--output-format", "concise"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    flagged = {line.split(":")[0] for line in done.stdout.splitlines() if ": RNN" in line}
    assert flagged == {str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*.py")}


def test_every_rule_is_in_the_readme_table() -> None:
    from rnncheck.rules import ALL_RULES

    for rule in ALL_RULES:
        assert f"| {rule.code} | {rule.name} |" in README
