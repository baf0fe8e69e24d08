"""The rules' specification by example: every `# expect:` reported, nothing else (../shared/cases),
and the reach project (../shared/reach), whose files report the same checked whole or alone."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import SHARED_CASES, SHARED_REACH, needs_shared_cases

COMMAND = [sys.executable, "-m", "rnncheck", "--output-format", "json", "--exit-zero"]


@needs_shared_cases
@pytest.mark.parametrize("folder", [SHARED_CASES, SHARED_REACH], ids=["cases", "reach"])
def test_every_expectation_is_found_and_nothing_else_is_reported(folder: object) -> None:
    command = f"{sys.executable} -m rnncheck --output-format json"
    done = subprocess.run(
        [sys.executable, str(SHARED_CASES / "check.py"), "--cmd", command, str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 missed, 0 extra" in done.stdout


def _findings(*paths: str, cwd: object) -> list[tuple[str, int, str]]:
    done = subprocess.run([*COMMAND, *paths], capture_output=True, text=True, cwd=cwd, check=True)
    return sorted(
        (f["filename"], f["location"]["row"], f["code"]) for f in json.loads(done.stdout or "[]")
    )


@needs_shared_cases
def test_each_reach_file_checked_alone_reports_what_the_folder_run_reports() -> None:
    whole = _findings("reach", cwd=SHARED_REACH.parent)
    files = sorted(p.relative_to(SHARED_REACH.parent) for p in SHARED_REACH.rglob("*.py"))
    alone = [f for path in files for f in _findings(str(path), cwd=SHARED_REACH.parent)]
    assert sorted(alone) == whole
    inside = _findings("pipeline.py", cwd=SHARED_REACH)
    assert inside == [f for f in whole if f[0].endswith("/reach/pipeline.py")]
