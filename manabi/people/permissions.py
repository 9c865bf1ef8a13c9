"""Access decisions about staff records."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.core.acting import Acting, Role
from manabi.people.models import Staff
from manabi.people.selectors import staff_in_jurisdiction


def can_list_staff(acting: Acting) -> bool:
    """教職員の一覧: boards and school admins (their jurisdiction), system administrators."""
    return acting.role in (Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN)


def can_manage_staff(acting: Acting) -> bool:
    """教職員・所属の登録と変更: system administrators and boards."""
    return acting.role in (Role.SYSTEM_ADMIN, Role.BOARD)


def access_staff(acting: Acting, staff_id: int) -> Staff:
    """The staff record if ``acting`` may see it, else 404 (never reveal that it exists)."""
    try:
        return staff_in_jurisdiction(acting).get(pk=staff_id)
    except Staff.DoesNotExist:
        raise Http404 from None


def access_staff_for_change(acting: Acting, staff_id: int) -> Staff:
    staff = access_staff(acting, staff_id)
    if not can_manage_staff(acting):
        raise PermissionDenied
    return staff
