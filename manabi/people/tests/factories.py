from __future__ import annotations

from datetime import date
from typing import Any

import factory

from manabi.people.choices import EmploymentType, JobTitle
from manabi.people.models import Assignment, Staff


class StaffFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    staff_number = factory.Sequence(lambda n: f"{30000000 + n:08d}")
    name = factory.Sequence(lambda n: f"試験 太郎{n}")
    kana = factory.Sequence(lambda n: f"しけん たろう{n}")
    job_title = JobTitle.TEACHER
    employment_type = EmploymentType.REGULAR
    birth_date = date(1990, 5, 1)

    @factory.post_generation  # type: ignore[misc]
    def search(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.refresh_search_key()
        if create:
            self.save(update_fields=["search_key"])


class AssignmentFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Assignment

    staff = factory.SubFactory(StaffFactory)
    start = date(2020, 4, 1)
    end = None
    concurrent = False
