"""The fuzz suite runs only when asked (``pytest -m fuzz tests/fuzz``, as
packaging/test.sh does), so the default suite stays fast: otherwise its tests are
deselected (not skipped, so they do not crowd the summary)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "fuzz" in (config.getoption("-m") or ""):
        return
    kept = [item for item in items if "fuzz" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if "fuzz" in i.keywords])
        items[:] = kept
