"""Authorisation-matrix entries of the 通知表 (merged into ``grades/tests/authz.py``).

通知表 印刷 (``grades_output.report_card``) is 学級担当 by 別表1's defaults, and 学級担当 of a
学級 means its homeroom: on 3年1組 of the grades world (homeroom homeroom_a2) the principal may
print; teacher_a (a 学級担任 of school A, of 1年1組) may not print it: out of the 印刷 scope,
404 as every grades output; school B's teacher and everyone outside a school meet 404. A batch
is seen by whoever may print the class now, its requester included only while they may. The layout (通知表の様式) is for whoever may
print every class: the principal. Every view and print of a pupil's card is audited, and so is
a batch asked for or downloaded.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from manabi.grades.models import BatchStatus, ReportCardBatch
from manabi.grades.tests.world import GradesWorld, build_grades_world
from tests.authz_harness import Entry, Kwargs, roles
from tests.authz_harness import school_managers as managers
from tests.authz_harness import school_staff as staff
from tests.personas import Cast
from tests.school_personas import build_school_cast


def world(cast: Cast) -> GradesWorld:
    return build_grades_world(build_school_cast(cast))


def _class(cast: Cast) -> dict[str, Any]:
    return {"class_id": world(cast).class_a3.pk}


def _pupil(cast: Cast) -> dict[str, Any]:
    w = world(cast)
    return {"class_id": w.class_a3.pk, "student_id": w.student("C3-1").pk}


def batch(requester: str, *, done: bool = False) -> Kwargs:
    """A batch of 3年1組 asked for by ``requester`` (made afresh for each persona)."""

    def kwargs(cast: Cast) -> dict[str, Any]:
        w = world(cast)
        row = ReportCardBatch.objects.create(
            requested_by=w.sc.account(requester),
            school_class=w.class_a3,
            term=1,
            total=3,
            done=3 if done else 0,
            status=BatchStatus.DONE if done else BatchStatus.QUEUED,
        )
        if done:
            row.file.save(f"matrix-{row.pk}.pdf", ContentFile(b"%PDF-1.7 test"))
        return {"batch_id": row.pk}

    return kwargs


# 3年1組: the principal prints; teacher_a is not its homeroom.
PRINT = staff(200, teacher_a=404, teacher_b=404)
# A batch teacher_a asked for when they could print the class: no longer theirs to see.
OWN_BATCH = PRINT


def _batch_entries(*, done: bool = False, writes: bool = False) -> list[Entry]:
    return [
        Entry("get", PRINT, batch("homeroom_a2", done=done), writes, school=True),
        Entry("get", OWN_BATCH, batch("teacher_a", done=done), writes, school=True),
        Entry("post", roles(405), batch("homeroom_a2", done=done), school=True),
    ]


ENTRIES: dict[str, list[Entry]] = {
    # The classes one may print: every school staff member has a 印刷 scope of their own.
    "report_cards:index": [
        Entry("get", staff(200), school=True),
        Entry("post", roles(405), school=True),
    ],
    "report_cards:class_page": [
        Entry("get", PRINT, _class, school=True),
        Entry("post", roles(405), _class, school=True),
    ],
    "report_cards:pupil_preview": [
        Entry("get", PRINT, _pupil, True, query="?term=1", school=True),
    ],
    "report_cards:pupil_pdf": [
        Entry("get", PRINT, _pupil, True, query="?term=1", school=True),
    ],
    "report_cards:batch_create": [
        Entry("post", staff(302, teacher_a=404, teacher_b=404), _class, True, school=True),
        Entry("get", roles(405), _class, school=True),
    ],
    "report_cards:batch": _batch_entries(),
    "report_cards:batch_progress": _batch_entries(),
    "report_cards:batch_download": _batch_entries(done=True, writes=True),
    "report_cards:layout": [
        Entry("get", managers(200), school=True),
        # An empty form is shown again with what is wrong; nothing is saved.
        Entry("post", managers(200), school=True),
    ],
    "report_cards:layout_preview": [Entry("get", managers(200), school=True)],
    "report_cards:layout_sample_pdf": [Entry("get", managers(200), school=True)],
}
