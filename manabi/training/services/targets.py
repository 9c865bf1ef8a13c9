"""対象外の受講の許可: the organiser lets a member of staff apply to a programme although their
経験年数 is outside its target years. Granted and withdrawn with an audit event each."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.models import TargetException, TrainingProgramme
from manabi.training.selectors import staff_enrollable


def target_exception_grant(
    *, actor: Acting, programme: TrainingProgramme, staff_number: str, reason: str
) -> TargetException:
    """Permit the person with ``staff_number`` (within the programme's audience)."""
    reason = reason.strip()
    if not reason:
        raise TrainingError(ErrorCode.REASON_REQUIRED, "許可の理由を入力してください。")
    staff = staff_enrollable(programme).filter(staff_number=staff_number.strip()).first()
    if staff is None:
        raise TrainingError(
            ErrorCode.NOT_IN_AUDIENCE,
            f"職員番号「{staff_number.strip()}」の教職員は、この研修の対象の所属にいません。",
        )
    try:
        with transaction.atomic():
            granted = TargetException.objects.create(
                programme=programme, staff=staff, reason=reason, granted_by=actor.account
            )
            audit_record(
                actor=actor,
                action="training.target_exception.grant",
                target=programme,
                subject=staff,
                details={"reason": reason},
            )
    except IntegrityError:
        raise TrainingError(
            ErrorCode.DUPLICATE, f"{staff.display_name} さんはすでに許可されています。"
        ) from None
    return granted


def target_exception_withdraw(*, actor: Acting, exception: TargetException) -> None:
    """Withdraw a permission; applications already made stay as they are."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="training.target_exception.withdraw",
            target=exception.programme,
            subject=exception.staff,
            details={"reason": exception.reason},
        )
        exception.delete()
