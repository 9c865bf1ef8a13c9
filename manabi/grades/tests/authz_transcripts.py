"""Authorisation-matrix entries of 調査書 (merged into ``grades.tests.authz.ENTRIES``).

Seeing a 調査書 is 別表1 成績入力 「調査書」 (閲覧) and printing it 成績出力 「調査書」 (印刷);
both are 学級担当 by default and 管理者 for the principal. teacher_a sees their own 1年1組, not
homeroom_a2's 1年2組 (404); school B's teacher, boards and system administrators act for no
class of school A (404). A pupil of 1年2組 through 1年1組's URL is 404. The class list, every
view and every print of a pupil's 調査書 are audited; the list of classes is not.
"""

from __future__ import annotations

from tests.authz_harness import Entry, Kwargs, roles
from tests.authz_harness import school_staff as staff
from tests.school_personas import build_school_cast


def klass(key: str) -> Kwargs:
    return lambda cast: {"class_id": build_school_cast(cast).classes[key].pk}


def pupil(class_key: str, student_key: str) -> Kwargs:
    def kwargs(cast):  # type: ignore[no-untyped-def]
        sc = build_school_cast(cast)
        return {"class_id": sc.classes[class_key].pk, "student_id": sc.students[student_key].pk}

    return kwargs


OWN = klass("a1_1")  # teacher_a's class
OTHER = klass("a1_2")  # homeroom_a2's class
OWN_PUPIL = pupil("a1_1", "A1-1")
OTHER_PUPIL = pupil("a1_2", "A2-1")
NOT_IN_CLASS = pupil("a1_1", "A2-1")

SEE = staff(200, teacher_b=404)
SEE_OTHER = staff(200, teacher_a=404, teacher_b=404)


def _seen(kwargs: Kwargs, other: Kwargs) -> list[Entry]:
    return [
        Entry("get", SEE, kwargs, True, school=True),
        Entry("get", SEE_OTHER, other, True, school=True),
        Entry("post", roles(405), kwargs, school=True),
    ]


ENTRIES: dict[str, list[Entry]] = {
    "transcripts:index": [Entry("get", staff(200), school=True)],
    "transcripts:class_pupils": _seen(OWN, OTHER),
    "transcripts:pupil": [
        *_seen(OWN_PUPIL, OTHER_PUPIL),
        Entry("get", staff(404), NOT_IN_CLASS, school=True),
    ],
    "transcripts:pupil_pdf": [
        *_seen(OWN_PUPIL, OTHER_PUPIL),
        Entry("get", staff(404), NOT_IN_CLASS, school=True),
    ],
}
