"""経験年数: a programme's target years are enforced when someone applies; the organiser may
permit a person outside them (対象外の受講の許可), audited. The years come from the 在職期間 of
the statutory-training records, else from the person's first assignment."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.eligibility.models import StaffServicePeriod
from manabi.training.errors import TrainingError
from manabi.training.experience import experience_year, target_label, within_target
from manabi.training.models import Application, TargetException
from manabi.training.services import applications
from manabi.training.tests.factories import programme
from tests.personas import Cast


@pytest.mark.parametrize(
    ("first", "on", "year"),
    [
        (date(2026, 4, 1), date(2026, 8, 1), 1),  # 初任者
        (date(2026, 3, 31), date(2026, 8, 1), 2),  # appointed in the last days of FY2025
        (date(2015, 4, 1), date(2026, 8, 1), 12),
        (date(2015, 4, 1), date(2027, 3, 31), 12),  # still FY2026
        (date(2027, 4, 1), date(2026, 8, 1), 1),  # a future date counts as the first year
    ],
)
def test_experience_year_counts_fiscal_years(first: date, on: date, year: int) -> None:
    assert experience_year(first, on) == year


def test_target_labels_and_bounds() -> None:
    assert target_label(5, 10) == "5〜10年目"
    assert target_label(1, 1) == "1年目"
    assert target_label(11, None) == "11年目以上"
    assert target_label(None, 3) == "3年目まで"
    assert target_label(None, None) == ""
    assert within_target(5, 5, 10) and within_target(10, 5, 10)
    assert not within_target(4, 5, 10) and not within_target(11, 5, 10)
    assert within_target(40, None, None)


@pytest.mark.django_db
def test_outside_the_target_years_only_with_the_organisers_permission(cast: Cast) -> None:
    made = programme(cast, min_years=5, max_years=10)
    teacher = cast.staff["teacher_a"]
    StaffServicePeriod.objects.create(staff=teacher, kind="teacher", start=date(2015, 4, 1))
    acting = acting_for(cast.account("teacher_a"))
    with pytest.raises(TrainingError) as refused:
        applications.application_submit(actor=acting, programme=made)
    assert "経験年数5〜10年目" in refused.value.message and "12年目" in refused.value.message
    assert not Application.objects.filter(programme=made).exists()

    organiser = cast.client("organizer")
    page = reverse("training:programme_applications", args=[made.pk])
    assert "対象外の受講の許可" in organiser.get(page).content.decode()
    add = reverse("training:target_exception_add", args=[made.pk])
    # A reason is required; someone outside the audience cannot be permitted.
    organiser.post(add, {"staff_number": teacher.staff_number, "reason": ""})
    organiser.post(add, {"staff_number": "99999999", "reason": "転入"})
    assert not TargetException.objects.exists()
    response = organiser.post(add, {"staff_number": teacher.staff_number, "reason": "他県から転入"})
    assert response.status_code == 302
    [granted] = TargetException.objects.all()
    assert granted.granted_by == cast.account("organizer")
    assert AuditEvent.objects.filter(action="training.target_exception.grant").count() == 1
    assert "他県から転入" in organiser.get(page).content.decode()

    applied = applications.application_submit(actor=acting, programme=made)
    assert applied.staff == teacher

    withdraw = reverse("training:target_exception_withdraw", args=[granted.pk])
    assert cast.client("teacher_a").post(withdraw).status_code == 403
    organiser.post(withdraw)
    assert not TargetException.objects.exists()
    assert AuditEvent.objects.filter(action="training.target_exception.withdraw").count() == 1
    assert Application.objects.filter(pk=applied.pk).exists()  # the application stays


@pytest.mark.django_db
def test_within_the_years_from_the_first_assignment(cast: Cast) -> None:
    made = programme(cast, min_years=5, max_years=10)
    teacher = cast.staff["teacher_a"]
    teacher.assignments.update(start=date(2019, 4, 1))  # 8年目 in FY2026, from the assignment
    applied = applications.application_submit(
        actor=acting_for(cast.account("teacher_a")), programme=made
    )
    assert applied.pk is not None


@pytest.mark.django_db
def test_the_api_grants_lists_and_withdraws(cast: Cast) -> None:
    from manabi.training.tests.test_api import body, token_client

    made = programme(cast, min_years=1, max_years=1)
    organiser = token_client(cast, "organizer")
    url = f"/api/v1/trainings/{made.pk}/target-exceptions/"
    number = cast.staff["teacher_a"].staff_number
    missing = organiser.post(url, {"staff_number": number}, content_type="application/json")
    assert missing.status_code == 400 and body(missing)["code"] == "invalid"
    granted = organiser.post(
        url, {"staff_number": number, "reason": "転入"}, content_type="application/json"
    )
    assert granted.status_code == 201 and body(granted)["staff_number"] == number
    again = organiser.post(
        url, {"staff_number": number, "reason": "転入"}, content_type="application/json"
    )
    assert again.status_code == 409 and body(again)["code"] == "duplicate_application"
    assert [e["staff_number"] for e in body(organiser.get(url))] == [number]
    assert token_client(cast, "teacher_a").get(url).status_code == 403
    gone = organiser.delete(f"/api/v1/target-exceptions/{body(granted)['id']}/")
    assert gone.status_code == 204 and body(organiser.get(url)) == []
