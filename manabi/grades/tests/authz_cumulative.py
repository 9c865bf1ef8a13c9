"""Authorisation-matrix entries of 指導要録 (merged into ``grades.tests.authz.ENTRIES``).

Seeing and printing a 指導要録 is 別表1 「児童生徒指導要録 印刷」 (学級担当 by default; every
class for the managers): teacher_a sees their own 1年1組, not 1年2組 (404, as print is the
only action the function has). Approving, returning, locking and unlocking are the principal's
(施行規則 第24条): teacher_a meets 403 on their own class. School B's teacher, boards and
system administrators act for no class of school A: 404. Every view of a pupil's record and
the class list are audited; confirmation pages write nothing. The principal's POSTs here are
refused as not ready (400): the cast's pupils have no grades, and their records are drafts.
"""

from __future__ import annotations

from tests.authz_harness import Entry, Kwargs
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
NOT_IN_CLASS = pupil("a1_1", "A2-1")  # a pupil of 1年2組 through 1年1組's URL

SEE = staff(200, teacher_b=404)
SEE_OTHER = staff(200, teacher_a=404, teacher_b=404)
NOBODY = staff(404)
PRINCIPAL_GET = staff(403, principal_a=200, teacher_b=404)
PRINCIPAL_POST = staff(403, principal_a=400, teacher_b=404)


def _seen(kwargs: Kwargs, other: Kwargs) -> list[Entry]:
    return [
        Entry("get", SEE, kwargs, True, school=True),
        Entry("get", SEE_OTHER, other, True, school=True),
    ]


def _principal(kwargs: Kwargs) -> list[Entry]:
    return [
        Entry("get", PRINCIPAL_GET, kwargs, school=True),
        Entry("post", PRINCIPAL_POST, kwargs, True, school=True),
    ]


ENTRIES: dict[str, list[Entry]] = {
    "cumulative:index": [Entry("get", staff(200), school=True)],
    "cumulative:class_records": _seen(OWN, OTHER),
    "cumulative:class_approve": _principal(OWN),
    "cumulative:class_lock": _principal(OWN),
    "cumulative:pupil": [
        *_seen(OWN_PUPIL, OTHER_PUPIL),
        Entry("get", NOBODY, NOT_IN_CLASS, school=True),
    ],
    "cumulative:pupil_pdf": _seen(OWN_PUPIL, OTHER_PUPIL),
    "cumulative:pupil_copy_pdf": _seen(OWN_PUPIL, OTHER_PUPIL),
    "cumulative:pupil_approve": _principal(OWN_PUPIL),
    "cumulative:pupil_return": _principal(OWN_PUPIL),
    "cumulative:pupil_lock": _principal(OWN_PUPIL),
    "cumulative:pupil_unlock": _principal(OWN_PUPIL),
}
