"""Run code under `rnncheck.checking()` and collect the misuses it reports."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import rnncheck


def misuses(run: Callable[[], Any], **options: Any) -> list[warnings.WarningMessage]:
    """Every RNNMisuseWarning that `run()` causes inside the checks, in order."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with rnncheck.checking(**options):
            run()
    return [w for w in seen if issubclass(w.category, rnncheck.RNNMisuseWarning)]


def codes(run: Callable[[], Any], **options: Any) -> list[str]:
    return [str(w.message).split()[0] for w in misuses(run, **options)]
