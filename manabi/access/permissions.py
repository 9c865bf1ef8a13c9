"""Who may see and change a school's permission settings (seed 001 第12条: the defaults of
別表1 may be changed under the responsibility of the システム責任者, who is the 校長 (第3条4)).

- Seeing the table, "who can" and the designations: the school's 校長, 副校長・教頭 and
  システム担当, acting for the school.
- Changing the table and designating システム担当 (第3条5: appointed by the システム責任者):
  the 校長 only.
Outside a school → 404; a school's other staff → 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.access.decisions import standing_at
from manabi.access.functions import Action
from manabi.access.selectors import acting_school_id
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.selectors import Acting
from manabi.orgs.models import Organisation

READERS = frozenset({RoleGroup.PRINCIPAL, RoleGroup.VICE_PRINCIPAL, RoleGroup.SYSTEM_STAFF})
# Any function will do: the role group does not depend on it.
_PROBE = "roster.students"


def role_group_at(acting: Acting, school_id: int) -> RoleGroup | None:
    return standing_at(acting, school_id, _PROBE, Action.VIEW).role_group


def _school(acting: Acting) -> tuple[Organisation, RoleGroup | None]:
    school_id = acting_school_id(acting)
    if school_id is None or acting.organisation is None:
        raise Http404
    return acting.organisation, role_group_at(acting, school_id)


def require_settings_reader(acting: Acting) -> Organisation:
    school, group = _school(acting)
    if group not in READERS:
        raise PermissionDenied
    return school


def require_settings_editor(acting: Acting) -> Organisation:
    school, group = _school(acting)
    if group != RoleGroup.PRINCIPAL:
        raise PermissionDenied
    return school


def can_edit_settings(acting: Acting) -> bool:
    school_id = acting_school_id(acting)
    return school_id is not None and role_group_at(acting, school_id) == RoleGroup.PRINCIPAL
