"""Credential letters (初回ログインのお知らせ): one A4 page per person, grouped per school."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from manabi.accounts.services import IssuedCredential
from manabi.core import wareki
from manabi.core.pdf import render_pdf


def credential_letters_pdf(issued: Sequence[IssuedCredential]) -> bytes:
    letters = [
        {
            "group": c.group,
            "name": c.account.display_name,
            "login_id": c.account.login_id,
            "password": c.password,
            "deadline": wareki.format_date(timezone.localtime(c.expires_at).date()),
        }
        for c in issued
    ]
    return render_pdf(
        "accounts/pdf/credential_letters.html",
        {
            "letters": letters,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "issued_on": wareki.format_date(timezone.localdate()),
        },
    )
