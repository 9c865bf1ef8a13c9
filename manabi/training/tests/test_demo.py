"""The demo trainings: built once, the same again, every application state present."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from manabi.accounts.models import Account
from manabi.accounts.selectors import acting_for
from manabi.records.models import HistoryRecord
from manabi.training.demo import CITY_ORGANIZER, PROGRAMMES
from manabi.training.models import Application, SurveyAnswer, TrainingProgramme
from manabi.training.selectors import CatalogueQuery, approval_queue, catalogue_search
from manabi.training.states import ApplicationStatus

pytestmark = pytest.mark.django_db


def test_demo_trainings() -> None:
    call_command("demo", "--no-serve", stdout=StringIO())
    programmes = TrainingProgramme.objects.count()
    assert programmes == len(PROGRAMMES) >= 30
    assert set(Application.objects.values_list("status", flat=True)) == set(
        ApplicationStatus.values
    )
    assert TrainingProgramme.objects.filter(visibility="public").count() >= 5
    assert TrainingProgramme.objects.filter(co_organisers__isnull=False).distinct().count() >= 2
    assert SurveyAnswer.objects.exists()
    teacher = Account.objects.get(login_id="480002T04000797")
    assert HistoryRecord.objects.filter(
        staff=teacher.staff, source_ref__startswith="training:"
    ).exists()
    principal = acting_for(Account.objects.get(login_id="480002T91000794"))
    assert approval_queue(principal).count() >= 3
    organiser = acting_for(Account.objects.get(login_id=CITY_ORGANIZER.login_id))
    assert (
        organiser.organisation is not None and organiser.organisation.name == "みらい市教育委員会"
    )
    assert catalogue_search(acting_for(teacher), CatalogueQuery(q="道徳")).exists()
    applications = Application.objects.count()
    call_command("demo", "--no-serve", stdout=StringIO())
    assert TrainingProgramme.objects.count() == programmes
    assert Application.objects.count() == applications
