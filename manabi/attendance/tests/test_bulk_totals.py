"""``bulk_totals.school_year_totals`` gives, for every class, exactly the numbers of
``selectors.class_year_totals``: over the school cast with holidays, a 学級閉鎖, a pupil who
changes class and one who leaves mid-year, marks of every kind (some on days that do not
count), and in a constant number of queries."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from manabi.accounts.selectors import acting_for
from manabi.attendance import services
from manabi.attendance.bulk_totals import school_year_totals
from manabi.attendance.choices import AbsenceReason, ClosureKind, DeemedKind, MarkStatus
from manabi.attendance.models import Mark
from manabi.attendance.schooldays import date_range, fiscal_year_bounds
from manabi.attendance.selectors import PupilYear, class_year_totals
from manabi.classes.models import SchoolClass
from manabi.students.models import Enrolment, EnrolmentStatus, Student
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db


def _rows(rows: list[PupilYear]) -> list[tuple[int, object, object]]:
    return [(r.enrolment.pk, r.totals, r.months) for r in rows]


def _random_marks(sc: SchoolCast, seed: int, rate: float) -> int:
    """Marks straight into the table (every day of the year, weekends and holidays too, so
    that some do not count), as an import of old books would leave them."""
    rng = random.Random(seed)
    teacher = sc.account("teacher_a")
    start, end = fiscal_year_bounds(sc.year)
    kinds = [
        {"status": MarkStatus.ABSENT, "reason": AbsenceReason.ILLNESS},
        {"status": MarkStatus.ABSENT, "reason": AbsenceReason.NON_ATTENDANCE},
        {"status": MarkStatus.ABSENT, "reason": AbsenceReason.FAMILY},
        {"status": MarkStatus.PRESENT, "late": True},
        {"status": MarkStatus.PRESENT, "early": True},
        {"status": MarkStatus.PRESENT, "note": "保健室"},
        {"status": MarkStatus.SUSPENDED, "detail": "インフルエンザ"},
        {"status": MarkStatus.MOURNING},
        {"status": MarkStatus.OFFICIAL},
        {"status": MarkStatus.OTHER_LEAVE},
        {"status": MarkStatus.DEEMED, "deemed_kind": DeemedKind.ONLINE, "late": True},
    ]
    marks = []
    for key, student in sc.students.items():
        school_id = sc.enrolments[key].school_id
        for day in date_range(start, end):
            if rng.random() < rate:
                marks.append(
                    Mark(
                        student=student,
                        school_id=school_id,
                        date=day,
                        updated_by=teacher,
                        **rng.choice(kinds),
                    )
                )
    Mark.objects.bulk_create(marks)
    return len(marks)


def _complicate(sc: SchoolCast) -> None:
    """Holidays, a 学級閉鎖 of 1年1組, a grade closure, a pupil who moves from 1年1組 to
    1年2組 in the autumn and one who leaves 1年2組 in the winter."""
    acting = acting_for(sc.account("principal_a"))
    school_a = sc.cast.orgs["school_a"]
    services.holidays_import(actor=acting, school_id=school_a.pk, fiscal_year=sc.year)
    services.calendar_day_set(
        actor=acting,
        school_id=school_a.pk,
        day=next(
            d for d in date_range(date(sc.year, 5, 9), date(sc.year, 5, 20)) if d.weekday() == 5
        ),
        is_school_day=True,
        note="土曜授業",
    )
    services.closure_create(
        actor=acting,
        school_class=sc.classes["a1_1"],
        kind=ClosureKind.CLASS,
        start=date(sc.year, 6, 10),
        end=date(sc.year, 6, 13),
        reason="インフルエンザ",
    )
    services.closure_create(
        actor=acting,
        school_class=sc.classes["a2_1"],
        kind=ClosureKind.GRADE,
        start=date(sc.year, 11, 4),
        end=date(sc.year, 11, 5),
        reason="感染症",
    )
    moving = sc.enrolments["A1-3"]
    moved_on = date(sc.year, 10, 1)
    moving.end_date = moved_on - timedelta(days=1)
    moving.save(update_fields=["end_date"])
    Enrolment.objects.create(
        student=moving.student,
        school=moving.school,
        fiscal_year=sc.year,
        grade=1,
        school_class=sc.classes["a1_2"],
        number=3,
        start_date=moved_on,
    )
    leaving = sc.enrolments["A2-2"]
    leaving.end_date = date(sc.year + 1, 1, 15)
    leaving.status = EnrolmentStatus.TRANSFERRED_OUT
    leaving.save(update_fields=["end_date", "status"])


@pytest.mark.parametrize(("seed", "rate"), [(1, 0.04), (2, 0.3), (3, 0.0), (5, 0.9)])
def test_school_totals_equal_class_year_totals(
    school_cast: SchoolCast, seed: int, rate: float
) -> None:
    sc = school_cast
    _complicate(sc)
    made = _random_marks(sc, seed, rate)
    assert made > 0 or rate == 0
    for school in (sc.cast.orgs["school_a"], sc.cast.orgs["school_b"]):
        bulk = school_year_totals(school.pk, sc.year)
        classes = SchoolClass.objects.filter(school=school, fiscal_year=sc.year)
        assert set(bulk) == {c.pk for c in classes}
        year_only = school_year_totals(school.pk, sc.year, by_month=False, students=False)
        for school_class in classes:
            expected = class_year_totals(school_class)
            assert _rows(bulk[school_class.pk]) == _rows(expected), school_class.label
            assert [(r.enrolment.pk, r.totals) for r in year_only[school_class.pk]] == [
                (r.enrolment.pk, r.totals) for r in expected
            ], school_class.label
            assert all(r.months == {} for r in year_only[school_class.pk])
    moved = Student.objects.get(pk=sc.students["A1-3"].pk)
    a1_2 = school_year_totals(sc.cast.orgs["school_a"].pk, sc.year)[sc.classes["a1_2"].pk]
    assert moved.pk in {r.enrolment.student_id for r in a1_2}


def test_school_totals_cost_five_queries(school_cast: SchoolCast) -> None:
    sc = school_cast
    _random_marks(sc, 4, 0.05)
    with CaptureQueriesContext(connection) as queries:
        school_year_totals(sc.cast.orgs["school_a"].pk, sc.year)
    assert len(queries.captured_queries) == 5  # classes, calendar, closures, pupils, marks


def test_a_school_without_classes_has_no_totals(school_cast: SchoolCast) -> None:
    assert school_year_totals(school_cast.cast.orgs["school_a"].pk, school_cast.year - 5) == {}
