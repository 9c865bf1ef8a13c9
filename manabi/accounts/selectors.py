"""Reads about accounts: who is acting, in which role and for which organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from manabi.accounts.models import Account
from manabi.accounts.roles import Role


@dataclass(frozen=True)
class Acting:
    """The role a signed-in person acts in now and the organisation it applies to."""

    role: Role | None
    organisation_label: str

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else "役割なし"


NO_ROLE = Acting(role=None, organisation_label="")
SYSTEM_WIDE = "システム全体"


def acting_for(account: Account | AnonymousUser | None) -> Acting:
    """The acting role of ``account``.

    System administrators act for the whole deployment. Role assignments per organisation
    (教育委員会, 学校管理職, 教職員 …) are added by the organisations-and-accounts work and
    take their place here; until then every other account acts with no role.
    """
    if account is None or not account.is_authenticated or not account.is_active:
        return NO_ROLE
    if account.is_superuser:
        return Acting(role=Role.SYSTEM_ADMIN, organisation_label=SYSTEM_WIDE)
    return NO_ROLE
