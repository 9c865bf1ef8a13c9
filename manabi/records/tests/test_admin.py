"""The admin site shows training history, 育成指標 and dialogue records read only, to system
administrators, and audits every look at one person's record."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.dialogue import services as dialogue_services
from manabi.records.tests.factories import HistoryRecordFactory
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def test_read_only_and_audited(cast: Cast) -> None:
    record = HistoryRecordFactory(staff=cast.staff["teacher_a"], title="学級経営研修")
    dialogue = dialogue_services.dialogue_record(
        actor=acting_for(cast.account("principal_a")),
        staff=cast.staff["teacher_a"],
        held_on=date(2025, 10, 1),
        topics="振り返り",
        advice="助言",
    )
    admin = cast.client("system_admin")
    listing = admin.get(reverse("admin:records_historyrecord_changelist"))
    assert listing.status_code == 200 and "学級経営研修" in listing.content.decode()
    before = AuditEvent.objects.filter(action="admin.view").count()
    for url in (
        reverse("admin:records_historyrecord_change", args=[record.pk]),
        reverse("admin:dialogue_dialogue_change", args=[dialogue.pk]),
    ):
        page = admin.get(url)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()  # nothing to save: read only
    assert AuditEvent.objects.filter(action="admin.view").count() == before + 2
    changed = admin.post(
        reverse("admin:records_historyrecord_change", args=[record.pk]), {"title": "書き換え"}
    )
    assert changed.status_code == 403
    record.refresh_from_db()
    assert record.title == "学級経営研修"
    delete = reverse("admin:records_historyrecord_delete", args=[record.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert (
        cast.client("board_officer")
        .get(reverse("admin:records_historyrecord_changelist"))
        .status_code
        == 302
    )
    assert admin.get(reverse("admin:indicators_framework_changelist")).status_code == 200
