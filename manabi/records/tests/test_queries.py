"""A person's history page runs a fixed number of queries, whatever the number of records.

Every signed-in request also pays a fixed cost that is not the page's (the session, the
account, the acting role, saving the session): measured on the home page with the same
client and subtracted. The page itself — access check, audit event, records, their
育成指標 items — stays within 10 queries with 300 records, and a teacher's whole request for
their own page (no audit event) too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from manabi.indicators.tests.factories import framework_with_items
from manabi.records.models import HistoryRecord
from manabi.records.tests.factories import HistoryRecordFactory
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _records(cast: Cast, n: int) -> None:
    framework = framework_with_items(cast.orgs["pref"])
    items = list(framework.items.all())
    teacher = cast.staff["teacher_a"]
    records = [
        HistoryRecordFactory.build(staff=teacher, start=date(2016, 4, 1) + timedelta(days=13 * i))
        for i in range(n)
    ]
    HistoryRecord.objects.bulk_create(records)
    Link = HistoryRecord.indicator_items.through
    Link.objects.bulk_create(
        Link(historyrecord_id=r.pk, item_id=items[i % len(items)].pk) for i, r in enumerate(records)
    )


def _count(client: Client, url: str) -> tuple[int, Any]:
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("persona", ["principal_a", "teacher_a"])
def test_history_page_with_300_records_runs_at_most_10_queries(cast: Cast, persona: str) -> None:
    _records(cast, 300)
    client = cast.client(persona)
    per_request, _ = _count(client, reverse("core:home"))
    total, response = _count(
        client, reverse("records:staff_history", args=[cast.staff["teacher_a"].pk])
    )
    assert response.content.decode().count('class="record-row') == 300
    assert total - per_request <= 10, (total, per_request)
    if persona == "teacher_a":
        assert total <= 10, total


def test_query_count_does_not_grow_with_records(cast: Cast) -> None:
    _records(cast, 30)
    client = cast.client("principal_a")
    url = reverse("records:staff_history", args=[cast.staff["teacher_a"].pk])
    few, _ = _count(client, url)
    teacher = cast.staff["teacher_a"]
    HistoryRecord.objects.bulk_create(
        HistoryRecordFactory.build(staff=teacher, start=date(2024, 4, 1) + timedelta(days=i))
        for i in range(100)
    )
    many, _ = _count(client, url)
    assert few == many
