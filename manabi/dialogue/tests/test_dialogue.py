"""Dialogue records (対話に基づく受講奨励): recorded by a school admin, read and commented on
by the teacher, read by the board in its jurisdiction; audited; apart from evaluation."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.dialogue import services
from manabi.dialogue.models import Dialogue
from manabi.dialogue.permissions import access_staff_for_dialogue
from manabi.dialogue.services import RecommendationInput
from manabi.indicators.tests.factories import framework_with_items
from manabi.records.tests.factories import HistoryRecordFactory
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _record(cast: Cast) -> Dialogue:
    record = HistoryRecordFactory(staff=cast.staff["teacher_a"])
    return services.dialogue_record(
        actor=acting_for(cast.account("principal_a")),
        staff=cast.staff["teacher_a"],
        held_on=date(2025, 10, 1),
        topics="2年目の振り返りと来年度の目標",
        advice="学級経営の研修を受けるとよい",
        history_ids=[record.pk],
        recommendations=[RecommendationInput("学級経営講座", "2026309001")],
    )


def test_a_principal_records_a_dialogue_and_the_teacher_reads_and_comments(cast: Cast) -> None:
    framework = framework_with_items(cast.orgs["pref"])
    history = HistoryRecordFactory(staff=cast.staff["teacher_a"], title="教職2年次研修")
    client = cast.client("principal_a")
    url = reverse("dialogue:dialogue_new", args=[cast.staff["teacher_a"].pk])
    page = client.get(url).content.decode()
    assert "人事評価には用いません" in page and "教職2年次研修" in page
    response = client.post(
        url,
        {
            "held_on": "2025-10-01",
            "topics": "2年目の振り返り",
            "history_ids": [history.pk],
            "item_ids": [framework.items.get(code="A-1").pk],
            "advice": "授業研究に取り組みましょう",
            "recommendations": "2026309001 授業づくり講座\n校外の研究会",
        },
    )
    dialogue = Dialogue.objects.get()
    assert response["Location"] == reverse("dialogue:dialogue_detail", args=[dialogue.pk])
    assert [(r.programme_number, r.title) for r in dialogue.recommendations.all()] == [
        ("2026309001", "授業づくり講座"),
        ("", "校外の研究会"),
    ]
    assert AuditEvent.objects.latest("seq").action == "dialogue.record"

    teacher = cast.client("teacher_a")
    mine = teacher.get(reverse("dialogue:dialogue_list")).content.decode()
    assert "授業づくり講座" in mine  # the recommendation, shown to the teacher
    before = AuditEvent.objects.count()
    detail = teacher.get(reverse("dialogue:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert "授業研究に取り組みましょう" in detail and "A-1" in detail
    assert AuditEvent.objects.count() == before  # one's own: not audited
    teacher.post(reverse("dialogue:comment_add", args=[dialogue.pk]), {"body": "夏に受講します。"})
    assert dialogue.comments.get().body == "夏に受講します。"
    assert AuditEvent.objects.latest("seq").action == "dialogue.comment"


def test_who_reads_dialogues(cast: Cast) -> None:
    dialogue = _record(cast)
    url = reverse("dialogue:dialogue_detail", args=[dialogue.pk])
    expected = {
        "teacher_a": 200,
        "principal_a": 200,
        "board_officer": 200,
        "system_admin": 200,
        "teacher_b": 404,
        "organizer": 404,
        "guest": 404,
    }
    for persona, status in expected.items():
        before = AuditEvent.objects.count()
        assert cast.client(persona).get(url).status_code == status, persona
        audited = AuditEvent.objects.count() - before
        assert audited == (1 if status == 200 and persona != "teacher_a" else 0), persona
    # The board reads but does not comment; the teacher of another school sees nothing.
    comment = reverse("dialogue:comment_add", args=[dialogue.pk])
    assert cast.client("board_officer").post(comment, {"body": "x"}).status_code == 403
    assert cast.client("teacher_b").post(comment, {"body": "x"}).status_code == 404


def test_only_school_admins_record_dialogues_with_their_staff(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        access_staff_for_dialogue(
            acting_for(cast.account("board_officer")), cast.staff["teacher_a"].pk
        )
    with pytest.raises(PermissionDenied):
        access_staff_for_dialogue(
            acting_for(cast.account("principal_a")), cast.staff["principal_a"].pk
        )
    url = reverse("dialogue:dialogue_new", args=[cast.staff["teacher_b"].pk])
    assert cast.client("principal_a").get(url).status_code == 404
    with pytest.raises(ValidationError):
        services.dialogue_record(
            actor=acting_for(cast.account("principal_a")),
            staff=cast.staff["teacher_a"],
            held_on=date(2099, 1, 1),
            topics="x",
            advice="x",
        )


def test_dialogues_stay_out_of_history_exports(cast: Cast) -> None:
    _record(cast)
    response = cast.client("principal_a").post(reverse("records:export"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "学級経営の研修を受けるとよい" not in body


def test_recommendations_link_to_the_catalogue_by_their_programme_number(cast: Cast) -> None:
    from manabi.training.tests.factories import programme

    made = programme(cast, title="学級経営講座")
    dialogue = services.dialogue_record(
        actor=acting_for(cast.account("principal_a")),
        staff=cast.staff["teacher_a"],
        held_on=date(2025, 10, 1),
        topics="振り返り",
        advice="研修を勧める",
        recommendations=[
            RecommendationInput("学級経営講座", made.number),
            RecommendationInput("他の機関の講座", "X-1"),
            RecommendationInput("番号のない研修"),
        ],
    )
    linked = [r.programme_id for r in dialogue.recommendations.order_by("order")]
    assert linked == [made.pk, None, None]
    page = cast.client("teacher_a").get(reverse("dialogue:dialogue_list")).content.decode()
    assert reverse("training:programme_detail", args=[made.pk]) in page
    detail = cast.client("teacher_a").get(reverse("dialogue:dialogue_detail", args=[dialogue.pk]))
    assert reverse("training:programme_detail", args=[made.pk]) in detail.content.decode()


def test_the_author_corrects_a_record_and_the_earlier_text_is_kept(cast: Cast) -> None:
    dialogue = _record(cast)
    url = reverse("dialogue:dialogue_edit", args=[dialogue.pk])
    principal = cast.client("principal_a")
    form = principal.get(url).content.decode()
    assert "2026309001 学級経営講座" in form and "編集履歴" in form
    response = principal.post(
        url,
        {
            "held_on": "2025-10-02",
            "topics": "2年目の振り返り(訂正)",
            "advice": "学級経営の研修を受けるとよい",
            "recommendations": "2026309001 学級経営講座\n生徒指導の基礎",
        },
    )
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.topics == "2年目の振り返り(訂正)" and dialogue.held_on == date(2025, 10, 2)
    assert dialogue.updated_at is not None
    assert [r.title for r in dialogue.recommendations.order_by("order")] == [
        "学級経営講座",
        "生徒指導の基礎",
    ]
    [revision] = dialogue.revisions.all()
    assert revision.before["topics"] == "2年目の振り返りと来年度の目標"
    assert revision.before["held_on"] == "2025-10-01" and revision.before["history"]
    event = AuditEvent.objects.get(action="dialogue.update")
    assert event.details["changed"] == ["held_on", "history", "recommendations", "topics"]
    # The teacher sees the correction and what it said before; she cannot edit it.
    teacher = cast.client("teacher_a")
    page = teacher.get(reverse("dialogue:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert "編集履歴" in page and "2年目の振り返りと来年度の目標" in page
    assert "記録を直す" not in page
    assert teacher.get(url).status_code == 403
    # Saving the same again adds no revision.
    services.dialogue_update(
        actor=acting_for(cast.account("principal_a")),
        dialogue=dialogue,
        held_on=date(2025, 10, 2),
        topics="2年目の振り返り(訂正)",
        advice="学級経営の研修を受けるとよい",
        recommendations=[
            RecommendationInput("学級経営講座", "2026309001"),
            RecommendationInput("生徒指導の基礎"),
        ],
    )
    assert dialogue.revisions.count() == 1
