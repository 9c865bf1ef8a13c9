"""The unread badge of お知らせ in the menu: the count of one's unread notifications, gone once
they are read; others' notifications do not count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from manabi.training.services.notifications import notify
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _menu(client: Client) -> str:
    """The header's main menu (the home page's cards mention unread notices too)."""
    html = client.get("/").content.decode()
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


def test_the_menu_shows_how_many_are_unread(cast: Cast) -> None:
    client = cast.client("teacher_a")
    page = _menu(client)
    assert "未読" not in page
    for index in range(3):
        notify(recipients=[cast.account("teacher_a")], subject=f"お知らせ {index}", body="本文")
    notify(recipients=[cast.account("teacher_b")], subject="他の人へ", body="本文")
    page = _menu(client)
    assert '<span class="nav-badge" aria-hidden="true">3</span>' in page
    assert "(未読 3 件)" in page
    client.post(reverse("training:notifications_read"))
    assert "未読" not in _menu(client)
    assert "(未読 1 件)" in _menu(cast.client("teacher_b"))
