"""Reads of staff, narrowed to the actor's jurisdiction.

Visibility follows *current* assignments: after a transfer the new school sees the person
(with their whole history) and the old school no longer does.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from manabi.core.acting import Acting, Role
from manabi.core.kana import search_key
from manabi.orgs.models import Organisation
from manabi.people.models import Assignment, Staff, current_assignment_q


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def current_assignments(on: date | None = None) -> QuerySet[Assignment]:
    return Assignment.objects.filter(current_assignment_q(_today(on))).select_related(
        "organisation"
    )


def staff_in_jurisdiction(acting: Acting, *, on: date | None = None) -> QuerySet[Staff]:
    """Staff ``acting`` may see: everyone currently assigned under the organisation a board or
    school admin acts for; a teacher sees only themself; a system administrator everyone."""
    day = _today(on)
    if acting.role == Role.SYSTEM_ADMIN:
        return Staff.objects.all()
    if acting.role in (Role.BOARD, Role.SCHOOL_ADMIN) and acting.organisation is not None:
        assigned_here = Assignment.objects.filter(
            current_assignment_q(day),
            staff=OuterRef("pk"),
            organisation__path__startswith=acting.organisation.path,
        )
        return Staff.objects.filter(Exists(assigned_here))
    if acting.role == Role.STAFF and acting.account is not None:
        staff_id = acting.account.staff_id
        return Staff.objects.filter(pk=staff_id) if staff_id else Staff.objects.none()
    return Staff.objects.none()


def staff_search(
    acting: Acting,
    *,
    query: str = "",
    organisation_id: int | None = None,
    job_title: str = "",
    on: date | None = None,
) -> QuerySet[Staff]:
    """Search by name, kana (either script, any width) or staff number, within jurisdiction."""
    day = _today(on)
    qs = staff_in_jurisdiction(acting, on=day)
    if query:
        key = search_key(query).replace(" ", "")
        qs = qs.filter(Q(search_key__contains=key) | Q(staff_number__startswith=query.strip()))
    if organisation_id:
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(
                    current_assignment_q(day), staff=OuterRef("pk"), organisation_id=organisation_id
                )
            )
        )
    if job_title:
        qs = qs.filter(job_title=job_title)
    return qs.prefetch_related(
        Prefetch("assignments", queryset=current_assignments(day), to_attr="current_assignments")
    ).order_by("kana", "staff_number")


def assignments_of(staff: Staff) -> QuerySet[Assignment]:
    return staff.assignments.select_related("organisation").order_by("-start")


def organisation_staff_fact(
    *, acting: Acting, organisation: Organisation
) -> tuple[str, str, str] | None:
    """At ``orgs.organisation_facts``: how many staff the organisation has (those the person
    acting may see), linked to the staff list."""
    count = staff_search(acting, organisation_id=organisation.pk).count()
    url = f"{reverse('people:staff_list')}?organisation={organisation.pk}"
    return ("教職員", f"{count} 人", url)
