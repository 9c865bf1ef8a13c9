"""Demo 学校日誌 of みらい県: at the demo teacher's school (みらい市立中央小学校) the weekdays of
the last two weeks have pages: the older ones 承認済 (by the school's principal, where the demo
has one), the day before today 提出済 and today 記入中, each with weather, events, and now and
then a visitor or a staff member on a 出張.

Everything is fictional and random with a fixed seed. Idempotent: a day that already has a
page is kept.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.roles import Role
from manabi.classes.models import Duty, DutyKind
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.school_diary import selectors
from manabi.school_diary.models import AbsenceKind, DiaryDay, DiaryState, StaffAbsence, Visitor

ORDER = 67
WEATHERS = ("晴れ", "晴れ", "曇り", "雨", "晴れのち曇り", "曇りのち雨")
EVENTS = ("", "", "朝会", "避難訓練", "委員会活動", "クラブ活動", "授業参観", "職員会議")
VISITORS = (
    ("山田 太郎", "みらい市教育委員会", "学校訪問"),
    ("佐々木 花", "学校医", "健康相談"),
    ("田中 一", "PTA", "行事の打合せ"),
)


def accounts() -> list[DemoAccount]:
    return []


DEMO_TEACHER = "480002T04000797"


def _school_id() -> int | None:
    """The school of the demo teacher's homeroom class (as the other school-affairs demos)."""
    teacher = Account.objects.filter(login_id=DEMO_TEACHER).first()
    if teacher is None or teacher.staff_id is None:
        return None
    duty = (
        Duty.objects.filter(staff_id=teacher.staff_id, kind=DutyKind.HOMEROOM)
        .exclude(school_class=None)
        .select_related("school_class")
        .order_by("-fiscal_year")
        .first()
    )
    return duty.school_class.school_id if duty is not None and duty.school_class else None


def build(options: DemoOptions) -> None:
    school_id = _school_id()
    if school_id is None:
        return
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(14, -1, -1)]
    days = [d for d in days if d.weekday() < 5]
    have = set(
        DiaryDay.objects.filter(school_id=school_id, date__in=days).values_list("date", flat=True)
    )
    principal = Account.objects.filter(
        pk__in=RoleAssignment.objects.filter(
            organisation_id=school_id, role=Role.SCHOOL_ADMIN
        ).values("account_id")
    ).first()
    staff = list(selectors.staff_on(school_id, today)[:20])
    rng = random.Random(2026)
    with transaction.atomic():
        for d in days:
            if d in have:
                continue
            state = (
                DiaryState.DRAFT
                if d == today
                else DiaryState.SUBMITTED
                if d == days[-2]
                else DiaryState.APPROVED
            )
            page = DiaryDay.objects.create(
                school_id=school_id,
                date=d,
                weather=rng.choice(WEATHERS),
                events=rng.choice(EVENTS),
                notes="特記事項なし。"
                if rng.random() < 0.7
                else "下校時に雨が強くなり、集団下校とした。",
                state=state,
                revision=1,
                approved_by=principal if state == DiaryState.APPROVED else None,
                approved_at=timezone.now() if state == DiaryState.APPROVED else None,
                attendance_snapshot=(
                    [line.as_dict() for line in selectors.attendance_summary(school_id, d)]
                    if state == DiaryState.APPROVED
                    else None
                ),
            )
            if rng.random() < 0.4:
                name, org, purpose = rng.choice(VISITORS)
                Visitor.objects.create(
                    day=page, order=1, name=name, organisation=org, purpose=purpose
                )
            if staff and rng.random() < 0.3:
                StaffAbsence.objects.create(
                    day=page,
                    order=1,
                    staff=rng.choice(staff),
                    kind=rng.choice([AbsenceKind.TRIP, AbsenceKind.ANNUAL_LEAVE]),
                    note="午後",
                )
