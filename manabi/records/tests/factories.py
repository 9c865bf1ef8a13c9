from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from manabi.core import wareki
from manabi.records.choices import RecordCategory, RecordSource, RecordStatus
from manabi.records.models import HistoryRecord


class HistoryRecordFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = HistoryRecord

    title = factory.Sequence(lambda n: f"研修{n}")
    organiser_name = "県総合教育センター"
    category = RecordCategory.REQUIRED_I
    start = date(2025, 6, 1)
    end = factory.LazyAttribute(lambda r: r.start)
    fiscal_year = factory.LazyAttribute(lambda r: wareki.fiscal_year(r.start))
    hours = Decimal("3.0")
    status = RecordStatus.CONFIRMED
    source = RecordSource.PLATFORM
    source_ref = factory.Sequence(lambda n: f"training:{n}")
