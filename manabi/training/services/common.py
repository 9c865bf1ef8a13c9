"""What the training services share: the state machine check, the row lock, the audit event
of an application, and required reasons."""

from __future__ import annotations

from django.db.models import Model

from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.models import Application
from manabi.training.states import (
    ApplicationAction,
    ApplicationStatus,
    ProgrammeAction,
    ProgrammeStatus,
    TransitionNotAllowed,
    application_next,
    programme_next,
)


def transition(status: str, action: ApplicationAction) -> ApplicationStatus:
    """The state after ``action``, or a :class:`TrainingError` saying why not."""
    try:
        return application_next(status, action)
    except TransitionNotAllowed as exc:
        raise TrainingError(ErrorCode.INVALID_TRANSITION, str(exc)) from None


def programme_transition(status: str, action: ProgrammeAction) -> ProgrammeStatus:
    try:
        return programme_next(status, action)
    except TransitionNotAllowed as exc:
        raise TrainingError(ErrorCode.INVALID_TRANSITION, str(exc)) from None


def lock_application(application: Application) -> Application:
    """The application row, locked until the transaction ends, with what messages need."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(
            "programme", "programme__organiser", "staff", "account", "applied_by", "unit"
        )
        .get(pk=application.pk)
    )


def audit_application(
    actor: Acting, action: str, application: Application, **details: object
) -> None:
    subject: Model | None = application.staff or application.account
    audit_record(
        actor=actor,
        action=f"training.application.{action}",
        target=application,
        subject=subject,
        details={
            "programme": application.programme_id,
            "number": application.programme.number,
            "status": application.status,
            **details,
        },
    )


def required_reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise TrainingError(ErrorCode.REASON_REQUIRED, f"{what}の理由を入力してください。")
    return reason
