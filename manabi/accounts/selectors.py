"""Reads about accounts: who is acting, in which role, for which organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.roles import Role

if TYPE_CHECKING:
    from manabi.orgs.models import Organisation

SYSTEM_WIDE = "システム全体"
ROLE_ORDER = {role: index for index, role in enumerate(Role)}


@dataclass(frozen=True)
class Acting:
    """The person acting now, the role they act in, and the organisation it applies to.

    Every access decision takes an ``Acting``: the same account may be a principal at one
    school and a teacher at another (兼務), and acts in one of them at a time.
    """

    account: Account | None
    role: Role | None
    organisation: Organisation | None = None
    assignment_id: int | None = None
    choices: tuple[RoleAssignment, ...] = field(default=(), compare=False, repr=False)

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else "役割なし"

    @property
    def organisation_label(self) -> str:
        if self.role is None:
            return ""
        return self.organisation.name if self.organisation else SYSTEM_WIDE

    @property
    def is_authenticated(self) -> bool:
        return self.account is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


NOBODY = Acting(account=None, role=None)


def role_assignments_current(account: Account) -> QuerySet[RoleAssignment]:
    today = timezone.localdate()
    return (
        RoleAssignment.objects.filter(account=account, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("organisation")
    )


def acting_for(
    account: Account | AnonymousUser | None, *, assignment_id: int | None = None
) -> Acting:
    """The acting role of ``account``: the chosen assignment if still valid, else the widest.

    An active superuser with no role assignment acts as system administrator for the whole
    deployment (the account made by ``createsuperuser``).
    """
    if not isinstance(account, Account) or not account.is_active or account.is_suspended:
        return NOBODY if not isinstance(account, Account) else Acting(account=account, role=None)
    assignments = sorted(
        role_assignments_current(account),
        key=lambda ra: (ROLE_ORDER[Role(ra.role)], ra.organisation.path if ra.organisation else ""),
    )
    chosen = next((ra for ra in assignments if ra.pk == assignment_id), None)
    if chosen is None and assignments:
        chosen = assignments[0]
    if chosen is not None:
        return Acting(
            account=account,
            role=Role(chosen.role),
            organisation=chosen.organisation,
            assignment_id=chosen.pk,
            choices=tuple(assignments),
        )
    if account.is_superuser:
        return Acting(account=account, role=Role.SYSTEM_ADMIN)
    return Acting(account=account, role=None)
