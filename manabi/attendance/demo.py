"""Demo attendance of みらい県: every school's calendar (国民の祝日 and the long holidays as
休業日), a year of marks up to yesterday (about 2% 欠席, 1% 遅刻, a few 早退, a run of
出席停止 for influenza, a 忌引, and one pupil per school with a long absence, partly
出席扱い at the 適応指導教室), the roll call of every past 授業日, one 学級閉鎖 at
みらい市立中央小学校, and there the past months locked and last month closed, waiting for the
principal's lock. The demo teacher's class has two guardians' notices for the next 授業日,
and one guardian has a link (printed by ``manabi demo``); みらい市教育委員会 has its own list of
欠席の理由.

Everything is fictional. Idempotent: a school that has marks for the 年度 is left as it is.
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections import defaultdict
from datetime import date, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from manabi.accounts.models import Account, RoleAssignment
from manabi.attendance import schooldays, selectors
from manabi.attendance.choices import (
    AbsenceReason,
    ClosureKind,
    DeemedKind,
    MarkStatus,
    MonthState,
    NoticeKind,
)
from manabi.attendance.models import (
    AbsenceNotice,
    AbsenceReasonOption,
    CalendarDay,
    Closure,
    GuardianLink,
    Mark,
    MonthLock,
    RollCall,
)
from manabi.classes.models import Duty, DutyKind, SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment, Guardian

ORDER = 60
BATCH_SIZE = 5000
LOCK_SCHOOL = "みらい市立中央小学校"
DEMO_TEACHER = "480002T04000797"
# The demo guardian's link: fixed so that ``manabi demo`` can print it (the token of a real
# link is random and shown once).
GUARDIAN_TOKEN = (
    base64.urlsafe_b64encode(hashlib.sha256(b"manabi-demo-guardian-2026").digest())
    .decode("ascii")
    .rstrip("=")
)


def accounts() -> list[DemoAccount]:
    return []


def guardian_path() -> str:
    return f"/guardian/{GUARDIAN_TOKEN}/"


def _long_holidays(fiscal_year: int) -> dict[date, str]:
    """夏季・冬季・春季休業 (the weekdays only: weekends are off anyway)."""
    runs = [
        (date(fiscal_year, 7, 21), date(fiscal_year, 8, 31), "夏季休業"),
        (date(fiscal_year, 12, 25), date(fiscal_year + 1, 1, 7), "冬季休業"),
        (date(fiscal_year + 1, 3, 25), date(fiscal_year + 1, 3, 31), "春季休業"),
        (date(fiscal_year, 4, 1), date(fiscal_year, 4, 6), "春季休業"),
    ]
    days: dict[date, str] = {}
    for start, end, name in runs:
        for d in schooldays.date_range(start, end):
            if d.weekday() < 5:
                days[d] = name
    return days


def _calendar(school_ids: list[int], fiscal_year: int) -> None:
    start, end = schooldays.fiscal_year_bounds(fiscal_year)
    off = _long_holidays(fiscal_year)
    for year in (start.year, end.year):
        for d, name in schooldays.national_holidays(year).items():
            if start <= d <= end:
                off[d] = name
    have = set(
        CalendarDay.objects.filter(school_id__in=school_ids, date__range=(start, end)).values_list(
            "school_id", "date"
        )
    )
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(school_id=s, date=d, is_school_day=False, note=name)
            for s in school_ids
            for d, name in sorted(off.items())
            if (s, d) not in have
        ],
        batch_size=BATCH_SIZE,
    )


def _someone_of(school_ids: list[int]) -> dict[int, int]:
    """An account of each school to stand as the one who entered the demo data."""
    found: dict[int, int] = {}
    for org_id, account_id in (
        RoleAssignment.objects.filter(organisation_id__in=school_ids)
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "account_id")
    ):
        found.setdefault(org_id, account_id)
    return found


def _pupil_marks(
    rng: random.Random,
    student_id: int,
    school_id: int,
    days: list[date],
    by: int,
    *,
    long_absent: bool,
) -> list[Mark]:
    marks: list[Mark] = []

    def mark(d: date, status: MarkStatus, **kw: object) -> None:
        marks.append(
            Mark(
                student_id=student_id,
                school_id=school_id,
                date=d,
                status=status,
                updated_by_id=by,
                **kw,
            )
        )

    for d in days:
        roll = rng.random()
        if long_absent:
            if roll < 0.45:
                mark(d, MarkStatus.ABSENT, reason=AbsenceReason.NON_ATTENDANCE)
            elif roll < 0.65:
                mark(d, MarkStatus.DEEMED, deemed_kind=DeemedKind.SUPPORT_CENTRE)
            continue
        if roll < 0.015:
            mark(d, MarkStatus.ABSENT, reason=AbsenceReason.ILLNESS, note="発熱")
        elif roll < 0.02:
            reason = rng.choice([AbsenceReason.ACCIDENT, AbsenceReason.FAMILY])
            mark(d, MarkStatus.ABSENT, reason=reason)
        elif roll < 0.03:
            mark(d, MarkStatus.PRESENT, late=True, arrived_at=time(9, rng.choice([5, 20, 40])))
        elif roll < 0.034:
            mark(d, MarkStatus.PRESENT, early=True, left_at=time(rng.choice([11, 13, 14]), 0))
    return marks


def build(options: DemoOptions) -> None:
    fiscal_year = current_fiscal_year()
    today = timezone.localdate()
    start, end = schooldays.fiscal_year_bounds(fiscal_year)
    last = min(today - timedelta(days=1), end)
    schools = list(
        Organisation.objects.filter(
            pk__in=SchoolClass.objects.filter(fiscal_year=fiscal_year).values("school_id")
        ).order_by("code")
    )
    school_ids = [s.pk for s in schools]
    done = set(
        Mark.objects.filter(school_id__in=school_ids, date__range=(start, end))
        .values_list("school_id", flat=True)
        .distinct()
    )
    by_school = _someone_of(school_ids)
    with transaction.atomic():
        _calendar(school_ids, fiscal_year)
        for school in schools:
            if school.pk in done or school.pk not in by_school:
                continue
            _school_year(school, fiscal_year, start, last, by_school[school.pk])
        lock_school = next((s for s in schools if s.name == LOCK_SCHOOL), None)
        if lock_school is not None and lock_school.pk not in done:
            _locks(lock_school, fiscal_year, today, by_school.get(lock_school.pk))
        _teacher_notices(fiscal_year, today)
        _board_reasons()


def _school_year(school: Organisation, fiscal_year: int, start: date, last: date, by: int) -> None:
    rng = random.Random(f"{school.code}-{fiscal_year}-attendance")
    classes = list(
        SchoolClass.objects.filter(
            school=school, fiscal_year=fiscal_year, is_provisional=False
        ).order_by("grade", "order", "name")
    )
    if not classes or last < start:
        return
    overrides = {
        d.date: d.is_school_day
        for d in CalendarDay.objects.filter(school=school, date__range=(start, last))
    }
    closure_days: dict[int, set[date]] = defaultdict(set)
    if school.name == LOCK_SCHOOL and len(classes) > 1:
        # 学級閉鎖 of the second class: three 授業日 about three weeks ago.
        target = classes[1]
        run = sorted(
            schooldays.lesson_days(
                start=max(start, last - timedelta(days=28)),
                end=last - timedelta(days=14),
                overrides=overrides,
            )
        )[:3]
        if run:
            Closure.objects.create(
                school=school,
                fiscal_year=fiscal_year,
                kind=ClosureKind.CLASS,
                school_class=target,
                start=run[0],
                end=run[-1],
                reason="インフルエンザの流行による学級閉鎖",
                recorded_by_id=by,
            )
            closure_days[target.pk] = set(schooldays.date_range(run[0], run[-1]))
    pupils: dict[int, list[int]] = defaultdict(list)
    for class_id, student_id in (
        Enrolment.objects.filter(school_class__in=classes, is_provisional=False)
        .order_by("school_class_id", "number")
        .values_list("school_class_id", "student_id")
    ):
        pupils[class_id].append(student_id)
    marks: list[Mark] = []
    rolls: list[RollCall] = []
    for index, school_class in enumerate(classes):
        days = sorted(
            schooldays.lesson_days(
                start=start, end=last, overrides=overrides, closed=closure_days[school_class.pk]
            )
        )
        rolls += [RollCall(school_class=school_class, date=d, taken_by_id=by) for d in days]
        for number, student_id in enumerate(pupils[school_class.pk]):
            long_absent = index == 0 and number == 4
            marks += _pupil_marks(rng, student_id, school.pk, days, by, long_absent=long_absent)
            if index == 1 and number == 2 and len(days) > 40:
                # 出席停止 (インフルエンザ) over five 授業日, replacing what the run made.
                run = days[30:35]
                marks = [m for m in marks if not (m.student_id == student_id and m.date in run)]
                marks += [
                    Mark(
                        student_id=student_id,
                        school_id=school.pk,
                        date=d,
                        status=MarkStatus.SUSPENDED,
                        detail="インフルエンザ (発症後5日を経過し、解熱後2日を経過するまで)",
                        updated_by_id=by,
                    )
                    for d in run
                ]
            if index == 2 and number == 6 and len(days) > 60:
                run = days[55:58]
                marks = [m for m in marks if not (m.student_id == student_id and m.date in run)]
                marks += [
                    Mark(
                        student_id=student_id,
                        school_id=school.pk,
                        date=d,
                        status=MarkStatus.MOURNING,
                        detail="祖父",
                        updated_by_id=by,
                    )
                    for d in run
                ]
    Mark.objects.bulk_create(marks, batch_size=BATCH_SIZE)
    RollCall.objects.bulk_create(rolls, batch_size=BATCH_SIZE)


def _locks(school: Organisation, fiscal_year: int, today: date, by: int | None) -> None:
    """At the lock school: months before last month locked, last month closed."""
    if by is None:
        return
    this_month = (today.year, today.month)
    months = [ym for ym in selectors.fiscal_months(fiscal_year) if ym < this_month]
    if not months:
        return
    classes = list(
        SchoolClass.objects.filter(school=school, fiscal_year=fiscal_year, is_provisional=False)
    )
    now = timezone.now()
    locks = []
    for school_class in classes:
        for ym in months:
            if MonthLock.objects.filter(
                school_class=school_class, year=ym[0], month=ym[1]
            ).exists():
                continue
            closing = ym == months[-1]
            locks.append(
                MonthLock(
                    school_class=school_class,
                    year=ym[0],
                    month=ym[1],
                    state=MonthState.CLOSED if closing else MonthState.LOCKED,
                    closed_by_id=by,
                    closed_at=now,
                    locked_by_id=None if closing else by,
                    locked_at=None if closing else now,
                    content_sha256="" if closing else selectors.content_digest(school_class, *ym),
                )
            )
    MonthLock.objects.bulk_create(locks, batch_size=BATCH_SIZE)


def _next_lesson_day(school_id: int, today: date) -> date:
    overrides = {
        d.date: d.is_school_day
        for d in CalendarDay.objects.filter(
            school_id=school_id, date__range=(today, today + timedelta(days=30))
        )
    }
    days = sorted(
        schooldays.lesson_days(start=today, end=today + timedelta(days=30), overrides=overrides)
    )
    return days[0] if days else today


def _teacher_notices(fiscal_year: int, today: date) -> None:
    """Two notices for the next 授業日 in the demo teacher's class, and a guardian's link."""
    teacher = Account.objects.filter(login_id=DEMO_TEACHER).first()
    if teacher is None or teacher.staff_id is None:
        return
    duty = (
        Duty.objects.filter(
            staff_id=teacher.staff_id, fiscal_year=fiscal_year, kind=DutyKind.HOMEROOM
        )
        .select_related("school_class")
        .first()
    )
    if duty is None or duty.school_class is None:
        return
    enrolments = list(
        Enrolment.objects.filter(school_class=duty.school_class, is_provisional=False).order_by(
            "number"
        )[:3]
    )
    guardians = {
        g.student_id: g
        for g in Guardian.objects.filter(
            student_id__in=[e.student_id for e in enrolments]
        ).order_by("order")
    }
    if len(enrolments) < 3 or len(guardians) < 3:
        return
    first = guardians[enrolments[0].student_id]
    if not GuardianLink.objects.filter(guardian=first).exists():
        from manabi.attendance.guardian import token_digest

        GuardianLink.objects.create(
            guardian=first,
            school_id=duty.school_class.school_id,
            token_sha256=token_digest(GUARDIAN_TOKEN),
            expires_on=date(fiscal_year + 1, 3, 31),
            issued_by=teacher,
        )
    day = _next_lesson_day(duty.school_class.school_id, today)
    if AbsenceNotice.objects.filter(school_id=duty.school_class.school_id, date=day).exists():
        return
    AbsenceNotice.objects.bulk_create(
        [
            AbsenceNotice(
                student_id=enrolments[1].student_id,
                school_id=duty.school_class.school_id,
                guardian=guardians[enrolments[1].student_id],
                date=day,
                kind=NoticeKind.ABSENT,
                reason=AbsenceReason.ILLNESS,
                symptoms="発熱・せき",
                temperature=Decimal("38.4"),
                message="病院に行ってから連絡します。",
            ),
            AbsenceNotice(
                student_id=enrolments[2].student_id,
                school_id=duty.school_class.school_id,
                guardian=guardians[enrolments[2].student_id],
                date=day,
                kind=NoticeKind.LATE,
                at_time=time(10, 30),
                message="歯科を受診してから登校します。",
            ),
        ]
    )


BOARD_REASONS = (
    ("発熱", AbsenceReason.ILLNESS),
    ("頭痛・腹痛", AbsenceReason.ILLNESS),
    ("通院", AbsenceReason.ILLNESS),
    ("けが", AbsenceReason.ACCIDENT),
    ("家事都合", AbsenceReason.FAMILY),
    ("感染回避", AbsenceReason.INFECTION_AVOIDANCE),
    ("不登校", AbsenceReason.NON_ATTENDANCE),
)


def _board_reasons() -> None:
    """みらい市教育委員会's own list of 欠席の理由 (the other boards keep the shipped one)."""
    board = Organisation.objects.filter(name="みらい市教育委員会").first()
    if board is None or AbsenceReasonOption.objects.filter(board=board).exists():
        return
    AbsenceReasonOption.objects.bulk_create(
        AbsenceReasonOption(board=board, label=label, reason=reason, order=order)
        for order, (label, reason) in enumerate(BOARD_REASONS, start=1)
    )
