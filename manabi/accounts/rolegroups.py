"""Role groups (役職グループ) of the school-affairs half (seed 001 別表2).

A person holds one role group per school they serve (兼務: one per school, seed 001 第11条5),
and board staff hold a board-level group. The training half's roles (``Role``) stay as they
are; the role group an acting role has at an organisation is derived from the role and the
person's job title (職名), unless a school has designated it explicitly (システム担当 is always
designated: each school's principal names them). This module is pure: the derivation takes
plain values, so that menus (別表2) and function permissions (別表1) share one vocabulary.
"""

from __future__ import annotations

from django.db import models

from manabi.accounts.roles import Role
from manabi.people.choices import JobTitle


class RoleGroup(models.TextChoices):
    # 学校
    PRINCIPAL = "principal", "校長グループ"
    VICE_PRINCIPAL = "vice_principal", "副校長・教頭グループ"
    SYSTEM_STAFF = "system_staff", "システム担当グループ"
    TEACHER = "teacher", "教諭グループ"
    NURSE = "nurse", "養護教諭グループ"
    CLERK = "clerk", "事務職員グループ"
    # 教育委員会・システム管理者
    PREFECTURE_BOARD = "prefecture_board", "県教育委員会グループ"
    MUNICIPAL_BOARD = "municipal_board", "市町村教育委員会グループ"
    SYSTEM_ADMIN = "system_admin", "システム管理"
    SYSTEM_USER_ADMIN = "system_user_admin", "システム管理(ユーザ管理)"


SCHOOL_GROUPS = (
    RoleGroup.PRINCIPAL,
    RoleGroup.VICE_PRINCIPAL,
    RoleGroup.SYSTEM_STAFF,
    RoleGroup.TEACHER,
    RoleGroup.NURSE,
    RoleGroup.CLERK,
)
BOARD_GROUPS = (
    RoleGroup.PREFECTURE_BOARD,
    RoleGroup.MUNICIPAL_BOARD,
    RoleGroup.SYSTEM_ADMIN,
    RoleGroup.SYSTEM_USER_ADMIN,
)

# 別表1 has two default tables: one for 校長・副校長・教頭, one for everyone else.
MANAGER_GROUPS = frozenset({RoleGroup.PRINCIPAL, RoleGroup.VICE_PRINCIPAL})

_PRINCIPAL_TITLES = frozenset({JobTitle.PRINCIPAL, JobTitle.KINDERGARTEN_PRINCIPAL})
_NURSE_TITLES = frozenset(
    {JobTitle.NURSE_TEACHER, JobTitle.ASSISTANT_NURSE_TEACHER, JobTitle.SENIOR_NURSE_TEACHER}
)
# 別表2 備考: 栄養教諭, 事務主幹 … 学校栄養職員, スクールカウンセラー belong to 事務職員グループ.
_CLERK_TITLES = frozenset(
    {
        JobTitle.CLERK,
        JobTitle.SCHOOL_NUTRITIONIST,
        JobTitle.NUTRITION_TEACHER,
        JobTitle.SENIOR_NUTRITION_TEACHER,
        JobTitle.DORMITORY_SUPERVISOR,
        JobTitle.OTHER,
    }
)


def default_role_group(
    role: Role | str | None, job_title: str | None, *, organisation_kind: str | None
) -> RoleGroup | None:
    """The role group an acting role has by default, or ``None`` when it has none.

    ``organisation_kind`` is the kind of the organisation the role applies to
    (``OrganisationKind`` values; ``None`` for a deployment-wide role).
    """
    if role is None:
        return None
    role = Role(role)
    if role == Role.SYSTEM_ADMIN:
        return RoleGroup.SYSTEM_ADMIN
    if role == Role.BOARD:
        if organisation_kind == "prefecture_board":
            return RoleGroup.PREFECTURE_BOARD
        if organisation_kind == "municipal_board":
            return RoleGroup.MUNICIPAL_BOARD
        return None
    if organisation_kind != "school":
        return None
    if role == Role.SCHOOL_ADMIN:
        if job_title in _PRINCIPAL_TITLES:
            return RoleGroup.PRINCIPAL
        # A school leader without a recorded leader title is treated as 副校長・教頭: the
        # 校長グループ holds the principal's own approvals and is never given by default.
        return RoleGroup.VICE_PRINCIPAL
    if role == Role.STAFF:
        if job_title in _NURSE_TITLES:
            return RoleGroup.NURSE
        if job_title in _CLERK_TITLES:
            return RoleGroup.CLERK
        return RoleGroup.TEACHER
    return None
