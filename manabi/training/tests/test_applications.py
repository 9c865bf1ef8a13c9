"""Applications and the approval route, through the services (seed 000 §4)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from manabi.accounts.roles import Role
from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.people.choices import JobTitle
from manabi.training.choices import ProgrammeKind, RouteOverride, StepKind, StepStatus, Visibility
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.models import Application, Notification
from manabi.training.selectors import approval_queue
from manabi.training.services import applications as services
from manabi.training.states import ApplicationStatus
from manabi.training.tests.factories import (
    as_role,
    person_at,
    prefectural_school,
    programme,
)
from tests.personas import Cast

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def actor(cast: Cast, name: str) -> Any:
    return acting_for(cast.account(name))


def test_municipal_teacher_goes_principal_board_organiser(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    made = programme(cast)
    teacher = actor(cast, "teacher_a")
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(actor=teacher, programme=made)
    assert application.status == S.PENDING_APPROVAL
    assert application.unit == cast.orgs["school_a"]
    steps = list(application.steps.order_by("order"))
    assert [(s.kind, s.organisation, s.status) for s in steps] == [
        (StepKind.SCHOOL_ADMIN, cast.orgs["school_a"], StepStatus.PENDING),
        (StepKind.BOARD, cast.orgs["board_m"], StepStatus.WAITING),
    ]
    # The principal is told (in the app and by mail when they have an address).
    principal = cast.account("principal_a")
    assert Notification.objects.filter(recipient=principal, application=application).exists()

    principal_acting = actor(cast, "principal_a")
    assert [s.application for s in approval_queue(principal_acting)] == [application]
    services.application_approve(actor=principal_acting, application=application)
    application.refresh_from_db()
    assert application.status == S.PENDING_APPROVAL
    board = actor(cast, "board_officer")
    assert [s.application for s in approval_queue(board)] == [application]
    assert list(approval_queue(principal_acting)) == []

    services.application_approve(actor=board, application=application, comment="了解しました")
    application.refresh_from_db()
    assert application.status == S.AWAITING_DECISION
    assert Notification.objects.filter(
        recipient=cast.account("organizer"), application=application
    ).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="training.application.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "training.application.submit",
        "training.application.approve",
        "training.application.approve",
    ]


def test_prefectural_school_has_no_municipal_step(cast: Cast) -> None:
    high = prefectural_school(cast)
    _, teacher = person_at(high, number="20000001")
    _, principal = person_at(
        high,
        number="20000002",
        name="県立 校長",
        role=Role.SCHOOL_ADMIN,
        job_title=JobTitle.PRINCIPAL,
    )
    application = services.application_submit(actor=teacher, programme=programme(cast))
    assert [s.organisation for s in application.steps.all()] == [high]
    services.application_approve(actor=principal, application=application)
    application.refresh_from_db()
    assert application.status == S.AWAITING_DECISION


def test_admin_unit_staff_go_to_the_board_holding_the_unit(cast: Cast) -> None:
    _, seconded = person_at(cast.orgs["admin_m"], number="20000003", job_title=JobTitle.SUPERVISOR)
    application = services.application_submit(actor=seconded, programme=programme(cast))
    [step] = application.steps.all()
    assert (step.kind, step.organisation) == (StepKind.BOARD, cast.orgs["board_m"])
    services.application_approve(actor=actor(cast, "board_officer"), application=application)
    application.refresh_from_db()
    assert application.status == S.AWAITING_DECISION


def test_a_municipal_boards_own_programme_shortens_the_route(cast: Cast) -> None:
    organiser = as_role(cast, "board_officer", Role.ORGANIZER)
    own = programme(cast, actor=organiser, organiser=cast.orgs["board_m"])
    application = services.application_submit(actor=actor(cast, "teacher_a"), programme=own)
    assert [s.organisation for s in application.steps.all()] == [cast.orgs["school_a"]]
    full = programme(
        cast,
        actor=organiser,
        organiser=cast.orgs["board_m"],
        title="全ステップ",
        route=RouteOverride.FULL,
    )
    again = services.application_submit(actor=actor(cast, "teacher_a"), programme=full)
    assert again.steps.count() == 2


def test_guests_apply_for_public_programmes_only_and_skip_the_route(cast: Cast) -> None:
    guest = actor(cast, "guest")
    closed = programme(cast)
    with pytest.raises(TrainingError) as caught:
        services.application_submit(actor=guest, programme=closed)
    assert caught.value.code == ErrorCode.NOT_IN_AUDIENCE
    public = programme(cast, title="公開講座", visibility=Visibility.PUBLIC)
    application = services.application_submit(actor=guest, programme=public)
    assert application.status == S.AWAITING_DECISION
    assert application.staff is None and application.account == cast.account("guest")
    assert not application.steps.exists()


def test_other_municipalities_cannot_apply_to_a_jurisdiction_only_programme(cast: Cast) -> None:
    organiser = as_role(cast, "board_officer", Role.ORGANIZER)
    own = programme(cast, actor=organiser, organiser=cast.orgs["board_m"])
    with pytest.raises(TrainingError) as caught:
        services.application_submit(actor=actor(cast, "teacher_b"), programme=own)
    assert caught.value.code == ErrorCode.NOT_IN_AUDIENCE


def test_one_application_per_person_per_programme(cast: Cast) -> None:
    made = programme(cast)
    teacher = actor(cast, "teacher_a")
    services.application_submit(actor=teacher, programme=made)
    with pytest.raises(TrainingError) as caught:
        services.application_submit(actor=teacher, programme=made)
    assert caught.value.code == ErrorCode.DUPLICATE
    assert "既に申込があります" in caught.value.message
    # The database refuses it too, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            programme=made,
            staff=cast.staff["teacher_a"],
            status=S.AWAITING_DECISION,
            submitted_at=made.created_at,
        )


def test_principal_applies_for_a_teacher_with_a_rank(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.RECOMMENDED)
    teacher = actor(cast, "teacher_a")
    with pytest.raises(TrainingError) as caught:
        services.application_submit(actor=teacher, programme=made)
    assert caught.value.code == ErrorCode.RECOMMENDATION_ONLY
    principal = actor(cast, "principal_a")
    application = services.application_submit(
        actor=principal, programme=made, staff=cast.staff["teacher_a"], recommendation_rank=1
    )
    assert application.recommender == cast.orgs["school_a"]
    assert application.applied_by == cast.account("principal_a")
    # The principal's own step is approved at once; the board's step waits.
    steps = list(application.steps.order_by("order"))
    assert [s.status for s in steps] == [StepStatus.APPROVED, StepStatus.PENDING]
    other = person_at(cast.orgs["school_a"], number="20000004")[0]
    with pytest.raises(TrainingError) as caught:
        services.application_submit(
            actor=principal, programme=made, staff=other, recommendation_rank=1
        )
    assert caught.value.code == ErrorCode.RANK_TAKEN


def test_targets_are_enforced(cast: Cast) -> None:
    made = programme(cast, target_school_types=["junior_high"])
    with pytest.raises(TrainingError) as caught:
        services.application_submit(actor=actor(cast, "teacher_a"), programme=made)
    assert caught.value.code == ErrorCode.NOT_A_TARGET
    services.application_submit(actor=actor(cast, "teacher_b"), programme=made)
    nurses = programme(cast, title="養護教諭研修", target_job_titles=["nurse_teacher"])
    with pytest.raises(TrainingError, match="職名"):
        services.application_submit(actor=actor(cast, "teacher_b"), programme=nurses)


def test_direct_enrolment_programmes_take_no_applications(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.ALL_TARGETS)
    with pytest.raises(TrainingError) as caught:
        services.application_submit(actor=actor(cast, "teacher_a"), programme=made)
    assert caught.value.code == ErrorCode.DIRECT_ENROLMENT_ONLY


def test_reject_needs_a_reason_and_tells_the_applicant(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    application = services.application_submit(
        actor=actor(cast, "teacher_a"), programme=programme(cast)
    )
    principal = actor(cast, "principal_a")
    with pytest.raises(TrainingError) as caught:
        services.application_reject(actor=principal, application=application, reason="  ")
    assert caught.value.code == ErrorCode.REASON_REQUIRED
    cast.account("teacher_a").email = "hanako@example.jp"
    cast.account("teacher_a").save()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            actor=principal, application=application, reason="校務と重なるため"
        )
    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert application.reason == "校務と重なるため"
    [message] = [m for m in mail.outbox if "hanako@example.jp" in m.to]
    assert "否決" in message.subject and "校務と重なるため" in message.body


def test_send_back_and_resubmit_start_the_route_again(cast: Cast) -> None:
    teacher = actor(cast, "teacher_a")
    application = services.application_submit(actor=teacher, programme=programme(cast))
    principal = actor(cast, "principal_a")
    services.application_approve(actor=principal, application=application)
    board = actor(cast, "board_officer")
    services.application_send_back(
        actor=board, application=application, reason="理由を書いてください"
    )
    application.refresh_from_db()
    assert application.status == S.RETURNED
    services.application_resubmit(
        actor=teacher, application=application, motivation="授業改善のため"
    )
    application.refresh_from_db()
    assert application.status == S.PENDING_APPROVAL
    assert application.motivation == "授業改善のため"
    assert [s.status for s in application.steps.order_by("order")] == [
        StepStatus.PENDING,
        StepStatus.WAITING,
    ]


def test_withdraw_before_the_decision_only(cast: Cast) -> None:
    teacher = actor(cast, "teacher_a")
    application = services.application_submit(actor=teacher, programme=programme(cast))
    services.application_withdraw(actor=teacher, application=application)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert not approval_queue(actor(cast, "principal_a")).exists()
    with pytest.raises(TrainingError) as caught:
        services.application_withdraw(actor=teacher, application=application)
    assert caught.value.code == ErrorCode.INVALID_TRANSITION


@pytest.mark.parametrize(
    "name", ["board_officer", "teacher_a", "organizer", "system_admin", "teacher_b"]
)
def test_nobody_outside_the_waiting_step_can_act(cast: Cast, name: str) -> None:
    application = services.application_submit(
        actor=actor(cast, "teacher_a"), programme=programme(cast)
    )
    before = AuditEvent.objects.count()
    for act in (
        lambda who: services.application_approve(actor=who, application=application),
        lambda who: services.application_reject(actor=who, application=application, reason="x"),
        lambda who: services.application_send_back(actor=who, application=application, reason="x"),
    ):
        with pytest.raises(TrainingError) as caught:
            act(actor(cast, name))
        assert caught.value.code == ErrorCode.NOT_YOUR_STEP
    application.refresh_from_db()
    assert application.status == S.PENDING_APPROVAL
    assert AuditEvent.objects.count() == before


def test_bulk_approval_reports_each_application(cast: Cast) -> None:
    made = programme(cast)
    principal = actor(cast, "principal_a")
    mine = []
    for number in ("20000011", "20000012", "20000013"):
        _, teacher = person_at(cast.orgs["school_a"], number=number)
        mine.append(services.application_submit(actor=teacher, programme=made))
    services.application_withdraw(actor=acting_for(mine[2].account), application=mine[2])
    elsewhere = services.application_submit(actor=actor(cast, "teacher_b"), programme=made)
    results = services.applications_approve_bulk(
        actor=principal, application_ids=[mine[0].pk, mine[1].pk, mine[2].pk, elsewhere.pk, 999999]
    )
    assert [(r.application_id, r.ok, r.code) for r in results] == [
        (mine[0].pk, True, ""),
        (mine[1].pk, True, ""),
        (mine[2].pk, False, ErrorCode.INVALID_TRANSITION),
        (elsewhere.pk, False, ErrorCode.NOT_FOUND),
        (999999, False, ErrorCode.NOT_FOUND),
    ]
    assert Application.objects.get(pk=mine[0].pk).steps.get(order=1).status == StepStatus.APPROVED
    assert Application.objects.get(pk=elsewhere.pk).steps.get(order=1).status == StepStatus.PENDING


def test_comments_reach_the_people_involved(cast: Cast) -> None:
    application = services.application_submit(
        actor=actor(cast, "teacher_a"), programme=programme(cast)
    )
    services.application_comment(
        actor=actor(cast, "principal_a"), application=application, text="日程は大丈夫ですか"
    )
    assert Notification.objects.filter(
        recipient=cast.account("teacher_a"), subject__startswith="コメント"
    ).exists()
    assert application.comments.get().author == cast.account("principal_a")


def test_withdrawal_tells_whoever_was_to_act_next(cast: Cast) -> None:
    teacher = actor(cast, "teacher_a")
    application = services.application_submit(actor=teacher, programme=programme(cast))
    services.application_withdraw(actor=teacher, application=application)
    assert Notification.objects.filter(
        recipient=cast.account("principal_a"), subject__startswith="申込の取り下げ"
    ).exists()
