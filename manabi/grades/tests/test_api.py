"""The grades API: the score grid (read and all-or-nothing write), 観点 and 評定 with their
explanations and overrides, 所見等 of a 学級 — scoped as the pages are (別表1 成績処理・成績入力),
errors in the one JSON shape, refusals changing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from manabi.access.functions import Action
from manabi.access.models import FunctionPermission
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.scopes import Scope
from manabi.core.models import AuditEvent
from manabi.grades.models import (
    CumulativeRecord,
    Narrative,
    NarrativeKind,
    RatingResult,
    RecordState,
    Score,
    ViewpointResult,
)
from manabi.grades.tests.world import GradesWorld

pytestmark = pytest.mark.django_db

JSON = "application/json"


def scores_url(w: GradesWorld, *, school_b: bool = False) -> str:
    lesson = w.lesson_b if school_b else w.lesson_a3
    return f"/api/v1/grades/lessons/{lesson.pk}/scores/"


def result_url(w: GradesWorld, pupil: str) -> str:
    return f"/api/v1/grades/lessons/{w.lesson_a3.pk}/results/{w.student(pupil).pk}/"


def narratives_url(w: GradesWorld) -> str:
    return f"/api/v1/grades/classes/{w.class_a3.pk}/narratives/"


def cell(w: GradesWorld, pupil: str, item: str, value: str) -> dict[str, Any]:
    return {"item": w.items_a3[item].pk, "student": w.student(pupil).pk, "value": value}


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, body, content_type=JSON)


def put_scores(w: GradesWorld, cells: list[dict[str, Any]], who: str = "teacher_a") -> Any:
    return put(w.sc.client(who), scores_url(w), {"term": 1, "cells": cells})


def enter_all(w: GradesWorld, pupil: str, k: str, t: str, a: str) -> Any:
    return put_scores(
        w,
        [
            cell(w, pupil, "単元テスト1", k),
            cell(w, pupil, "単元テスト2", t),
            cell(w, pupil, "ふりかえりシート", a),
        ],
    )


def pupil_of(body: dict[str, Any], w: GradesWorld, key: str) -> dict[str, Any]:
    return next(p for p in body["pupils"] if p["id"] == w.student(key).pk)


def nothing_since(before: int) -> bool:
    return AuditEvent.objects.count() == before


# --- the score grid ---------------------------------------------------------------------------


def test_scores_round_trip_with_explanations(grades_world: GradesWorld) -> None:
    w = grades_world
    saved = enter_all(w, "C3-1", "92", "30", "欠")
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["saved"] == 3
    assert [p["id"] for p in body["pupils"]] == [w.student("C3-1").pk]  # the touched pupils
    assert Score.objects.count() == 3

    before = AuditEvent.objects.count()
    response = w.sc.client("teacher_a").get(scores_url(w) + "?term=1")
    assert response.status_code == 200, response.content
    grid = response.json()
    assert grid["term"] == 1 and grid["entry_open"] is True and grid["entry_message"] == ""
    assert [i["name"] for i in grid["items"]] == ["単元テスト1", "単元テスト2", "ふりかえりシート"]
    assert grid["items"][0]["max_score"] == "100.0" and grid["items"][0]["viewpoint"] == "knowledge"
    assert [p["number"] for p in grid["pupils"]] == [1, 2, 3]
    first = pupil_of(grid, w, "C3-1")
    assert first["class_label"] == "3年1組"
    assert {s["item"]: s["text"] for s in first["scores"]} == {
        w.items_a3["単元テスト1"].pk: "92",
        w.items_a3["単元テスト2"].pk: "30",
        w.items_a3["ふりかえりシート"].pk: "欠",
    }
    excused = next(s for s in first["scores"] if s["text"] == "欠")
    assert excused["excused"] is True and excused["value"] is None
    by_vp = {v["viewpoint"]: v for v in first["viewpoints"]}
    assert by_vp["knowledge"]["computed"] == "A" and by_vp["knowledge"]["mark"] == "A"
    assert "92%" in by_vp["knowledge"]["explanation"]
    assert by_vp["thinking"]["mark"] == "B"
    # The 態度 item is 欠, so that 観点 has no mark and the rating says why it has no value.
    assert by_vp["attitude"]["mark"] == ""
    assert "対象外 1 件" in by_vp["attitude"]["explanation"]
    assert first["rating"]["value"] is None
    assert "評価がないため" in first["rating"]["explanation"]
    assert pupil_of(grid, w, "C3-2")["scores"] == []
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.action == "grades.scores.api_view"
    assert event.details["term"] == 1 and event.details["pupils"] == 3

    # An empty value removes the score; the answer is the refreshed row.
    cleared = put_scores(w, [cell(w, "C3-1", "単元テスト1", "")])
    assert cleared.status_code == 200
    assert cleared.json()["saved"] == 1
    row = cleared.json()["pupils"][0]
    assert w.items_a3["単元テスト1"].pk not in {s["item"] for s in row["scores"]}
    assert {v["viewpoint"]: v["computed"] for v in row["viewpoints"]}["knowledge"] == ""


def test_a_bad_cell_names_the_pupil_and_item_and_saves_nothing(grades_world: GradesWorld) -> None:
    w = grades_world
    before = AuditEvent.objects.count()
    response = put_scores(
        w,
        [
            cell(w, "C3-1", "単元テスト1", "80"),
            cell(w, "C3-2", "単元テスト2", "55"),  # 満点 50
            cell(w, "C3-3", "ふりかえりシート", "よい"),
        ],
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    messages = body["errors"]["cells"]
    assert any("田中 C3-2さん" in m and "「単元テスト2」" in m and "満点" in m for m in messages)
    assert any("中村 C3-3さん" in m and "「ふりかえりシート」" in m for m in messages)
    assert not Score.objects.exists() and not ViewpointResult.objects.exists()
    assert nothing_since(before)


def test_cells_of_other_lessons_duplicates_and_malformed_bodies_are_400(
    grades_world: GradesWorld,
) -> None:
    w = grades_world
    before = AuditEvent.objects.count()
    theirs = {"item": w.items_b["単元テスト1"].pk, "student": w.student("C3-1").pk, "value": "1"}
    stranger = cell(w, "C3-1", "単元テスト1", "1") | {"student": w.student("K1-1").pk}
    twice = [cell(w, "C3-1", "単元テスト1", "1"), cell(w, "C3-1", "単元テスト1", "2")]
    huge = cell(w, "C3-1", "単元テスト1", "1") | {"item": 10**19}
    for body in (
        {"term": 1, "cells": [theirs]},
        {"term": 1, "cells": [stranger]},
        {"term": 1, "cells": twice},
        {"term": 1, "cells": [huge]},
        {"term": 1, "cells": []},
        {"term": 9, "cells": [cell(w, "C3-1", "単元テスト1", "1")]},
        {"term": 1, "cells": [cell(w, "C3-1", "単元テスト1", "1")] * 2001},
        {"cells": "abc"},
    ):
        response = put(w.sc.client("teacher_a"), scores_url(w), body)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["code"] == "invalid"
    response = put(w.sc.client("teacher_a"), scores_url(w), {"term": 1, "cells": twice})
    assert "2件目: 1件目と同じ" in response.json()["errors"]["cells"][0]
    assert w.sc.client("teacher_a").get(scores_url(w) + "?term=abc").status_code == 400
    assert w.sc.client("teacher_a").get(scores_url(w) + "?term=4").status_code == 400
    assert not Score.objects.exists()
    assert nothing_since(before)


def test_a_closed_term_or_an_approved_record_is_409(grades_world: GradesWorld) -> None:
    w = grades_world
    w.setup_a.terms.filter(number=1).update(entry_closed=True)
    before = AuditEvent.objects.count()
    response = enter_all(w, "C3-1", "80", "40", "8")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "grades_locked"
    assert "締め切られています" in response.json()["detail"]
    grid = w.sc.client("teacher_a").get(scores_url(w) + "?term=1").json()
    assert grid["entry_open"] is False and "締め切られて" in grid["entry_message"]
    w.setup_a.terms.filter(number=1).update(entry_closed=False)
    CumulativeRecord.objects.create(
        student=w.student("C3-2"),
        school=w.lesson_a3.school,
        fiscal_year=w.lesson_a3.fiscal_year,
        state=RecordState.APPROVED,
    )
    before = AuditEvent.objects.count()
    response = put_scores(w, [cell(w, "C3-2", "単元テスト1", "70")])
    assert response.status_code == 409 and "田中 C3-2" in response.json()["detail"]
    override = put(
        w.sc.client("teacher_a"),
        result_url(w, "C3-2"),
        {"term": 1, "rating": 3, "reason": "面談の結果"},
    )
    assert override.status_code == 409
    assert not Score.objects.exists() and not RatingResult.objects.filter(entered=3).exists()
    assert nothing_since(before)


def test_other_schools_and_bad_ids_are_404_never_500(grades_world: GradesWorld) -> None:
    w = grades_world
    before = AuditEvent.objects.count()
    theirs = w.sc.client("teacher_b")
    assert theirs.get(scores_url(w)).status_code == 404
    assert put(theirs, scores_url(w), {"term": 1, "cells": []}).status_code == 404
    assert theirs.get(f"/api/v1/grades/lessons/{w.lesson_a3.pk}/results/").status_code == 404
    assert put(theirs, result_url(w, "C3-1"), {"term": 1, "rating": 2}).status_code == 404
    assert theirs.get(narratives_url(w) + "?kind=remarks").status_code == 404
    assert w.sc.client("teacher_a").get(scores_url(w, school_b=True)).status_code == 404
    teacher = w.sc.client("teacher_a")
    for url in (
        "/api/v1/grades/lessons/abc/scores/",
        f"/api/v1/grades/lessons/{'9' * 19}/scores/",
        "/api/v1/grades/lessons/999999999999999999/scores/",
        f"/api/v1/grades/lessons/{w.lesson_a3.pk}/results/{'9' * 30}/",
        f"/api/v1/grades/lessons/{w.lesson_a3.pk}/results/999999999999999999/",
        "/api/v1/grades/classes/0x1/narratives/?kind=remarks",
    ):
        response = (
            teacher.put(url, {}, content_type=JSON) if "results/" in url else teacher.get(url)
        )
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith(JSON)
    # A pupil who does not take the lesson is not found, whatever the body.
    assert put(teacher, result_url(w, "K1-1"), {"term": 1, "rating": 2}).status_code == 404
    assert Client().get(scores_url(w)).status_code == 401
    assert nothing_since(before)


def test_seen_but_not_allowed_is_403_and_changes_nothing(grades_world: GradesWorld) -> None:
    """School A lets its 教諭グループ see every 授業クラス's 素点 (閲覧 管理者) but enter only
    their own: homeroom_a2 (not the 教科担当) sees the grid and is refused the write."""
    w = grades_world
    FunctionPermission.objects.create(
        school=w.lesson_a3.school,
        role_group=RoleGroup.TEACHER,
        function="grading.raw_scores",
        action=Action.VIEW,
        scope=Scope.WHOLE_SCHOOL,
    )
    other = w.sc.client("homeroom_a2")
    assert other.get(scores_url(w)).status_code == 200
    before = AuditEvent.objects.count()
    response = put_scores(w, [cell(w, "C3-1", "単元テスト1", "80")], who="homeroom_a2")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Score.objects.exists()
    assert nothing_since(before)
    assert put_scores(w, [cell(w, "C3-1", "単元テスト1", "80")]).status_code == 200


# --- 観点 and 評定 ------------------------------------------------------------------------------


def test_results_with_explanations_and_overrides(grades_world: GradesWorld) -> None:
    w = grades_world
    assert enter_all(w, "C3-1", "92", "30", "9").status_code == 200
    teacher = w.sc.client("teacher_a")
    results = f"/api/v1/grades/lessons/{w.lesson_a3.pk}/results/"
    before = AuditEvent.objects.count()
    term1 = teacher.get(results + "?term=1")
    assert term1.status_code == 200, term1.content
    row = pupil_of(term1.json(), w, "C3-1")
    computed = row["rating"]["computed"]
    assert computed is not None and row["rating"]["entered"] is None
    assert "評定" in row["rating"]["explanation"]
    year = teacher.get(results + "?term=0").json()
    assert year["term"] == 0 and year["term_label"] == "学年末"
    assert pupil_of(year, w, "C3-1")["rating"]["computed"] == computed
    assert AuditEvent.objects.filter(action="grades.results.api_view").count() == 2
    assert AuditEvent.objects.count() == before + 2

    # An override without a reason is refused and changes nothing.
    other = 1 if computed != 1 else 2
    before = AuditEvent.objects.count()
    refused = put(teacher, result_url(w, "C3-1"), {"term": 1, "rating": other})
    assert refused.status_code == 400, refused.content
    assert "理由" in refused.json()["errors"]["reason"][0]
    assert nothing_since(before)
    assert RatingResult.objects.get(student=w.student("C3-1"), term=1).entered is None

    done = put(teacher, result_url(w, "C3-1"), {"term": 1, "rating": other, "reason": "面談の結果"})
    assert done.status_code == 200, done.content
    assert done.json()["rating"] == done.json()["rating"] | {
        "computed": computed,
        "entered": other,
        "value": other,
        "reason": "面談の結果",
    }
    event = AuditEvent.objects.get(action="grades.rating.override")
    assert event.details["computed"] == computed and event.details["after"] == other

    # Back to the computed value with null; a 3段階 school year refuses 5.
    back = put(teacher, result_url(w, "C3-1"), {"term": 1, "rating": None})
    assert back.status_code == 200 and back.json()["rating"]["value"] == computed
    too_high = put(teacher, result_url(w, "C3-1"), {"term": 1, "rating": 5, "reason": "x"})
    assert too_high.status_code == 400 and "rating" in too_high.json()["errors"]

    # A 観点 by hand: a different mark needs a reason.
    mark = {"term": 1, "viewpoint": "thinking", "mark": "A"}
    assert put(teacher, result_url(w, "C3-1"), mark).status_code == 400
    vp = put(teacher, result_url(w, "C3-1"), mark | {"reason": "発表の内容"})
    assert vp.status_code == 200, vp.content
    thinking = {v["viewpoint"]: v for v in vp.json()["viewpoints"]}["thinking"]
    assert thinking["entered"] == "A" and thinking["computed"] == "B" and thinking["mark"] == "A"
    assert AuditEvent.objects.filter(action="grades.viewpoint.set").count() == 1


def test_result_bodies_are_checked(grades_world: GradesWorld) -> None:
    w = grades_world
    teacher = w.sc.client("teacher_a")
    before = AuditEvent.objects.count()
    for body in (
        {"term": 1},
        {"term": 1, "viewpoint": "knowledge"},
        {"term": 1, "mark": "A"},
        {"term": 1, "viewpoint": "knowledge", "mark": "A", "rating": 3},
        {"term": 1, "viewpoint": "feelings", "mark": "A"},
        {"term": 1, "viewpoint": "knowledge", "mark": "S"},
        {"term": 1, "rating": 6, "reason": "x"},
        {"term": 4, "rating": 3, "reason": "x"},
        {"term": 1, "rating": 3, "reason": "x" * 201},
    ):
        response = put(teacher, result_url(w, "C3-1"), body)
        assert response.status_code == 400, body
    assert nothing_since(before)


# --- 所見等 ------------------------------------------------------------------------------------


def test_narratives_read_and_write(grades_world: GradesWorld) -> None:
    w = grades_world
    homeroom = w.sc.client("homeroom_a2")
    url = narratives_url(w)
    body = {
        "student": w.student("C3-1").pk,
        "term": 1,
        "kind": "remarks",
        "text": "よく頑張りました。",
    }
    saved = put(homeroom, url, body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["text"] == "よく頑張りました。" and saved.json()["updated_at"]
    assert AuditEvent.objects.filter(action="grades.narrative.save").count() == 1

    before = AuditEvent.objects.count()
    response = homeroom.get(url + "?kind=remarks&term=1")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["kind_label"] == "所見" and data["school_class"]["label"] == "3年1組"
    assert [p["number"] for p in data["pupils"]] == [1, 2, 3]
    assert pupil_of(data, w, "C3-1")["narratives"][0]["text"] == "よく頑張りました。"
    assert pupil_of(data, w, "C3-2")["narratives"] == []
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.action == "grades.narratives.view"
    assert event.details == {"kind": "remarks", "term": 1, "pupils": 3}
    assert homeroom.get(url + "?kind=moral&term=1").json()["pupils"][0]["narratives"] == []

    # Empty text removes it.
    removed = put(homeroom, url, body | {"text": ""})
    assert removed.status_code == 200 and removed.json()["updated_at"] is None
    assert not Narrative.objects.exists()


def test_narratives_of_pupils_elsewhere_or_too_long_are_refused(grades_world: GradesWorld) -> None:
    w = grades_world
    homeroom = w.sc.client("homeroom_a2")
    url = narratives_url(w)
    before = AuditEvent.objects.count()
    other_class = w.sc.students["A2-1"]  # homeroom_a2's own 1年2組, not 3年1組
    for student in (other_class, w.student("K1-1")):
        response = put(
            homeroom, url, {"student": student.pk, "term": 1, "kind": "remarks", "text": "x"}
        )
        assert response.status_code == 404, response.content
        assert "student" in response.json()["errors"]
    good = {"student": w.student("C3-1").pk, "term": 1, "kind": "remarks"}
    assert put(homeroom, url, good | {"text": "あ" * 1001}).status_code == 400
    assert put(homeroom, url, good | {"kind": "poem", "text": "x"}).status_code == 400
    assert put(homeroom, url, good | {"student": 10**19, "text": "x"}).status_code == 400
    assert homeroom.get(url).status_code == 400  # kind is required
    assert homeroom.get(url + "?kind=remarks&term=7").status_code == 400
    # teacher_a is not the 学級担任 of 3年1組: not seen at all.
    assert w.sc.client("teacher_a").get(url + "?kind=remarks").status_code == 404
    assert put(w.sc.client("teacher_a"), url, good | {"text": "x"}).status_code == 404
    assert put(w.sc.client("teacher_b"), url, {}).status_code == 404
    assert not Narrative.objects.exists()
    assert nothing_since(before)
    # The principal sees every 学級.
    assert w.sc.client("principal_a").get(url + "?kind=remarks").status_code == 200


def test_a_locked_record_refuses_narratives(grades_world: GradesWorld) -> None:
    w = grades_world
    CumulativeRecord.objects.create(
        student=w.student("C3-1"),
        school=w.class_a3.school,
        fiscal_year=w.class_a3.fiscal_year,
        state=RecordState.APPROVED,
    )
    body = {"student": w.student("C3-1").pk, "term": 0, "kind": NarrativeKind.OVERALL, "text": "x"}
    response = put(w.sc.client("homeroom_a2"), narratives_url(w), body)
    assert response.status_code == 409 and response.json()["code"] == "grades_locked"
    listed = w.sc.client("homeroom_a2").get(narratives_url(w) + "?kind=overall").json()
    assert pupil_of(listed, w, "C3-1")["locked"] is True


# --- schema -----------------------------------------------------------------------------------


def test_the_schema_lists_every_status() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    scores = schema["paths"]["/api/v1/grades/lessons/{lesson_id}/scores/"]
    assert {"200", "400", "401", "403", "404", "409", "413", "415"} <= set(
        scores["put"]["responses"]
    )
    assert {"200", "400", "401", "403", "404"} <= set(scores["get"]["responses"])
    result = schema["paths"]["/api/v1/grades/lessons/{lesson_id}/results/{student_id}/"]
    assert "409" in result["put"]["responses"]
    body = schema["components"]["schemas"]["GradesScoresWrite"]
    assert body["properties"]["cells"]["maxItems"] == 2000


# --- 指導要録 ----------------------------------------------------------------------------------


def test_records_list_states_and_hashes(grades_world: GradesWorld) -> None:
    w = grades_world
    url = f"/api/v1/grades/classes/{w.class_a3.pk}/records/"
    CumulativeRecord.objects.create(
        student=w.student("C3-2"),
        school=w.class_a3.school,
        fiscal_year=w.class_a3.fiscal_year,
        school_class=w.class_a3,
        state=RecordState.LOCKED,
        content={"x": 1},
        content_sha256="ab" * 32,
    )
    before = AuditEvent.objects.count()
    response = w.sc.client("principal_a").get(url)
    assert response.status_code == 200, response.content
    pupils = response.json()["pupils"]
    assert [p["number"] for p in pupils] == [1, 2, 3]
    assert [p["state"] for p in pupils] == ["draft", "locked", "draft"]
    assert pupils[1]["content_sha256"] == "ab" * 32 and pupils[0]["content_sha256"] == ""
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.action == "grades.records.api_list"
    before = AuditEvent.objects.count()
    assert w.sc.client("teacher_a").get(url).status_code == 404
    assert w.sc.client("teacher_b").get(url).status_code == 404
    assert AuditEvent.objects.count() == before
