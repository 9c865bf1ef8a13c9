"""Every URL pattern × every persona: the authorisation matrix (see tests/authz_harness.py).

Each app's entries live in its own ``manabi/<app>/tests/authz.py`` (``ENTRIES``, with the
helpers that build what its URLs need); ``SHARED`` below holds only the URLs of no app (the
home page, health check, API schema and docs, the admin site). Adding a URL without an entry
fails ``test_every_url_has_an_entry``. Expectations are status codes per persona. Not visible
→ 404, visible but not allowed → 403, anonymous → redirect to the login page (pages) or 401
(API). A refused request must change nothing (no audit event); allowed requests may write only
where the entry says so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from manabi.core.models import AuditEvent
from tests.authz_harness import (
    LOGIN,
    Entry,
    admins_only,
    collect,
    everyone,
    query_of,
    signed_in,
)
from tests.personas import PERSONAS, Cast
from tests.school_personas import build_school_cast

SHARED: dict[str, list[Entry]] = {
    "core:home": [Entry("get", signed_in(200)), Entry("post", signed_in(405))],
    "core:healthz": [Entry("get", everyone(200))],
    "core:home_cards": [Entry("get", signed_in(200)), Entry("post", signed_in(405))],
    "core:menu": [Entry("get", signed_in(200)), Entry("post", signed_in(405))],
    "admin-login-redirect": [Entry("get", everyone(302))],
    "api-schema": [Entry("get", signed_in(200, anonymous=401))],
    "api-docs": [Entry("get", signed_in(200, anonymous=401))],
    # The Django admin site: every kwarg-free admin page is walked by test_admin_site.
    "admin:*": [Entry("get", admins_only(others=302, anonymous=302))],
}

# The shared entries and every app's own block (manabi/<app>/tests/authz.py ENTRIES).
MATRIX: dict[str, list[Entry]] = collect(SHARED)

# Admin pages that differ from the admin:* rule. The audit log is read-only for everyone.
ADMIN_EXCEPTIONS: dict[str, dict[str, int]] = {
    "/admin/core/auditevent/add/": {"system_admin": 403},
    # Task results are written by the worker, never by hand.
    "/admin/django_tasks_database/dbtaskresult/add/": {"system_admin": 403},
    # Import jobs are made by uploading a file, not by hand.
    "/admin/imports/importjob/add/": {"system_admin": 403},
    # Read only: history, exports, 育成指標 and dialogue are changed on their own pages.
    "/admin/records/historyrecord/add/": {"system_admin": 403},
    "/admin/records/historyexport/add/": {"system_admin": 403},
    "/admin/indicators/framework/add/": {"system_admin": 403},
    "/admin/indicators/item/add/": {"system_admin": 403},
    "/admin/dialogue/dialogue/add/": {"system_admin": 403},
}

# Patterns that are not pages of manabi (served files) and need no entry.
NOT_PAGES: set[str] = set()


def _names(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern
        else:
            yield f"{namespace}<unnamed {pattern.pattern}>", pattern


def _entry_key(name: str) -> str:
    return "admin:*" if name.startswith("admin:") else name


def test_every_url_has_an_entry() -> None:
    missing = sorted(
        name
        for name, _ in _names(get_resolver())
        if _entry_key(name) not in MATRIX and name not in NOT_PAGES
    )
    assert not missing, f"URLs without an authorisation matrix entry: {missing}"


@pytest.fixture
def _no_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The matrix checks who may print, not printing itself (tested in core and accounts)."""
    monkeypatch.setattr(
        "manabi.accounts.views.manage.credential_letters_pdf", lambda issued: b"%PDF-1.7 test"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_pdf")
@pytest.mark.parametrize("name", sorted(k for k in MATRIX if k != "admin:*"))
def test_matrix(name: str, cast: Cast) -> None:
    if any(entry.school for entry in MATRIX[name]):
        build_school_cast(cast)
    for entry in MATRIX[name]:
        for persona in PERSONAS:
            # Each persona meets the world as the cast built it: what an allowed request
            # wrote is rolled back before the next persona tries.
            savepoint = transaction.savepoint()
            url = reverse(name, kwargs=entry.kwargs(cast) or None) + query_of(entry, cast)
            before = AuditEvent.objects.count()
            response = getattr(cast.client(persona), entry.method)(url)
            expected = entry.expect[persona]
            assert response.status_code == expected, (
                f"{entry.method.upper()} {url} as {persona}: "
                f"{response.status_code}, expected {expected}"
            )
            if expected == 302 and persona == "anonymous" and name != "accounts:guest_complete":
                assert response["Location"].startswith(LOGIN) or name in (
                    "accounts:login_mfa",
                    "admin-login-redirect",
                ), response["Location"]
            if expected in (401, 403, 404, 405) or not entry.writes_when_allowed:
                assert AuditEvent.objects.count() == before, f"{url} as {persona} wrote"
            transaction.savepoint_rollback(savepoint)


@pytest.mark.django_db
def test_admin_site(cast: Cast) -> None:
    """Every admin page without arguments: system administrators only."""
    urls = sorted(
        reverse(name)
        for name, pattern in _names(get_resolver())
        if name.startswith("admin:")
        and not pattern.pattern.regex.groups
        # autocomplete needs query parameters; without them Django answers 403 to anyone.
        and name not in ("admin:logout", "admin:login", "admin:autocomplete")
    )
    assert "/admin/" in urls
    for url in urls:
        expected = {**MATRIX["admin:*"][0].expect, **ADMIN_EXCEPTIONS.get(url, {})}
        for persona in PERSONAS:
            response = cast.client(persona).get(url)
            assert response.status_code == expected[persona], f"{url} as {persona}"
            if response.status_code == 302:
                assert LOGIN in response["Location"] or "/admin/login/" in response["Location"]
