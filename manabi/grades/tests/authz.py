"""Authorisation-matrix entries of grades (成績), with those of the API, 通知表 and 指導要録
merged in from their own modules.

By 別表1's defaults 成績処理 (評価項目, 素点, 観点, 評定) is 学級担当 for teachers — for a
授業クラス that is its 教科担当 — and 管理者 for the principal. In the grades cast teacher_a
teaches 「3年1組 算数」 but is not the homeroom teacher of 3年1組 (homeroom_a2 is), so the
class's 所見 are out of teacher_a's 閲覧 scope (404); school B's teacher sees nothing of school A: 404.
成績処理設定 is the principal's (入力制限設定, managers only). Pages that show pupils are
audited.
"""

from __future__ import annotations

from typing import Any

from manabi.grades.tests.authz_api import ENTRIES as API_ENTRIES
from manabi.grades.tests.authz_cumulative import ENTRIES as CUMULATIVE_ENTRIES
from manabi.grades.tests.authz_report_cards import ENTRIES as REPORT_CARD_ENTRIES
from manabi.grades.tests.authz_transcripts import ENTRIES as TRANSCRIPT_ENTRIES
from manabi.grades.tests.world import build_grades_world
from tests.authz_harness import Entry, Kwargs, roles
from tests.authz_harness import school_managers as managers
from tests.authz_harness import school_staff as staff
from tests.personas import Cast
from tests.school_personas import build_school_cast


def _world(cast: Cast) -> Any:
    return build_grades_world(build_school_cast(cast))


def lesson(cast: Cast) -> dict[str, Any]:
    return {"lesson_id": _world(cast).lesson_a3.pk}


def klass(cast: Cast) -> dict[str, Any]:
    return {"class_id": _world(cast).class_a3.pk}


def item(cast: Cast) -> dict[str, Any]:
    w = _world(cast)
    return {"lesson_id": w.lesson_a3.pk, "item_id": w.items_a3["単元テスト1"].pk}


def pupil(cast: Cast) -> dict[str, Any]:
    w = _world(cast)
    return {"lesson_id": w.lesson_a3.pk, "student_id": w.student("C3-1").pk}


# teacher_a teaches the 授業クラス; the principal reaches every one; school B's teacher none.
LESSON = staff(200, teacher_b=404)
LESSON_KW: Kwargs = lesson

ENTRIES: dict[str, list[Entry]] = {
    "grades:index": [Entry("get", staff(200), school=True)],
    "grades:setup": [
        Entry("get", managers(200, teacher_b=403), school=True),
        Entry("post", managers(400, teacher_b=403), school=True),
    ],
    # 評定算出ルール: the principal's, as 成績処理設定 (an empty form names its problems: 400).
    "grades:rules": [Entry("get", managers(200, teacher_b=403), school=True)],
    "grades:rule_new": [
        Entry("get", managers(200, teacher_b=403), school=True),
        Entry("post", managers(400, teacher_b=403), school=True),
    ],
    "grades:scores": [Entry("get", LESSON, LESSON_KW, True, school=True)],
    # No cell given: refused with 400 before anything is read.
    "grades:score_cell": [
        Entry("get", roles(405), LESSON_KW, school=True),
        Entry("post", staff(400, teacher_b=404), LESSON_KW, school=True),
    ],
    "grades:scores_xlsx": [Entry("get", LESSON, LESSON_KW, True, school=True)],
    "grades:scores_import": [
        Entry("get", LESSON, LESSON_KW, school=True),
        Entry("post", staff(400, teacher_b=404), LESSON_KW, school=True),
    ],
    "grades:items": [
        Entry("get", LESSON, LESSON_KW, school=True),
        Entry("post", staff(400, teacher_b=404), LESSON_KW, school=True),
    ],
    "grades:item_edit": [
        Entry("get", LESSON, item, school=True),
        Entry("post", staff(400, teacher_b=404), item, school=True),
    ],
    "grades:item_delete": [
        Entry("get", LESSON, item, school=True),
        Entry("post", staff(302, teacher_b=404), item, True, school=True),
    ],
    "grades:result": [
        Entry("get", LESSON, pupil, True, school=True),
        Entry("post", staff(200, teacher_b=404), pupil, True, school=True),
    ],
    # 所見 and 行動の記録: the 学級担任 (homeroom_a2, not in the matrix) and the principal.
    "grades:texts": [
        Entry("get", staff(200, teacher_a=404, teacher_b=404), klass, True, school=True),
        Entry("post", staff(302, teacher_a=404, teacher_b=404), klass, True, school=True),
    ],
    "grades:checks": [
        Entry("get", staff(200, teacher_a=404, teacher_b=404), klass, True, school=True),
        Entry("post", staff(302, teacher_a=404, teacher_b=404), klass, True, school=True),
    ],
    **API_ENTRIES,
    **CUMULATIVE_ENTRIES,
    **REPORT_CARD_ENTRIES,
    **TRANSCRIPT_ENTRIES,
}
