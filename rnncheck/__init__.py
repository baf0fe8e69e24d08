"""rnncheck: find the silent layout bugs in code that uses PyTorch's RNN, LSTM and GRU.

Importing this package never imports torch: the runtime API is loaded on first use.
"""

import importlib
from typing import Any

__version__ = "0.1.0"

_RUNTIME: dict[str, str] = {
    "reference": "rnncheck.runtime",
    "RNNContractError": "rnncheck.runtime.contracts",
    "check_inputs": "rnncheck.runtime.contracts",
    "check_outputs": "rnncheck.runtime.contracts",
    "annotations": "rnncheck.runtime.annotations",
    "verify": "rnncheck.runtime.verify",
    "RNNMismatchError": "rnncheck.runtime.verify",
    "watch": "rnncheck.runtime.checking",
    "checking": "rnncheck.runtime.checking",
    "checked": "rnncheck.runtime.checking",
    "RNNMisuseWarning": "rnncheck.runtime.misuse",
    "RNNMisuseError": "rnncheck.runtime.misuse",
}
"""Public runtime names and the module that defines each, imported on first access."""


def __getattr__(name: str) -> Any:
    module = _RUNTIME.get(name)
    if module is None:
        raise AttributeError(f"module 'rnncheck' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
