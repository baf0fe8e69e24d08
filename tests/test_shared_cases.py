"""The rules' specification by example: every `# expect:` reported, nothing else (../shared/cases)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import SHARED_CASES, needs_shared_cases


@needs_shared_cases
def test_every_expectation_is_found_and_nothing_else_is_reported() -> None:
    command = f"{sys.executable} -m rnncheck --output-format json"
    done = subprocess.run(
        [sys.executable, str(SHARED_CASES / "check.py"), "--cmd", command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 missed, 0 extra" in done.stdout
