"""The runtime twin's specification by example: every `# expect:` reported, nothing else
(../shared/twin, beside the checkout as in CI)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import SHARED_CASES

SHARED_TWIN = SHARED_CASES.parent / "twin"


@pytest.mark.skipif(not SHARED_TWIN.is_dir(), reason="../shared/twin is not beside this checkout")
def test_every_expectation_is_found_and_nothing_else_is_reported() -> None:
    done = subprocess.run(
        [sys.executable, str(SHARED_TWIN / "check.py"), "--python", sys.executable],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 missed, 0 extra, 0 errors" in done.stdout
