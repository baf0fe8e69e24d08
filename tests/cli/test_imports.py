"""The static checker never imports torch: it must run where torch is absent, and fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REAL_FINDING = """import torch.nn as nn
gru = nn.GRU(8, 16, bidirectional=True)
out, h_n = gru(x)
last = h_n[-1]
"""
"""RNN201 with the real rules: the whole engine runs, not only the skip for files without RNNs."""

PROBE = """
import sys
from rnncheck import cli
code = cli.main(sys.argv[1:])
heavy = sorted(name for name in sys.modules if name.split(".")[0] in {"torch", "numpy"})
print(f"\\n{code} {heavy}")
"""


def test_checking_never_imports_torch(tmp_path):
    (tmp_path / "model.py").write_text(REAL_FINDING, encoding="utf-8")
    for jobs in ("1", "2"):
        command = [sys.executable, "-c", PROBE, "--output-format", "concise", "--jobs", jobs, "."]
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
        assert "model.py:4:8: RNN201" in done.stdout, done.stdout + done.stderr
        assert done.stdout.splitlines()[-1] == "1 []", done.stdout + done.stderr


def test_python_dash_m_exit_status(tmp_path):
    def status(*arguments: str) -> int:
        command = [sys.executable, "-m", "rnncheck", *arguments]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, check=False).returncode

    Path(tmp_path, "clean.py").write_text("x = 1\n", encoding="utf-8")
    Path(tmp_path, "broken.py").write_text("lstm = (\n", encoding="utf-8")
    Path(tmp_path, "model.py").write_text(REAL_FINDING, encoding="utf-8")
    assert status("clean.py") == 0
    assert status("broken.py") == 1
    assert status("model.py") == 1
    assert status("--exit-zero", "model.py") == 0
    assert status("--select", "NOPE1") == 2
