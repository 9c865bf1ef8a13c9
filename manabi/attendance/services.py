"""Writes of the attendance book. Every one runs in a transaction and is audited.

Callers fetch the class with ``attendance.permissions`` first; the services check the data
(the pupil is in the class on the day, the day is a 授業日, the month is open) and raise
``ValidationError`` with a Japanese message naming what is wrong. A refused write changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from manabi.accounts.selectors import Acting, signed_in_account
from manabi.attendance import schooldays, selectors
from manabi.attendance.choices import (
    NOTE_MAX,
    AbsenceReason,
    ClosureKind,
    DeemedKind,
    MarkStatus,
    MonthState,
    NoticeKind,
    NoticeStatus,
)
from manabi.attendance.models import (
    AbsenceNotice,
    AbsenceReasonOption,
    CalendarDay,
    Closure,
    Mark,
    MonthLock,
    RollCall,
    Unlock,
)
from manabi.classes.models import SchoolClass
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment

_who = signed_in_account


def _label(day: date) -> str:
    return f"{day.month}月{day.day}日"


@dataclass(frozen=True)
class MarkData:
    """What a teacher enters for a pupil's day. ``status`` PRESENT with no 遅刻・早退 and no
    note clears the day (plain 出席 is not stored)."""

    status: MarkStatus
    reason: str = ""
    # The board's own name for the reason (「発熱」), counted as ``reason``.
    reason_label: str = ""
    deemed_kind: str = ""
    detail: str = ""
    late: bool = False
    early: bool = False
    arrived_at: time | None = None
    left_at: time | None = None
    note: str = ""

    @property
    def is_plain_present(self) -> bool:
        return (
            self.status == MarkStatus.PRESENT and not self.late and not self.early and not self.note
        )


def mark_data_of(mark: Mark) -> MarkData:
    """What a stored mark says, as the services take it (pure)."""
    return MarkData(
        status=MarkStatus(mark.status),
        reason=mark.reason,
        reason_label=mark.reason_label,
        deemed_kind=mark.deemed_kind,
        detail=mark.detail,
        late=mark.late,
        early=mark.early,
        arrived_at=mark.arrived_at,
        left_at=mark.left_at,
        note=mark.note,
    )


def merge_pen(existing: MarkData | None, pen: MarkData) -> MarkData:
    """A grid pen over what the day already has (pure). A 遅刻 / 早退 pen on a day that is
    出席 or 出席扱い only adds its flag: 早退, the times, 出席扱い and the 備考 stay. Any other
    pen sets the status and keeps the 備考 (and the 詳細 when the status stays the same);
    「出席 (取消し)」 clears the day."""
    if existing is None or pen.is_plain_present:
        return pen
    if (
        pen.status == MarkStatus.PRESENT
        and (pen.late or pen.early)
        and existing.status in (MarkStatus.PRESENT, MarkStatus.DEEMED)
    ):
        return replace(existing, late=existing.late or pen.late, early=existing.early or pen.early)
    same = existing.status == pen.status
    return replace(
        pen,
        note=existing.note,
        detail=existing.detail if same else pen.detail,
        reason_label=existing.reason_label if same and existing.reason == pen.reason else "",
    )


def check_mark(data: MarkData) -> None:
    """The rules a mark keeps whatever the day (pure); raises ``ValidationError``."""
    errors: dict[str, str] = {}
    if data.status == MarkStatus.ABSENT and data.reason not in AbsenceReason.values:
        errors["reason"] = "欠席の理由を選んでください。"
    if data.status != MarkStatus.ABSENT and (data.reason or data.reason_label):
        errors["reason"] = "欠席の理由は欠席のときだけ入力します。"
    if len(data.reason_label) > 30:
        errors["reason"] = "欠席の理由の名前は30文字以内です。"
    if data.status == MarkStatus.DEEMED and data.deemed_kind not in DeemedKind.values:
        errors["deemed_kind"] = (
            "出席扱いの種類 (別室登校・オンライン学習・適応指導教室 など) を選んでください。"
        )
    if data.status != MarkStatus.DEEMED and data.deemed_kind:
        errors["deemed_kind"] = "出席扱いの種類は出席扱いのときだけ入力します。"
    if data.status not in (MarkStatus.PRESENT, MarkStatus.DEEMED) and (data.late or data.early):
        errors["status"] = "遅刻・早退は出席 (または出席扱い) の日にだけ付けられます。"
    if data.arrived_at is not None and not data.late:
        errors["arrived_at"] = "登校時刻は遅刻のときに入力します。"
    if data.left_at is not None and not data.early:
        errors["left_at"] = "下校時刻は早退のときに入力します。"
    if data.arrived_at and data.left_at and data.left_at <= data.arrived_at:
        errors["left_at"] = "下校時刻は登校時刻より後にしてください。"
    if data.status == MarkStatus.SUSPENDED and not data.detail:
        errors["detail"] = "出席停止の理由 (感染症名など) を入力してください。"
    if errors:
        raise ValidationError(errors)


def _placement(school_class: SchoolClass, student_id: int, day: date) -> Enrolment:
    enrolment = (
        Enrolment.objects.filter(
            student_id=student_id,
            school_class_id=school_class.pk,
            is_provisional=False,
            start_date__lte=day,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("student")
        .first()
    )
    if enrolment is None:
        raise ValidationError(
            f"{_label(day)}、この児童生徒は{school_class.label}に在籍していません。"
        )
    return enrolment


def _require_open(school_class: SchoolClass, day: date, *, lock: bool = True) -> None:
    """The month of ``day`` must be open: closed (締め) and locked months refuse changes. Takes
    a row lock on the month's state so that a lock and an edit cannot cross."""
    qs = MonthLock.objects.filter(school_class_id=school_class.pk, year=day.year, month=day.month)
    state = (qs.select_for_update() if lock else qs).values_list("state", flat=True).first()
    if state == MonthState.LOCKED:
        raise ValidationError(
            f"{day.year}年{day.month}月の出席簿はロックされています。変更するにはロック解除 (理由の記録) が必要です。"
        )
    if state == MonthState.CLOSED:
        raise ValidationError(
            f"{day.year}年{day.month}月の出席簿は締め済みです。変更するには締めを取り消してください。"
        )


def _lock_class(school_class: SchoolClass) -> None:
    """Take the class's row lock first: every write of its book (marks, 締め, ロック) does, so
    that an edit and a close of the same class run one after the other, never across."""
    SchoolClass.objects.select_for_update().filter(pk=school_class.pk).first()


def _require_months_open(
    *,
    school_id: int,
    months: set[tuple[int, int]],
    change: str,
    grade: int | None = None,
    class_id: int | None = None,
) -> None:
    """A change of the days themselves (臨時休業, 学校暦) must not alter a month that any class it
    takes in has closed or locked. Locks the classes' rows (as ``_lock_class``, so a 締め cannot
    slip in) and their months' ``MonthLock`` rows, then refuses naming the first class and
    month. ``grade`` / ``class_id`` narrow the classes (学年閉鎖, 学級閉鎖); ``change`` is
    what is refused (「この臨時休業は登録できません」)."""
    if not months:
        return
    years = {schooldays.fiscal_year_of(date(y, m, 1)) for y, m in months}
    classes = SchoolClass.objects.filter(school_id=school_id, fiscal_year__in=years)
    if class_id is not None:
        classes = classes.filter(pk=class_id)
    elif grade is not None:
        classes = classes.filter(grade=grade)
    class_ids = list(classes.select_for_update().order_by("pk").values_list("pk", flat=True))
    in_months = Q(pk__in=[])
    for year, month in months:
        in_months |= Q(year=year, month=month)
    locks = list(
        MonthLock.objects.select_for_update()
        .filter(in_months, school_class_id__in=class_ids)
        .order_by("school_class_id", "year", "month")
    )
    if not locks:
        return
    first = min(locks, key=lambda lock: (lock.year, lock.month, lock.school_class_id))
    label = SchoolClass.objects.get(pk=first.school_class_id).label
    raise ValidationError(
        f"{label}の{first.month}月は{first.get_state_display()}のため、{change}。"
        "締めを取り消す (ロック中は解除する) か、その月にかからないようにしてください。"
    )


def _require_in_year(school_class: SchoolClass, day: date) -> None:
    if schooldays.fiscal_year_of(day) != school_class.fiscal_year:
        raise ValidationError(
            f"{_label(day)}は{school_class.fiscal_year}年度の日付ではありません。"
        )


def _require_lesson_day(school_class: SchoolClass, day: date) -> None:
    if not selectors.is_lesson_day(school_class, day):
        raise ValidationError(f"{_label(day)}は{school_class.label}の授業日ではありません。")


def mark_set(
    *,
    actor: Acting,
    school_class: SchoolClass,
    student_id: int,
    day: date,
    data: MarkData,
) -> Mark | None:
    """Set a pupil's day in the class's book (``None`` when it is back to plain 出席)."""
    check_mark(data)
    _require_in_year(school_class, day)
    with transaction.atomic():
        _lock_class(school_class)
        _require_open(school_class, day)
        enrolment = _placement(school_class, student_id, day)
        _require_lesson_day(school_class, day)
        before = (
            Mark.objects.select_for_update()
            .filter(student_id=student_id, school_id=school_class.school_id, date=day)
            .first()
        )
        old = before.get_status_display() if before is not None else "出席"
        if data.is_plain_present:
            if before is not None:
                before.delete()
            mark = None
        else:
            mark = before or Mark(student_id=student_id, school_id=school_class.school_id, date=day)
            mark.status = data.status
            mark.reason = data.reason
            mark.reason_label = data.reason_label
            mark.deemed_kind = data.deemed_kind
            mark.detail = data.detail
            mark.late = data.late
            mark.early = data.early
            mark.arrived_at = data.arrived_at
            mark.left_at = data.left_at
            mark.note = data.note
            mark.updated_by = _who(actor)
            try:
                with transaction.atomic():
                    mark.save()
            except IntegrityError:
                # Someone else entered the same pupil's day at the same moment.
                raise ValidationError(
                    f"{_label(day)}の記録は同時に別の人が入力しました。画面を開き直してください。"
                ) from None
        audit_record(
            actor=actor,
            action="attendance.mark.set",
            target=school_class,
            subject=enrolment.student,
            details={
                "date": day.isoformat(),
                "from": old,
                "to": MarkStatus(data.status).label,
                "late": data.late,
                "early": data.early,
            },
        )
    return mark


def mark_pen(
    *,
    actor: Acting,
    school_class: SchoolClass,
    student_id: int,
    day: date,
    pen: MarkData,
) -> Mark | None:
    """One click or key of the grid: the pen's mark merged into what the day already has
    (``merge_pen``), read under the row lock so that a pen and another edit do not cross."""
    _require_in_year(school_class, day)
    with transaction.atomic():
        _lock_class(school_class)
        existing = (
            Mark.objects.select_for_update()
            .filter(student_id=student_id, school_id=school_class.school_id, date=day)
            .first()
        )
        data = merge_pen(mark_data_of(existing) if existing is not None else None, pen)
        return mark_set(
            actor=actor, school_class=school_class, student_id=student_id, day=day, data=data
        )


def mark_range(
    *,
    actor: Acting,
    school_class: SchoolClass,
    student_id: int,
    start: date,
    end: date,
    data: MarkData,
) -> int:
    """The same mark on every 授業日 from ``start`` to ``end`` (出席停止 for an illness, 忌引
    for a few days). All or nothing; returns the number of days marked."""
    if end < start:
        raise ValidationError({"end": "終了日は開始日以降にしてください。"})
    if (end - start).days > 62:
        raise ValidationError({"end": "期間は2か月以内にしてください。"})
    check_mark(data)
    with transaction.atomic():
        # The class first, then its days: a 臨時休業 or 学校暦 change waits for this range.
        _lock_class(school_class)
        days = [d.date for d in selectors.class_days(school_class, start, end) if d.lesson]
        if not days:
            raise ValidationError("この期間に授業日がありません。")
        for day in days:
            mark_set(
                actor=actor, school_class=school_class, student_id=student_id, day=day, data=data
            )
    return len(days)


def roll_call_take(*, actor: Acting, school_class: SchoolClass, day: date) -> RollCall:
    """「残りは全員出席」: the day's attendance of the class is taken; pupils with no mark were
    present. Idempotent."""
    _require_in_year(school_class, day)
    with transaction.atomic():
        _require_open(school_class, day)
        _require_lesson_day(school_class, day)
        waiting = AbsenceNotice.objects.filter(
            school_id=school_class.school_id,
            date=day,
            status=NoticeStatus.RECEIVED,
            student_id__in=Enrolment.objects.filter(school_class_id=school_class.pk).values(
                "student_id"
            ),
        ).count()
        if waiting:
            raise ValidationError(
                f"保護者からの連絡が{waiting}件未処理です。反映するか、反映しないを選んでから確定してください。"
            )
        roll, created = RollCall.objects.get_or_create(
            school_class=school_class, date=day, defaults={"taken_by": _who(actor)}
        )
        if created:
            audit_record(
                actor=actor,
                action="attendance.roll_call.take",
                target=school_class,
                details={"date": day.isoformat()},
            )
    return roll


def roll_call_undo(*, actor: Acting, school_class: SchoolClass, day: date) -> None:
    with transaction.atomic():
        _require_open(school_class, day)
        deleted, _ = RollCall.objects.filter(school_class=school_class, date=day).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="attendance.roll_call.undo",
                target=school_class,
                details={"date": day.isoformat()},
            )


def _notice_mark(notice: AbsenceNotice) -> MarkData:
    symptoms = notice.symptoms
    if notice.temperature is not None:
        symptoms = f"{symptoms} 体温{notice.temperature}℃".strip()
    note = f"保護者連絡: {symptoms}" if symptoms else "保護者連絡"
    if notice.kind == NoticeKind.ABSENT:
        return MarkData(
            status=MarkStatus.ABSENT,
            reason=notice.reason or AbsenceReason.ACCIDENT,
            note=note[:500],
        )
    if notice.kind == NoticeKind.LATE:
        return MarkData(
            status=MarkStatus.PRESENT, late=True, arrived_at=notice.at_time, note=note[:500]
        )
    return MarkData(status=MarkStatus.PRESENT, early=True, left_at=notice.at_time, note=note[:500])


def notice_accept(
    *, actor: Acting, school_class: SchoolClass, notice: AbsenceNotice
) -> Mark | None:
    """Accept a guardian's notice: it becomes the pupil's mark for the day. A 遅刻 / 早退
    notice on a day that is already 出席 or 出席扱い only adds its flag and time: the day keeps
    its status (出席扱い stays 出席扱い), its other flag and its 備考 (the notice's words are
    added). The existing mark is read under its row lock."""
    with transaction.atomic():
        locked = AbsenceNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.RECEIVED:
            raise ValidationError("この連絡はもう処理されています。")
        _lock_class(school_class)
        data = _notice_mark(locked)
        existing = (
            Mark.objects.select_for_update()
            .filter(student_id=locked.student_id, school_id=locked.school_id, date=locked.date)
            .first()
        )
        if (
            existing is not None
            and locked.kind != NoticeKind.ABSENT
            and existing.status in (MarkStatus.PRESENT, MarkStatus.DEEMED)
        ):
            note = f"{existing.note} / {data.note}" if existing.note else data.note
            if locked.kind == NoticeKind.LATE:
                data = replace(
                    mark_data_of(existing), late=True, arrived_at=data.arrived_at, note=note
                )
            else:
                data = replace(mark_data_of(existing), early=True, left_at=data.left_at, note=note)
            data = replace(data, note=data.note[:NOTE_MAX])
        mark = mark_set(
            actor=actor,
            school_class=school_class,
            student_id=locked.student_id,
            day=locked.date,
            data=data,
        )
        locked.status = NoticeStatus.ACCEPTED
        locked.handled_by = actor.account
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "handled_by", "handled_at"])
        audit_record(
            actor=actor, action="attendance.notice.accept", target=locked, subject=locked.student
        )
    return mark


def notice_dismiss(*, actor: Acting, notice: AbsenceNotice) -> None:
    """Set a notice aside (a duplicate, or the pupil came after all); the guardian sees it was
    received and not entered."""
    with transaction.atomic():
        locked = AbsenceNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.RECEIVED:
            raise ValidationError("この連絡はもう処理されています。")
        locked.status = NoticeStatus.DISMISSED
        locked.handled_by = actor.account
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "handled_by", "handled_at"])
        audit_record(
            actor=actor, action="attendance.notice.dismiss", target=locked, subject=locked.student
        )


def _month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


def _check_month(school_class: SchoolClass, year: int, month: int) -> None:
    if (
        not 1 <= month <= 12
        or schooldays.fiscal_year_of(date(year, month, 1)) != school_class.fiscal_year
    ):
        raise ValidationError(
            f"{_month_label(year, month)}は{school_class.fiscal_year}年度の月ではありません。"
        )


def month_close(*, actor: Acting, school_class: SchoolClass, year: int, month: int) -> MonthLock:
    """締め: the 学級担当 says the month is complete; edits stop until it is reopened."""
    _check_month(school_class, year, month)
    with transaction.atomic():
        _lock_class(school_class)
        lock = (
            MonthLock.objects.select_for_update()
            .filter(school_class=school_class, year=year, month=month)
            .first()
        )
        if lock is not None:
            raise ValidationError(
                f"{_month_label(year, month)}はすでに{lock.get_state_display()}です。"
            )
        pending = AbsenceNotice.objects.filter(
            school_id=school_class.school_id,
            status=NoticeStatus.RECEIVED,
            date__range=selectors.month_bounds(year, month),
            student_id__in=Enrolment.objects.filter(school_class_id=school_class.pk).values(
                "student_id"
            ),
        ).count()
        if pending:
            raise ValidationError(
                f"保護者からの連絡が{pending}件未処理です。処理してから締めてください。"
            )
        lock = MonthLock.objects.create(
            school_class=school_class,
            year=year,
            month=month,
            state=MonthState.CLOSED,
            closed_by=actor.account,
            closed_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="attendance.month.close",
            target=school_class,
            details={"month": f"{year:04d}-{month:02d}"},
        )
    return lock


def month_reopen(*, actor: Acting, school_class: SchoolClass, year: int, month: int) -> None:
    """Take back a 締め before the month is locked."""
    with transaction.atomic():
        lock = (
            MonthLock.objects.select_for_update()
            .filter(school_class=school_class, year=year, month=month)
            .first()
        )
        if lock is None or lock.state != MonthState.CLOSED:
            raise ValidationError(f"{_month_label(year, month)}は締め済みではありません。")
        lock.delete()
        audit_record(
            actor=actor,
            action="attendance.month.reopen",
            target=school_class,
            details={"month": f"{year:04d}-{month:02d}"},
        )


def month_lock(*, actor: Acting, school_class: SchoolClass, year: int, month: int) -> MonthLock:
    """ロック: the month becomes the record; its content's SHA-256 is kept. Only a closed month
    is locked, so the 学級担当 has said it is complete."""
    _check_month(school_class, year, month)
    with transaction.atomic():
        _lock_class(school_class)
        lock = (
            MonthLock.objects.select_for_update()
            .filter(school_class=school_class, year=year, month=month)
            .first()
        )
        if lock is None:
            raise ValidationError(
                f"{_month_label(year, month)}はまだ締められていません。学級担当が締めてからロックします。"
            )
        if lock.state == MonthState.LOCKED:
            raise ValidationError(f"{_month_label(year, month)}はすでにロック済みです。")
        lock.state = MonthState.LOCKED
        lock.locked_by = actor.account
        lock.locked_at = timezone.now()
        lock.content_sha256 = selectors.content_digest(school_class, year, month)
        lock.save(update_fields=["state", "locked_by", "locked_at", "content_sha256"])
        audit_record(
            actor=actor,
            action="attendance.month.lock",
            target=school_class,
            details={"month": f"{year:04d}-{month:02d}", "sha256": lock.content_sha256},
        )
    return lock


def month_unlock(
    *, actor: Acting, school_class: SchoolClass, year: int, month: int, reason: str
) -> Unlock:
    """ロック解除 with a reason: the month is open again, and the unlock is kept beside the
    audit event with the hash of what was locked."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "解除の理由を入力してください。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "解除の理由は200文字以内で入力してください。"})
    with transaction.atomic():
        lock = (
            MonthLock.objects.select_for_update()
            .filter(school_class=school_class, year=year, month=month)
            .first()
        )
        if lock is None or lock.state != MonthState.LOCKED:
            raise ValidationError(f"{_month_label(year, month)}はロックされていません。")
        unlock = Unlock.objects.create(
            school_class=school_class,
            year=year,
            month=month,
            reason=reason,
            content_sha256=lock.content_sha256,
            unlocked_by=_who(actor),
        )
        lock.delete()
        audit_record(
            actor=actor,
            action="attendance.month.unlock",
            target=school_class,
            details={
                "month": f"{year:04d}-{month:02d}",
                "reason": reason,
                "sha256": unlock.content_sha256,
            },
        )
    return unlock


def closure_create(
    *,
    actor: Acting,
    school_class: SchoolClass,
    kind: ClosureKind,
    start: date,
    end: date,
    reason: str,
) -> Closure:
    """臨時休業 of the class, its grade or the school (学校保健安全法 第20条)."""
    if end < start:
        raise ValidationError({"end": "終了日は開始日以降にしてください。"})
    _require_in_year(school_class, start)
    _require_in_year(school_class, end)
    if not reason.strip():
        raise ValidationError({"reason": "理由を入力してください。"})
    with transaction.atomic():
        _require_months_open(
            school_id=school_class.school_id,
            months={(d.year, d.month) for d in schooldays.date_range(start, end)},
            change="この臨時休業は登録できません",
            grade=school_class.grade if kind == ClosureKind.GRADE else None,
            class_id=school_class.pk if kind == ClosureKind.CLASS else None,
        )
        closure = Closure.objects.create(
            school_id=school_class.school_id,
            fiscal_year=school_class.fiscal_year,
            kind=kind,
            grade=school_class.grade if kind == ClosureKind.GRADE else None,
            school_class=school_class if kind == ClosureKind.CLASS else None,
            start=start,
            end=end,
            reason=reason.strip(),
            recorded_by=_who(actor),
        )
        audit_record(
            actor=actor,
            action="attendance.closure.create",
            target=closure,
            details={"kind": kind.label, "start": start.isoformat(), "end": end.isoformat()},
        )
    return closure


def holidays_import(*, actor: Acting, school_id: int, fiscal_year: int) -> int:
    """Mark the 国民の祝日 of the 年度 as 休業日 in the school's calendar (days already set by
    the school are kept). Returns how many days were added. Refused, adding nothing, when a
    holiday to add falls in a month a class has closed or locked."""
    start, end = schooldays.fiscal_year_bounds(fiscal_year)
    holidays = {
        d: name
        for y in (start.year, end.year)
        for d, name in schooldays.national_holidays(y).items()
        if start <= d <= end
    }
    with transaction.atomic():
        have = set(
            CalendarDay.objects.filter(school_id=school_id, date__in=holidays).values_list(
                "date", flat=True
            )
        )
        new = [
            CalendarDay(school_id=school_id, date=d, is_school_day=False, note=name)
            for d, name in sorted(holidays.items())
            if d not in have
        ]
        _require_months_open(
            school_id=school_id,
            # A holiday on a weekend changes no class's days.
            months={(c.date.year, c.date.month) for c in new if c.date.weekday() < 5},
            change="祝日を取り込めません",
        )
        CalendarDay.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action="attendance.calendar.holidays",
            details={"fiscal_year": fiscal_year, "added": len(new)},
        )
    return len(new)


def calendar_day_set(
    *, actor: Acting, school_id: int, day: date, is_school_day: bool | None, note: str = ""
) -> None:
    """Set a day of the school calendar: a 授業日 or a 休業日, or ``None`` for the weekday rule.
    Refused while a class of the school has closed or locked the day's month."""
    with transaction.atomic():
        _require_months_open(
            school_id=school_id,
            months={(day.year, day.month)},
            change="この日の学校暦は変更できません",
        )
        CalendarDay.objects.filter(school_id=school_id, date=day).delete()
        if is_school_day is not None:
            CalendarDay.objects.create(
                school_id=school_id, date=day, is_school_day=is_school_day, note=note[:60]
            )
        audit_record(
            actor=actor,
            action="attendance.calendar.set",
            details={"date": day.isoformat(), "school_day": is_school_day, "note": note[:60]},
        )


def year_lock(*, actor: Acting, school_class: SchoolClass) -> list[MonthLock]:
    """年度末の確定: every month of the class's 年度 locked, so that the year's book is the
    original record. Months the 学級担当 closed are locked now (with their hash); the year is
    refused, and nothing changes, while a month is still open."""
    months = selectors.fiscal_months(school_class.fiscal_year)
    with transaction.atomic():
        locks = {
            (lock.year, lock.month): lock
            for lock in MonthLock.objects.select_for_update().filter(school_class=school_class)
        }
        still_open = [m for y, m in months if (y, m) not in locks]
        if still_open:
            listed = "・".join(f"{m}月" for m in still_open)
            raise ValidationError(
                f"{listed}がまだ締められていません。学級担当が全ての月を締めてから確定します。"
            )
        now = timezone.now()
        hashes = {}
        for (year, month), lock in sorted(locks.items()):
            if lock.state != MonthState.LOCKED:
                lock.state = MonthState.LOCKED
                lock.locked_by = _who(actor)
                lock.locked_at = now
                lock.content_sha256 = selectors.content_digest(school_class, year, month)
                lock.save(update_fields=["state", "locked_by", "locked_at", "content_sha256"])
            hashes[f"{year:04d}-{month:02d}"] = lock.content_sha256
        audit_record(
            actor=actor,
            action="attendance.year.lock",
            target=school_class,
            details={"fiscal_year": school_class.fiscal_year, "sha256": hashes},
        )
    return [locks[ym] for ym in months]


def reason_option_add(
    *, actor: Acting, board: Organisation, label: str, reason: AbsenceReason
) -> AbsenceReasonOption:
    """Add a 欠席の理由 to the board's list (last in order)."""
    label = label.strip()
    if not label:
        raise ValidationError({"label": "理由の名前を入力してください。"})
    with transaction.atomic():
        if AbsenceReasonOption.objects.filter(board=board, label=label).exists():
            raise ValidationError({"label": f"「{label}」はもう一覧にあります。"})
        last = (
            AbsenceReasonOption.objects.filter(board=board)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
        )
        try:
            with transaction.atomic():
                option = AbsenceReasonOption.objects.create(
                    board=board, label=label, reason=reason, order=(last or 0) + 1
                )
        except IntegrityError:
            raise ValidationError({"label": f"「{label}」はもう一覧にあります。"}) from None
        audit_record(
            actor=actor,
            action="attendance.reason.add",
            target=option,
            details={"label": label, "reason": AbsenceReason(reason).label},
        )
    return option


def reason_option_toggle(*, actor: Acting, option: AbsenceReasonOption) -> AbsenceReasonOption:
    """Stop offering a reason (marks that use it keep it), or offer it again."""
    with transaction.atomic():
        option.active = not option.active
        option.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="attendance.reason.toggle",
            target=option,
            details={"label": option.label, "active": option.active},
        )
    return option
