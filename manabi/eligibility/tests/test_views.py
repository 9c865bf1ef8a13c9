"""The survey pages as the cast uses them (the authorisation matrix checks every URL × persona;
these follow the workflow and check what the pages say)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.eligibility import services
from manabi.eligibility.models import SchoolSubmission, StaffServicePeriod, Survey
from manabi.eligibility.tests.factories import StaffServicePeriodFactory
from manabi.orgs.tests.factories import school
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def open_survey(cast: Cast) -> Survey:
    return services.survey_open(
        actor=acting_for(cast.account("organizer")),
        prefecture=cast.orgs["pref"],
        fiscal_year=2025,
        deadline=date(2024, 7, 31),
        rules="niigata",
    )


def answer(survey: Survey, cast: Cast, name: str = "school_a") -> SchoolSubmission:
    return SchoolSubmission.objects.get(survey=survey, school=cast.orgs[name])


def text(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


def test_the_centre_opens_a_survey_from_the_form(cast: Cast) -> None:
    client = cast.client("organizer")
    page = client.get(reverse("eligibility:survey_open"))
    assert "県教育委員会" in text(page)
    response = client.post(
        reverse("eligibility:survey_open"),
        {
            "prefecture": cast.orgs["pref"].pk,
            "fiscal_year": 2025,
            "deadline": "2024-07-31",
            "rules": "niigata",
        },
    )
    survey = Survey.objects.get()
    assert response["Location"] == reverse("eligibility:survey_detail", args=[survey.pk])
    again = client.post(
        reverse("eligibility:survey_open"),
        {
            "prefecture": cast.orgs["pref"].pk,
            "fiscal_year": 2025,
            "deadline": "2024-07-31",
            "rules": "niigata",
        },
    )
    assert "県教育委員会 の令和7年度の調査は既に開始されています" in text(again)


def test_menu_entry(cast: Cast) -> None:
    home = text(cast.client("organizer").get(reverse("core:home")))
    assert "基本研修の該当者調査" in home
    assert "基本研修の該当者調査" not in text(cast.client("teacher_a").get(reverse("core:home")))
    assert "基本研修の確認カード" in text(cast.client("teacher_a").get(reverse("core:home")))


def test_school_page_lists_targets_with_numbers_and_reasons(cast: Cast) -> None:
    StaffServicePeriodFactory(staff=cast.staff["teacher_a"], start=date(2024, 4, 1))
    survey = open_survey(cast)
    submission = answer(survey, cast)
    client = cast.client("principal_a")
    before = text(client.get(reverse("eligibility:submission_detail", args=[submission.pk])))
    assert "該当者を計算する" in before
    assert "在職期間が登録されていない職員がいます" not in before  # principals are no target
    cast.staff["teacher_a"].service_periods.all().delete()
    missing = text(client.get(reverse("eligibility:submission_detail", args=[submission.pk])))
    assert "在職期間が登録されていない職員がいます" in missing
    StaffServicePeriodFactory(staff=cast.staff["teacher_a"], start=date(2024, 4, 1))
    client.post(reverse("eligibility:submission_recompute", args=[submission.pk]))
    page = text(client.get(reverse("eligibility:submission_detail", args=[submission.pk])))
    assert "南 花子" in page
    assert "在職年数A=1、除算B=0 で A−B=1 (1以上4以下) のため該当" in page
    assert "未入力" in page
    assert "提出の確認へ進む" in page
    assert "「該当者なし」で提出" not in page


def test_teacher_b_and_another_principal_cannot_reach_school_a(cast: Cast) -> None:
    survey = open_survey(cast)
    url = reverse("eligibility:submission_detail", args=[answer(survey, cast).pk])
    assert cast.client("teacher_b").get(url).status_code == 404
    other = reverse(
        "eligibility:submission_submit_none", args=[answer(survey, cast, "school_b").pk]
    )
    assert cast.client("principal_a").post(other).status_code == 404
    assert not SchoolSubmission.objects.filter(status="submitted").exists()


def test_mark_a_target_absent_then_submit_through_the_confirmation(cast: Cast) -> None:
    StaffServicePeriodFactory(staff=cast.staff["teacher_a"], start=date(2024, 4, 1))
    survey = open_survey(cast)
    submission = answer(survey, cast)
    client = cast.client("principal_a")
    client.post(reverse("eligibility:submission_recompute", args=[submission.pk]))
    decision = submission.decisions.get()
    form = client.get(reverse("eligibility:decision_edit", args=[decision.pk]))
    assert "受講の可否" in text(form)
    refused = client.post(
        reverse("eligibility:decision_edit", args=[decision.pk]), {"attend": "no"}
    )
    assert "× の場合は、受講できない理由を選んでください。" in text(refused)
    client.post(
        reverse("eligibility:decision_edit", args=[decision.pk]),
        {"attend": "no", "absence_reason": "leave", "absence_reason_text": "育児休業 R7.4.1〜"},
    )
    confirm = client.get(reverse("eligibility:submission_submit", args=[submission.pk]))
    assert "所属長として承認し、提出する" in text(confirm)
    assert "× (休暇・休職・育児休業等)" in text(confirm)
    client.post(reverse("eligibility:submission_submit", args=[submission.pk]))
    submission.refresh_from_db()
    assert submission.status == SchoolSubmission.Status.SUBMITTED
    page = text(client.get(reverse("eligibility:submission_detail", args=[submission.pk])))
    assert "校長 一郎 (" in page
    assert "該当者を再計算する" not in page


def test_refusals_are_shown_as_messages(cast: Cast) -> None:
    survey = open_survey(cast)
    submission = answer(survey, cast)
    client = cast.client("principal_a")
    response = client.post(
        reverse("eligibility:submission_submit", args=[submission.pk]), follow=True
    )
    assert "先に「該当者を計算する」を押して" in text(response)


def test_dashboard_shows_progress_and_reopens(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for number in range(20):  # more schools: the page stays at a fixed number of queries
        school(code=f"S1{number:04d}", name=f"追加小学校{number}", parent=cast.orgs["board_k"])
    survey = open_survey(cast)
    submission = answer(survey, cast)
    services.submission_submit_none(
        actor=acting_for(cast.account("principal_a")), submission=submission
    )
    client = cast.client("organizer")
    url = reverse("eligibility:survey_detail", args=[survey.pk])
    client.get(url)
    with django_assert_max_num_queries(15):
        page = text(client.get(url))
    assert "提出済み 1 校 / 未提出 21 校 (全 22 校)" in page
    assert "(該当者なし)" in page
    response = client.post(
        reverse("eligibility:submission_reopen", args=[submission.pk]),
        {"comment": "他県の勤務歴を確認してください。", "next": "survey"},
    )
    assert response["Location"] == url
    submission.refresh_from_db()
    assert submission.status == SchoolSubmission.Status.REOPENED
    school_page = text(
        cast.client("principal_a").get(
            reverse("eligibility:submission_detail", args=[submission.pk])
        )
    )
    assert "教育センターから差し戻されました" in school_page
    assert "他県の勤務歴を確認してください。" in school_page
    results = text(client.get(reverse("eligibility:survey_results", args=[survey.pk])))
    assert "みなみ小学校" in results and "中堅教諭等資質向上研修" in results


def test_the_board_sees_only_its_schools(cast: Cast) -> None:
    survey = open_survey(cast)
    page = text(
        cast.client("board_officer").get(reverse("eligibility:survey_detail", args=[survey.pk]))
    )
    assert "みなみ小学校" in page and "きた中学校" not in page
    assert "様式2 PDF" not in page  # downloads of every school are the centre's


def test_records_page_adds_a_period_and_shows_the_result(cast: Cast) -> None:
    teacher = cast.staff["teacher_a"]
    client = cast.client("principal_a")
    url = reverse("eligibility:service_records", args=[teacher.pk])
    page = text(client.get(url))
    assert "南 花子 の在職記録" in page
    assert AuditEvent.objects.filter(action="eligibility.service_records.view").exists()
    bad = client.post(
        reverse("eligibility:service_period_add", args=[teacher.pk]),
        {"service-kind": "teacher", "service-start": "2024-04-01", "service-end": "2024-03-01"},
    )
    assert "終了日 2024-03-01 が開始日 2024-04-01 より前です。" in text(bad)
    client.post(
        reverse("eligibility:service_period_add", args=[teacher.pk]),
        {"service-kind": "teacher", "service-start": "2024-04-01", "service-end": ""},
    )
    assert StaffServicePeriod.objects.filter(staff=teacher).count() == 1
    page = text(client.get(url))
    assert "受講該当" in page


def test_import_page_reports_rows(cast: Cast) -> None:
    client = cast.client("principal_a")
    data = "職員番号,区分,種類,開始日,終了日,研修\n10000002,勤務,教諭,2024-13-01,,\n".encode()
    response = client.post(
        reverse("eligibility:records_import"),
        {"file": SimpleUploadedFile("records.csv", data, content_type="text/csv")},
    )
    page = text(response)
    assert "誤りが 1 件あるため、何も登録していません" in page
    assert "2行目「開始日」" in page
    assert not StaffServicePeriod.objects.exists()
    good = "職員番号,区分,種類,開始日,終了日,研修\n10000002,勤務,教諭,2024-04-01,,\n".encode()
    response = client.post(
        reverse("eligibility:records_import"),
        {"file": SimpleUploadedFile("records.csv", good, content_type="text/csv")},
        follow=True,
    )
    assert "1 人分の在職記録を登録しました" in text(response)


def test_my_card(cast: Cast) -> None:
    StaffServicePeriodFactory(staff=cast.staff["teacher_a"], start=date(2024, 4, 1))
    open_survey(cast)
    page = text(cast.client("teacher_a").get(reverse("eligibility:my_card")))
    assert "令和7年度" in page and "令和7年3月31日現在" in page
    assert "受講該当" in page
    assert cast.client("organizer").get(reverse("eligibility:my_card")).status_code == 404


def test_the_centre_downloads_the_list_of_confirmed_targets(cast: Cast) -> None:
    StaffServicePeriodFactory(staff=cast.staff["teacher_a"], start=date(2024, 4, 1))
    survey = open_survey(cast)
    submission = answer(survey, cast)
    principal = cast.client("principal_a")
    principal.post(reverse("eligibility:submission_recompute", args=[submission.pk]))
    url = reverse("eligibility:survey_targets_csv", args=[survey.pk])
    empty = b"".join(cast.client("organizer").get(url).streaming_content).decode("utf-8-sig")
    assert "南 花子" not in empty  # not submitted yet
    decision = submission.decisions.get()
    principal.post(reverse("eligibility:decision_edit", args=[decision.pk]), {"attend": "yes"})
    principal.post(reverse("eligibility:submission_submit", args=[submission.pk]))
    body = b"".join(cast.client("organizer").get(url).streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("研修,職員番号,氏名")
    assert lines[1].startswith("教職2年次研修,10000002,南 花子")
