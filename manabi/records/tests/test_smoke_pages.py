"""Every page of the records and indicators apps renders for the roles that use it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from manabi.indicators.tests.factories import framework_with_items
from manabi.records.tests.factories import HistoryRecordFactory
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_pages_render(cast: Cast) -> None:
    framework_with_items(cast.orgs["pref"])
    teacher = cast.staff["teacher_a"]
    HistoryRecordFactory(staff=teacher)
    pages = [
        ("teacher_a", reverse("records:staff_history", args=[teacher.pk])),
        ("teacher_a", reverse("records:record_new")),
        ("teacher_a", reverse("records:staff_coverage", args=[teacher.pk])),
        ("principal_a", reverse("records:overview")),
        ("principal_a", reverse("records:review_list")),
        ("principal_a", reverse("records:school_training_new")),
        ("principal_a", reverse("records:organisation_coverage", args=[cast.orgs["school_a"].pk])),
        ("board_officer", reverse("records:overview") + "?fiscal_year=2025"),
        ("board_officer", reverse("records:import_upload")),
        ("board_officer", reverse("indicators:framework_list")),
        ("board_officer", reverse("indicators:framework_create")),
    ]
    for persona, url in pages:
        response = cast.client(persona).get(url)
        assert response.status_code == 200, (persona, url, response.status_code)
