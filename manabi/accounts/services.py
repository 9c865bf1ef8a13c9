"""Writes of the accounts app. Every one is audited."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from manabi.accounts.models import Account
from manabi.core.audit import audit_record


def account_login_record(*, account: Account) -> None:
    """Record a successful sign-in."""
    with transaction.atomic():
        audit_record(actor=account, action="auth.login", target=account)


def account_login_failure_record(*, login_id: str) -> None:
    """Record a failed sign-in (the login ID as typed, never the password)."""
    with transaction.atomic():
        audit_record(actor=None, action="auth.login_failed", details={"login_id": login_id[:64]})


def account_logout_record(*, account: Account | AnonymousUser) -> None:
    if isinstance(account, Account):
        with transaction.atomic():
            audit_record(actor=account, action="auth.logout", target=account)
