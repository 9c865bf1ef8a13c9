"""Authorisation-matrix entries of the attendance book's outputs (merged into ``authz.ENTRIES``).

By 別表1's defaults every member of school A's staff sees every class's book (閲覧 管理者), but
prints it and exports it to Excel only for their own classes (印刷・Excel出力 学級担当): teacher_a
is the 学級担任 of 1年1組, not of 1年2組. School B's teacher, boards and system administrators act
for no class of school A: 404. The school's summary is for staff who see every book (school B's
teacher sees school B's); boards are sent on to their counts, which only boards and system
administrators see. Every page and file shown is audited.
"""

from __future__ import annotations

from tests.authz_harness import Entry, Kwargs, roles
from tests.authz_harness import school_staff as staff
from tests.school_personas import build_school_cast


def klass(key: str) -> Kwargs:
    return lambda cast: {"class_id": build_school_cast(cast).classes[key].pk}


OWN = klass("a1_1")  # teacher_a's class
OTHER = klass("a1_2")  # another class of school A (homeroom_a2's)


def _outputs() -> list[Entry]:
    """印刷・Excel出力: one's own class, or every class for the principal."""
    return [
        Entry("get", staff(200, teacher_b=404), OWN, True, school=True),
        Entry("get", staff(200, teacher_a=403, teacher_b=404), OTHER, True, school=True),
    ]


ENTRIES: dict[str, list[Entry]] = {
    "attendance_reports:month_pdf": _outputs(),
    "attendance_reports:month_xlsx": _outputs(),
    "attendance_reports:class_year_xlsx": _outputs(),
    # 閲覧 reaches every class of the school.
    "attendance_reports:class_year": [
        Entry("get", staff(200, teacher_b=404), OWN, True, school=True),
        Entry("get", staff(200, teacher_b=404), OTHER, True, school=True),
    ],
    "attendance_reports:school_summary": [
        Entry(
            "get",
            staff(200, system_admin=302, board_officer=302),
            writes_when_allowed=True,
            school=True,
        )
    ],
    "attendance_reports:board_summary": [
        Entry(
            "get",
            roles(403, system_admin=200, board_officer=200),
            writes_when_allowed=True,
            school=True,
        )
    ],
}
