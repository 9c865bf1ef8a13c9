from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from manabi.records.models import HistoryRecord
from manabi.records.services import history_record_from_training
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _complete(cast: Cast, hours: str = "3.0") -> HistoryRecord:
    return history_record_from_training(
        actor=None,
        staff=cast.staff["teacher_a"],
        source_ref="training:1",
        title="教職2年次研修",
        organiser=cast.orgs["centre"],
        organiser_name="総合教育センター",
        programme_number="2025309001",
        category="required_i",
        format="in_person",
        start=date(2025, 6, 1),
        end=date(2025, 6, 1),
        hours=Decimal(hours),
    )


def test_completion_records_history_once(cast: Cast) -> None:
    first = _complete(cast)
    again = _complete(cast, hours="3.5")
    assert first.pk == again.pk
    assert HistoryRecord.objects.count() == 1
    again.refresh_from_db()
    assert again.hours == Decimal("3.5")
    assert again.fiscal_year == 2025
    assert again.status == "confirmed"
