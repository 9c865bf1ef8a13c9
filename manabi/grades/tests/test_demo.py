"""The demo's grades (standard size, built once for the module and rolled back at its end)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from manabi.accounts.models import Account
from manabi.classes.models import Duty, DutyKind, LessonClass, SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.core.models import AuditEvent
from manabi.grades import demo
from manabi.grades.models import (
    YEAR_TERM,
    CheckMark,
    EvaluationItem,
    GradingSetup,
    Narrative,
    RatingResult,
    Score,
    Term,
    ViewpointResult,
)
from manabi.orgs.models import SchoolType
from manabi.students.models import Enrolment, LessonMembership

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MODELS = (
    GradingSetup,
    Term,
    LessonClass,
    Duty,
    LessonMembership,
    EvaluationItem,
    Score,
    ViewpointResult,
    RatingResult,
    Narrative,
    CheckMark,
)


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("demo", "--no-serve", stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.usefixtures("built"), pytest.mark.django_db]


def _homeroom() -> SchoolClass:
    teacher = Account.objects.get(login_id=demo.DEMO_TEACHER)
    assert teacher.staff_id is not None
    duty = Duty.objects.get(
        staff_id=teacher.staff_id, fiscal_year=current_fiscal_year(), kind=DutyKind.HOMEROOM
    )
    assert duty.school_class is not None
    return duty.school_class


def _class_lessons(school_class: SchoolClass) -> list[LessonClass]:
    return list(
        LessonClass.objects.filter(
            school_id=school_class.school_id,
            fiscal_year=school_class.fiscal_year,
            name__startswith=f"{school_class.label} ",
        )
    )


def test_every_school_with_classes_has_a_setup_of_three_terms() -> None:
    fiscal_year = current_fiscal_year()
    schools = set(
        SchoolClass.objects.filter(fiscal_year=fiscal_year).values_list("school_id", flat=True)
    )
    setups = GradingSetup.objects.filter(fiscal_year=fiscal_year)
    assert set(setups.values_list("school_id", flat=True)) == schools
    assert {s.rule.key for s in setups.select_related("rule")} == {demo.RULE_KEY}
    assert Term.objects.filter(setup__in=setups).count() == 3 * len(schools)


def test_the_demo_teachers_class_has_lessons_scores_and_explained_ratings() -> None:
    school_class = _homeroom()
    lessons = _class_lessons(school_class)
    subjects = {lesson.subject for lesson in lessons}
    assert subjects == set(demo.subjects_of(school_class.school.school_type, school_class.grade))
    teacher = Account.objects.get(login_id=demo.DEMO_TEACHER)
    assert teacher.staff_id is not None
    assert Duty.objects.filter(
        staff_id=teacher.staff_id, kind=DutyKind.SUBJECT, lesson_class__in=lessons
    ).count() == len(lessons)
    pupils = set(
        Enrolment.objects.filter(school_class=school_class).values_list("student_id", flat=True)
    )
    for lesson in lessons:
        members = set(lesson.memberships.values_list("student_id", flat=True))
        assert members == pupils
    today = timezone.localdate()
    begun = Term.objects.filter(
        setup__school_id=school_class.school_id,
        setup__fiscal_year=school_class.fiscal_year,
        starts_on__lte=today,
    ).count()
    items = EvaluationItem.objects.filter(lesson_class__in=lessons)
    assert items.count() == 3 * begun * len(lessons)
    assert set(items.values_list("max_score", flat=True)) == {100, 50, 10}
    scores = Score.objects.filter(item__in=items)
    entered = scores.exclude(excused=True).select_related("item")
    assert all(s.value is not None and 0 <= s.value <= s.item.max_score for s in entered)
    assert scores.filter(excused=True).exists()
    assert scores.count() < items.count() * len(pupils)  # a few not entered yet
    ratings = RatingResult.objects.filter(lesson_class__in=lessons, term=YEAR_TERM)
    assert ratings.count() == len(lessons) * len(pupils)
    assert not ratings.filter(explanation="").exists()
    if school_class.grade >= 3:
        values = set(ratings.values_list("computed", flat=True))
        assert len(values - {None}) >= 2  # a spread, not one value for everybody
    assert ViewpointResult.objects.filter(lesson_class__in=lessons, computed="A").exists()


def test_remarks_and_behaviour_marks_of_the_class() -> None:
    school_class = _homeroom()
    pupils = set(
        Enrolment.objects.filter(school_class=school_class).values_list("student_id", flat=True)
    )
    today = timezone.localdate()
    past = list(
        Term.objects.filter(
            setup__school_id=school_class.school_id,
            setup__fiscal_year=school_class.fiscal_year,
            ends_on__lt=today,
        ).values_list("number", flat=True)
    )
    texts = Narrative.objects.filter(
        school_id=school_class.school_id, student_id__in=pupils, kind="remarks"
    )
    assert set(texts.values_list("term", flat=True)) == set(past)
    for term in past:
        written = texts.filter(term=term).count()
        assert len(pupils) * 0.4 < written < len(pupils) * 0.9
    checks = CheckMark.objects.filter(student_id__in=pupils, term=YEAR_TERM, group="behaviour")
    assert checks.exists()
    assert checks.values("student_id").distinct().count() < len(pupils) or len(pupils) < 5


def test_a_junior_high_shows_five_step_ratings_in_mathematics() -> None:
    lessons = LessonClass.objects.filter(
        school__school_type=SchoolType.JUNIOR_HIGH,
        subject="数学",
        grade=1,
        evaluation_items__isnull=False,
    ).distinct()
    assert lessons.count() == 2
    assert len({lesson.school_id for lesson in lessons}) == 1
    values = set(
        RatingResult.objects.filter(lesson_class__in=lessons, term=YEAR_TERM).values_list(
            "computed", flat=True
        )
    )
    assert values <= {1, 2, 3, 4, 5} and len(values) >= 3


def test_building_again_adds_nothing_and_audits_no_row() -> None:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    call_command("demo", "--no-serve", stdout=StringIO())
    assert {model.__name__: model.objects.count() for model in MODELS} == counts
    assert not AuditEvent.objects.filter(action__startswith="grades.").exists()
