"""Manual records (校内研修・研究, 自主研修): the teacher enters, the principal confirms or
returns; only confirmed records count; a school-wide in-school training for many staff."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.indicators.tests.factories import framework_with_items
from manabi.records import services
from manabi.records.models import HistoryRecord
from manabi.records.permissions import access_record_for_change, access_record_for_review
from manabi.records.selectors import history_by_year, history_records
from manabi.records.services import HistoryError
from manabi.records.tests.helpers import confirm, submit
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_submitted_record_counts_only_once_confirmed(cast: Cast) -> None:
    record = submit(cast)
    assert record.status == "submitted"
    assert record.source == "manual"
    assert record.entered_by == cast.account("teacher_a")
    [year] = history_by_year(history_records(cast.staff["teacher_a"]))
    assert year.fiscal_year == 2025
    assert year.total_hours == 0 and year.pending == 1

    confirm(cast, record)
    record.refresh_from_db()
    assert record.status == "confirmed"
    assert record.confirmed_by == cast.account("principal_a")
    [year] = history_by_year(history_records(cast.staff["teacher_a"]))
    assert year.total_hours == Decimal("2.5") and year.pending == 0
    assert _actions()[-2:] == ["records.history.submit", "records.history.confirm"]
    event = AuditEvent.objects.get(action="records.history.confirm")
    assert event.subject_id == str(cast.staff["teacher_a"].pk)
    assert event.acting_role == "school_admin"


def test_a_teacher_enters_only_manual_categories_of_finished_trainings(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        submit(cast, category="required_i")
    assert "校内研修・研究と自主研修" in str(error.value)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        submit(cast, start=tomorrow, end=tomorrow)
    assert "終わっていない研修" in str(error.value)
    with pytest.raises(ValidationError):
        submit(cast, start=date(2025, 8, 2), end=date(2025, 8, 1))
    with pytest.raises(ValidationError):
        submit(cast, hours=Decimal("0"))
    with pytest.raises(HistoryError):
        services.manual_record_submit(
            actor=acting_for(cast.account("teacher_a")),
            staff=cast.staff["teacher_b"],
            title="x",
            organiser_name="x",
            category="other_iii",
            format="in_person",
            start=date(2025, 8, 1),
            end=date(2025, 8, 1),
            hours=Decimal("1"),
        )
    assert not HistoryRecord.objects.exists()
    assert not AuditEvent.objects.exists()


def test_return_then_correct_and_submit_again(cast: Cast) -> None:
    record = submit(cast)
    principal = acting_for(cast.account("principal_a"))
    with pytest.raises(ValidationError):
        services.history_record_return(actor=principal, record=record, reason=" ")
    services.history_record_return(actor=principal, record=record, reason="時間を確認してください")
    record.refresh_from_db()
    assert record.status == "returned"
    assert record.return_reason == "時間を確認してください"
    with pytest.raises(HistoryError, match="差し戻し中"):
        services.history_record_confirm(actor=principal, record=record)

    services.manual_record_update(
        actor=acting_for(cast.account("teacher_a")),
        record=record,
        hours=Decimal("2.0"),
        title=record.title,
    )
    record.refresh_from_db()
    assert (record.status, record.hours) == ("submitted", Decimal("2.0"))
    confirm(cast, record)
    with pytest.raises(HistoryError, match="既に確認済み"):
        confirm(cast, record)
    with pytest.raises(PermissionDenied):
        access_record_for_change(acting_for(cast.account("teacher_a")), record.pk)


def test_who_may_confirm(cast: Cast) -> None:
    record = submit(cast)
    # The board reads it but does not confirm; a teacher of another school does not see it.
    with pytest.raises(PermissionDenied):
        access_record_for_review(acting_for(cast.account("board_officer")), record.pk)
    with pytest.raises(Http404):
        access_record_for_review(acting_for(cast.account("teacher_b")), record.pk)
    with pytest.raises(PermissionDenied):
        access_record_for_review(acting_for(cast.account("teacher_a")), record.pk)
    # Nobody confirms their own record: the principal's own 自主研修.
    own = submit(cast, "principal_a")
    with pytest.raises(PermissionDenied):
        access_record_for_review(acting_for(cast.account("principal_a")), own.pk)


def test_withdraw_an_unconfirmed_record(cast: Cast) -> None:
    record = submit(cast)
    response = cast.client("teacher_a").post(reverse("records:record_withdraw", args=[record.pk]))
    assert response.status_code == 302
    assert not HistoryRecord.objects.exists()
    assert _actions()[-1] == "records.history.withdraw"


def test_evidence_file_is_kept_and_served_to_those_who_read_the_record(
    cast: Cast, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    framework = framework_with_items(cast.orgs["pref"])
    item = framework.items.get(code="A-1")
    client = cast.client("teacher_a")
    response = client.post(
        reverse("records:record_new"),
        {
            "category": "other_ii",
            "title": "校内研究授業(国語)",
            "organiser_name": "みなみ小学校",
            "format": "in_person",
            "start": "2025-10-03",
            "end": "2025-10-03",
            "hours": "1.5",
            "indicator_item_ids": [item.pk],
            "evidence": SimpleUploadedFile("指導案.pdf", b"%PDF-1.4 test", "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    record = HistoryRecord.objects.get()
    assert record.evidence_name == "指導案.pdf"
    assert list(record.indicator_items.values_list("code", flat=True)) == ["A-1"]
    url = reverse("records:record_evidence", args=[record.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    before = AuditEvent.objects.count()
    assert cast.client("principal_a").get(url).status_code == 200
    assert AuditEvent.objects.count() == before + 1  # someone else's evidence: audited
    assert cast.client("teacher_b").get(url).status_code == 404
    assert cast.client("organizer").get(url).status_code == 404


def test_evidence_of_the_wrong_type_is_refused(cast: Cast) -> None:
    response = cast.client("teacher_a").post(
        reverse("records:record_new"),
        {
            "category": "other_iii",
            "title": "x",
            "organiser_name": "x",
            "format": "in_person",
            "start": "2025-10-03",
            "end": "2025-10-03",
            "hours": "1",
            "evidence": SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert response.status_code == 200
    assert "PDF・画像" in response.content.decode()
    assert not HistoryRecord.objects.exists()


def test_school_wide_in_school_training(cast: Cast) -> None:
    framework = framework_with_items(cast.orgs["pref"])
    items = list(framework.items.filter(code__in=["A-1", "B-1"]).values_list("pk", flat=True))
    records = services.school_training_record(
        actor=acting_for(cast.account("principal_a")),
        staff=[cast.staff["teacher_a"], cast.staff["principal_a"]],
        title="校内研修(ICT 活用)",
        start=date(2025, 7, 25),
        end=date(2025, 7, 25),
        hours=Decimal("2"),
        indicator_item_ids=items,
    )
    assert len(records) == 2
    for record in HistoryRecord.objects.all():
        assert record.status == "confirmed"
        assert record.category == "other_ii"
        assert record.organiser_name == "みなみ小学校"
        assert record.is_school_wide
        assert sorted(record.indicator_items.values_list("code", flat=True)) == ["A-1", "B-1"]
    assert _actions() == ["records.history.school_training"]


def test_school_training_page_only_offers_the_schools_staff(cast: Cast) -> None:
    client = cast.client("principal_a")
    page = client.get(reverse("records:school_training_new")).content.decode()
    assert "南 花子" in page and "北 次郎" not in page
    response = client.post(
        reverse("records:school_training_new"),
        {
            "title": "校内研修",
            "format": "in_person",
            "start": "2025-07-25",
            "end": "2025-07-25",
            "hours": "2",
            "staff": [cast.staff["teacher_b"].pk],
        },
    )
    assert response.status_code == 200  # teacher_b is not a choice
    assert not HistoryRecord.objects.exists()
    assert cast.client("teacher_a").get(reverse("records:school_training_new")).status_code == 403
