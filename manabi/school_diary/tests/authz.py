"""Authorisation-matrix entries of the 学校日誌.

By 別表1 ``school_diary.edit`` everyone at a school reads, writes and prints its 学校日誌
(管理者: the whole school); 承認 and ロック are for 校長・副校長・教頭 only (teachers 403). The
book is always the acting school's: teacher_b (school B) reaches school B's book, never school
A's; boards, organisers, guests and people without a role act for no school (404).

Writes are sent empty or unconfirmed, so every allowed one is refused with 400 and changes
nothing; a printed day is audited.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.authz_harness import Entry, roles
from tests.authz_harness import school_managers as managers
from tests.authz_harness import school_staff as staff
from tests.personas import Cast


def today(cast: Cast) -> dict[str, Any]:
    return {"day": timezone.localdate()}


ENTRIES: dict[str, list[Entry]] = {
    "school_diary:index": [Entry("get", staff(200), school=True)],
    # No written page in the month: back to the month with a message.
    "school_diary:month_pdf": [Entry("get", staff(302), school=True)],
    "school_diary:day": [Entry("get", staff(200), today, school=True)],
    "school_diary:day_save": [
        Entry("get", roles(405), today, school=True),
        # No fields sent: refused with 400, nothing written.
        Entry("post", staff(400), today, school=True),
    ],
    "school_diary:day_submit": [
        Entry("get", roles(405), today, school=True),
        # Nothing written yet: nothing to submit (400).
        Entry("post", staff(400), today, school=True),
    ],
    "school_diary:day_approve": [
        Entry("get", roles(405), today, school=True),
        # Not confirmed: refused (400); teachers may not approve (403).
        Entry("post", managers(400), today, school=True),
    ],
    "school_diary:day_reopen": [
        Entry("get", roles(405), today, school=True),
        # Not approved and no reason: refused (400); teachers may not reopen (403).
        Entry("post", managers(400), today, school=True),
    ],
    "school_diary:day_pdf": [Entry("get", staff(200), today, True, school=True)],
}
