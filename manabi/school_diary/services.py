"""Writes of the 学校日誌. Every one runs in a transaction, locks the day's row
(``select_for_update``) before it checks the state, and writes its audit event.

Callers fetch the school through ``school_diary.permissions`` first. A refused write raises
``ValidationError`` with Japanese messages and changes nothing: an approved (locked) day is
refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from manabi.accounts.selectors import Acting, signed_in_account
from manabi.core.audit import audit_record
from manabi.school_diary import rules, selectors
from manabi.school_diary.models import (
    LINE_MAX,
    TEXT_MAX,
    AbsenceKind,
    DiaryDay,
    DiaryState,
    Reopening,
    StaffAbsence,
    Visitor,
)

WEATHER_MAX = 30
ROWS_MAX = 50


@dataclass(frozen=True)
class VisitorRow:
    name: str
    organisation: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class AbsenceRow:
    staff_id: int
    kind: str
    note: str = ""


_who = signed_in_account


def _line(text: str) -> str:
    return " ".join(text.split())


def _check_texts(weather: str, events: str, notes: str) -> list[str]:
    errors = []
    if len(weather) > WEATHER_MAX:
        errors.append(f"天気は{WEATHER_MAX}文字以内で入力してください。")
    for label, text in (("行事", events), ("記事", notes)):
        if len(text) > TEXT_MAX:
            errors.append(f"{label}は{TEXT_MAX}文字以内で入力してください。")
    return errors


def _check_visitors(rows: Sequence[VisitorRow]) -> list[str]:
    errors = []
    if len(rows) > ROWS_MAX:
        errors.append(f"来校者は{ROWS_MAX}件までです。")
    for n, row in enumerate(rows, start=1):
        if not row.name:
            errors.append(f"来校者 {n}行目: 氏名を入力してください。")
        for label, text in (("氏名", row.name), ("所属", row.organisation), ("用件", row.purpose)):
            if len(text) > LINE_MAX:
                errors.append(f"来校者 {n}行目: {label}は{LINE_MAX}文字以内で入力してください。")
    return errors


def _check_absences(rows: Sequence[AbsenceRow], staff_ids: set[int]) -> list[str]:
    errors = []
    if len(rows) > ROWS_MAX:
        errors.append(f"教職員の出張・休暇は{ROWS_MAX}件までです。")
    kinds = {k.value for k in AbsenceKind}
    for n, row in enumerate(rows, start=1):
        if row.staff_id not in staff_ids:
            errors.append(
                f"教職員の出張・休暇 {n}行目: この日にこの学校に所属している教職員を選んでください。"
            )
        if row.kind not in kinds:
            errors.append(f"教職員の出張・休暇 {n}行目: 種別を選んでください。")
        if len(row.note) > LINE_MAX:
            errors.append(
                f"教職員の出張・休暇 {n}行目: 備考は{LINE_MAX}文字以内で入力してください。"
            )
    return errors


def _locked_day(school_id: int, day: date) -> DiaryDay | None:
    return DiaryDay.objects.select_for_update().filter(school_id=school_id, date=day).first()


def day_save(
    *,
    actor: Acting,
    school_id: int,
    day: date,
    weather: str,
    events: str,
    notes: str,
    visitors: Sequence[VisitorRow],
    absences: Sequence[AbsenceRow],
    revision: int | None = None,
) -> DiaryDay:
    """Write the day's page (created on the first save, 記入中): 天気, 行事, 記事 and the rows
    of 来校者 and 教職員の出張・休暇, which replace the ones before. ``revision`` is the version
    the form was made from: a page saved by someone else since is refused. Every problem is
    reported at once; an approved day is refused."""
    account = _who(actor)
    weather, events, notes = _line(weather), events.strip(), notes.strip()
    visitors = [
        VisitorRow(_line(v.name), _line(v.organisation), _line(v.purpose)) for v in visitors
    ]
    absences = [AbsenceRow(a.staff_id, a.kind, _line(a.note)) for a in absences]
    staff_ids = set(selectors.staff_on(school_id, day).values_list("pk", flat=True))
    errors = [
        *_check_texts(weather, events, notes),
        *_check_visitors(visitors),
        *_check_absences(absences, staff_ids),
    ]
    with transaction.atomic():
        page = _locked_day(school_id, day)
        refusal = rules.edit_refusal(page.state if page else None)
        if refusal:
            raise ValidationError(refusal)
        current = page.revision if page else 0
        if revision is not None and revision != current:
            raise ValidationError(
                "この日の学校日誌は、画面を開いた後に他の人が保存しました。"
                "画面を開き直して、内容を確かめてから入力してください。"
            )
        if errors:
            raise ValidationError(errors)
        created = page is None
        if page is None:
            try:
                with transaction.atomic():
                    page = DiaryDay.objects.create(school_id=school_id, date=day)
            except IntegrityError as exc:
                raise ValidationError(
                    "同時に他の人がこの日の学校日誌を作成しました。画面を開き直してください。"
                ) from exc
        page.weather, page.events, page.notes = weather, events, notes
        page.revision = current + 1
        page.updated_by = account
        page.save()
        page.visitors.all().delete()
        Visitor.objects.bulk_create(
            Visitor(day=page, order=n, name=v.name, organisation=v.organisation, purpose=v.purpose)
            for n, v in enumerate(visitors, start=1)
        )
        page.staff_absences.all().delete()
        StaffAbsence.objects.bulk_create(
            StaffAbsence(day=page, order=n, staff_id=a.staff_id, kind=a.kind, note=a.note)
            for n, a in enumerate(absences, start=1)
        )
        audit_record(
            actor=actor,
            action="school_diary.day.save",
            target=page,
            details={
                "date": day.isoformat(),
                "created": created,
                "state": page.state,
                "visitors": len(visitors),
                "staff_absences": len(absences),
            },
        )
    return page


def day_submit(*, actor: Acting, school_id: int, day: date, today: date | None = None) -> DiaryDay:
    """提出: 記入中 → 提出済, for the principal to approve."""
    account = _who(actor)
    with transaction.atomic():
        page = _locked_day(school_id, day)
        refusal = rules.submit_refusal(
            page.state if page else None, day, today or timezone.localdate()
        )
        if refusal:
            raise ValidationError(refusal)
        assert page is not None
        page.state = DiaryState.SUBMITTED
        page.submitted_by, page.submitted_at = account, timezone.now()
        page.save(update_fields=["state", "submitted_by", "submitted_at", "updated_at"])
        audit_record(
            actor=actor,
            action="school_diary.day.submit",
            target=page,
            details={"date": day.isoformat()},
        )
    return page


def day_approve(*, actor: Acting, school_id: int, day: date) -> DiaryDay:
    """承認: 提出済 → 承認済. The page is locked (closed) and keeps the attendance summary as
    it stands now."""
    account = _who(actor)
    with transaction.atomic():
        page = _locked_day(school_id, day)
        refusal = rules.approve_refusal(page.state if page else None)
        if refusal:
            raise ValidationError(refusal)
        assert page is not None
        page.state = DiaryState.APPROVED
        page.approved_by, page.approved_at = account, timezone.now()
        page.attendance_snapshot = [
            line.as_dict() for line in selectors.attendance_summary(school_id, day)
        ]
        page.save(
            update_fields=[
                "state",
                "approved_by",
                "approved_at",
                "attendance_snapshot",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="school_diary.day.approve",
            target=page,
            details={"date": day.isoformat(), "revision": page.revision},
        )
    return page


def day_reopen(*, actor: Acting, school_id: int, day: date, reason: str) -> DiaryDay:
    """承認の取消: 承認済 → 記入中, with the reason kept on the page and in the audit log."""
    account = _who(actor)
    reason = _line(reason)
    with transaction.atomic():
        page = _locked_day(school_id, day)
        refusal = rules.reopen_refusal(page.state if page else None, reason)
        if refusal:
            raise ValidationError(refusal)
        assert page is not None
        page.state = DiaryState.DRAFT
        page.approved_by, page.approved_at = None, None
        page.submitted_by, page.submitted_at = None, None
        page.attendance_snapshot = None
        page.save()
        Reopening.objects.create(day=page, reason=reason, reopened_by=account)
        audit_record(
            actor=actor,
            action="school_diary.day.reopen",
            target=page,
            details={"date": day.isoformat(), "reason": reason},
        )
    return page
