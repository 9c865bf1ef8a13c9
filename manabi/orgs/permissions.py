"""Access decisions about organisations."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.core.acting import Acting, Role
from manabi.orgs.models import Organisation
from manabi.orgs.selectors import organisations_in_jurisdiction

MANAGERS = (Role.SYSTEM_ADMIN, Role.BOARD)


def can_manage_organisations(acting: Acting) -> bool:
    """組織の登録・変更: system administrators and boards (within their jurisdiction)."""
    return acting.role in MANAGERS


def can_view_organisations(acting: Acting) -> bool:
    return acting.role in (*MANAGERS, Role.SCHOOL_ADMIN)


def access_organisation(acting: Acting, organisation_id: int) -> Organisation:
    """The organisation if ``acting`` may see it; 404 otherwise (also for view-less roles)."""
    if not can_view_organisations(acting):
        raise Http404
    try:
        return organisations_in_jurisdiction(acting).get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404 from None


def access_organisation_for_change(acting: Acting, organisation_id: int) -> Organisation:
    organisation = access_organisation(acting, organisation_id)
    if not can_manage_organisations(acting):
        raise PermissionDenied
    return organisation
