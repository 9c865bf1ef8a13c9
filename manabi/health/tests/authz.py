"""Authorisation-matrix entries of 健康診断 (保健).

By the health rows of 別表1 (manabi's, for the 健康診断 menu of 別表2) the principal reaches
every class of school A (管理者); a 学級担任 reads their own class only (学級担当) and enters
nothing: teacher_a sees 1年1組 and its pupils and gets 404 for 1年2組, 403 for writes; school
B's teacher sees nothing of school A (404). 入力時期設定 is the whole-school scope (principal;
teachers 403). Pages that show pupils' health data are audited.

The nurse (養護教諭グループ, whole school) and the 事務職員 (none) are not personas of the
matrix; ``test_views.test_who_sees_what`` walks the same URLs for them.
"""

from __future__ import annotations

from typing import Any

from tests.authz_harness import Entry, roles
from tests.authz_harness import school_managers as managers
from tests.authz_harness import school_staff as staff
from tests.personas import Cast
from tests.school_personas import build_school_cast


def own_class(cast: Cast) -> dict[str, Any]:
    return {"class_id": build_school_cast(cast).classes["a1_1"].pk}


def other_class(cast: Cast) -> dict[str, Any]:
    return {"class_id": build_school_cast(cast).classes["a1_2"].pk}


def own_pupil(cast: Cast) -> dict[str, Any]:
    return {"student_id": build_school_cast(cast).students["A1-1"].pk}


def other_pupil(cast: Cast) -> dict[str, Any]:
    return {"student_id": build_school_cast(cast).students["A2-1"].pk}


# teacher_a: 学級担任 of 1年1組 (reads it, enters nothing); the principal: every class.
OWN = staff(200, teacher_b=404)
OTHER = staff(200, teacher_a=404, teacher_b=404)
# A write to the own class: the principal's empty form is refused (400), teacher_a 403.
WRITE_OWN = staff(400, teacher_a=403, teacher_b=404)
WRITE_OTHER = staff(400, teacher_a=404, teacher_b=404)

ENTRIES: dict[str, list[Entry]] = {
    "health:index": [Entry("get", staff(200), school=True)],
    "health:entry_periods": [
        Entry("get", managers(200), school=True),
        # No 年度 in the form: refused (400) before anything is written.
        Entry("post", managers(400), school=True),
    ],
    "health:class_grid": [
        Entry("get", OWN, own_class, True, school=True),
        Entry("get", OTHER, other_class, True, school=True),
        # No cells sent: refused with 400 (nothing written, but the page is shown: audited).
        Entry("post", WRITE_OWN, own_class, True, school=True),
        Entry("post", WRITE_OTHER, other_class, True, school=True),
    ],
    "health:pupil": [
        Entry("get", OWN, own_pupil, True, school=True),
        Entry("get", OTHER, other_pupil, True, school=True),
    ],
    "health:pupil_exam_save": [
        Entry("get", roles(405), own_pupil, school=True),
        Entry("post", WRITE_OWN, own_pupil, True, school=True),
        Entry("post", WRITE_OTHER, other_pupil, True, school=True),
    ],
    "health:pupil_dental_save": [
        Entry("get", roles(405), own_pupil, school=True),
        Entry("post", WRITE_OWN, own_pupil, True, school=True),
        Entry("post", WRITE_OTHER, other_pupil, True, school=True),
    ],
}

# The printed outputs (印刷: health.exam_print, the same reach as 閲覧): a PDF for whom the
# pupil or class is visible, 404 otherwise; every PDF is audited.
ENTRIES.update(
    {
        "health:pupil_record_pdf": [
            Entry("get", OWN, own_pupil, True, school=True),
            Entry("get", OTHER, other_pupil, True, school=True),
        ],
        "health:pupil_letter_pdf": [
            Entry("get", OWN, own_pupil, True, school=True),
            Entry("get", OTHER, other_pupil, True, school=True),
        ],
        "health:class_records_pdf": [
            Entry("get", OWN, own_class, True, school=True),
            Entry("get", OTHER, other_class, True, school=True),
        ],
        "health:class_letters_pdf": [
            Entry("get", OWN, own_class, True, school=True),
            Entry("get", OTHER, other_class, True, school=True),
        ],
    }
)
