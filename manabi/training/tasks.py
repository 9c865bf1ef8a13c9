"""Background tasks of the training app: the notification mail (お知らせメール)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django_tasks import task

from manabi.training.models import Notification

FOOTER = (
    "\n\n---\n"
    "このメールは {site} から自動で送信しています。返信はできません。\n"
    "詳細は {site} にログインして「お知らせ」から確認してください。\n"
)


@task()
def send_notification_mail(notification_ids: list[int]) -> int:
    """Mail every notification whose recipient has an address and that has not gone out yet;
    returns how many were sent. Safe to run twice (``emailed_at`` marks what has gone)."""
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    messages = []
    sent_ids = []
    base = settings.SITE_URL.rstrip("/")
    for notification in pending:
        address = notification.recipient.email
        if not address:
            continue
        body = notification.body
        if notification.url:
            body += f"\n\n{base}{notification.url}"
        body += FOOTER.format(site=settings.SITE_NAME)
        messages.append(
            EmailMessage(f"[{settings.SITE_NAME}] {notification.subject}", body, None, [address])
        )
        sent_ids.append(notification.pk)
    if messages:
        get_connection().send_messages(messages)
        Notification.objects.filter(pk__in=sent_ids).update(emailed_at=timezone.now())
    return len(messages)
