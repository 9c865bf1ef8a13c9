"""Access decisions about accounts and the system-wide pages (django-rules predicates)."""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from manabi.accounts.roles import Role
from manabi.accounts.selectors import acting_for


@predicate
def is_system_admin(account: Any) -> bool:
    return acting_for(account).role == Role.SYSTEM_ADMIN


# The Django admin site (管理サイト) and the audit log are for system administrators only.
can_use_admin_site = is_system_admin
add_perm("core.view_auditevent", is_system_admin)
