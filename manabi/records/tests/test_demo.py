"""The demo's training history, 育成指標 and dialogues (standard size, built once)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from manabi.accounts.models import Account
from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.dialogue.models import Dialogue
from manabi.indicators.models import Framework
from manabi.records.coverage import staff_coverage
from manabi.records.models import HistoryRecord
from manabi.records.selectors import records_to_review

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("demo", "--no-serve", stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.django_db]


def test_the_demo_teacher_has_several_years_from_every_source() -> None:
    teacher = Account.objects.get(login_id="480002T04000797").staff
    records = HistoryRecord.objects.filter(staff=teacher)
    assert len(set(records.values_list("fiscal_year", flat=True))) >= 4
    assert set(records.values_list("source", flat=True)) == {"platform", "manual", "import"}
    assert records.filter(source="import", legacy_import__isnull=False).exists()
    assert records.filter(indicator_items__isnull=False).exists()
    view = staff_coverage(teacher)
    assert view.coverage is not None and view.coverage.items_covered > 0


def test_frameworks_dialogues_and_reviews() -> None:
    assert list(
        Framework.objects.values_list("fiscal_year", flat=True).order_by("fiscal_year")
    ) == [
        2022,
        2026,
    ]
    teacher = Account.objects.get(login_id="480002T04000797")
    dialogue = Dialogue.objects.get(staff=teacher.staff)
    assert dialogue.recommendations.exists() and dialogue.comments.exists()
    principal = acting_for(Account.objects.get(login_id="480002T91000794"))
    assert records_to_review(principal).exists()


def test_building_again_adds_nothing() -> None:
    counts = (HistoryRecord.objects.count(), Dialogue.objects.count(), Framework.objects.count())
    call_command("demo", "--no-serve", stdout=StringIO())
    assert (
        HistoryRecord.objects.count(),
        Dialogue.objects.count(),
        Framework.objects.count(),
    ) == counts
    assert not AuditEvent.objects.filter(action__startswith="records.").exists()
