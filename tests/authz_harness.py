"""The shared harness of the authorisation matrix (``tests/test_authz_matrix.py``).

Each app keeps its own block of entries next to its tests, in ``manabi/<app>/tests/authz.py``
as ``ENTRIES: dict[str, list[Entry]]`` (URL name → expectations), together with the helpers
that build the objects its URLs need; API URLs belong to the app whose view serves them. Only
URLs of no app (the home page, health check, API schema, admin site) stay in the ``SHARED``
block of the matrix test. :func:`collect` gathers them (a URL name may be claimed by one block
only); the matrix test walks every URL pattern and fails when one has no entry, so a new page
cannot be forgotten.

Expectations are status codes per persona of the fixed cast (``tests.personas.PERSONAS``):
not visible → 404, visible but not allowed → 403, anonymous → redirect to the login page
(pages) or 401 (API). A refused request must change nothing (no audit event); allowed
requests may write only where the entry says so.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import manabi
from tests.personas import PERSONAS, Cast

LOGIN = "/accounts/login/"
Kwargs = Callable[[Cast], dict[str, Any]]


@dataclass(frozen=True)
class Entry:
    """Expected status per persona for one method; ``kwargs`` builds the URL arguments."""

    method: str
    expect: dict[str, int]
    kwargs: Kwargs = field(default=lambda cast: {})
    # A refused request must not write; allowed ones may (views of personal records and
    # actions are audited).
    writes_when_allowed: bool = False
    # Query string added to the URL (e.g. ``?function=…&action=…`` for the API), or a
    # function of the cast that builds it (for ids).
    query: str | Callable[[Cast], str] = ""
    # The URL needs the school-affairs cast (tests.school_personas.build_school_cast): it is
    # built once, before the personas try, and ``kwargs`` may call build_school_cast(cast).
    school: bool = False


# Who looks after whom in the cast: the board of みなみ市 and the principal of school A see
# school A and its staff; school B (きた町) is outside both. Managers (system administrators
# and boards) may also change what they see.
OVERSEERS_200 = {"system_admin": 200, "board_officer": 200, "principal_a": 200}
MANAGERS_200 = {"system_admin": 200, "board_officer": 200}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def signed_in(status: int, *, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


def roles(default: int, anonymous: int = 302, **by_persona: int) -> dict[str, int]:
    """``default`` for everyone signed in, with exceptions named per persona."""
    return {**everyone(default), "anonymous": anonymous, **by_persona}


def admins_only(*, others: int, anonymous: int) -> dict[str, int]:
    return {**everyone(others), "system_admin": 200, "anonymous": anonymous}


# The personas of the matrix who act for a school of the school-affairs cast
# (tests.school_personas): principal_a (校長, school A), teacher_a (学級担任, school A) and
# teacher_b (学級担任, school B). Everyone else acts for no school and meets 404.
SCHOOL_STAFF = ("principal_a", "teacher_a", "teacher_b")


def school_staff(status: int, *, anonymous: int = 302, **by_persona: int) -> dict[str, int]:
    """``status`` for the school staff of the cast, 404 for everyone else."""
    return roles(404, anonymous, **{**dict.fromkeys(SCHOOL_STAFF, status), **by_persona})


def school_managers(status: int, *, anonymous: int = 302, **by_persona: int) -> dict[str, int]:
    """Pages of a school's managers: ``status`` for principal_a, 403 for the teachers."""
    return school_staff(403, anonymous=anonymous, principal_a=status, **by_persona)


def query_of(entry: Entry, cast: Cast) -> str:
    return entry.query(cast) if callable(entry.query) else entry.query


def app_blocks() -> dict[str, Mapping[str, list[Entry]]]:
    """``ENTRIES`` of every ``manabi.<app>.tests.authz`` module, by app."""
    blocks: dict[str, Mapping[str, list[Entry]]] = {}
    for info in pkgutil.iter_modules(manabi.__path__):
        if not info.ispkg:
            continue
        name = f"manabi.{info.name}.tests.authz"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # the app has no tests/authz.py
            raise
        entries = getattr(module, "ENTRIES", None)
        if entries is not None:
            blocks[info.name] = entries
    return blocks


def collect(shared: Mapping[str, list[Entry]]) -> dict[str, list[Entry]]:
    """The whole matrix: ``shared`` entries and every app's block; a URL name may be claimed
    by one block only."""
    matrix: dict[str, list[Entry]] = dict(shared)
    for app, entries in app_blocks().items():
        for name, expectations in entries.items():
            if name in matrix:
                raise AssertionError(f"{name} has entries in two blocks (one is {app})")
            matrix[name] = list(expectations)
    return matrix
