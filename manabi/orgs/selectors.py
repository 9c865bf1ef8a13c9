"""Reads of the organisation tree, narrowed to what an actor may see (jurisdiction, 管轄)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from manabi.core.acting import Acting, Role
from manabi.orgs.models import Organisation, OrganisationKind

# Roles whose jurisdiction is the subtree of the organisation they act for.
SUBTREE_ROLES = (Role.BOARD, Role.SCHOOL_ADMIN, Role.ORGANIZER)


def organisations_in_jurisdiction(acting: Acting) -> QuerySet[Organisation]:
    """Organisations ``acting`` oversees: a board its whole subtree (municipal board: its
    schools and its 行政等 unit; prefectural board: the prefecture), a school admin their
    school (or 行政等 unit), an organiser their unit, a system administrator everything."""
    if acting.role == Role.SYSTEM_ADMIN:
        return Organisation.objects.all()
    if acting.role in SUBTREE_ROLES and acting.organisation is not None:
        return Organisation.objects.filter(path__startswith=acting.organisation.path)
    return Organisation.objects.none()


def organisations_search(
    acting: Acting, *, query: str = "", kind: str = "", include_inactive: bool = False
) -> QuerySet[Organisation]:
    qs = organisations_in_jurisdiction(acting).select_related("parent")
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(code__startswith=query) | Q(name_kana__icontains=query)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("path")


def schools_in_jurisdiction(acting: Acting) -> QuerySet[Organisation]:
    return organisations_in_jurisdiction(acting).filter(kind=OrganisationKind.SCHOOL)


def ancestors(organisation: Organisation) -> list[Organisation]:
    ids = [int(part) for part in organisation.path.strip("/").split("/") if part]
    by_id = Organisation.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
