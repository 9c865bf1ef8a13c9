"""What the apps above people and orgs add at their extension points (manabi.core.extensions):
the staff count on an organisation's page (people), the account link on a staff page and
the account closed on retirement (accounts)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.core import extensions
from manabi.orgs.points import ORGANISATION_FACTS
from manabi.people import services
from manabi.people.points import STAFF_ACCOUNT_LINK, STAFF_RETIRED
from manabi.people.selectors import staff_search
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_the_apps_above_are_registered_at_each_point() -> None:
    assert [fn.__name__ for fn in extensions._points[ORGANISATION_FACTS]] == [
        "organisation_staff_fact"
    ]
    assert [fn.__name__ for fn in extensions._points[STAFF_ACCOUNT_LINK]] == ["account_link"]
    assert [fn.__name__ for fn in extensions._points[STAFF_RETIRED]] == [
        "account_close_on_retirement"
    ]


def test_organisation_page_shows_its_staff_and_staff_page_links_the_account(cast: Cast) -> None:
    client = cast.client("board_officer")
    school = cast.orgs["school_a"]
    acting = acting_for(cast.account("board_officer"))
    count = staff_search(acting, organisation_id=school.pk).count()
    assert count > 0
    page = client.get(reverse("orgs:organisation_detail", args=[school.pk])).content.decode()
    assert f'{reverse("people:staff_list")}?organisation={school.pk}">{count} 人</a>' in page

    staff = cast.staff["teacher_a"]
    page = client.get(reverse("people:staff_detail", args=[staff.pk])).content.decode()
    account = cast.account("teacher_a")
    assert f'<a href="{reverse("accounts:account_detail", args=[account.pk])}">' in page


def test_retiring_closes_the_account_in_the_same_transaction(cast: Cast) -> None:
    admin = acting_for(cast.account("system_admin"))
    staff = cast.staff["teacher_b"]
    services.staff_retire(actor=admin, staff=staff, retired_on=date(2026, 3, 31))
    account = cast.account("teacher_b")
    account.refresh_from_db()
    assert not account.is_active
    assert not account.role_assignments.filter(valid_to__isnull=True).exists()
