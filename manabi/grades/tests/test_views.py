"""The grades pages as a teacher uses them: the score grid cell by cell, 評価項目, a pupil's
explanation and override, 所見 and 行動の記録 of a 学級, Excel out and back in, and the
成績処理設定."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from manabi.core.models import AuditEvent
from manabi.grades import services
from manabi.grades.models import (
    CheckMark,
    EvaluationItem,
    GradingSetup,
    Narrative,
    RatingResult,
    Score,
)
from manabi.grades.tests.world import GradesWorld

pytestmark = pytest.mark.django_db


def cell(w: GradesWorld, client, item: str, pupil: str, value: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("grades:score_cell", args=[w.lesson_a3.pk]),
        {
            "term": "1",
            "item": w.items_a3[item].pk,
            "student": w.student(pupil).pk,
            "value": value,
        },
        HTTP_HX_REQUEST="true",
    )


def test_the_grid_shows_pupils_and_items_and_is_audited(grades_world: GradesWorld) -> None:
    w = grades_world
    response = w.sc.client("teacher_a").get(
        reverse("grades:scores", args=[w.lesson_a3.pk]) + "?term=1"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "単元テスト1" in text and "坂本 C3-1" in text
    assert 'data-editable="true"' in text
    assert AuditEvent.objects.filter(action="grades.scores.view").exists()


def test_a_cell_saves_and_redraws_the_row_with_explanations(grades_world: GradesWorld) -> None:
    w = grades_world
    client = w.sc.client("teacher_a")
    assert cell(w, client, "単元テスト1", "C3-1", "95").status_code == 200
    assert cell(w, client, "単元テスト2", "C3-1", "45").status_code == 200
    response = cell(w, client, "ふりかえりシート", "C3-1", "10")
    html = response.content.decode()
    assert html.startswith("<tr")
    assert "観点 A・A・A → 合計 9 → 評定 3" in html
    assert RatingResult.objects.get(student=w.student("C3-1"), term=1).value == 3


def test_a_refused_cell_keeps_what_was_typed_and_saves_nothing(
    grades_world: GradesWorld,
) -> None:
    w = grades_world
    response = cell(w, w.sc.client("teacher_a"), "単元テスト2", "C3-2", "77")
    html = response.content.decode()
    assert "満点 (50点) を超えています" in html
    assert 'value="77"' in html
    assert response["HX-Trigger"] == "grades-error"
    assert not Score.objects.exists()


def test_the_grid_is_read_only_for_a_teacher_who_does_not_teach_it(
    grades_world: GradesWorld,
) -> None:
    w = grades_world
    # homeroom_a2 sees (閲覧 学級担当 → the 授業クラス of the classes they teach? no): 404.
    client = w.sc.client("teacher_b")
    assert client.get(reverse("grades:scores", args=[w.lesson_a3.pk])).status_code == 404
    assert cell(w, client, "単元テスト1", "C3-1", "10").status_code == 404
    assert not Score.objects.exists()


def test_items_add_change_and_delete_with_confirmation(grades_world: GradesWorld) -> None:
    w = grades_world
    client = w.sc.client("teacher_a")
    url = reverse("grades:items", args=[w.lesson_a3.pk])
    response = client.post(
        url,
        {
            "term": "1",
            "name": "計算ドリル",
            "kind": "assignment",
            "viewpoint": "knowledge",
            "max_score": "20",
            "weight": "0.5",
            "order": "3",
        },
    )
    assert response.status_code == 302
    item = EvaluationItem.objects.get(name="計算ドリル")
    bad = client.post(
        url,
        {
            "term": "1",
            "name": "計算ドリル",
            "kind": "assignment",
            "viewpoint": "knowledge",
            "max_score": "20",
            "weight": "1",
            "order": "0",
        },
    )
    assert bad.status_code == 400
    assert "「計算ドリル」は1学期にもうあります。" in bad.content.decode()
    cell(w, client, "単元テスト1", "C3-1", "80")
    delete_url = reverse("grades:item_delete", args=[w.lesson_a3.pk, w.items_a3["単元テスト1"].pk])
    page = client.get(delete_url)
    assert "素点 <strong>1件</strong>" in page.content.decode()
    assert EvaluationItem.objects.filter(pk=w.items_a3["単元テスト1"].pk).exists()
    assert client.post(delete_url).status_code == 302
    assert not Score.objects.exists()
    assert AuditEvent.objects.get(action="grades.item.delete").details["scores"] == 1
    edit = client.post(
        reverse("grades:item_edit", args=[w.lesson_a3.pk, item.pk]),
        {
            "name": "計算ドリル",
            "kind": "assignment",
            "viewpoint": "knowledge",
            "max_score": "25",
            "weight": "1",
            "order": "3",
        },
    )
    assert edit.status_code == 302
    item.refresh_from_db()
    assert item.max_score == 25


def test_result_page_explains_and_override_needs_a_reason(grades_world: GradesWorld) -> None:
    w = grades_world
    client = w.sc.client("teacher_a")
    for item, value in (("単元テスト1", "60"), ("単元テスト2", "25"), ("ふりかえりシート", "5")):
        cell(w, client, item, "C3-3", value)
    url = reverse("grades:result", args=[w.lesson_a3.pk, w.student("C3-3").pk]) + "?term=1"
    page = client.get(url).content.decode()
    assert "素点平均 60% → B" in page
    assert "観点 B・B・B → 合計 6 → 評定 2" in page
    refused = client.post(url, {"form": "rating", "term": "1", "value": "3", "reason": ""})
    assert refused.status_code == 400
    assert "理由を入力してください" in refused.content.decode()
    ok = client.post(url, {"form": "rating", "term": "1", "value": "3", "reason": "作品の質"})
    assert ok.status_code == 302
    assert RatingResult.objects.get(student=w.student("C3-3"), term=1).value == 3
    assert AuditEvent.objects.filter(action="grades.rating.override").count() == 1


def test_texts_save_all_or_nothing(grades_world: GradesWorld) -> None:
    w = grades_world
    client = w.sc.client("homeroom_a2")
    url = reverse("grades:texts", args=[w.class_a3.pk])
    ids = [w.student(k).pk for k in ("C3-1", "C3-2", "C3-3")]
    response = client.post(
        url,
        {
            "kind": "remarks",
            "term": "1",
            f"text-{ids[0]}": "係の仕事に責任をもって取り組みました。",
            f"text-{ids[1]}": "あ" * 1001,
            f"text-{ids[2]}": "",
        },
    )
    assert response.status_code == 400
    assert re.search("所見は[0-9]+文字以内", response.content.decode())
    assert not Narrative.objects.exists()
    response = client.post(
        url,
        {
            "kind": "remarks",
            "term": "1",
            f"text-{ids[0]}": "係の仕事に責任をもって取り組みました。",
        },
    )
    assert response.status_code == 302
    assert Narrative.objects.get().text == "係の仕事に責任をもって取り組みました。"
    # teacher_a teaches the class 算数 but is not its homeroom: sees (管理者 閲覧? no) → 403/404.
    assert w.sc.client("teacher_b").get(url).status_code == 404


def test_checks_of_behaviour(grades_world: GradesWorld) -> None:
    w = grades_world
    client = w.sc.client("homeroom_a2")
    url = reverse("grades:checks", args=[w.class_a3.pk]) + "?group=behaviour"
    sid = w.student("C3-2").pk
    response = client.post(url, {"group": "behaviour", f"c-{sid}": ["habits", "service"]})
    assert response.status_code == 302
    assert set(CheckMark.objects.values_list("item", flat=True)) == {"habits", "service"}
    assert "基本的な生活習慣" in client.get(url).content.decode()


def test_excel_out_and_back_in(grades_world: GradesWorld) -> None:
    w = grades_world
    client = w.sc.client("teacher_a")
    response = client.get(reverse("grades:scores_xlsx", args=[w.lesson_a3.pk]) + "?term=1")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["児童生徒コード", "学級", "番号", "氏名"]
    column = header.index("単元テスト1") + 1
    sheet.cell(row=2, column=column, value=88)
    sheet.cell(row=3, column=column, value="欠")
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "scores.xlsx"
    imported = client.post(
        reverse("grades:scores_import", args=[w.lesson_a3.pk]), {"term": "1", "file": upload}
    )
    assert imported.status_code == 302
    assert Score.objects.get(student=w.student("C3-1")).value == 88
    assert Score.objects.get(student=w.student("C3-2")).excused


def test_excel_in_reports_every_problem_and_saves_nothing(grades_world: GradesWorld) -> None:
    w = grades_world
    book = Workbook()
    sheet = book.active
    sheet.append(["児童生徒コード", "氏名", "単元テスト1", "知らない列"])
    sheet.append([w.student("C3-1").code, "坂本", 101, ""])
    sheet.append(["NOBODY", "誰か", 10, ""])
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "scores.xlsx"
    response = w.sc.client("teacher_a").post(
        reverse("grades:scores_import", args=[w.lesson_a3.pk]), {"term": "1", "file": upload}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "列「知らない列」はこの学期の評価項目にありません。" in text
    assert "2行目「単元テスト1」(坂本 C3-1): 満点 (100点) を超えています。" in text
    assert "3行目: 児童生徒コード「NOBODY」はこの授業クラスにいません。" in text
    assert not Score.objects.exists()


def test_setup_page_for_the_principal_only(grades_world: GradesWorld) -> None:
    w = grades_world
    url = reverse("grades:setup")
    assert w.sc.client("teacher_a").get(url).status_code == 403
    client = w.sc.client("principal_a")
    page = client.get(url)
    assert page.status_code == 200 and "入力制限設定" in page.content.decode()
    setup = GradingSetup.objects.get(pk=w.setup_a.pk)
    terms = list(setup.terms.order_by("number"))
    data = {
        "term_system": "3",
        "rule": setup.rule_id,
        "terms-TOTAL_FORMS": "3",
        "terms-INITIAL_FORMS": "3",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "3",
    }
    for i, t in enumerate(terms):
        data |= {
            f"terms-{i}-number": str(t.number),
            f"terms-{i}-name": t.name,
            f"terms-{i}-starts_on": t.starts_on.isoformat(),
            f"terms-{i}-ends_on": t.ends_on.isoformat(),
            f"terms-{i}-entry_opens_on": "",
            f"terms-{i}-entry_closes_on": "",
        }
    data["terms-0-entry_closed"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert setup.terms.get(number=1).entry_closed
    # The closed term now refuses the grid.
    refused = cell(w, w.sc.client("teacher_a"), "単元テスト1", "C3-1", "50")
    assert "入力は締め切られています" in refused.content.decode()
    bad = dict(data, **{"terms-1-ends_on": terms[1].starts_on.replace(day=1).isoformat()})
    bad["terms-1-starts_on"] = terms[1].ends_on.isoformat()
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "終了日は開始日以降にしてください" in response.content.decode()


def test_one_approved_pupil_does_not_block_the_class_form(grades_world: GradesWorld) -> None:
    w = grades_world
    from manabi.grades.models import CumulativeRecord, RecordState

    CumulativeRecord.objects.create(
        student=w.student("C3-3"),
        school=w.class_a3.school,
        fiscal_year=w.sc.year,
        state=RecordState.APPROVED,
    )
    client = w.sc.client("homeroom_a2")
    ids = {k: w.student(k).pk for k in ("C3-1", "C3-2", "C3-3")}
    url = reverse("grades:texts", args=[w.class_a3.pk])
    ok = client.post(
        url, {"kind": "remarks", "term": "1", f"text-{ids['C3-1']}": "よく頑張りました。"}
    )
    assert ok.status_code == 302
    refused = client.post(url, {"kind": "remarks", "term": "1", f"text-{ids['C3-3']}": "変更"})
    assert refused.status_code == 400
    assert "中村 C3-3さんの指導要録が承認・確定されているため" in refused.content.decode()
    checks_url = reverse("grades:checks", args=[w.class_a3.pk])
    bad = client.post(
        checks_url,
        {"group": "behaviour", f"c-{ids['C3-1']}": ["habits"], f"c-{ids['C3-3']}": ["care"]},
    )
    assert bad.status_code == 400
    # The ticks sent stay on the page, so nothing typed is lost.
    assert bad.content.decode().count("checked") >= 2
    assert not CheckMark.objects.exists()


def test_year_texts_are_saved_for_the_year(grades_world: GradesWorld) -> None:
    w = grades_world
    sid = w.student("C3-1").pk
    response = w.sc.client("homeroom_a2").post(
        reverse("grades:texts", args=[w.class_a3.pk]),
        {"kind": "overall", "term": "2", f"text-{sid}": "学級委員として活躍した。"},
    )
    assert response.status_code == 302
    assert Narrative.objects.get(student_id=sid).term == 0


def test_non_ascii_digits_are_refused_not_failed(grades_world: GradesWorld) -> None:
    w = grades_world
    client = w.sc.client("teacher_a")
    response = client.post(
        reverse("grades:score_cell", args=[w.lesson_a3.pk]),
        {"term": "1", "item": "²", "student": "٣", "value": "1"},
    )
    assert response.status_code == 400
    principal = w.sc.client("principal_a")
    assert principal.get(reverse("grades:rule_new") + "?base=²").status_code in (200, 404)
    assert (
        principal.get(
            reverse("report_cards:class_page", args=[w.class_a3.pk]) + "?term=²"
        ).status_code
        == 200
    )


def test_the_grid_names_each_records_state_and_how_the_rule_rates(
    grades_world: GradesWorld,
) -> None:
    from manabi.grades.models import CumulativeRecord, RecordState

    w = grades_world
    for pupil, state in (("C3-1", RecordState.APPROVED), ("C3-2", RecordState.LOCKED)):
        CumulativeRecord.objects.create(
            student=w.student(pupil),
            school=w.class_a3.school,
            fiscal_year=w.sc.year,
            state=state,
            content_sha256="0" * 64 if state == RecordState.LOCKED else "",
        )
    url = reverse("grades:scores", args=[w.lesson_a3.pk]) + "?term=1"
    text = w.sc.client("teacher_a").get(url).content.decode()
    rows = {
        pupil: next(r for r in text.split("<tr") if f"坂本 {pupil}" in r or f"田中 {pupil}" in r)
        for pupil in ("C3-1", "C3-2")
    }
    assert "要録承認済" in rows["C3-1"] and "要録確定" not in rows["C3-1"]
    assert "要録確定" in rows["C3-2"]
    assert "評定は観点の点数の合計 (A=3・B=2・C=1) から算出します。" in text
    services_rule = services.shipped_rule_row("standard_average")
    GradingSetup.objects.filter(pk=w.setup_a.pk).update(rule=services_rule)
    text = w.sc.client("teacher_a").get(url).content.decode()
    assert "評定はすべての評価項目の素点の割合 (重み付き平均) から算出します。" in text


def test_junior_high_special_activities_have_no_club(grades_world: GradesWorld) -> None:
    w = grades_world
    b11 = w.sc.classes["b1_1"]
    client = w.sc.client("teacher_b")
    url = reverse("grades:checks", args=[b11.pk]) + "?group=special_activities"
    text = client.get(url).content.decode()
    assert "生徒会活動" in text and "クラブ活動" not in text and "児童会活動" not in text
    sid = w.student("K1-1").pk
    refused = client.post(url, {"group": "special_activities", "term": "0", f"c-{sid}": ["club"]})
    assert refused.status_code == 400
    assert "佐藤 K1-1さんの学年では記録しない項目です: クラブ活動" in refused.content.decode()
    assert not CheckMark.objects.exists()
    # 小学校 keeps クラブ活動 and says 児童会活動.
    text = w.sc.client("homeroom_a2").get(
        reverse("grades:checks", args=[w.class_a3.pk]) + "?group=special_activities"
    )
    assert "クラブ活動" in text.content.decode() and "児童会活動" in text.content.decode()


def test_a_terms_ticks_print_in_that_terms_card_column(grades_world: GradesWorld) -> None:
    from manabi.grades import report_cards

    w = grades_world
    client = w.sc.client("homeroom_a2")
    sid = w.student("C3-2").pk
    url = reverse("grades:checks", args=[w.class_a3.pk])
    page = client.get(url + "?group=behaviour&term=1").content.decode()
    assert 'name="term" value="1"' in page
    assert (
        client.post(url, {"group": "behaviour", "term": "1", f"c-{sid}": ["habits"]}).status_code
        == 302
    )
    assert (
        client.post(url, {"group": "behaviour", "term": "0", f"c-{sid}": ["care"]}).status_code
        == 302
    )
    assert sorted(CheckMark.objects.values_list("term", "item")) == [(0, "care"), (1, "habits")]
    card = report_cards.card_data(w.class_a3, 1, [sid])[0]
    columns = [c.number for c in card.terms]
    habits = next(r for r in card.behaviour if r.label == "基本的な生活習慣")
    assert habits.marks[columns.index(1)] == "○"
