"""Authorisation-matrix entries of the grades API (merged into ``authz.ENTRIES``).

The 授業クラス is school A's 「3年1組 算数」 (grades world): by 別表1's defaults 素点 and 成績入力
are 管理者 for principal_a and 学級担当 for teachers, so principal_a and teacher_a (its 教科担当)
are allowed; the 学級 3年1組 is homeroom_a2's, so for 所見 and 指導要録 only principal_a sees
it and teacher_a meets 404. School B's teacher, boards and system administrators act for no
class of school A (404); anonymous callers get 401. Reads of pupils' grades are audited; an
empty PUT body is a 400 for those allowed (nothing written).
"""

from __future__ import annotations

from typing import Any

from manabi.grades.tests.world import build_grades_world
from tests.authz_harness import Entry, Kwargs
from tests.authz_harness import school_staff as staff
from tests.personas import Cast
from tests.school_personas import build_school_cast


def lesson() -> Kwargs:
    return lambda cast: {"lesson_id": build_grades_world(build_school_cast(cast)).lesson_a3.pk}


def pupil_of_lesson() -> Kwargs:
    def kwargs(cast: Cast) -> dict[str, Any]:
        w = build_grades_world(build_school_cast(cast))
        return {"lesson_id": w.lesson_a3.pk, "student_id": w.student("C3-1").pk}

    return kwargs


def klass() -> Kwargs:
    return lambda cast: {"class_id": build_grades_world(build_school_cast(cast)).class_a3.pk}


LESSON_200 = staff(200, anonymous=401, teacher_b=404)
LESSON_400 = staff(400, anonymous=401, teacher_b=404)
CLASS_200 = staff(200, anonymous=401, teacher_a=404, teacher_b=404)
CLASS_400 = staff(400, anonymous=401, teacher_a=404, teacher_b=404)

ENTRIES: dict[str, list[Entry]] = {
    "api:grades_scores": [
        Entry("get", LESSON_200, lesson(), True, query="?term=1", school=True),
        Entry("put", LESSON_400, lesson(), school=True),
    ],
    "api:grades_results": [
        Entry("get", LESSON_200, lesson(), True, query="?term=0", school=True),
    ],
    "api:grades_result": [Entry("put", LESSON_400, pupil_of_lesson(), school=True)],
    "api:grades_narratives": [
        Entry("get", CLASS_200, klass(), True, query="?kind=remarks", school=True),
        Entry("put", CLASS_400, klass(), school=True),
    ],
    # Listing makes the missing draft rows (as the page does), besides the audit event.
    "api:grades_records": [Entry("get", CLASS_200, klass(), True, school=True)],
}
