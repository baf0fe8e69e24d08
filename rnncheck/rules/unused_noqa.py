"""RNN100: a `# noqa` comment naming rnncheck codes that silence nothing (ruff's RUF100)."""

from __future__ import annotations

from rnncheck.rules.base import Rule


class UnusedNoqa(Rule):
    """Listens to no event: the engine's `# noqa` stage (`noqa.apply`) reports it."""

    code = "RNN100"
    fix = "safe"
    opt_in = True
    name = "unused-noqa"
    summary = "A `# noqa` comment names an rnncheck code that is not reported on its line."
    what = """
Reports the rnncheck codes in a `# noqa: RNN...` comment that silence nothing on that line:
codes that are not reported there (unused), codes of rules that do not run (non-enabled), and
codes no rule has (unknown). Codes of other tools and bare `# noqa` comments are left alone.
Runs only when selected explicitly, for example with `--extend-select RNN100`.
"""
    why = """
A suppression outlives the code it was written for. Once the line is fixed, the comment still
hides any new finding of that code on the line, and readers take it for a warning that the line
is wrong in a way rnncheck knows about.
"""
    example = """
lstm = nn.LSTM(8, 16, num_layers=2, dropout=0.3)  # noqa: RNN401
"""
    use_instead = """
lstm = nn.LSTM(8, 16, num_layers=2, dropout=0.3)
"""
    fires = (
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8, num_layers=2, dropout=0.3)  # noqa: RNN401\n",
    )
    quiet = (
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8, dropout=0.3)  # noqa: RNN401\n",
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8)  # noqa: E501\n",
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8)  # noqa\n",
    )
