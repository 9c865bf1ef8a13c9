"""Reads of 健康診断: the 学級 within a reach, a class's grid, a pupil's records and their
retention, and the school's 入力時期設定."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from manabi.access.selectors import Reach
from manabi.classes.models import SchoolClass
from manabi.classes.selectors import classes_in_reach
from manabi.health import schedule
from manabi.health.models import DentalExam, EntryPeriod, HealthExam
from manabi.students.models import LEAVING_STATUSES, Enrolment, Student
from manabi.students.selectors import class_pupils as class_pupils

# The grid's columns: (field key, label). The order is the Tab order within a row.
GRID_FIELDS: tuple[tuple[str, str], ...] = (
    ("height", "身長"),
    ("weight", "体重"),
    ("vision_right_naked", "右裸眼"),
    ("vision_right_corrected", "右矯正"),
    ("vision_left_naked", "左裸眼"),
    ("vision_left_corrected", "左矯正"),
    ("hearing_right", "聴力 右"),
    ("hearing_left", "聴力 左"),
)
GRID_LABELS = dict(GRID_FIELDS)


def school_classes_in_reach(reach: Reach) -> QuerySet[SchoolClass]:
    return classes_in_reach(reach)


def entry_window(school_id: int, fiscal_year: int) -> schedule.EntryWindow | None:
    row = EntryPeriod.objects.filter(school_id=school_id, fiscal_year=fiscal_year).first()
    if row is None:
        return None
    return schedule.EntryWindow(opens_on=row.opens_on, closes_on=row.closes_on, closed=row.closed)


def entry_period(school_id: int, fiscal_year: int) -> EntryPeriod | None:
    return EntryPeriod.objects.filter(school_id=school_id, fiscal_year=fiscal_year).first()


def cell_text(exam: HealthExam | None, key: str) -> str:
    """A grid cell as it shows in its input (what was entered)."""
    if exam is None:
        return ""
    if key == "height":
        return "" if exam.height_cm is None else f"{exam.height_cm}"
    if key == "weight":
        return "" if exam.weight_kg is None else f"{exam.weight_kg}"
    return str(getattr(exam, key))


@dataclass
class GridRow:
    enrolment: Enrolment
    exam: HealthExam | None
    cells: list[tuple[str, str, str]] = field(default_factory=list)  # (key, label, text)

    @property
    def student(self) -> Student:
        return self.enrolment.student


@dataclass
class Grid:
    school_class: SchoolClass
    rows: list[GridRow]
    refusal: str | None  # why entry is closed today, or None


def class_grid(school_class: SchoolClass, *, today: date) -> Grid:
    """Pupils × 身長・体重・視力・聴力 of the 学級's 年度, with what is stored (four queries)."""
    pupils = class_pupils(school_class)
    exams = {
        e.student_id: e
        for e in HealthExam.objects.filter(
            school_id=school_class.school_id,
            fiscal_year=school_class.fiscal_year,
            student_id__in=[p.student_id for p in pupils],
        )
    }
    rows = []
    for enrolment in pupils:
        exam = exams.get(enrolment.student_id)
        rows.append(
            GridRow(
                enrolment=enrolment,
                exam=exam,
                cells=[(key, label, cell_text(exam, key)) for key, label in GRID_FIELDS],
            )
        )
    window = entry_window(school_class.school_id, school_class.fiscal_year)
    return Grid(school_class=school_class, rows=rows, refusal=schedule.entry_refusal(window, today))


def exam_of(enrolment: Enrolment) -> HealthExam | None:
    return HealthExam.objects.filter(
        student_id=enrolment.student_id,
        school_id=enrolment.school_id,
        fiscal_year=enrolment.fiscal_year,
    ).first()


def dental_of(enrolment: Enrolment) -> DentalExam | None:
    return DentalExam.objects.filter(
        student_id=enrolment.student_id,
        school_id=enrolment.school_id,
        fiscal_year=enrolment.fiscal_year,
    ).first()


def exam_history(enrolment: Enrolment) -> list[HealthExam]:
    """The pupil's 健康診断票 of every 年度 at this school (a school reads its own period)."""
    return list(
        HealthExam.objects.filter(
            student_id=enrolment.student_id, school_id=enrolment.school_id
        ).order_by("fiscal_year")
    )


def left_on(student_id: int, school_id: int) -> date | None:
    """The day the pupil left the school (卒業・転学・退学), from the latest enrolment there."""
    last = (
        Enrolment.objects.filter(student_id=student_id, school_id=school_id, is_provisional=False)
        .order_by("-fiscal_year", "-start_date", "-pk")
        .first()
    )
    if last is None or last.status not in LEAVING_STATUSES:
        return None
    return last.end_date
