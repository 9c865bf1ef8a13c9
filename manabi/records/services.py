"""Writes of training history. Every one is audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from manabi.accounts.selectors import Acting
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.people.models import Staff
from manabi.records.choices import RecordSource, RecordStatus
from manabi.records.models import HistoryRecord


def history_record_from_training(
    *,
    actor: Acting | None,
    staff: Staff,
    source_ref: str,
    title: str,
    organiser: Organisation | None,
    organiser_name: str,
    programme_number: str,
    category: str,
    format: str,
    start: date,
    end: date,
    hours: Decimal,
    indicator_item_ids: Sequence[int] = (),
) -> HistoryRecord:
    """Record a completed platform training (研修の修了 → 受講履歴), confirmed at once.

    Idempotent per ``source_ref`` (e.g. "training:<application id>"): completing again
    updates the same record instead of adding one.
    """
    with transaction.atomic():
        record, created = HistoryRecord.objects.update_or_create(
            staff=staff,
            source_ref=source_ref,
            defaults={
                "title": title,
                "organiser": organiser,
                "organiser_name": organiser_name,
                "programme_number": programme_number,
                "category": category,
                "format": format,
                "start": start,
                "end": end,
                "fiscal_year": wareki.fiscal_year(start),
                "hours": hours,
                "completed": True,
                "status": RecordStatus.CONFIRMED,
                "source": RecordSource.PLATFORM,
                "confirmed_at": timezone.now(),
            },
        )
        record.indicator_items.set(indicator_item_ids)
        audit_record(
            actor=actor,
            action="records.history.from_training" if created else "records.history.update",
            target=record,
            subject=staff,
            details={"source_ref": source_ref, "programme_number": programme_number},
        )
    return record
