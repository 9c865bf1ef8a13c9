"""The 学校日誌 pages: who sees and does what (別表1 school_diary.edit), the month, a day's form
and its actions, the lock as the user meets it, and the prints."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.school_diary import services
from manabi.school_diary.models import DiaryDay, DiaryState
from manabi.school_diary.tests.conftest import DiaryWorld

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 10)


def _url(name: str, day: date = DAY) -> str:
    return reverse(f"school_diary:{name}", args=[day])


def _form(w: DiaryWorld, **extra: str) -> dict[str, str]:
    data = {
        "weather": "晴れ",
        "events": "避難訓練",
        "notes": "特記事項なし。",
        "revision": "0",
        "visitor-0-name": "山田 太郎",
        "visitor-0-organisation": "みなみ市教育委員会",
        "visitor-0-purpose": "学校訪問",
        "visitor-1-name": "",
        "absence-0-staff": str(w.sc.cast.staff["homeroom_a2"].pk),
        "absence-0-kind": "trip",
        "absence-0-note": "午後 研修会",
        "absence-1-staff": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "persona", ["principal_a", "vice_principal_a", "teacher_a", "nurse_a", "clerk_a"]
)
def test_everyone_at_the_school_writes_the_day(diary_world: DiaryWorld, persona: str) -> None:
    w = diary_world
    client = w.client(persona)
    assert client.get(reverse("school_diary:index")).status_code == 200
    response = client.post(_url("day_save"), _form(w))
    assert response.status_code == 302, response.content.decode()[:500]
    page = DiaryDay.objects.get(school=w.school_a, date=DAY)
    assert page.updated_by == w.sc.account(persona)
    assert [v.organisation for v in page.visitors.all()] == ["みなみ市教育委員会"]
    assert [a.staff.name for a in page.staff_absences.all()] == ["東 一美"]


@pytest.mark.parametrize("persona", ["teacher_a", "nurse_a", "clerk_a"])
def test_only_managers_approve_and_reopen(diary_world: DiaryWorld, persona: str) -> None:
    w = diary_world
    client = w.client(persona)
    client.post(_url("day_save"), _form(w))
    assert client.post(_url("day_submit")).status_code == 302
    events = AuditEvent.objects.count()
    assert client.post(_url("day_approve"), {"confirm": "1"}).status_code == 403
    assert client.post(_url("day_reopen"), {"reason": "x"}).status_code == 403
    assert DiaryDay.objects.get().state == DiaryState.SUBMITTED
    assert AuditEvent.objects.count() == events
    page = client.get(_url("day")).content.decode()
    assert "承認する</button>" not in page and "diary-approve" not in page


def test_outside_the_school_nothing(diary_world: DiaryWorld) -> None:
    w = diary_world
    w.client("teacher_a").post(_url("day_save"), _form(w, events="みなみ小の行事"))
    for persona in ("board_officer", "system_admin", "guest", "organizer", "no_role"):
        client = w.client(persona)
        assert client.get(reverse("school_diary:index")).status_code == 404, persona
        assert client.get(_url("day")).status_code == 404, persona
        assert client.post(_url("day_save"), _form(w)).status_code == 404, persona
    # School B's teacher reaches school B's book only: school A's day is not there.
    page = w.client("teacher_b").get(_url("day"))
    assert page.status_code == 200
    assert "みなみ小の行事" not in page.content.decode()
    assert "未記入" in page.content.decode()
    assert DiaryDay.objects.count() == 1


def test_the_flow_and_the_lock_on_the_page(diary_world: DiaryWorld) -> None:
    w = diary_world
    teacher, principal = w.client("teacher_a"), w.client("principal_a")
    teacher.post(_url("day_save"), _form(w))
    teacher.post(_url("day_submit"))
    page = principal.get(_url("day")).content.decode()
    assert "提出済" in page and "承認する" in page
    # Unconfirmed: refused, nothing changed.
    response = principal.post(_url("day_approve"))
    assert response.status_code == 400
    assert "チェックを入れて" in response.content.decode()
    assert DiaryDay.objects.get().state == DiaryState.SUBMITTED
    assert principal.post(_url("day_approve"), {"confirm": "1"}).status_code == 302
    assert DiaryDay.objects.get().state == DiaryState.APPROVED
    # The teacher's page is read-only; a forced save is refused with the reason.
    page = teacher.get(_url("day")).content.decode()
    assert "承認済" in page and "<fieldset disabled>" in page
    events = AuditEvent.objects.count()
    response = teacher.post(_url("day_save"), _form(w, weather="雨", revision="1"))
    assert response.status_code == 400
    assert "承認済みでロックされているため変更できません" in response.content.decode()
    assert DiaryDay.objects.get().weather == "晴れ"
    assert AuditEvent.objects.count() == events
    # The principal reopens with a reason; the teacher may write again.
    assert principal.post(_url("day_reopen"), {"reason": ""}).status_code == 400
    assert principal.post(_url("day_reopen"), {"reason": "行事の記入漏れ"}).status_code == 302
    assert "行事の記入漏れ" in teacher.get(_url("day")).content.decode()
    assert teacher.post(_url("day_save"), _form(w, revision="1")).status_code == 302


def test_a_failed_save_keeps_what_was_typed(diary_world: DiaryWorld) -> None:
    w = diary_world
    response = w.client("teacher_a").post(
        _url("day_save"), _form(w, **{"visitor-0-name": "", "events": "運動会"})
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "来校者 1行目: 氏名を入力してください。" in body and "運動会" in body
    assert not DiaryDay.objects.exists()
    response = w.client("teacher_a").post(_url("day_save"), _form(w, **{"absence-0-staff": "x"}))
    assert response.status_code == 400 and not DiaryDay.objects.exists()


def test_the_month_shows_each_state(diary_world: DiaryWorld) -> None:
    w = diary_world
    acting = w.acting("teacher_a")
    for n, state in ((1, "draft"), (2, "submitted")):
        day = date(2026, 6, n)
        services.day_save(
            actor=acting,
            school_id=w.school_a.pk,
            day=day,
            weather="晴れ",
            events="",
            notes="",
            visitors=[],
            absences=[],
        )
        if state == "submitted":
            services.day_submit(actor=acting, school_id=w.school_a.pk, day=day)
    body = (
        w.client("principal_a")
        .get(reverse("school_diary:index") + "?month=2026-06")
        .content.decode()
    )
    assert "6月1日 記入中" in body and "6月2日 提出済" in body and "6月3日 未記入" in body
    assert "承認を待っている日が1日" in body
    bad = w.client("principal_a").get(reverse("school_diary:index") + "?month=2026-13")
    assert bad.status_code == 200


def test_an_impossible_date_is_404(diary_world: DiaryWorld) -> None:
    assert diary_world.client("teacher_a").get("/school-diary/days/2026-02-30/").status_code == 404


def test_prints(diary_world: DiaryWorld) -> None:
    w = diary_world
    client = w.client("teacher_a")
    client.post(_url("day_save"), _form(w))
    response = client.get(_url("day_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    month = client.get(reverse("school_diary:month_pdf") + "?month=2026-06")
    assert month.status_code == 200 and month.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="school_diary.day.print").count() == 1
    assert AuditEvent.objects.filter(action="school_diary.month.print").count() == 1
    empty = client.get(reverse("school_diary:month_pdf") + "?month=2026-05")
    assert empty.status_code == 302


def test_the_saved_rows_are_shown_again(diary_world: DiaryWorld) -> None:
    w = diary_world
    client = w.client("teacher_a")
    client.post(_url("day_save"), _form(w))
    body = client.get(_url("day")).content.decode()
    staff_id = w.sc.cast.staff["homeroom_a2"].pk
    assert f'<option value="{staff_id}" selected>東 一美</option>' in body
    assert '<option value="trip" selected>出張</option>' in body
    assert 'value="午後 研修会"' in body


def test_the_month_and_the_day_cost_constant_queries(
    diary_world: DiaryWorld, django_assert_max_num_queries: Any
) -> None:
    w = diary_world
    client = w.client("principal_a")
    for n in range(1, 11):
        client.post(_url("day_save", date(2026, 6, n)), _form(w))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("school_diary:index") + "?month=2026-06").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(_url("day")).status_code == 200
