"""Test-wide settings (tasks run at once, a fast password hasher) and the persona cast."""

from __future__ import annotations

from typing import Any

import pytest

pytest_plugins = ["tests.personas", "tests.school_personas"]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # argon2 is slow on purpose; tests that check the real hasher set it back.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
