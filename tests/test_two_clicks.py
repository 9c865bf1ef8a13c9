"""Every page a role may open is at most two clicks from its home page (issue #14).

For each persona, the pages of the authorisation matrix that take no URL arguments and that
the persona may open (GET → 200) must be linked from the home page (one click) or from a page
the home page links to (two clicks). Pages with ids (a programme, a person) are reached from
their lists, which this covers.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tests.personas import PERSONAS, Cast
from tests.school_personas import build_school_cast
from tests.test_authz_matrix import MATRIX

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
# Not pages a person navigates to: machine endpoints, fragments and redirects.
# Not pages of their own: the 通知表 layout page loads its live preview (and the sample PDF in
# it) as parts of itself.
NOT_NAVIGATED = {
    "core:healthz",
    "core:home_cards",
    "admin-login-redirect",
    "api-schema",
    "report_cards:layout_preview",
    "report_cards:layout_sample_pdf",
}
# Pages a role may open by URL that its menu leaves out on purpose: a system administrator or
# an organiser applies for nothing in that role, a principal is no target of the basic
# trainings, and a person without a role has no menu at all (the home page says whom to ask).
NOT_IN_MENU = {
    "system_admin": {"training:my_applications"},
    "organizer": {"training:my_applications"},
    "principal_a": {"eligibility:my_card"},
    "no_role": {"training:catalogue", "training:my_applications", "training:notifications"},
}
HREF = re.compile(r'href="([^"#]+)')


def _name(url: str) -> str | None:
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _links(html: str) -> set[str]:
    return {
        href.replace("&amp;", "&")
        for href in HREF.findall(html)
        if href.startswith("/") and not href.startswith(("/static/", "/media/"))
    }


def _without_arguments(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _required(persona: str) -> set[str]:
    return {
        name
        for name, entries in MATRIX.items()
        if name not in NOT_NAVIGATED
        and _without_arguments(name)
        and not name.startswith("admin:")
        and not name.startswith("api")
        and any(e.method == "get" and e.expect.get(persona) == 200 and not e.query for e in entries)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_page_is_two_clicks_from_home(cast: Cast, persona: str) -> None:
    build_school_cast(cast)  # the school-affairs pages (名簿, 学級) need their pupils
    client = cast.client(persona)
    home = client.get("/")
    assert home.status_code == 200
    first = _links(home.content.decode())
    reached = {_name(url) for url in first}
    for url in sorted(first):
        if urlsplit(url).path.startswith(("/api/", "/admin/", "/accounts/logout")):
            continue
        response = client.get(url, follow=True)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            reached |= {_name(link) for link in _links(response.content.decode())}
    missing = sorted(_required(persona) - reached - NOT_IN_MENU.get(persona, set()))
    assert not missing, f"{persona}: not within two clicks of the home page: {missing}"
