"""Demo 健康診断 of みらい県: at the demo teacher's school (みらい市立中央小学校) every pupil of
the 年度 has this year's 身長・体重 (with 肥満度 and its 判定), 視力 and 聴力, as the 養護教諭
would have entered them in the spring, plus last year's 身長・体重 for pupils above 1年 (so the
pupil page shows two years). A few pupils have a 学校医所見 and 事後措置.

Everything is fictional and random with a fixed seed. Idempotent: a pupil's record that is
already there is kept.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction

from manabi.accounts.models import Account
from manabi.classes.models import Duty, DutyKind
from manabi.classes.selectors import current_fiscal_year
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.health import measures, services
from manabi.health.models import HealthExam
from manabi.students.models import Enrolment

ORDER = 64
DEMO_TEACHER = "480002T04000797"
# Mean 身長 (cm) and 体重 (kg) by 満年齢, roughly those of 学校保健統計 (boys and girls alike).
MEANS = {
    5: (110.0, 19.0),
    6: (116.5, 21.5),
    7: (122.5, 24.0),
    8: (128.0, 27.0),
    9: (133.5, 30.5),
    10: (139.5, 34.5),
    11: (146.0, 39.0),
    12: (152.5, 44.0),
}
VISIONS = ("1.5", "1.2", "1.2", "1.0", "1.0", "1.0", "0.9", "0.7", "0.5", "0.3", "0.2")


def accounts() -> list[DemoAccount]:
    return []


def _school_id() -> int | None:
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


def _measure(rng: random.Random, age: int) -> tuple[Decimal, Decimal]:
    height, weight = MEANS.get(age, MEANS[12])
    h = rng.gauss(height, 5.0)
    w = weight * (h / height) ** 3 * rng.gauss(1.0, 0.12)
    return Decimal(f"{h:.1f}"), Decimal(f"{max(w, 12.0):.1f}")


def build(options: DemoOptions) -> None:
    school_id = _school_id()
    if school_id is None:
        return
    year = current_fiscal_year()
    rng = random.Random(2026)
    pupils = (
        Enrolment.objects.filter(school_id=school_id, fiscal_year=year, is_provisional=False)
        .select_related("student")
        .order_by("school_class_id", "number", "pk")
    )
    have = set(
        HealthExam.objects.filter(school_id=school_id).values_list("student_id", "fiscal_year")
    )
    made: list[HealthExam] = []
    for enrolment in pupils:
        student = enrolment.student
        for fiscal_year, spring in ((year - 1, date(year - 1, 4, 20)), (year, date(year, 4, 20))):
            if (student.pk, fiscal_year) in have or (fiscal_year < year and enrolment.grade <= 1):
                continue
            height, weight = _measure(rng, max(5, measures.age_on(student.birth_date, spring)))
            exam = HealthExam(
                student=student,
                school_id=school_id,
                fiscal_year=fiscal_year,
                exam_date=spring,
                height_cm=height,
                weight_kg=weight,
            )
            if fiscal_year == year:
                exam.vision_right_naked = rng.choice(VISIONS)
                exam.vision_left_naked = rng.choice(VISIONS)
                exam.hearing_right = exam.hearing_left = measures.HearingFinding.NONE.value
                if rng.random() < 0.08:
                    exam.doctor_findings = "アレルギー性結膜炎の疑い"
                    exam.follow_up = "眼科受診を勧める (受診のお知らせを配付)"
            services.recompute(exam, student)
            have.add((student.pk, fiscal_year))
            made.append(exam)
    with transaction.atomic():
        HealthExam.objects.bulk_create(made, batch_size=1000)
