"""The month grid's rows as HTML, written in Python rather than in a template.

A class's month is about 35 × 31 cells, each with a dozen values; through the template
engine that was most of the page's time (``bench/bench_attendance.py``), so the rows are
built here, every value escaped (``tests/test_grid_html.py``).
"""

from __future__ import annotations

import json
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from manabi.attendance.selectors import Cell, Row


def _cell(row: Row, cell: Cell, *, name: str, quick_url: str, can_edit: bool, today: date) -> str:
    classes = ["att-cell"]
    if not cell.lesson:
        classes.append("is-off")
    if not cell.enrolled:
        classes.append("is-out")
    if cell.mark is not None:
        classes += ["is-marked", f"is-{cell.mark.status}"]
    if cell.notice is not None:
        classes.append("has-notice")
    if cell.date == today:
        classes.append("is-today")
    opening = f'<td class="{" ".join(classes)}">'
    if cell.lesson and cell.enrolled:
        iso = cell.date.isoformat()
        student = row.enrolment.student_id
        title = escape(cell.title)
        label = escape(f"{name} {cell.date.month}月{cell.date.day}日 {cell.title}")
        if can_edit:
            values = escape(json.dumps({"student": str(student), "date": iso}))
            action = f'hx-post="{escape(quick_url)}" hx-vals="{values}"'
        else:
            action = "disabled"
        proposal = (
            '<span class="att-proposal" aria-hidden="true">連</span>'
            if cell.notice is not None
            else ""
        )
        return (
            f'{opening}<button type="button" class="att-btn" data-student="{student}" '
            f'data-date="{iso}" tabindex="-1" aria-label="{label}" title="{title}" {action}>'
            f"{escape(cell.symbol)}{proposal}</button></td>"
        )
    if cell.mark is not None:
        return (
            f'{opening}<span class="att-ignored" title="{escape(cell.title)}">'
            f"{escape(cell.symbol)}</span></td>"
        )
    return f"{opening}</td>"


def row_html(row: Row, *, quick_url: str, can_edit: bool, today: date) -> SafeString:
    """One pupil's ``<tr>``: number and name, a cell per day, the month's totals."""
    enrolment = row.enrolment
    name = enrolment.student.display_name
    number = "" if enrolment.number is None else str(enrolment.number)
    t = row.totals
    totals = (
        t.lesson_days,
        t.leave_days,
        t.required_days,
        t.absent_days,
        t.present_days,
        t.late,
        t.early,
    )
    parts = [
        f'<tr id="row-{enrolment.student_id}" class="att-row">',
        f'<th scope="row" class="att-name"><span class="att-number">{number}</span> '
        f"{escape(name)}</th>",
        *(
            _cell(row, c, name=name, quick_url=quick_url, can_edit=can_edit, today=today)
            for c in row.cells
        ),
        *(f'<td class="att-total">{n}</td>' for n in totals),
        "</tr>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped
