"""Default role groups (別表2) derived from the training half's roles and job titles."""

from __future__ import annotations

import pytest

from manabi.accounts.rolegroups import RoleGroup, default_role_group
from manabi.accounts.roles import Role
from manabi.people.choices import JobTitle


@pytest.mark.parametrize(
    ("role", "title", "kind", "expected"),
    [
        (Role.SCHOOL_ADMIN, JobTitle.PRINCIPAL, "school", RoleGroup.PRINCIPAL),
        (Role.SCHOOL_ADMIN, JobTitle.HEAD_TEACHER, "school", RoleGroup.VICE_PRINCIPAL),
        (Role.SCHOOL_ADMIN, JobTitle.VICE_PRINCIPAL, "school", RoleGroup.VICE_PRINCIPAL),
        (Role.SCHOOL_ADMIN, None, "school", RoleGroup.VICE_PRINCIPAL),
        (Role.STAFF, JobTitle.TEACHER, "school", RoleGroup.TEACHER),
        (Role.STAFF, JobTitle.LECTURER, "school", RoleGroup.TEACHER),
        (Role.STAFF, JobTitle.NURSE_TEACHER, "school", RoleGroup.NURSE),
        (Role.STAFF, JobTitle.ASSISTANT_NURSE_TEACHER, "school", RoleGroup.NURSE),
        (Role.STAFF, JobTitle.CLERK, "school", RoleGroup.CLERK),
        (Role.STAFF, JobTitle.NUTRITION_TEACHER, "school", RoleGroup.CLERK),
        (Role.STAFF, JobTitle.TEACHER, "admin_unit", None),
        (Role.BOARD, None, "prefecture_board", RoleGroup.PREFECTURE_BOARD),
        (Role.BOARD, None, "municipal_board", RoleGroup.MUNICIPAL_BOARD),
        (Role.BOARD, None, "organizer_unit", None),
        (Role.SYSTEM_ADMIN, None, None, RoleGroup.SYSTEM_ADMIN),
        (Role.ORGANIZER, None, "organizer_unit", None),
        (Role.GUEST, None, None, None),
        (None, JobTitle.TEACHER, "school", None),
    ],
)
def test_default_role_group(role, title, kind, expected) -> None:
    assert default_role_group(role, title, organisation_kind=kind) == expected
