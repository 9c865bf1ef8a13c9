"""Who reads whose history: visibility follows current assignments, records follow the
person. A principal never sees another school's staff; after a transfer the old principal
loses access and the new one sees the whole history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from manabi.accounts.models import RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import acting_for
from manabi.accounts.tests.factories import AccountFactory
from manabi.core.models import AuditEvent
from manabi.people import services as people_services
from manabi.people.choices import JobTitle
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from manabi.records.selectors import HistoryFilters, history_in_scope, school_summaries
from manabi.records.tests.factories import HistoryRecordFactory
from manabi.records.tests.helpers import confirm, submit
from tests.personas import PASSWORD, SINCE, Cast

pytestmark = pytest.mark.django_db


def _history_url(cast: Cast, name: str) -> str:
    return reverse("records:staff_history", args=[cast.staff[name].pk])


def test_a_principal_cannot_see_another_schools_staff(cast: Cast) -> None:
    HistoryRecordFactory(staff=cast.staff["teacher_b"])
    client = cast.client("principal_a")
    assert client.get(_history_url(cast, "teacher_a")).status_code == 200
    assert client.get(_history_url(cast, "teacher_b")).status_code == 404
    assert cast.client("teacher_a").get(_history_url(cast, "teacher_b")).status_code == 404
    assert cast.client("board_officer").get(_history_url(cast, "teacher_b")).status_code == 404
    assert cast.client("organizer").get(_history_url(cast, "teacher_a")).status_code == 404
    page = client.get(reverse("records:overview")).content.decode()
    assert "南 花子" in page and "北 次郎" not in page
    principal = acting_for(cast.account("principal_a"))
    assert (
        not history_in_scope(principal, HistoryFilters())
        .filter(staff=cast.staff["teacher_b"])
        .exists()
    )


def test_after_a_transfer_the_old_principal_loses_access_and_the_new_one_sees_all(
    cast: Cast,
) -> None:
    teacher = cast.staff["teacher_a"]
    old = HistoryRecordFactory(staff=teacher, title="みなみ小での研修", start=date(2023, 6, 1))
    confirm(cast, submit(cast, title="みなみ小での自主研修"))
    principal_b = AccountFactory(login_id="480002T10000009", password=PASSWORD)
    principal_b.staff = StaffFactory(staff_number="10000009", job_title=JobTitle.PRINCIPAL)
    principal_b.save()
    AssignmentFactory(staff=principal_b.staff, organisation=cast.orgs["school_b"], start=SINCE)
    RoleAssignment.objects.create(
        account=principal_b,
        role=Role.SCHOOL_ADMIN,
        organisation=cast.orgs["school_b"],
        valid_from=SINCE,
    )
    cast.accounts["principal_b"] = principal_b
    assert cast.client("principal_b").get(_history_url(cast, "teacher_a")).status_code == 404

    today = timezone.localdate()
    people_services.assignment_add(
        actor=None, staff=teacher, organisation=cast.orgs["school_b"], start=today
    )
    # The old principal: nothing any more (and no audit event for the refusal).
    before = AuditEvent.objects.count()
    assert cast.client("principal_a").get(_history_url(cast, "teacher_a")).status_code == 404
    assert AuditEvent.objects.count() == before
    # The new principal: the whole history, including the years at the old school.
    page = cast.client("principal_b").get(_history_url(cast, "teacher_a")).content.decode()
    assert old.title in page and "みなみ小での自主研修" in page
    # Boards follow the same rule: みなみ市 no longer, the prefecture (over both) yes.
    assert cast.client("board_officer").get(_history_url(cast, "teacher_a")).status_code == 404
    # The teacher still reads their own.
    assert cast.client("teacher_a").get(_history_url(cast, "teacher_a")).status_code == 200
    # A transfer dated tomorrow changes nothing today.
    other = StaffFactory(staff_number="10000010")
    AssignmentFactory(staff=other, organisation=cast.orgs["school_a"], start=SINCE)
    people_services.assignment_add(
        actor=None,
        staff=other,
        organisation=cast.orgs["school_b"],
        start=today + timedelta(days=1),
    )
    assert cast.client("principal_a").get(_history_url(cast, "teacher_a")).status_code == 404
    response = cast.client("principal_a").get(reverse("records:staff_history", args=[other.pk]))
    assert response.status_code == 200


def test_viewing_someone_elses_history_is_audited_ones_own_is_not(cast: Cast) -> None:
    HistoryRecordFactory(staff=cast.staff["teacher_a"])
    cast.client("teacher_a").get(_history_url(cast, "teacher_a"))
    assert not AuditEvent.objects.exists()
    cast.client("principal_a").get(_history_url(cast, "teacher_a"))
    event = AuditEvent.objects.get()
    assert event.action == "records.history.view"
    assert event.actor_login_id == cast.account("principal_a").login_id
    assert event.subject_type == "people.staff"
    assert event.subject_id == str(cast.staff["teacher_a"].pk)
    cast.client("board_officer").get(reverse("records:overview"))
    assert AuditEvent.objects.latest("seq").action == "records.history.list"
    cast.client("principal_a").get(
        reverse("records:staff_coverage", args=[cast.staff["teacher_a"].pk])
    )
    assert AuditEvent.objects.latest("seq").action == "records.coverage.view"


def test_board_summary_hours_per_category_per_school(cast: Cast) -> None:
    HistoryRecordFactory(staff=cast.staff["teacher_a"], hours=3, category="required_i")
    HistoryRecordFactory(staff=cast.staff["principal_a"], hours=2, category="required_i")
    HistoryRecordFactory(staff=cast.staff["teacher_a"], hours=1.5, category="other_iii")
    HistoryRecordFactory(
        staff=cast.staff["teacher_a"], hours=9, status="submitted", category="other_iii"
    )
    HistoryRecordFactory(staff=cast.staff["teacher_b"], hours=4)
    board = acting_for(cast.account("board_officer"))
    [summary] = school_summaries(board, HistoryFilters(fiscal_year=2025))
    assert summary.organisation == cast.orgs["school_a"]
    assert summary.people == 2
    hours = {t.category: t.hours for t in summary.totals}
    assert hours["required_i"] == 5 and hours["other_iii"] == 1.5  # the unconfirmed 9 h not
    page = (
        cast.client("board_officer")
        .get(reverse("records:overview"), {"fiscal_year": 2025, "category": "required_i"})
        .content.decode()
    )
    assert "みなみ小学校" in page and "5.0時間" in page
