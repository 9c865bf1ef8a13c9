"""The 学校日誌 cast: the school cast (``tests/school_personas.py``) and 教頭 of school A
(``vice_principal_a``: 学校管理職 with the job title 教頭, so 副校長・教頭グループ)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting, acting_for
from manabi.people.choices import JobTitle
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from tests.personas import SINCE, _account, _role
from tests.school_personas import SchoolCast


@dataclass
class DiaryWorld:
    sc: SchoolCast

    @property
    def school_a(self):  # type: ignore[no-untyped-def]
        return self.sc.cast.orgs["school_a"]

    @property
    def school_b(self):  # type: ignore[no-untyped-def]
        return self.sc.cast.orgs["school_b"]

    def acting(self, name: str) -> Acting:
        return acting_for(self.sc.account(name))

    def client(self, name: str) -> Client:
        return self.sc.client(name)


def add_vice_principal(sc: SchoolCast) -> None:
    if "vice_principal_a" in sc.cast.accounts:
        return
    school_a = sc.cast.orgs["school_a"]
    person = StaffFactory(
        staff_number="10000021",
        name="教頭 三郎",
        kana="きょうとう さぶろう",
        job_title=JobTitle.HEAD_TEACHER,
    )
    AssignmentFactory(staff=person, organisation=school_a, start=SINCE)
    sc.cast.staff["vice_principal_a"] = person
    account = _account("480002T10000021", "教頭 三郎", staff=person)
    _role(account, Role.SCHOOL_ADMIN, school_a)
    sc.cast.accounts["vice_principal_a"] = account


def build_diary_world(sc: SchoolCast) -> DiaryWorld:
    add_vice_principal(sc)
    return DiaryWorld(sc=sc)


@pytest.fixture
def diary_world(school_cast: SchoolCast) -> DiaryWorld:
    return build_diary_world(school_cast)


@pytest.fixture
def past_day() -> date:
    return date(2026, 6, 10)
