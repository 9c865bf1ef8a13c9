"""The health cast, on top of the school cast (``school_cast``).

At みなみ小学校 (school_a), in the current 年度 (see ``tests/school_personas.py``)::

    1年1組 (a1_1) ← teacher_a (学級担任)    pupils: 青木 A1-1, 伊藤 A1-2, 上田 A1-3
    1年2組 (a1_2) ← homeroom_a2 (学級担任)  pupils: 江藤 A2-1, 小野 A2-2
    nurse_a: 養護教諭 (養護教諭グループ: the whole school by 別表1's health defaults)
    clerk_a: 事務職員 (事務職員グループ: no 健康診断 by 別表2)

At きた中学校 (school_b): 1年1組 ← teacher_b. No 入力時期設定 (entry is open) and no results:
tests enter what they need.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from manabi.accounts.selectors import Acting, acting_for
from manabi.classes.models import SchoolClass
from manabi.students.models import Enrolment, Student
from tests.school_personas import SchoolCast


@dataclass
class HealthWorld:
    sc: SchoolCast
    class_a1: SchoolClass
    class_a2: SchoolClass
    class_b: SchoolClass

    def acting(self, name: str) -> Acting:
        return acting_for(self.sc.account(name))

    def student(self, key: str) -> Student:
        return self.sc.students[key]

    def enrolment(self, key: str) -> Enrolment:
        return self.sc.enrolments[key]


def build_health_world(sc: SchoolCast) -> HealthWorld:
    """The health cast (it adds nothing to the school cast's rows: built on every call)."""
    return HealthWorld(
        sc=sc,
        class_a1=sc.classes["a1_1"],
        class_a2=sc.classes["a1_2"],
        class_b=sc.classes["b1_1"],
    )


@pytest.fixture
def health_world(school_cast: SchoolCast) -> HealthWorld:
    return build_health_world(school_cast)
