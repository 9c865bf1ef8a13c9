"""Access decisions about accounts and the system-wide pages (django-rules predicates)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from rules.permissions import add_perm
from rules.predicates import predicate

from manabi.accounts.models import Account, Passkey, RegistrationRequest, RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting, accounts_in_jurisdiction, acting_for
from manabi.orgs.models import Organisation


@predicate
def is_system_admin(account: Any) -> bool:
    return acting_for(account).role == Role.SYSTEM_ADMIN


# The Django admin site (管理サイト) and the audit log are for system administrators only.
can_use_admin_site = is_system_admin
add_perm("core.view_auditevent", is_system_admin)


def can_manage_accounts(acting: Acting) -> bool:
    """Suspend, unlock, grant roles: system administrators and boards (their jurisdiction)."""
    return acting.role in (Role.SYSTEM_ADMIN, Role.BOARD)


def can_issue_initial_passwords(acting: Acting) -> bool:
    """Issue initial passwords and print credential letters: also school admins, for their
    own staff (they hand the letters out, seed 000 §5)."""
    return acting.role in (Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN)


def account_link(acting: Acting, account: Account) -> str | None:
    """The account's page, for people who may open it (at ``people.staff_account_link``: the
    staff page links the login ID)."""
    if not can_issue_initial_passwords(acting):
        return None
    return reverse("accounts:account_detail", args=[account.pk])


def can_view_onboarding_progress(acting: Acting) -> bool:
    return can_issue_initial_passwords(acting)


def grantable_roles(acting: Acting) -> list[Role]:
    if acting.role == Role.SYSTEM_ADMIN:
        return list(Role)
    if acting.role == Role.BOARD:
        return [r for r in Role if r not in (Role.SYSTEM_ADMIN, Role.GUEST)]
    return []


def access_account(acting: Acting, account_id: int) -> Account:
    """An account ``acting`` looks after; 404 when not visible, or when the role has no
    account pages at all."""
    if not can_issue_initial_passwords(acting):
        raise Http404
    try:
        return accounts_in_jurisdiction(acting).get(pk=account_id)
    except Account.DoesNotExist:
        raise Http404 from None


def access_account_for_change(acting: Acting, account_id: int) -> Account:
    account = access_account(acting, account_id)
    if not can_manage_accounts(acting):
        raise PermissionDenied
    if account.pk == getattr(acting.account, "pk", None):
        raise PermissionDenied  # nobody suspends or re-roles themself
    return account


def access_role_assignment_for_change(
    acting: Acting, account_id: int, role_id: int
) -> tuple[Account, RoleAssignment]:
    """A role assignment ``acting`` may end: of an account they manage, a role they could
    grant, on an organisation in their jurisdiction."""
    from manabi.orgs.selectors import organisations_in_jurisdiction

    account = access_account_for_change(acting, account_id)
    try:
        assignment = account.role_assignments.get(pk=role_id)
    except RoleAssignment.DoesNotExist:
        raise Http404 from None
    if assignment.role not in grantable_roles(acting) or (
        assignment.organisation_id is not None
        and not organisations_in_jurisdiction(acting).filter(pk=assignment.organisation_id).exists()
    ):
        raise PermissionDenied
    return account, assignment


def can_file_registration_request(acting: Acting) -> bool:
    """新規登録申請: school admins for their school (and boards for their jurisdiction)."""
    return acting.role in (Role.SCHOOL_ADMIN, Role.BOARD, Role.SYSTEM_ADMIN)


def can_decide_registration_request(acting: Acting) -> bool:
    return acting.role == Role.SYSTEM_ADMIN


def access_registration_request(acting: Acting, request_id: int) -> RegistrationRequest:
    """System administrators see every request; a filer sees requests for organisations in
    their jurisdiction."""
    from manabi.orgs.selectors import organisations_in_jurisdiction

    if not can_file_registration_request(acting):
        raise Http404
    query = RegistrationRequest.objects.select_related("organisation", "requested_by")
    if acting.role != Role.SYSTEM_ADMIN:
        query = query.filter(organisation__in=organisations_in_jurisdiction(acting))
    try:
        return query.get(pk=request_id)
    except RegistrationRequest.DoesNotExist:
        raise Http404 from None


def access_organisation_for_letters(acting: Acting, organisation_id: int) -> Organisation:
    from manabi.orgs.selectors import organisations_in_jurisdiction

    if not can_issue_initial_passwords(acting):
        raise Http404
    try:
        return organisations_in_jurisdiction(acting).get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404 from None


def access_own_passkey(acting: Acting, passkey_id: int) -> Passkey:
    """A passkey of the signed-in person's own account; anyone else's is 404."""
    passkey = Passkey.objects.filter(pk=passkey_id, account=acting.account).first()
    if acting.account is None or passkey is None:
        raise Http404
    return passkey
