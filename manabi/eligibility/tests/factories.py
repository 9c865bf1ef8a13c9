from __future__ import annotations

from datetime import date

import factory

from manabi.eligibility.models import CompletedTraining, StaffLeave, StaffServicePeriod
from manabi.people.tests.factories import StaffFactory


class StaffServicePeriodFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = StaffServicePeriod

    staff = factory.SubFactory(StaffFactory)
    kind = "teacher"
    start = date(2024, 4, 1)
    end = None


class StaffLeaveFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = StaffLeave

    staff = factory.SubFactory(StaffFactory)
    kind = "childcare"
    start = date(2024, 6, 1)
    end = date(2025, 5, 31)


class CompletedTrainingFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = CompletedTraining

    staff = factory.SubFactory(StaffFactory)
    training = "second_year"
    year = 2023
