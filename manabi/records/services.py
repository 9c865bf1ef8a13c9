"""Writes of training history. Every one is audited.

- ``history_record_from_training``: a completed platform training (研修の修了), confirmed.
- ``manual_record_submit`` / ``manual_record_update`` / ``manual_record_withdraw``: a
  teacher's own 校内研修・研究 or 自主研修, submitted for confirmation (確認待ち).
- ``history_record_confirm`` / ``history_record_return``: the school admin's decision.
- ``school_training_record``: a school-wide in-school training entered by a school admin for
  many staff at once, confirmed at entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from manabi.accounts.selectors import Acting
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.indicators.models import Item
from manabi.orgs.models import Organisation
from manabi.people.models import Staff
from manabi.records.choices import (
    MANUAL_CATEGORIES,
    RecordCategory,
    RecordSource,
    RecordStatus,
    TrainingFormat,
)
from manabi.records.models import HistoryRecord
from manabi.records.selectors import is_own

MAX_HOURS = Decimal("999.9")


class HistoryError(Exception):
    """Something the person can correct; ``str()`` is a Japanese message saying what."""


def history_record_from_training(
    *,
    actor: Acting | None,
    staff: Staff,
    source_ref: str,
    title: str,
    organiser: Organisation | None,
    organiser_name: str,
    programme_number: str,
    category: str,
    format: str,
    start: date,
    end: date,
    hours: Decimal,
    indicator_item_ids: Sequence[int] = (),
) -> HistoryRecord:
    """Record a completed platform training (研修の修了 → 受講履歴), confirmed at once.

    Idempotent per ``source_ref`` (e.g. "training:<application id>"): completing again
    updates the same record instead of adding one.
    """
    with transaction.atomic():
        record, created = HistoryRecord.objects.update_or_create(
            staff=staff,
            source_ref=source_ref,
            defaults={
                "title": title,
                "organiser": organiser,
                "organiser_name": organiser_name,
                "programme_number": programme_number,
                "category": category,
                "format": format,
                "start": start,
                "end": end,
                "fiscal_year": wareki.fiscal_year(start),
                "hours": hours,
                "completed": True,
                "status": RecordStatus.CONFIRMED,
                "source": RecordSource.PLATFORM,
                "confirmed_at": timezone.now(),
            },
        )
        record.indicator_items.set(indicator_item_ids)
        audit_record(
            actor=actor,
            action="records.history.from_training" if created else "records.history.update",
            target=record,
            subject=staff,
            details={"source_ref": source_ref, "programme_number": programme_number},
        )
    return record


def history_record_from_training_revoke(
    *, actor: Acting | None, staff: Staff, source_ref: str, reason: str
) -> bool:
    """The completion of a platform training was taken back (修了の判定の取消): its history
    record goes, with an audit event that keeps what it said and why. False when there was
    none (a guest, or a completion recorded before records were kept)."""
    with transaction.atomic():
        record = (
            HistoryRecord.objects.select_for_update()
            .filter(staff=staff, source_ref=source_ref, source=RecordSource.PLATFORM)
            .first()
        )
        if record is None:
            return False
        audit_record(
            actor=actor,
            action="records.history.revoke",
            target=record,
            subject=staff,
            details={
                "source_ref": source_ref,
                "title": record.title,
                "programme_number": record.programme_number,
                "start": record.start.isoformat(),
                "hours": str(record.hours),
                "reason": reason,
            },
        )
        record.delete()
    return True


# --- a teacher's own records ----------------------------------------------------------------


def _check_dates_and_hours(start: date, end: date, hours: Decimal) -> None:
    errors: dict[str, str] = {}
    if end < start:
        errors["end"] = "終了日は開始日以降の日付にしてください。"
    elif end > timezone.localdate():
        errors["end"] = "まだ終わっていない研修は記録できません。終了後に入力してください。"
    if hours <= 0 or hours > MAX_HOURS:
        errors["hours"] = f"時間は0.1〜{MAX_HOURS}時間の範囲で入力してください。"
    if errors:
        raise ValidationError(errors)


def _check_items(item_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(item_ids))
    if ids and Item.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError(
            {"indicator_items": "育成指標の項目が見つかりません。選び直してください。"}
        )
    return ids


def _delete_evidence_on_commit(record: HistoryRecord) -> None:
    """Remove the stored file once the change is committed (never before: a rollback keeps
    the record, so it must keep its file)."""
    if record.evidence:
        storage, name = record.evidence.storage, str(record.evidence.name)
        transaction.on_commit(lambda: storage.delete(name))


def _store_evidence(record: HistoryRecord, evidence: UploadedFile[bytes] | None) -> None:
    if evidence is not None:
        record.evidence_name = (evidence.name or "evidence")[:200]
        record.evidence.save(evidence.name or "evidence", evidence, save=False)


def manual_record_submit(
    *,
    actor: Acting,
    staff: Staff,
    title: str,
    organiser_name: str,
    category: str,
    format: str,
    start: date,
    end: date,
    hours: Decimal,
    note: str = "",
    indicator_item_ids: Sequence[int] = (),
    evidence: UploadedFile[bytes] | None = None,
) -> HistoryRecord:
    """A teacher records their own 校内研修・研究 or 自主研修; it waits for the school admin's
    confirmation (確認待ち) and counts only once confirmed."""
    if not is_own(actor, staff.pk):
        raise HistoryError("自分の研修履歴だけを入力できます。")
    if category not in MANUAL_CATEGORIES:
        raise ValidationError({"category": "入力できるのは校内研修・研究と自主研修です。"})
    _check_dates_and_hours(start, end, hours)
    item_ids = _check_items(indicator_item_ids)
    with transaction.atomic():
        record = HistoryRecord(
            staff=staff,
            title=title,
            organiser_name=organiser_name,
            category=category,
            format=format,
            start=start,
            end=end,
            fiscal_year=wareki.fiscal_year(start),
            hours=hours,
            completed=True,
            status=RecordStatus.SUBMITTED,
            source=RecordSource.MANUAL,
            note=note,
            entered_by=actor.account,
            submitted_at=timezone.now(),
        )
        _store_evidence(record, evidence)
        record.full_clean(exclude=["evidence"])
        record.save()
        record.indicator_items.set(item_ids)
        audit_record(
            actor=actor,
            action="records.history.submit",
            target=record,
            subject=staff,
            details={
                "title": title,
                "category": category,
                "start": start.isoformat(),
                "hours": str(hours),
                "evidence": record.evidence_name,
            },
        )
    return record


EDITABLE_FIELDS = (
    "title",
    "organiser_name",
    "category",
    "format",
    "start",
    "end",
    "hours",
    "note",
)


def _lock(record: HistoryRecord) -> HistoryRecord:
    return HistoryRecord.objects.select_for_update().select_related("staff").get(pk=record.pk)


def manual_record_update(
    *,
    actor: Acting,
    record: HistoryRecord,
    indicator_item_ids: Sequence[int] = (),
    evidence: UploadedFile[bytes] | None = None,
    remove_evidence: bool = False,
    **fields: Any,
) -> HistoryRecord:
    """修正して再提出: the teacher changes a record that is not confirmed yet; it goes back to
    the school admin (確認待ち)."""
    if fields.get("category", record.category) not in MANUAL_CATEGORIES:
        raise ValidationError({"category": "入力できるのは校内研修・研究と自主研修です。"})
    _check_dates_and_hours(
        fields.get("start", record.start),
        fields.get("end", record.end),
        fields.get("hours", record.hours),
    )
    item_ids = _check_items(indicator_item_ids)
    with transaction.atomic():
        record = _lock(record)
        if not is_own(actor, record.staff_id) or record.source != RecordSource.MANUAL:
            raise HistoryError("自分で入力した研修履歴だけを修正できます。")
        if record.status == RecordStatus.CONFIRMED:
            raise HistoryError("確認済みの研修履歴は修正できません。学校管理職に相談してください。")
        before = {name: str(getattr(record, name)) for name in EDITABLE_FIELDS}
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"not an editable field: {name}")
            setattr(record, name, value)
        record.fiscal_year = wareki.fiscal_year(record.start)
        if (remove_evidence or evidence is not None) and record.evidence:
            _delete_evidence_on_commit(record)
            record.evidence = None
            record.evidence_name = ""
        _store_evidence(record, evidence)
        record.status = RecordStatus.SUBMITTED
        record.submitted_at = timezone.now()
        record.full_clean(exclude=["evidence"])
        record.save()
        record.indicator_items.set(item_ids)
        changes = {
            name: [before[name], str(getattr(record, name))]
            for name in EDITABLE_FIELDS
            if before[name] != str(getattr(record, name))
        }
        audit_record(
            actor=actor,
            action="records.history.resubmit",
            target=record,
            subject=record.staff,
            details={"changes": changes, "evidence": record.evidence_name},
        )
    return record


def manual_record_withdraw(*, actor: Acting, record: HistoryRecord) -> None:
    """取り下げ: the teacher deletes a record of their own that is not confirmed yet."""
    with transaction.atomic():
        record = _lock(record)
        if not is_own(actor, record.staff_id) or record.source != RecordSource.MANUAL:
            raise HistoryError("自分で入力した研修履歴だけを取り下げられます。")
        if record.status == RecordStatus.CONFIRMED:
            raise HistoryError("確認済みの研修履歴は取り下げられません。")
        staff = record.staff
        details = {"title": record.title, "start": record.start.isoformat()}
        _delete_evidence_on_commit(record)
        audit_record(
            actor=actor,
            action="records.history.withdraw",
            target=record,
            subject=staff,
            details=details,
        )
        record.delete()


# --- the school admin's decision ------------------------------------------------------------


def _check_reviewer(actor: Acting, record: HistoryRecord) -> None:
    if is_own(actor, record.staff_id):
        raise HistoryError("自分の研修履歴は確認できません。")
    if record.status == RecordStatus.CONFIRMED:
        raise HistoryError("この研修履歴は既に確認済みです。")
    if record.status != RecordStatus.SUBMITTED:
        raise HistoryError(
            "この研修履歴は差し戻し中です。本人が修正して再提出するまで確認できません。"
        )


def history_record_confirm(*, actor: Acting, record: HistoryRecord) -> HistoryRecord:
    """確認: the record counts from now on."""
    with transaction.atomic():
        record = _lock(record)
        _check_reviewer(actor, record)
        record.status = RecordStatus.CONFIRMED
        record.confirmed_by = actor.account
        record.confirmed_at = timezone.now()
        record.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="records.history.confirm",
            target=record,
            subject=record.staff,
            details={"title": record.title, "hours": str(record.hours)},
        )
    return record


def history_record_return(*, actor: Acting, record: HistoryRecord, reason: str) -> HistoryRecord:
    """差し戻し: back to the teacher with the reason, to correct and submit again."""
    if not reason.strip():
        raise ValidationError({"reason": "差し戻しの理由を入力してください(本人に表示されます)。"})
    with transaction.atomic():
        record = _lock(record)
        _check_reviewer(actor, record)
        record.status = RecordStatus.RETURNED
        record.returned_by = actor.account
        record.returned_at = timezone.now()
        record.return_reason = reason.strip()
        record.save(
            update_fields=["status", "returned_by", "returned_at", "return_reason", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="records.history.return",
            target=record,
            subject=record.staff,
            details={"title": record.title, "reason": record.return_reason},
        )
    return record


# --- school-wide in-school training ---------------------------------------------------------


def school_training_record(
    *,
    actor: Acting,
    staff: Sequence[Staff],
    title: str,
    start: date,
    end: date,
    hours: Decimal,
    format: str = TrainingFormat.IN_PERSON,
    organiser_name: str = "",
    note: str = "",
    indicator_item_ids: Sequence[int] = (),
) -> list[HistoryRecord]:
    """校内研修・研究 for many staff at once, entered and confirmed by the school admin.

    ``staff`` must be people the caller looks after (the view passes them through
    ``school_staff_for_entry``). The records share one ``source_ref`` ("school:<entry>").
    """
    if not staff:
        raise ValidationError({"staff": "対象の教職員を1人以上選んでください。"})
    if actor.organisation is None or actor.account is None:
        raise HistoryError("学校管理職として操作してください。")
    _check_dates_and_hours(start, end, hours)
    item_ids = _check_items(indicator_item_ids)
    entry = f"school:{actor.organisation.pk}:{uuid.uuid4().hex}"
    now = timezone.now()
    with transaction.atomic():
        records = [
            HistoryRecord(
                staff=person,
                title=title,
                organiser=actor.organisation,
                organiser_name=organiser_name or actor.organisation.name,
                category=RecordCategory.OTHER_II,
                format=format,
                start=start,
                end=end,
                fiscal_year=wareki.fiscal_year(start),
                hours=hours,
                completed=True,
                status=RecordStatus.CONFIRMED,
                source=RecordSource.MANUAL,
                source_ref=entry,
                note=note,
                entered_by=actor.account,
                submitted_at=now,
                confirmed_by=actor.account,
                confirmed_at=now,
            )
            for person in staff
        ]
        for record in records:
            record.full_clean(exclude=["staff", "evidence"], validate_unique=False)
        HistoryRecord.objects.bulk_create(records)
        Link = HistoryRecord.indicator_items.through
        Link.objects.bulk_create(
            [Link(historyrecord_id=r.pk, item_id=i) for r in records for i in item_ids]
        )
        audit_record(
            actor=actor,
            action="records.history.school_training",
            target=actor.organisation,
            details={
                "source_ref": entry,
                "title": title,
                "start": start.isoformat(),
                "hours": str(hours),
                "staff": [person.staff_number for person in staff],
            },
        )
    return records
