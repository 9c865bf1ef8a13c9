"""The grid's rows built in Python: the markup the page and its script rely on, every value
escaped."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from manabi.accounts.selectors import acting_for
from manabi.attendance import selectors, services
from manabi.attendance.choices import AbsenceReason, MarkStatus
from manabi.attendance.grid_html import row_html
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db


def test_a_row_has_a_button_per_lesson_day_and_escapes_names(school_cast: SchoolCast) -> None:
    sc = school_cast
    student = sc.students["A1-1"]
    student.common_name = '<script>alert("x")</script>'
    student.save()
    day = date(sc.year, 6, 1)
    day += timedelta(days=(7 - day.weekday()) % 7)  # a Monday
    services.mark_set(
        actor=acting_for(sc.account("teacher_a")),
        school_class=sc.classes["a1_1"],
        student_id=student.pk,
        day=day,
        data=services.MarkData(status=MarkStatus.ABSENT, reason=AbsenceReason.ILLNESS),
    )
    grid = selectors.month_grid(sc.classes["a1_1"], day.year, day.month, student_id=student.pk)
    html = row_html(grid.rows[0], quick_url="/q/", can_edit=True, today=day)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<button") == grid.lesson_days
    assert html.count('hx-post="/q/"') == grid.lesson_days
    assert f'data-date="{day.isoformat()}"' in html
    assert "is-absent" in html and "is-today" in html and "／" in html
    assert f'hx-vals="{{&quot;student&quot;: &quot;{student.pk}&quot;' in html
    # The month totals close the row: 欠席 1.
    assert html.endswith(
        "".join(
            f'<td class="att-total">{n}</td>'
            for n in (grid.lesson_days, 0, grid.lesson_days, 1, grid.lesson_days - 1, 0, 0)
        )
        + "</tr>"
    )
    closed = row_html(grid.rows[0], quick_url="/q/", can_edit=False, today=day)
    assert "hx-post" not in closed and closed.count(" disabled>") == grid.lesson_days
