"""Every URL pattern × every persona: the authorisation matrix.

Adding a URL without an entry here fails ``test_every_url_has_an_entry``. Expectations are
status codes (and, for redirects, where to). Not visible → 404, visible but not allowed → 403,
anonymous → redirect to the login page (pages) or 403 (API). Requests that change state are
POSTs; a refused one must change nothing (no audit event, no row).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from manabi.core.models import AuditEvent
from tests.personas import PERSONAS, Cast

LOGIN = "/accounts/login/"


@dataclass(frozen=True)
class Entry:
    """Expected status per persona for one method; ``kwargs`` for reversing the URL."""

    method: str
    expect: dict[str, int]
    kwargs: dict[str, object] = field(default_factory=dict)
    # A refused request must not write; allowed ones may (e.g. sign-out audits itself).
    writes_when_allowed: bool = False


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def signed_in(status: int, *, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


def admins_only(*, others: int, anonymous: int) -> dict[str, int]:
    return {**everyone(others), "system_admin": 200, "anonymous": anonymous}


MATRIX: dict[str, list[Entry]] = {
    "core:home": [Entry("get", signed_in(200)), Entry("post", signed_in(405))],
    "core:healthz": [Entry("get", everyone(200))],
    # Signed-in people are sent on to the home page.
    "accounts:login": [Entry("get", signed_in(302, anonymous=200))],
    # Nothing pending: back to the login page.
    "accounts:login_mfa": [Entry("get", everyone(302))],
    "accounts:logout": [
        Entry("get", everyone(405)),
        Entry("post", everyone(302), writes_when_allowed=True),
    ],
    # First-login pages send anyone who has finished (everyone in the cast) home.
    "accounts:onboarding": [Entry("get", everyone(302))],
    "accounts:onboarding_profile": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:onboarding_email": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:onboarding_email_verify": [Entry("get", everyone(302))],
    "accounts:onboarding_password": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:password_change": [Entry("get", signed_in(200))],
    "accounts:mfa_setup": [Entry("get", signed_in(200))],
    "accounts:mfa_remove": [Entry("get", signed_in(405)), Entry("post", everyone(302))],
    "accounts:acting_switch": [Entry("get", signed_in(405)), Entry("post", everyone(302))],
    "admin-login-redirect": [Entry("get", everyone(302))],
    "api-schema": [Entry("get", signed_in(200, anonymous=401))],
    "api-docs": [Entry("get", signed_in(200, anonymous=401))],
    "api:token": [Entry("get", everyone(405)), Entry("post", everyone(400))],
    "api:me": [Entry("get", signed_in(200, anonymous=401))],
    # The Django admin site: every kwarg-free admin page is walked by test_admin_site.
    "admin:*": [Entry("get", admins_only(others=302, anonymous=302))],
}

# Admin pages that differ from the admin:* rule. The audit log is read-only for everyone.
ADMIN_EXCEPTIONS: dict[str, dict[str, int]] = {
    "/admin/core/auditevent/add/": {"system_admin": 403},
    # Task results are written by the worker, never by hand.
    "/admin/django_tasks_database/dbtaskresult/add/": {"system_admin": 403},
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


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(k for k in MATRIX if k != "admin:*"))
def test_matrix(name: str, cast: Cast) -> None:
    for entry in MATRIX[name]:
        url = reverse(name, kwargs=entry.kwargs or None)
        for persona in PERSONAS:
            before = AuditEvent.objects.count()
            response = getattr(cast.client(persona), entry.method)(url)
            expected = entry.expect[persona]
            assert response.status_code == expected, (
                f"{entry.method.upper()} {url} as {persona}: "
                f"{response.status_code}, expected {expected}"
            )
            if expected == 302 and persona == "anonymous" and name == "core:home":
                assert response["Location"].startswith(LOGIN)
            if expected in (403, 404, 405) or not entry.writes_when_allowed:
                assert AuditEvent.objects.count() == before, f"{url} as {persona} wrote"


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
