"""Test-wide settings (tasks run at once, a fast password hasher) and the persona cast."""

from __future__ import annotations

from typing import Any

import pytest

pytest_plugins = [
    "tests.personas",
    "tests.school_personas",
    "manabi.grades.tests.world",
    "manabi.health.tests.world",
]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Files the tests write stay out of var/ and apart per worker (pytest -n runs several).
    base = tmp_path_factory.getbasetemp()
    settings.MEDIA_ROOT = str(base / "media")
    settings.HANDOVER_SIGNING_KEY_FILE = str(base / "handover-key.pem")
    # argon2 is slow on purpose; tests that check the real hasher set it back.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
