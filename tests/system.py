"""Tests that need something from the operating system (fonts, Pango, poppler, chromium).

On a developer's machine without it they are skipped with a note of what to install; under
CI (``CI=true``, where .ci/run installs everything) a missing piece is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, what: str) -> None:
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI では必須: {what}")
    pytest.skip(f"{what} がないため省略")


def require_command(name: str, package: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} ({package})")
    assert path is not None
    return path
