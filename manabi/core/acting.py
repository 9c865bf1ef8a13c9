"""Who is acting (``Acting``) and in which role (``Role``): the one place of the acting role
value, below every app. ``orgs``, ``people`` and ``accounts`` all decide on it, so it lives
in ``core`` and the three apps depend on each other in one direction only
(orgs ← people ← accounts; see docs/adr/0003-app-dependencies.md).

``accounts`` works out an ``Acting`` from an account's role assignments
(``manabi.accounts.selectors.acting_for``); everyone else only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

if TYPE_CHECKING:  # types only: core imports no app at run time
    from manabi.accounts.models import Account
    from manabi.orgs.models import Organisation


class Role(models.TextChoices):
    """Roles (役割) of manabi, ordered from the widest to the narrowest: the five account
    types of the national platform plus guests (seed 000). The school-affairs role groups
    of seed 001 (別表2) sit beside them (``manabi.accounts.rolegroups``)."""

    SYSTEM_ADMIN = "system_admin", "システム管理者"
    BOARD = "board", "教育委員会"
    ORGANIZER = "organizer", "研修主催者"
    SCHOOL_ADMIN = "school_admin", "学校管理職"
    STAFF = "staff", "教職員"
    GUEST = "guest", "ゲスト"


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
    # The account's current role assignments (accounts.RoleAssignment), for the role switcher.
    choices: tuple[Any, ...] = field(default=(), compare=False, repr=False)

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


def acting_of(request: HttpRequest) -> Acting:
    """The ``Acting`` a request runs with (set by AccountGateMiddleware)."""
    acting: Acting = request.acting  # type: ignore[attr-defined]
    return acting
