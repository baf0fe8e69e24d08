"""Set-up for every test: the cache of each test lives in its own temporary folder."""

from __future__ import annotations

import pytest

from rnncheck import cache


@pytest.fixture(autouse=True)
def _cache_apart(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checked folder (../shared, examples/) never receives a cache, and no test sees
    another's entries; the cache's own tests remove the variable to test where it goes."""
    monkeypatch.setenv(cache.VARIABLE, str(tmp_path_factory.mktemp("cache")))
