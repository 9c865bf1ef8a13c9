"""Writes of staff and assignments. Every one is audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from manabi.core import extensions
from manabi.core.acting import Acting
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.people.models import Assignment, Staff
from manabi.people.points import STAFF_RETIRED

STAFF_FIELDS = (
    "staff_number",
    "name",
    "kana",
    "alias_name",
    "birth_date",
    "job_title",
    "employment_type",
    "prefecture_funded",
)


def staff_create(*, actor: Acting | None, **fields: Any) -> Staff:
    with transaction.atomic():
        staff = Staff(**fields)
        staff.refresh_search_key()
        staff.full_clean()
        staff.save()
        audit_record(
            actor=actor,
            action="people.staff.create",
            target=staff,
            subject=staff,
            details={"staff_number": staff.staff_number},
        )
    return staff


def staff_update(*, actor: Acting | None, staff: Staff, **fields: Any) -> Staff:
    with transaction.atomic():
        staff = Staff.objects.select_for_update().get(pk=staff.pk)
        before = {name: getattr(staff, name) for name in STAFF_FIELDS}
        for name, value in fields.items():
            if name not in STAFF_FIELDS:
                raise ValueError(f"not an editable field: {name}")
            setattr(staff, name, value)
        staff.refresh_search_key()
        staff.full_clean()
        staff.save()
        changes = {
            name: [str(before[name]), str(getattr(staff, name))]
            for name in STAFF_FIELDS
            if before[name] != getattr(staff, name)
        }
        if changes:
            audit_record(
                actor=actor,
                action="people.staff.update",
                target=staff,
                subject=staff,
                details=changes,
            )
    return staff


def assignment_add(
    *,
    actor: Acting | None,
    staff: Staff,
    organisation: Organisation,
    start: date,
    end: date | None = None,
    concurrent: bool = False,
) -> Assignment:
    """Assign ``staff`` to ``organisation`` from ``start``. A main (non-兼務) assignment ends
    the person's other main assignments the day before, so a transfer is one call."""
    with transaction.atomic():
        if not concurrent:
            for current in (
                Assignment.objects.select_for_update()
                .filter(staff=staff, concurrent=False, start__lt=start)
                .exclude(end__lt=start)
            ):
                current.end = start - timedelta(days=1)
                current.save(update_fields=["end"])
        assignment = Assignment(
            staff=staff, organisation=organisation, start=start, end=end, concurrent=concurrent
        )
        assignment.full_clean()
        assignment.save()
        audit_record(
            actor=actor,
            action="people.assignment.add",
            target=assignment,
            subject=staff,
            details={
                "organisation": organisation.code,
                "start": start.isoformat(),
                "end": end.isoformat() if end else None,
                "concurrent": concurrent,
            },
        )
    return assignment


def assignment_end(*, actor: Acting | None, assignment: Assignment, end: date) -> Assignment:
    with transaction.atomic():
        if end < assignment.start:
            raise ValidationError({"end": "終了日は開始日以降にしてください。"})
        assignment.end = end
        assignment.save(update_fields=["end"])
        audit_record(
            actor=actor,
            action="people.assignment.end",
            target=assignment,
            subject=assignment.staff,
            details={"end": end.isoformat()},
        )
    return assignment


def staff_retire(*, actor: Acting | None, staff: Staff, retired_on: date) -> Staff:
    """退職: end every assignment on ``retired_on``; the apps above (accounts) end the
    person's roles and close their account at the extension point ``STAFF_RETIRED``.
    Everything the person did and every record about them is kept."""
    with transaction.atomic():
        staff.retired_on = retired_on
        staff.save(update_fields=["retired_on", "updated_at"])
        Assignment.objects.filter(staff=staff, end__isnull=True).update(end=retired_on)
        Assignment.objects.filter(staff=staff, end__gt=retired_on).update(end=retired_on)
        extensions.call(STAFF_RETIRED, actor=actor, staff=staff, retired_on=retired_on)
        audit_record(
            actor=actor,
            action="people.staff.retire",
            target=staff,
            subject=staff,
            details={"retired_on": retired_on.isoformat()},
        )
    return staff
