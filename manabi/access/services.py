"""Writes of the permission settings: a school's own 別表1 scopes and role-group designations.
Audited, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from manabi.access.functions import Action, functions
from manabi.access.models import FunctionPermission, RoleGroupDesignation
from manabi.accounts.models import Account
from manabi.accounts.rolegroups import MANAGER_GROUPS, SCHOOL_GROUPS, RoleGroup
from manabi.accounts.scopes import Scope
from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation


@dataclass(frozen=True)
class CellChange:
    function: str
    action: str
    scope: str


def _check(group: RoleGroup, change: CellChange) -> None:
    fns = functions()
    fn = fns.get(change.function)
    if fn is None:
        raise ValidationError(f"機能 {change.function} はありません。")
    try:
        action = Action(change.action)
        scope = Scope(change.scope)
    except ValueError:
        raise ValidationError(
            f"{fn.title}: 操作 {change.action} 又は担当 {change.scope} が不明です。"
        ) from None
    if action not in fn.actions:
        raise ValidationError(f"「{fn.title}」には{action.label}の操作がありません。")
    if fn.managers_only and group not in MANAGER_GROUPS and scope != Scope.NONE:
        raise ValidationError(f"「{fn.title}」は校長・副校長・教頭だけが使える機能です。")


def function_permissions_set(
    *, actor: Acting, school: Organisation, group: RoleGroup, changes: Sequence[CellChange]
) -> int:
    """Set cells of the school's table for one role group. A cell set back to the 別表1
    default loses its row (the default applies again). Returns the number changed."""
    if group not in SCHOOL_GROUPS:
        raise ValidationError("学校の役職グループを選んでください。")
    for change in changes:
        _check(group, change)
    fns = functions()
    own = {
        (p.function, p.action): p
        for p in FunctionPermission.objects.filter(school=school, role_group=group)
    }
    done: list[dict[str, str]] = []
    with transaction.atomic():
        for change in changes:
            fn = fns[change.function]
            default = fn.default_scope(group, change.action)
            row = own.get((change.function, change.action))
            before = Scope(row.scope) if row else default
            if before == change.scope:
                continue
            if change.scope == default:
                assert row is not None
                row.delete()
            elif row is not None:
                row.scope = change.scope
                row.changed_by = actor.account
                row.save(update_fields=["scope", "changed_by", "changed_at"])
            else:
                FunctionPermission.objects.create(
                    school=school,
                    role_group=group,
                    function=change.function,
                    action=change.action,
                    scope=change.scope,
                    changed_by=actor.account,
                )
            done.append(
                {
                    "function": change.function,
                    "action": change.action,
                    "before": before.value,
                    "after": change.scope,
                }
            )
        if done:
            audit_record(
                actor=actor,
                action="access.permissions.change",
                target=school,
                details={"role_group": group.value, "changes": done},
            )
    return len(done)


def designation_set(
    *, actor: Acting, school: Organisation, account: Account, group: RoleGroup
) -> RoleGroupDesignation:
    if group not in SCHOOL_GROUPS:
        raise ValidationError({"group": "学校の役職グループを選んでください。"})
    with transaction.atomic():
        designation, _ = RoleGroupDesignation.objects.update_or_create(
            school=school,
            account=account,
            defaults={"group": group, "designated_by": actor.account},
        )
        audit_record(
            actor=actor,
            action="access.designation.set",
            target=school,
            subject=account,
            details={"group": group.value},
        )
    return designation


def designation_remove(*, actor: Acting, designation: RoleGroupDesignation) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="access.designation.remove",
            target=designation.school,
            subject=designation.account,
            details={"group": designation.group},
        )
        designation.delete()
