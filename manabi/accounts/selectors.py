"""Reads about accounts: who is acting, in which role, for which organisation.

``Acting``, ``NOBODY`` and ``acting_of`` are defined in :mod:`manabi.core.acting` and
re-exported here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.roles import Role
from manabi.core.acting import NOBODY, ROLE_ORDER, SYSTEM_WIDE, Acting, acting_of

if TYPE_CHECKING:
    from manabi.orgs.models import Organisation

# Re-exported (defined in manabi.core.acting).
__all__ = ["NOBODY", "ROLE_ORDER", "SYSTEM_WIDE", "Acting", "acting_of"]


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


def accounts_in_jurisdiction(acting: Acting) -> QuerySet[Account]:
    """Accounts ``acting`` may look after: a board or school admin those of the staff in
    their jurisdiction and those holding roles on organisations there."""
    from manabi.orgs.selectors import organisations_in_jurisdiction
    from manabi.people.selectors import staff_in_jurisdiction

    if acting.role == Role.SYSTEM_ADMIN:
        return Account.objects.all()
    if acting.role not in (Role.BOARD, Role.SCHOOL_ADMIN) or acting.organisation is None:
        return Account.objects.none()
    staff_ids = staff_in_jurisdiction(acting).values("pk")
    org_ids = organisations_in_jurisdiction(acting).values("pk")
    return Account.objects.filter(
        Q(staff__in=staff_ids) | Q(role_assignments__organisation__in=org_ids)
    ).distinct()


@dataclass(frozen=True)
class ProgressRow:
    """First-login progress (初回ログインの状況) of one organisation."""

    organisation: Organisation
    total: int
    pending: int
    deadline: date | None

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def _first_login_pending(prefix: str = "") -> Q:
    """Not through first login: initial password issued and not replaced, or none issued
    yet (an unusable password, as every account starts)."""
    return Q(**{f"{prefix}onboarding_required": True}) | Q(**{f"{prefix}password__startswith": "!"})


def onboarding_progress(acting: Acting, *, on: date | None = None) -> list[ProgressRow]:
    """Per organisation in the jurisdiction: active staff accounts and how many have not yet
    finished first login. Three queries whatever the number of organisations."""
    from django.db.models import Count

    from manabi.accounts.models import OnboardingDeadline
    from manabi.orgs.selectors import organisations_in_jurisdiction
    from manabi.people.models import Assignment, current_assignment_q

    day = on or timezone.localdate()
    orgs = {o.pk: o for o in organisations_in_jurisdiction(acting)}
    counts = (
        Assignment.objects.filter(
            current_assignment_q(day),
            organisation_id__in=list(orgs),
            concurrent=False,
            staff__account__is_active=True,
        )
        .values("organisation_id")
        .annotate(
            total=Count("staff", distinct=True),
            pending=Count("staff", filter=_first_login_pending("staff__account__"), distinct=True),
        )
    )
    deadlines = dict(
        OnboardingDeadline.objects.filter(organisation_id__in=list(orgs)).values_list(
            "organisation_id", "deadline"
        )
    )
    rows = [
        ProgressRow(
            orgs[c["organisation_id"]],
            c["total"],
            c["pending"],
            deadlines.get(c["organisation_id"]),
        )
        for c in counts
    ]
    return sorted(rows, key=lambda r: r.organisation.path)


def onboarding_pending_count(acting: Acting, *, on: date | None = None) -> tuple[int, int]:
    """初回ログイン未完了: the sum of the progress page's 未完了 column, and in how many of
    its organisations (schools behind)."""
    rows = [row for row in onboarding_progress(acting, on=on) if row.pending]
    return sum(row.pending for row in rows), len(rows)


def onboarding_pending(
    acting: Acting, organisation: Organisation, *, on: date | None = None
) -> QuerySet[Account]:
    """Accounts of the organisation's staff that have not finished first login."""
    from manabi.people.models import Assignment, current_assignment_q

    day = on or timezone.localdate()
    staff_ids = Assignment.objects.filter(
        current_assignment_q(day), organisation=organisation, concurrent=False
    ).values("staff_id")
    return (
        accounts_in_jurisdiction(acting)
        .filter(_first_login_pending(), staff__in=staff_ids, is_active=True)
        .select_related("staff")
        .order_by("staff__kana")
    )


def accounts_of_organisation(
    acting: Acting, organisation: Organisation, *, on: date | None = None
) -> QuerySet[Account]:
    from manabi.people.models import Assignment, current_assignment_q

    day = on or timezone.localdate()
    staff_ids = Assignment.objects.filter(
        current_assignment_q(day), organisation=organisation, concurrent=False
    ).values("staff_id")
    return (
        accounts_in_jurisdiction(acting)
        .filter(staff__in=staff_ids, is_active=True)
        .select_related("staff")
        .order_by("staff__kana")
    )


def accounts_search(acting: Acting, *, query: str = "", status: str = "") -> QuerySet[Account]:
    qs = accounts_in_jurisdiction(acting).select_related("staff")
    if query:
        qs = qs.filter(
            Q(login_id__icontains=query.strip()) | Q(display_name__icontains=query.strip())
        )
    if status == "onboarding":
        qs = qs.filter(_first_login_pending(), is_active=True)
    elif status == "suspended":
        qs = qs.filter(suspended_at__isnull=False)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return qs.order_by("login_id")


def failed_sign_ins(account: Account) -> int:
    """Consecutive failed sign-ins recorded for the account's login ID (django-axes)."""
    from axes.models import AccessAttempt

    return sum(
        AccessAttempt.objects.filter(username=account.login_id).values_list(
            "failures_since_start", flat=True
        )
    )


def signed_in_account(actor: Acting) -> Account:
    """The account that makes a change (services act for signed-in people only)."""
    if actor.account is None:
        raise ValidationError("ログインしてから操作してください。")
    return actor.account
