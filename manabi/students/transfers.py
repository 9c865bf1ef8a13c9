"""転出入: writes of transfers between schools. Every one is audited.

- ``transfer_record``: the sending school records a 転出 (date, destination, reason). The
  enrolment ends on that date with status 転出 and the handover package is taken then.
  Within the deployment the destination receives it as a pending 転入.
- ``transfer_accept``: the receiving school accepts it into a 学級; the pupil's new enrolment
  starts (status 転入). The sending school keeps its own enrolment, which it may still read.
- ``transfer_cancel``: the sending school withdraws a pending 転出; the enrolment is restored.
- ``transfer_export`` / ``package_import``: for a school outside the deployment, the package
  as a signed file, and the same file received by another manabi.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from manabi.accounts.selectors import Acting
from manabi.classes.models import SchoolClass
from manabi.core import extensions
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.students import handover
from manabi.students.models import (
    PRESENT_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Student,
    Transfer,
    TransferStatus,
)
from manabi.students.points import TRANSFER_RECORDED
from manabi.students.services import (
    GuardianData,
    StudentData,
    enrolment_create,
    student_admit,
    student_update,
)


def transfer_record(
    *,
    actor: Acting,
    enrolment: Enrolment,
    moved_on: date,
    reason: str,
    to_school: Organisation | None = None,
    destination_name: str = "",
) -> Transfer:
    reason = reason.strip()
    destination_name = destination_name.strip()
    if not reason:
        raise ValidationError({"reason": "転出の理由を入力してください。"})
    if to_school is None and not destination_name:
        raise ValidationError({"to_school": "転入先の学校を選ぶか、学校名を入力してください。"})
    if to_school is not None and to_school.pk == enrolment.school_id:
        raise ValidationError({"to_school": "転入先に自分の学校は選べません。"})
    if moved_on < enrolment.start_date:
        raise ValidationError({"moved_on": "転出日が在籍開始日より前です。"})
    assert actor.account is not None
    with transaction.atomic():
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if current.status not in PRESENT_STATUSES or current.end_date is not None:
            raise ValidationError("この在籍はすでに終わっています。")
        if Transfer.objects.filter(from_enrolment=current, status=TransferStatus.PENDING).exists():
            raise ValidationError("この児童生徒の転出はすでに記録されています。")
        package = handover.build_package(current.student, current)
        current.status = EnrolmentStatus.TRANSFERRED_OUT
        current.end_date = moved_on
        current.save(update_fields=["status", "end_date"])
        transfer = Transfer.objects.create(
            student=current.student,
            from_enrolment=current,
            from_school_id=current.school_id,
            to_school=to_school,
            destination_name="" if to_school else destination_name,
            moved_on=moved_on,
            reason=reason,
            package=package,
            recorded_by=actor.account,
        )
        audit_record(
            actor=actor,
            action="students.transfer.record",
            target=transfer,
            subject=current.student,
            details={
                "moved_on": moved_on.isoformat(),
                "to_school": to_school.pk if to_school else None,
                "destination_name": destination_name if not to_school else "",
            },
        )
        # The apps above (attendance: the school's guardian links) end what the school gave.
        extensions.call(
            TRANSFER_RECORDED, actor=actor, student=current.student, school_id=current.school_id
        )
    return transfer


def transfer_accept(
    *,
    actor: Acting,
    transfer: Transfer,
    school_class: SchoolClass,
    start_date: date,
    number: int | None = None,
) -> Enrolment:
    """The receiving school takes the pupil in: one new enrolment (転入) in its 学級."""
    if start_date < transfer.moved_on:
        raise ValidationError({"start_date": "転入日が転出日より前です。"})
    if school_class.school_id != transfer.to_school_id:
        raise ValidationError({"school_class": "自分の学校の学級を選んでください。"})
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != TransferStatus.PENDING:
            raise ValidationError("この転入はすでに処理されています。")
        assert locked.to_school is not None
        enrolment = enrolment_create(
            actor=actor,
            student=locked.student,
            school=locked.to_school,
            fiscal_year=school_class.fiscal_year,
            grade=school_class.grade,
            start_date=start_date,
            school_class=school_class,
            number=number,
            status=EnrolmentStatus.TRANSFERRED_IN,
        )
        locked.status = TransferStatus.ACCEPTED
        locked.accepted_by = actor.account
        locked.accepted_at = timezone.now()
        locked.to_enrolment = enrolment
        locked.save(update_fields=["status", "accepted_by", "accepted_at", "to_enrolment"])
        audit_record(
            actor=actor,
            action="students.transfer.accept",
            target=locked,
            subject=locked.student,
            details={"class": school_class.pk, "start_date": start_date.isoformat()},
        )
    transfer.refresh_from_db()
    return enrolment


def transfer_cancel(*, actor: Acting, transfer: Transfer) -> None:
    """Withdraw a 転出 that has not been accepted: the enrolment is as it was before."""
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status not in (TransferStatus.PENDING, TransferStatus.EXPORTED):
            raise ValidationError("受け入れ済みの転出は取り消せません。")
        enrolment = Enrolment.objects.select_for_update().get(pk=locked.from_enrolment_id)
        enrolment.status = (
            EnrolmentStatus.TRANSFERRED_IN
            if Transfer.objects.filter(to_enrolment=enrolment).exists()
            else EnrolmentStatus.ENROLLED
        )
        enrolment.end_date = None
        enrolment.save(update_fields=["status", "end_date"])
        locked.status = TransferStatus.CANCELLED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, action="students.transfer.cancel", target=locked, subject=locked.student
        )
    transfer.refresh_from_db()


def transfer_export(*, actor: Acting, transfer: Transfer) -> bytes:
    """The handover package as a signed file, for a destination outside the deployment."""
    if transfer.status == TransferStatus.CANCELLED:
        raise ValidationError("取り消した転出の書類は出力できません。")
    body = handover.write_signed_file(
        transfer.package,
        sender=transfer.from_school.name,
        student_code=transfer.student.code,
        destination=transfer.destination_name
        or (transfer.to_school.name if transfer.to_school else ""),
    )
    with transaction.atomic():
        if transfer.status == TransferStatus.PENDING and transfer.to_school_id is None:
            transfer.status = TransferStatus.EXPORTED
            transfer.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="students.transfer.export",
            target=transfer,
            subject=transfer.student,
            details={"sha256": hashlib.sha256(body).hexdigest()},
        )
    return body


@dataclass(frozen=True)
class ImportedPupil:
    enrolment: Enrolment
    created: bool
    signer: str


def _student_data(record: dict[str, object]) -> tuple[StudentData, list[GuardianData]]:
    try:
        data = StudentData(
            family_name=str(record["family_name"]),
            given_name=str(record["given_name"]),
            family_kana=str(record["family_kana"]),
            given_kana=str(record["given_kana"]),
            sex=str(record["sex"]),
            birth_date=date.fromisoformat(str(record["birth_date"])),
            common_name=str(record.get("common_name", "")),
            alphabet_name=str(record.get("alphabet_name", "")),
            postal_code=str(record.get("postal_code", "")),
            address=str(record.get("address", "")),
            prior_history=str(record.get("prior_history", "")),
        )
        raw_guardians = record.get("guardians", [])
        assert isinstance(raw_guardians, list)
        guardians = [
            GuardianData(**{f: str(g.get(f, "")) for f in GuardianData.__dataclass_fields__})
            for g in raw_guardians
        ]
    except (KeyError, ValueError, TypeError, AssertionError, AttributeError):
        raise ValidationError(
            {"package": "学籍の記録に足りない項目か読めない値があります。"}
        ) from None
    return data, guardians


def package_import(
    *,
    actor: Acting,
    content: bytes,
    school: Organisation,
    school_class: SchoolClass,
    start_date: date,
    number: int | None = None,
) -> ImportedPupil:
    """Receive a pupil from another deployment's signed handover file (転入). A pupil whose
    児童生徒コード is already known here is updated from the file and enrolled; otherwise a
    new pupil is made. Nothing is written unless everything succeeds."""
    try:
        verified = handover.read_signed_file(content)
    except handover.PackageError as exc:
        raise ValidationError({"package": str(exc)}) from None
    record = verified.package["sections"]["gakuseki"]
    data, guardians = _student_data(record)
    code = str(record.get("code", "")).strip()
    if not code:
        raise ValidationError({"package": "児童生徒コードがありません。"})
    with transaction.atomic():
        existing = Student.objects.filter(code=code).first()
        if existing is None:
            enrolment = student_admit(
                actor=actor,
                code=code,
                data=data,
                guardians=guardians,
                school=school,
                fiscal_year=school_class.fiscal_year,
                school_class=school_class,
                start_date=start_date,
                number=number,
                transferred_in=True,
            )
        else:
            student_update(actor=actor, student=existing, data=data, guardians=guardians)
            enrolment = enrolment_create(
                actor=actor,
                student=existing,
                school=school,
                fiscal_year=school_class.fiscal_year,
                grade=school_class.grade,
                start_date=start_date,
                school_class=school_class,
                number=number,
                status=EnrolmentStatus.TRANSFERRED_IN,
            )
        audit_record(
            actor=actor,
            action="students.transfer.import",
            target=enrolment,
            subject=enrolment.student,
            details={
                "signer": verified.signer,
                "sender": verified.manifest.get("sender", ""),
                "sha256": hashlib.sha256(content).hexdigest(),
            },
        )
    return ImportedPupil(enrolment=enrolment, created=existing is None, signer=verified.signer)
