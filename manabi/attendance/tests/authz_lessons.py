"""Authorisation-matrix entries of the 欠課簿 (merged into ``authz.ENTRIES``).

By 別表1's defaults (「欠課簿 閲覧・編集」: 管理者 for everyone) every member of school A's
staff may see and enter every 授業クラス's 欠課, not only its 教科担当: teacher_a, who does not
teach 「1年 音楽A」, still sees and enters it. School B's teacher does not see school A's
授業クラス (404); boards and system administrators act for no school (404). The lesson page is
audited; the forms posted empty are refused with 400 and change nothing.
"""

from __future__ import annotations

from tests.authz_harness import Entry, Kwargs, roles
from tests.authz_harness import school_staff as staff
from tests.school_personas import build_school_cast


def lesson(key: str) -> Kwargs:
    return lambda cast: {"lesson_id": build_school_cast(cast).lessons[key].pk}


MUSIC = lesson("music")  # 「1年 音楽A」 of school A (subject_a teaches it)

ENTRIES: dict[str, list[Entry]] = {
    "lessons:index": [Entry("get", staff(200), school=True)],
    "lessons:detail": [Entry("get", staff(200, teacher_b=404), MUSIC, True, school=True)],
    "lessons:mark": [
        Entry("get", roles(405), MUSIC, school=True),
        Entry("post", staff(400, teacher_b=404), MUSIC, school=True),
    ],
    # An empty form: the page again with the error (the page shows pupils: audited).
    "lessons:hours": [
        Entry("get", roles(405), MUSIC, school=True),
        Entry("post", staff(400, teacher_b=404), MUSIC, True, school=True),
    ],
}
