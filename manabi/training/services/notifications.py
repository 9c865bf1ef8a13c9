"""Notifications (お知らせ): a row per recipient in the app, and the same text by email, sent
by a background task after the transaction commits (a rolled-back change sends nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from manabi.accounts.models import Account
from manabi.accounts.selectors import Acting
from manabi.training.models import Application, Notification


def application_url(application: Application) -> str:
    return reverse("training:application_detail", args=[application.pk])


@dataclass(frozen=True)
class Notice:
    """One message to some people about one application (or none)."""

    recipients: Sequence[Account]
    subject: str
    body: str
    url: str = ""
    application: Application | None = None


def notify_many(notices: Iterable[Notice], *, exclude: Account | None = None) -> list[Notification]:
    """A notification per distinct recipient of each notice (never the person who caused it),
    written in one statement and mailed after commit by one task."""
    rows = []
    for notice in notices:
        seen: set[int] = set()
        for account in notice.recipients:
            if account.pk in seen or (exclude is not None and account.pk == exclude.pk):
                continue
            seen.add(account.pk)
            rows.append(
                Notification(
                    recipient=account,
                    subject=notice.subject,
                    body=notice.body,
                    url=notice.url,
                    application=notice.application,
                )
            )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        from manabi.training.tasks import send_notification_mail

        transaction.on_commit(lambda: send_notification_mail.enqueue(ids))
    return created


def notify(
    *,
    recipients: Iterable[Account],
    subject: str,
    body: str,
    url: str = "",
    application: Application | None = None,
    exclude: Account | None = None,
) -> list[Notification]:
    """One notification per distinct recipient (never ``exclude``), mailed after commit."""
    notice = Notice(list(recipients), subject, body, url, application)
    return notify_many([notice], exclude=exclude)


def notifications_mark_read(*, actor: Acting, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications as read (all of them when ``ids`` is None)."""
    if actor.account is None:
        return 0
    qs = Notification.objects.filter(recipient=actor.account, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
