"""Who sees whom: jurisdiction follows current assignments, and records follow the person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from manabi.accounts.selectors import acting_for
from manabi.people import services
from manabi.people.selectors import staff_in_jurisdiction, staff_search
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _names(acting_name: str, cast: Cast) -> set[str]:
    acting = acting_for(cast.account(acting_name))
    return set(staff_in_jurisdiction(acting).values_list("name", flat=True))


def test_each_role_sees_its_jurisdiction(cast: Cast) -> None:
    assert _names("system_admin", cast) == {"校長 一郎", "南 花子", "北 次郎"}
    assert _names("board_officer", cast) == {"校長 一郎", "南 花子"}
    assert _names("principal_a", cast) == {"校長 一郎", "南 花子"}
    assert _names("teacher_a", cast) == {"南 花子"}
    assert _names("teacher_b", cast) == {"北 次郎"}
    assert _names("organizer", cast) == set()
    assert _names("guest", cast) == set()
    assert _names("no_role", cast) == set()


def test_teacher_of_school_a_gets_404_for_school_b_staff(cast: Cast) -> None:
    client = cast.client("teacher_a")
    assert client.get(f"/staff/{cast.staff['teacher_b'].pk}/").status_code == 404
    assert client.get(f"/staff/{cast.staff['teacher_a'].pk}/").status_code == 200


def test_after_a_transfer_the_new_principal_sees_the_person_and_the_old_one_does_not(
    cast: Cast,
) -> None:
    admin = acting_for(cast.account("system_admin"))
    today = timezone.localdate()
    services.assignment_add(
        actor=admin, staff=cast.staff["teacher_b"], organisation=cast.orgs["school_a"], start=today
    )
    assert "北 次郎" in _names("principal_a", cast)
    assert "北 次郎" in _names("board_officer", cast)
    old = cast.staff["teacher_b"].assignments.get(organisation=cast.orgs["school_b"])
    assert old.end == today - timedelta(days=1)
    assert (
        staff_in_jurisdiction(acting_for(cast.account("principal_a")), on=today - timedelta(days=1))
        .filter(pk=cast.staff["teacher_b"].pk)
        .count()
        == 0
    )


def test_concurrent_assignment_keeps_the_main_one(cast: Cast) -> None:
    admin = acting_for(cast.account("system_admin"))
    services.assignment_add(
        actor=admin,
        staff=cast.staff["teacher_b"],
        organisation=cast.orgs["school_a"],
        start=date(2025, 4, 1),
        concurrent=True,
    )
    assert cast.staff["teacher_b"].assignments.filter(end__isnull=True).count() == 2
    assert "北 次郎" in _names("principal_a", cast)


def test_retirement_ends_assignments_deactivates_the_account_and_keeps_records(cast: Cast) -> None:
    admin = acting_for(cast.account("system_admin"))
    staff = cast.staff["teacher_a"]
    services.staff_retire(actor=admin, staff=staff, retired_on=date(2026, 3, 31))
    staff.refresh_from_db()
    assert staff.retired_on == date(2026, 3, 31)
    assert not staff.assignments.filter(end__isnull=True).exists()
    account = cast.account("teacher_a")
    account.refresh_from_db()
    assert not account.is_active
    assert not account.role_assignments.filter(valid_to__isnull=True).exists()
    assert staff.pk and account.pk  # nothing deleted


@pytest.mark.parametrize("query", ["南", "みなみ", "ミナミ", "ﾐﾅﾐ", "みなみはなこ", "10000002"])
def test_search_by_name_kana_any_script_and_number(cast: Cast, query: str) -> None:
    acting = acting_for(cast.account("board_officer"))
    assert [s.name for s in staff_search(acting, query=query)] == ["南 花子"]
