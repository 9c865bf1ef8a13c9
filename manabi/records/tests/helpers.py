"""Shared steps of the records tests: a teacher's own record, submitted and confirmed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from manabi.accounts.selectors import acting_for
from manabi.records import services
from manabi.records.models import HistoryRecord
from tests.personas import Cast


def submit(cast: Cast, persona: str = "teacher_a", **overrides: Any) -> HistoryRecord:
    fields: dict[str, Any] = {
        "title": "授業研究会(算数)",
        "organiser_name": "みなみ市算数研究会",
        "category": "other_iii",
        "format": "in_person",
        "start": date(2025, 8, 1),
        "end": date(2025, 8, 1),
        "hours": Decimal("2.5"),
        **overrides,
    }
    return services.manual_record_submit(
        actor=acting_for(cast.account(persona)), staff=cast.staff[persona], **fields
    )


def confirm(cast: Cast, record: HistoryRecord) -> HistoryRecord:
    return services.history_record_confirm(
        actor=acting_for(cast.account("principal_a")), record=record
    )
