"""The organiser's decisions: capacity, waitlist, lottery, cancellation and promotion, and
direct enrolment from a list, a CSV and the eligibility survey."""

from __future__ import annotations

from datetime import date

import pytest

from manabi.accounts.selectors import Acting, acting_for
from manabi.core.models import AuditEvent
from manabi.eligibility import services as eligibility
from manabi.eligibility.models import SchoolSubmission, StaffServicePeriod
from manabi.training.choices import Decision, ProgrammeKind, Visibility
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.lottery import draw
from manabi.training.models import Application, Lottery, TrainingProgramme
from manabi.training.services import applications, decisions
from manabi.training.states import ApplicationStatus
from manabi.training.tests.factories import organizer, person_at, programme
from tests.personas import Cast

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def awaiting(cast: Cast, made: TrainingProgramme, count: int) -> list[Application]:
    """``count`` guests' applications awaiting the decision (no route to walk)."""
    from manabi.accounts.models import RoleAssignment
    from manabi.accounts.roles import Role
    from manabi.accounts.tests.factories import AccountFactory

    found = []
    for index in range(count):
        account = AccountFactory(
            login_id=f"guest-{made.pk}-{index}", display_name=f"ゲスト {index}"
        )
        RoleAssignment.objects.create(
            account=account, role=Role.GUEST, organisation=None, valid_from=date(2020, 4, 1)
        )
        found.append(applications.application_submit(actor=acting_for(account), programme=made))
    return found


def public(cast: Cast, **fields: object) -> TrainingProgramme:
    return programme(cast, visibility=Visibility.PUBLIC, **fields)


def test_accept_within_capacity_then_waitlist(cast: Cast) -> None:
    made = public(cast, capacity=2)
    first, second, third = awaiting(cast, made, 3)
    boss = organizer(cast)
    decisions.application_decide(actor=boss, application=first, decision=Decision.ACCEPTED)
    decisions.application_decide(actor=boss, application=second, decision=Decision.ACCEPTED)
    with pytest.raises(TrainingError) as caught:
        decisions.application_decide(actor=boss, application=third, decision=Decision.ACCEPTED)
    assert caught.value.code == ErrorCode.CAPACITY_FULL
    waiting = decisions.application_decide(
        actor=boss, application=third, decision=Decision.WAITLISTED
    )
    assert (waiting.status, waiting.waitlist_position) == (S.WAITLISTED, 1)


def test_cancelling_an_accepted_place_promotes_the_first_waitlisted(cast: Cast) -> None:
    made = public(cast, capacity=1)
    first, second, third = awaiting(cast, made, 3)
    summary = decisions.programme_accept_in_order(actor=organizer(cast), programme=made)
    assert summary.accepted == [first.pk]
    assert summary.waitlisted == [second.pk, third.pk]
    cancelled, promoted = decisions.application_cancel(
        actor=acting_for(first.account), application=first, reason="出張のため"
    )
    assert cancelled.status == S.CANCELLED
    assert promoted is not None and promoted.pk == second.pk
    assert Application.objects.get(pk=second.pk).status == S.ACCEPTED
    assert Application.objects.get(pk=third.pk).waitlist_position == 2
    assert AuditEvent.objects.filter(action="training.application.promote").count() == 1


def test_cancel_needs_a_reason_and_a_decision(cast: Cast) -> None:
    made = public(cast)
    [application] = awaiting(cast, made, 1)
    with pytest.raises(TrainingError) as caught:
        decisions.application_cancel(actor=organizer(cast), application=application, reason="")
    assert caught.value.code == ErrorCode.REASON_REQUIRED
    with pytest.raises(TrainingError) as caught:
        decisions.application_cancel(actor=organizer(cast), application=application, reason="x")
    assert caught.value.code == ErrorCode.INVALID_TRANSITION


def test_lottery_is_seeded_recorded_and_reproducible(cast: Cast) -> None:
    made = public(cast, capacity=3)
    people = awaiting(cast, made, 8)
    summary = decisions.programme_lottery_draw(actor=organizer(cast), programme=made, seed=424242)
    record = Lottery.objects.get()
    assert summary.lottery == record
    assert record.seed == 424242
    assert record.candidates == sorted(a.pk for a in people)
    assert record.order == draw(record.candidates, record.seed)
    assert summary.accepted == record.order[:3]
    assert summary.waitlisted == record.order[3:]
    waitlist = list(
        Application.objects.filter(status=S.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("pk", flat=True)
    )
    assert waitlist == record.order[3:]
    event = AuditEvent.objects.get(action="training.programme.lottery")
    assert event.details["seed"] == 424242
    with pytest.raises(TrainingError) as caught:
        decisions.programme_lottery_draw(actor=organizer(cast), programme=made)
    assert caught.value.code == ErrorCode.NOTHING_TO_DRAW


def test_same_candidates_and_seed_draw_the_same_on_another_programme(cast: Cast) -> None:
    """Replaying a recorded draw: the order depends only on the candidates and the seed."""
    made = public(cast, capacity=2)
    awaiting(cast, made, 5)
    decisions.programme_lottery_draw(actor=organizer(cast), programme=made, seed=7)
    record = Lottery.objects.get()
    assert draw(list(reversed(record.candidates)), 7) == record.order


def test_accept_in_order_follows_recommendation_rank(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.RECOMMENDED, capacity=1)
    principal = acting_for(cast.account("principal_a"))
    board = acting_for(cast.account("board_officer"))
    second, _ = person_at(cast.orgs["school_a"], number="20000021")
    late = applications.application_submit(
        actor=principal, programme=made, staff=cast.staff["teacher_a"], recommendation_rank=2
    )
    early = applications.application_submit(
        actor=principal, programme=made, staff=second, recommendation_rank=1
    )
    for application in (late, early):
        applications.application_approve(actor=board, application=application)
    summary = decisions.programme_accept_in_order(actor=organizer(cast), programme=made)
    assert summary.accepted == [early.pk]
    assert summary.waitlisted == [late.pk]


def enrol_programme(cast: Cast, **fields: object) -> TrainingProgramme:
    return programme(cast, kind=ProgrammeKind.ALL_TARGETS, **fields)


def test_enrol_from_a_list(cast: Cast) -> None:
    made = enrol_programme(cast, capacity=2)
    boss = organizer(cast)
    result = decisions.programme_enrol(
        actor=boss, programme=made, staff=[cast.staff["teacher_a"], cast.staff["teacher_b"]]
    )
    assert {a.staff for a in result.enrolled} == {cast.staff["teacher_a"], cast.staff["teacher_b"]}
    assert all(a.status == S.ACCEPTED and a.enrolled_directly for a in result.enrolled)
    assert not Application.objects.filter(programme=made).exclude(steps=None).exists()
    again = decisions.programme_enrol(
        actor=boss, programme=made, staff=[cast.staff["teacher_a"], cast.staff["principal_a"]]
    )
    assert [s for s, _ in again.skipped] == [cast.staff["teacher_a"]]
    assert [s for s, why in again.refused if "定員" in why] == [cast.staff["principal_a"]]


def test_enrolment_is_for_all_targets_and_nominated_programmes_only(cast: Cast) -> None:
    with pytest.raises(TrainingError):
        decisions.programme_enrol(
            actor=organizer(cast), programme=programme(cast), staff=[cast.staff["teacher_a"]]
        )


def test_enrol_from_csv_is_all_or_nothing(cast: Cast) -> None:
    made = enrol_programme(cast)
    bad = "職員番号,氏名\r\n10000002,南 花子\r\n99999999,誰か\r\n10000002,重複\r\n".encode()
    result = decisions.programme_enrol_csv(actor=organizer(cast), programme=made, data=bad)
    assert not result.ok
    assert [e.row for e in result.errors] == [3, 4]
    assert "見つかりません" in result.errors[0].message
    assert not Application.objects.filter(programme=made).exists()
    good = "\ufeff職員番号\r\n１０００００02\r\n10000003\r\n".encode()  # full-width digits too
    result = decisions.programme_enrol_csv(actor=organizer(cast), programme=made, data=good)
    assert result.ok
    assert {a.staff_id for a in result.enrolled} == {
        cast.staff["teacher_a"].pk,
        cast.staff["teacher_b"].pk,
    }


def test_enrol_the_confirmed_targets_of_the_eligibility_survey(cast: Cast) -> None:
    """「該当者調査の○の人を登録」: teacher_a, in her second year, was marked ○ by school A."""
    made = enrol_programme(cast, title="教職2年次研修", eligibility_training="second_year")
    centre: Acting = organizer(cast)
    survey = eligibility.survey_open(
        actor=centre,
        prefecture=cast.orgs["pref"],
        fiscal_year=2025,
        deadline=date(2024, 7, 31),
        rules="niigata",
    )
    StaffServicePeriod.objects.create(
        staff=cast.staff["teacher_a"], kind="teacher", start=date(2024, 4, 1)
    )
    principal = acting_for(cast.account("principal_a"))
    submission = SchoolSubmission.objects.get(survey=survey, school=cast.orgs["school_a"])
    eligibility.submission_recompute(actor=principal, submission=submission)
    eligibility.decisions_mark_attending(actor=principal, submission=submission)
    eligibility.submission_submit(actor=principal, submission=submission)
    result = decisions.programme_enrol_from_survey(
        actor=centre, programme=made, survey=survey, training="second_year"
    )
    assert [a.staff for a in result.enrolled] == [cast.staff["teacher_a"]]
    with pytest.raises(TrainingError):
        decisions.programme_enrol_from_survey(
            actor=centre, programme=made, survey=survey, training="sixth_year"
        )
