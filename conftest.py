"""Test-wide settings: tasks run at once, and the fixed persona cast (tests/personas.py)."""

from __future__ import annotations

from typing import Any

import pytest

pytest_plugins = ["tests.personas"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
