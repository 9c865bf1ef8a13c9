"""The 健康診断票 in the handover package (引継ぎ資料) of a 転出 (seed 001 別表3: the health
record goes with the pupil; a school outside the system gets the printed copy).

Every year's 健康診断票 (一般) and (歯・口腔) of the pupil at the sending school, oldest first,
as plain JSON values (numbers as text, so nothing is rounded on the way).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from manabi.health.models import DentalExam, HealthExam
from manabi.students.models import Enrolment, Student

FORMAT = "manabi-health-exams/1"
_SKIPPED = {"id", "student", "school", "updated_by", "updated_at"}


def _plain(row: models.Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        if field.name in _SKIPPED:
            continue
        value = getattr(row, field.attname)
        if isinstance(value, Decimal):
            value = f"{value:f}"
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[field.name] = value
    return values


def handover_section(student: Student, enrolment: Enrolment) -> dict[str, Any]:
    """The pupil's 健康診断票 of every year at the sending school."""
    where = {"student": student, "school_id": enrolment.school_id}
    return {
        "format": FORMAT,
        "school": enrolment.school.name,
        "general": [_plain(e) for e in HealthExam.objects.filter(**where).order_by("fiscal_year")],
        "dental": [_plain(e) for e in DentalExam.objects.filter(**where).order_by("fiscal_year")],
    }


def register_handover() -> None:
    """Add the 健康診断票 to the handover package (call from ``apps.ready``)."""
    from manabi.students.handover import Section, register_section

    register_section(Section("health_exams", "児童生徒健康診断票", handover_section))
