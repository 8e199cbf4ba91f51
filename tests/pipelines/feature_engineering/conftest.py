"""Fixtures of the feature_engineering tests."""

from __future__ import annotations

import pytest

from .tiny_primary import history_rows


@pytest.fixture
def history():
    """Three persons before the snapshot; person 3 never has a delivered order."""
    return history_rows()
