"""The pages as people use them (the authorisation matrix checks who may open what; these
check what the pages do and say), and constant query counts on the list pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.records.models import HistoryRecord
from manabi.training.choices import ProgrammeKind, QuestionKind, Visibility
from manabi.training.models import Application, Notification, TrainingProgramme
from manabi.training.services import applications, decisions, participation
from manabi.training.states import ApplicationStatus
from manabi.training.tests.factories import numbering_codes, organizer, programme
from tests.personas import Cast

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def text(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


def test_organiser_registers_adds_a_session_and_publishes(cast: Cast) -> None:
    numbering_codes(cast)
    client = cast.client("organizer")
    response = client.post(
        reverse("training:programme_create"),
        {
            "title": "道徳科の授業づくり",
            "organiser": cast.orgs["centre"].pk,
            "fiscal_year": 2026,
            "number_category": "3",
            "category": "required_i",
            "kind": "voluntary",
            "format": "in_person",
            "visibility": "jurisdiction",
            "route": "auto",
            "completion_rule": "all_sessions",
            "capacity": 40,
            "target_school_types": ["elementary", "junior_high"],
        },
    )
    made = TrainingProgramme.objects.get()
    assert response["Location"] == reverse("training:programme_detail", args=[made.pk])
    assert made.number == "2026303001"  # fiscal year, local code 30 (prefecture), category 3
    assert made.status == "draft"
    # Not visible to teachers yet.
    assert (
        cast.client("teacher_a")
        .get(reverse("training:programme_detail", args=[made.pk]))
        .status_code
        == 404
    )
    refused = client.post(reverse("training:programme_publish", args=[made.pk]), follow=True)
    assert "日程を追加してから公開してください" in text(refused)
    client.post(
        reverse("training:session_add", args=[made.pk]),
        {
            "date": "2026-08-03",
            "start_time": "09:30",
            "end_time": "12:00",
            "hours": "2.5",
            "venue": "センター",
        },
    )
    client.post(reverse("training:programme_publish", args=[made.pk]))
    made.refresh_from_db()
    assert made.status == "published" and made.total_hours == 2.5
    page = cast.client("teacher_a").get(reverse("training:catalogue"), {"q": "道徳"})
    assert "道徳科の授業づくり" in text(page)


def test_catalogue_search_matches_two_character_words_and_kana(cast: Cast) -> None:
    programme(cast, title="特別の教科 道徳の評価")
    programme(cast, title="ＩＣＴ活用研修", description="タブレットの使い方")
    programme(cast, title="学級経営講座")
    client = cast.client("teacher_a")

    def titles(**params: Any) -> list[str]:
        response = client.get(reverse("training:catalogue"), params)
        return [p.title for p in response.context["page"].object_list]

    assert titles(q="道徳") == ["特別の教科 道徳の評価"]
    assert titles(q="ict") == ["ＩＣＴ活用研修"]  # full-width and case folded (NFKC)
    assert titles(q="たぶれっと") == ["ＩＣＴ活用研修"]  # katakana found by hiragana
    assert titles(q="道徳 評価") == ["特別の教科 道徳の評価"]
    assert titles(q="道徳 経営") == []


def test_catalogue_filters_and_sort(cast: Cast) -> None:
    programme(cast, title="対面の研修", format="in_person", target_school_types=["elementary"])
    programme(cast, title="オンデマンドの研修", format="on_demand", target_school_types=["high"])
    programme(cast, title="締切済み", application_closes=None, publish=False)
    client = cast.client("teacher_a")
    response = client.get(
        reverse("training:catalogue"), {"format": "in_person", "school_type": "elementary"}
    )
    assert [p.title for p in response.context["page"].object_list] == ["対面の研修"]
    response = client.get(reverse("training:catalogue"), {"open_only": "on", "sort": "number"})
    assert [p.title for p in response.context["page"].object_list] == [
        "対面の研修",
        "オンデマンドの研修",
    ]


def _queries(client: Any, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_catalogue_runs_a_constant_number_of_queries(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    for index in range(30):
        programme(cast, title=f"研修 {index}", co_organisers=[cast.orgs["board_m"]])
    client = cast.client("teacher_a")
    url = reverse("training:catalogue")
    small = _queries(client, url, {"per_page": 10})
    with django_assert_num_queries(small):
        response = client.get(url, {"per_page": 50})
    assert len(response.context["page"].object_list) == 30
    with django_assert_num_queries(small):
        client.get(url, {"per_page": 10, "q": "研修", "format": "in_person", "sort": "closing"})


def test_approval_queue_runs_a_constant_number_of_queries(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    from manabi.training.tests.factories import person_at

    made = programme(cast)
    client = cast.client("principal_a")
    url = reverse("training:approval_queue")
    _, teacher = person_at(cast.orgs["school_a"], number="20000101")
    applications.application_submit(actor=teacher, programme=made)
    one = _queries(client, url, {})
    for index in range(25):
        _, teacher = person_at(cast.orgs["school_a"], number=f"{20000200 + index}")
        applications.application_submit(actor=teacher, programme=made)
    with django_assert_num_queries(one):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 26


def test_organisers_queue_lists_what_waits_for_their_decision(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    from manabi.training.models import Application
    from manabi.training.states import ApplicationStatus
    from manabi.training.tests.factories import person_at

    made = programme(cast)
    client = cast.client("organizer")
    url = reverse("training:approval_queue")
    _, teacher = person_at(cast.orgs["school_a"], number="20000101")
    first = applications.application_submit(actor=teacher, programme=made)
    page = client.get(url).content.decode()
    assert "受講の決定を待っている申込はありません" in page and "<h2>承認待ち</h2>" not in page
    Application.objects.filter(pk=first.pk).update(status=ApplicationStatus.AWAITING_DECISION)
    one = _queries(client, url, {})
    for index in range(25):
        _, teacher = person_at(cast.orgs["school_a"], number=f"{20000200 + index}")
        applications.application_submit(actor=teacher, programme=made)
    Application.objects.filter(programme=made).update(status=ApplicationStatus.AWAITING_DECISION)
    with django_assert_num_queries(one):
        response = client.get(url)
    assert len(response.context["deciding"].object_list) == 26
    assert reverse("training:application_detail", args=[first.pk]) in response.content.decode()
    # A teacher has no queue.
    assert cast.client("teacher_a").get(url).status_code == 403


def test_my_applications_runs_a_constant_number_of_queries(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = cast.client("teacher_a")
    teacher = acting_for(cast.account("teacher_a"))
    applications.application_submit(actor=teacher, programme=programme(cast, title="一つ目"))
    one = _queries(client, reverse("training:my_applications"), {})
    for index in range(10):
        applications.application_submit(
            actor=teacher, programme=programme(cast, title=f"他 {index}")
        )
    with django_assert_num_queries(one):
        client.get(reverse("training:my_applications"))


def test_teacher_applies_and_principal_approves_in_bulk(cast: Cast) -> None:
    made = programme(cast)
    response = cast.client("teacher_a").post(
        reverse("training:apply", args=[made.pk]), {"motivation": "道徳の授業改善のため"}
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("training:application_detail", args=[application.pk])
    principal = cast.client("principal_a")
    queue = principal.get(reverse("training:approval_queue"))
    assert "南 花子" in text(queue)
    results = principal.post(reverse("training:approve_bulk"), {"applications": [application.pk]})
    assert "承認 1 件" in text(results)
    application.refresh_from_db()
    assert application.steps.get(order=1).status == "approved"


def test_reject_without_reason_is_refused_with_a_message(cast: Cast) -> None:
    made = programme(cast)
    application = applications.application_submit(
        actor=acting_for(cast.account("teacher_a")), programme=made
    )
    before = AuditEvent.objects.count()
    response = cast.client("principal_a").post(
        reverse("training:application_reject", args=[application.pk]), {"reason": ""}, follow=True
    )
    assert "否決の理由を入力してください" in text(response)
    assert AuditEvent.objects.count() == before
    application.refresh_from_db()
    assert application.status == S.PENDING_APPROVAL


def test_the_whole_life_in_pages(cast: Cast) -> None:
    """Apply, approve twice, accept, attendance, completion, survey, history record."""
    made = programme(cast, sessions=2)
    participation.question_add(
        actor=organizer(cast), programme=made, kind=QuestionKind.SCALE, text="満足度"
    )
    cast.client("teacher_a").post(reverse("training:apply", args=[made.pk]), {"motivation": "x"})
    application = Application.objects.get()
    cast.client("principal_a").post(reverse("training:application_approve", args=[application.pk]))
    cast.client("board_officer").post(
        reverse("training:application_approve", args=[application.pk])
    )
    organiser = cast.client("organizer")
    organiser.post(
        reverse("training:application_decide", args=[application.pk]), {"decision": "accepted"}
    )
    for session in made.sessions.all():
        organiser.post(
            reverse("training:attendance_bulk", args=[made.pk, session.pk]),
            {"applications": [application.pk], "status": "present"},
        )
    organiser.post(reverse("training:completion_judge", args=[made.pk]))
    application.refresh_from_db()
    assert application.status == S.COMPLETED
    assert HistoryRecord.objects.filter(staff=cast.staff["teacher_a"], title=made.title).exists()
    question = made.questions.get()
    teacher = cast.client("teacher_a")
    detail = teacher.get(reverse("training:application_detail", args=[application.pk]))
    assert "アンケートに回答する" in text(detail)
    teacher.post(reverse("training:survey_answer", args=[application.pk]), {f"q{question.pk}": "5"})
    results = organiser.get(reverse("training:survey_results", args=[made.pk]))
    assert "平均 5.0" in text(results)
    export = organiser.get(reverse("training:survey_export", args=[made.pk, "csv"]))
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "満足度" in body and "南 花子" in body
    xlsx = organiser.get(reverse("training:survey_export", args=[made.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    # Approved (end of the route), accepted, completed: not her own application, which she
    # made herself.
    assert list(
        Notification.objects.filter(recipient=cast.account("teacher_a"))
        .order_by("pk")
        .values_list("subject", flat=True)
    ) == [f"承認されました: {made.title}", f"受講決定: {made.title}", f"修了しました: {made.title}"]
    mine = teacher.get(reverse("training:my_applications"))
    assert "履歴に記録済み" in text(mine)


def test_enrol_from_a_csv_page_reports_rows(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.ALL_TARGETS)
    client = cast.client("organizer")
    bad = SimpleUploadedFile("list.csv", "職員番号\n99999999\n".encode())
    response = client.post(reverse("training:programme_enrol_csv", args=[made.pk]), {"file": bad})
    assert response.status_code == 400
    assert "2行目「職員番号」" in text(response)
    good = SimpleUploadedFile("list.csv", "職員番号\n10000002\n".encode())
    response = client.post(
        reverse("training:programme_enrol_csv", args=[made.pk]), {"file": good}, follow=True
    )
    assert "1 人を受講者として登録しました" in text(response)


def test_guest_sees_and_applies_for_public_programmes_only(cast: Cast) -> None:
    programme(cast, title="県内向け")
    public = programme(cast, title="公開講座", visibility=Visibility.PUBLIC)
    client = cast.client("guest")
    page = client.get(reverse("training:catalogue"))
    assert [p.title for p in page.context["page"].object_list] == ["公開講座"]
    client.post(reverse("training:apply", args=[public.pk]), {"motivation": "学びたい"})
    application = Application.objects.get()
    assert application.status == S.AWAITING_DECISION and application.staff is None


def test_cancel_promotes_in_the_page(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.NOMINATED, capacity=1)
    [holder] = decisions.programme_enrol(
        actor=organizer(cast), programme=made, staff=[cast.staff["teacher_a"]]
    ).enrolled
    response = cast.client("teacher_a").post(
        reverse("training:application_cancel", args=[holder.pk]),
        {"reason": "体調不良"},
        follow=True,
    )
    assert "受講を取り消しました" in text(response)
    assert Application.objects.get(pk=holder.pk).status == S.CANCELLED


def test_editing_keeps_the_number_and_updates_the_search(cast: Cast) -> None:
    from manabi.training.forms import ProgrammeForm

    made = programme(cast, title="旧い名前の研修")
    data = {k: v for k, v in ProgrammeForm.initial_from(made).items() if v not in (None, "")}
    data.update(
        title="新しい名前の研修", visibility="public", co_organisers=[cast.orgs["board_k"].pk]
    )
    response = cast.client("organizer").post(
        reverse("training:programme_edit", args=[made.pk]), data
    )
    assert response.status_code == 302, response.context["form"].errors
    edited = TrainingProgramme.objects.get(pk=made.pk)
    assert (edited.title, edited.number) == ("新しい名前の研修", made.number)
    assert "新しい名前" in edited.search_text and "きた町" in edited.search_text
    guest = cast.client("guest").get(reverse("training:catalogue"), {"q": "新しい"})
    assert [p.title for p in guest.context["page"].object_list] == ["新しい名前の研修"]


def test_only_the_waiting_steps_organisation_approves(cast: Cast) -> None:
    """After the school's step, the principal is outside the route (403); the board acts.
    Nobody approves their own application, not even at their own school's step."""
    made = programme(cast)
    application = applications.application_submit(
        actor=acting_for(cast.account("teacher_a")), programme=made
    )
    url = reverse("training:application_approve", args=[application.pk])
    assert cast.client("board_officer").post(url).status_code == 403
    assert cast.client("teacher_b").post(url).status_code == 404
    assert cast.client("principal_a").post(url).status_code == 302
    before = AuditEvent.objects.count()
    assert cast.client("principal_a").post(url).status_code == 403
    assert cast.client("organizer").post(url).status_code == 403
    assert AuditEvent.objects.count() == before
    assert cast.client("board_officer").post(url).status_code == 302
    assert Application.objects.get(pk=application.pk).status == S.AWAITING_DECISION

    own = applications.application_submit(
        actor=acting_for(cast.account("principal_a")), programme=programme(cast, title="校長も受講")
    )
    own_url = reverse("training:application_approve", args=[own.pk])
    assert cast.client("principal_a").post(own_url).status_code == 403
    assert own.steps.get(order=1).status == "pending"
