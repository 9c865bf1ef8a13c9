"""Access decisions about 育成指標 frameworks. Reading: anyone signed in with a role (the
frameworks are public documents); defining and changing: system administrators, and boards
for their own board and the boards under it (seed 000 §4: 育成指標の登録)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.indicators.models import Framework
from manabi.indicators.selectors import boards_for_frameworks, frameworks_visible


def can_define_frameworks(acting: Acting) -> bool:
    return acting.role in (Role.SYSTEM_ADMIN, Role.BOARD)


def can_change_framework(acting: Acting, framework: Framework) -> bool:
    return boards_for_frameworks(acting).filter(pk=framework.board_id).exists()


def access_framework(acting: Acting, framework_id: int) -> Framework:
    try:
        return frameworks_visible(acting).get(pk=framework_id)
    except Framework.DoesNotExist:
        raise Http404 from None


def access_framework_for_change(acting: Acting, framework_id: int) -> Framework:
    framework = access_framework(acting, framework_id)
    if not can_change_framework(acting, framework):
        raise PermissionDenied
    return framework
