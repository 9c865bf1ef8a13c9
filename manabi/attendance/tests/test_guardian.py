"""Guardians' links and absence notices (欠席連絡): the guardian's pages under the token and
the school's pages that issue and revoke links (docs/adr/0004-guardian-links.md).

"Today" is fixed to the first Monday of June of the cast's 年度 (a 授業日 with no national
holiday in the next two weeks), so that the date rules do not depend on the day the tests run.
"""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from manabi.accounts.selectors import acting_for
from manabi.attendance import guardian, services
from manabi.attendance.choices import AbsenceReason, NoticeKind, NoticeStatus
from manabi.attendance.models import AbsenceNotice, GuardianLink
from manabi.core.models import AuditEvent
from manabi.students.models import Guardian
from tests.school_personas import SchoolCast


@pytest.fixture
def today(school_cast: SchoolCast, monkeypatch: pytest.MonkeyPatch) -> date:
    day = date(school_cast.year, 6, 1)
    day += timedelta(days=(7 - day.weekday()) % 7)
    monkeypatch.setattr(guardian, "local_today", lambda: day)
    return day


def guardian_of(sc: SchoolCast, key: str) -> Guardian:
    return Guardian.objects.get(student=sc.students[key])


def issue(sc: SchoolCast, key: str = "A1-1") -> tuple[GuardianLink, str]:
    return guardian.link_issue(
        actor=acting_for(sc.account("teacher_a")), guardian=guardian_of(sc, key)
    )


def form_data(day: date, **changes: str) -> dict[str, str]:
    data = {
        "date": day.isoformat(),
        "kind": NoticeKind.ABSENT.value,
        "reason": AbsenceReason.ILLNESS.value,
        "temperature": "38.2",
        "symptoms": "発熱",
        "at_time": "",
        "message": "よろしくお願いします。",
    }
    return {**data, **changes}


def submit(link: GuardianLink, day: date, **changes: object) -> AbsenceNotice:
    values: dict[str, object] = {
        "date": day,
        "kind": NoticeKind.ABSENT,
        "reason": AbsenceReason.ILLNESS,
        "symptoms": "",
        "temperature": None,
        "at_time": None,
        "message": "",
        **changes,
    }
    return guardian.notice_submit(link=link, **values)  # type: ignore[arg-type]


def notice_for(sc: SchoolCast, key: str, day: date) -> AbsenceNotice:
    return AbsenceNotice.objects.create(
        student=sc.students[key],
        school=sc.enrolments[key].school,
        guardian=guardian_of(sc, key),
        date=day,
        kind=NoticeKind.ABSENT,
        reason=AbsenceReason.ILLNESS,
    )


# --- The guardian's side --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_submitted_notice_is_received_and_audited(school_cast: SchoolCast, today: date) -> None:
    link, token = issue(school_cast)
    response = Client().post(f"/guardian/{token}/", form_data(today))
    notice = AbsenceNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/guardian/{token}/notices/{notice.pk}/"
    assert notice.status == NoticeStatus.RECEIVED
    assert (notice.student, notice.guardian, notice.date) == (
        school_cast.students["A1-1"],
        guardian_of(school_cast, "A1-1"),
        today,
    )
    assert notice.school == school_cast.enrolments["A1-1"].school
    assert notice.temperature == Decimal("38.2")
    event = AuditEvent.objects.get(action="attendance.notice.submit")
    assert event.actor is None
    assert event.details["guardian_link"] == link.pk
    assert event.subject_id == str(school_cast.students["A1-1"].pk)
    receipt = Client().get(response["Location"]).content.decode()
    assert "学校が受け付けました" in receipt and "受付済み" in receipt


@pytest.mark.django_db
def test_the_form_works_without_cookies_under_no_referrer(
    school_cast: SchoolCast, today: date
) -> None:
    """Browsers send ``Origin: null`` under ``no-referrer``; the token, not a cookie, is the
    authority, so the guardian's forms need no CSRF cookie (and the pages set none)."""
    _, token = issue(school_cast)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/guardian/{token}/")
    assert not page.cookies
    response = client.post(f"/guardian/{token}/", form_data(today), HTTP_ORIGIN="null")
    assert response.status_code == 302
    assert AbsenceNotice.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"temperature": "50"}, "temperature", "体温"),
        ({"date": "past"}, "date", "過去の日付"),
        ({"date": "far"}, "date", "14日先"),
        ({"reason": ""}, "reason", "欠席の理由"),
        ({"kind": NoticeKind.LATE.value, "at_time": ""}, "at_time", "登校する予定の時刻"),
        ({"symptoms": "あ" * 201}, "symptoms", "症状・詳細は200文字以内"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    school_cast: SchoolCast, today: date, changes: dict[str, str], field: str, words: str
) -> None:
    _, token = issue(school_cast)
    dates = {"past": today - timedelta(days=1), "far": today + timedelta(days=15)}
    if changes.get("date") in dates:
        changes = {**changes, "date": dates[changes["date"]].isoformat()}
    before = AuditEvent.objects.count()
    response = Client().post(f"/guardian/{token}/", form_data(today, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(words in e for e in errors), errors
    assert words in response.content.decode()
    assert not AbsenceNotice.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_every_mistake_shows_at_once(school_cast: SchoolCast, today: date) -> None:
    _, token = issue(school_cast)
    data = form_data(today, kind=NoticeKind.LATE.value, temperature="50", reason="")
    response = Client().post(f"/guardian/{token}/", data)
    assert set(response.context["form"].errors) == {"temperature", "at_time"}


@pytest.mark.django_db
def test_the_service_checks_what_the_form_may_let_through(
    school_cast: SchoolCast, today: date
) -> None:
    link, _ = issue(school_cast)
    with pytest.raises(ValidationError) as caught:
        submit(link, today, temperature=Decimal("33.9"), reason="non_attendance")
    assert set(caught.value.message_dict) == {"temperature", "reason"}
    with pytest.raises(ValidationError) as caught:
        submit(link, today, kind=NoticeKind.EARLY, reason="", at_time=time(23, 0))
    assert "6時から20時" in caught.value.message_dict["at_time"][0]
    assert not AbsenceNotice.objects.exists()


@pytest.mark.django_db
def test_a_day_outside_the_enrolment_or_not_a_lesson_day_is_refused(
    school_cast: SchoolCast, today: date
) -> None:
    link, _ = issue(school_cast)
    enrolment = school_cast.enrolments["A1-1"]
    enrolment.end_date = today + timedelta(days=2)
    enrolment.save(update_fields=["end_date"])
    with pytest.raises(ValidationError) as caught:
        submit(link, today + timedelta(days=3))
    assert "在籍の記録がない" in caught.value.message_dict["date"][0]
    enrolment.end_date = None
    enrolment.save(update_fields=["end_date"])
    saturday = today + timedelta(days=5)
    with pytest.raises(ValidationError) as caught:
        submit(link, saturday)
    assert "授業日ではありません" in caught.value.message_dict["date"][0]
    assert not AbsenceNotice.objects.exists()


@pytest.mark.django_db
def test_the_same_notice_twice_is_refused(school_cast: SchoolCast, today: date) -> None:
    link, _ = issue(school_cast)
    submit(link, today)
    with pytest.raises(ValidationError, match="すでに受け付けています"):
        submit(link, today)
    submit(link, today, kind=NoticeKind.LATE, reason="", at_time=time(10, 30))
    assert AbsenceNotice.objects.count() == 2


@pytest.mark.django_db
def test_the_guardian_sees_only_their_own_pupils_notices(
    school_cast: SchoolCast, today: date
) -> None:
    _, token = issue(school_cast)
    own = notice_for(school_cast, "A1-1", today)
    other_pupil = notice_for(school_cast, "A1-2", today)
    second = Guardian.objects.create(
        student=school_cast.students["A1-1"],
        family_name="青木",
        given_name="父",
        relation="父",
        order=2,
    )
    other_guardian = AbsenceNotice.objects.create(
        student=school_cast.students["A1-1"],
        school=own.school,
        guardian=second,
        date=today,
        kind=NoticeKind.LATE,
        at_time=time(10, 0),
    )
    response = Client().get(f"/guardian/{token}/")
    html = response.content.decode()
    assert [row["notice"] for row in response.context["notices"]] == [own]
    assert f"/notices/{own.pk}/" in html
    assert f"/notices/{other_pupil.pk}/" not in html
    assert f"/notices/{other_guardian.pk}/" not in html
    # The pupil's given name only: no family name, no other pupil, no staff menu.
    assert "A1-1 さん" in html
    assert "青木" not in html and "A1-2" not in html
    assert "ログアウト" not in html and "site-nav" not in html


@pytest.mark.django_db
def test_another_pupils_notice_through_ones_token_is_404(
    school_cast: SchoolCast, today: date
) -> None:
    _, token = issue(school_cast)
    other = notice_for(school_cast, "A1-2", today)
    for url in (
        f"/guardian/{token}/notices/{other.pk}/",
        f"/guardian/{token}/notices/{other.pk}/cancel/",
    ):
        response = Client().get(url)
        assert response.status_code == 404
        assert "連絡が見つかりません" in response.content.decode()
    assert Client().post(f"/guardian/{token}/notices/{other.pk}/cancel/").status_code == 404
    assert AbsenceNotice.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "malformed"])
def test_an_invalid_token_is_404_and_writes_nothing(
    school_cast: SchoolCast, today: date, how: str
) -> None:
    link, token = issue(school_cast)
    if how == "revoked":
        guardian.link_revoke(actor=acting_for(school_cast.account("teacher_a")), link=link)
    elif how == "expired":
        GuardianLink.objects.filter(pk=link.pk).update(expires_on=today - timedelta(days=1))
    elif how == "unknown":
        token = "A" * 43
    else:
        token = "short"
    before = AuditEvent.objects.count()
    client = Client()
    page = client.get(f"/guardian/{token}/")
    sent = client.post(f"/guardian/{token}/", form_data(today))
    assert page.status_code == sent.status_code == 404
    html = page.content.decode()
    assert "このリンクは使えません" in html and "学校にお問い合わせください" in html
    assert not AbsenceNotice.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_malformed_token_never_reaches_the_database(school_cast: SchoolCast) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert guardian.link_for_token("x" * 42) is None
        assert guardian.link_for_token("x" * 43 + "/") is None
    assert not queries.captured_queries


@pytest.mark.django_db
def test_a_valid_token_records_its_last_use(school_cast: SchoolCast, today: date) -> None:
    link, token = issue(school_cast)
    assert link.last_used_at is None
    found = guardian.link_for_token(token)
    assert found is not None and found.pk == link.pk
    link.refresh_from_db()
    assert link.last_used_at is not None


@pytest.mark.django_db
def test_guardian_pages_keep_the_token_out_of_caches_referrers_and_search(
    school_cast: SchoolCast, today: date
) -> None:
    _, token = issue(school_cast)
    notice = notice_for(school_cast, "A1-1", today)
    for url in (
        f"/guardian/{token}/",
        f"/guardian/{token}/notices/{notice.pk}/",
        f"/guardian/{token}/notices/{notice.pk}/cancel/",
        f"/guardian/{'z' * 43}/",
    ):
        response = Client().get(url)
        assert response["Referrer-Policy"] == "no-referrer", url
        assert "no-store" in response["Cache-Control"], url
        assert "noindex" in response["X-Robots-Tag"], url


@pytest.mark.django_db
def test_the_guardian_withdraws_a_notice_until_the_school_handles_it(
    school_cast: SchoolCast, today: date
) -> None:
    link, token = issue(school_cast)
    first = submit(link, today)
    response = Client().post(f"/guardian/{token}/notices/{first.pk}/cancel/")
    assert response.status_code == 200
    assert "取り消しました" in response.content.decode()
    assert not AbsenceNotice.objects.filter(pk=first.pk).exists()
    event = AuditEvent.objects.get(action="attendance.notice.cancel")
    assert event.actor is None and event.details["guardian_link"] == link.pk

    second = submit(link, today)
    services.notice_accept(
        actor=acting_for(school_cast.account("teacher_a")),
        school_class=school_cast.classes["a1_1"],
        notice=second,
    )
    page = Client().get(f"/guardian/{token}/notices/{second.pk}/").content.decode()
    assert "出席簿に反映" in page and "この連絡を取り消す" not in page
    refused = Client().post(f"/guardian/{token}/notices/{second.pk}/cancel/")
    assert "取り消せません" in refused.content.decode()
    second.refresh_from_db()
    assert second.status == NoticeStatus.ACCEPTED


# --- The school's side ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_links_page_lists_the_classs_guardians(school_cast: SchoolCast, today: date) -> None:
    issue(school_cast, "A1-1")
    class_id = school_cast.classes["a1_1"].pk
    response = school_cast.client("teacher_a").get(f"/guardian/classes/{class_id}/links/")
    assert response.status_code == 200
    pupils = response.context["pupils"]
    assert [p.enrolment.student.given_name for p in pupils] == ["A1-1", "A1-2", "A1-3"]
    assert [row.link is not None for p in pupils for row in p.guardians] == [True, False, False]
    assert response.context["missing"] == 2
    assert AuditEvent.objects.filter(action="attendance.guardian_link.list").count() == 1


@pytest.mark.django_db
def test_issuing_shows_the_url_once_and_stores_only_its_hash(
    school_cast: SchoolCast, today: date
) -> None:
    class_id = school_cast.classes["a1_1"].pk
    guardian_id = guardian_of(school_cast, "A1-1").pk
    response = school_cast.client("teacher_a").post(
        f"/guardian/classes/{class_id}/guardians/{guardian_id}/issue/"
    )
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    (letter,) = response.context["letters"]
    token = letter["url"].rstrip("/").rsplit("/", 1)[-1]
    html = response.content.decode()
    assert letter["url"] in html and "青木 A1-1" in html
    assert 'src="data:image/svg+xml' in html  # the QR code
    link = GuardianLink.objects.get()
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert link.issued_by == school_cast.account("teacher_a")
    assert link.expires_on == date(school_cast.year + 1, 3, 31)
    event = AuditEvent.objects.get(action="attendance.guardian_link.issue")
    assert token not in str(event.details) and event.target_id == str(link.pk)
    assert guardian.link_for_token(token) == link


@pytest.mark.django_db
def test_reissuing_revokes_the_earlier_link(school_cast: SchoolCast, today: date) -> None:
    first, old = issue(school_cast)
    second, new = issue(school_cast)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert guardian.link_for_token(old) is None
    assert guardian.link_for_token(new) == second


@pytest.mark.django_db
def test_issuing_for_everyone_without_a_link(school_cast: SchoolCast, today: date) -> None:
    issue(school_cast, "A1-1")
    client = school_cast.client("teacher_a")
    url = f"/guardian/classes/{school_cast.classes['a1_1'].pk}/links/issue/"
    response = client.post(url)
    assert response.status_code == 200
    assert [letter["pupil"].given_name for letter in response.context["letters"]] == [
        "A1-2",
        "A1-3",
    ]
    assert GuardianLink.objects.filter(revoked_at__isnull=True).count() == 3
    again = client.post(url)
    assert again.status_code == 302
    assert GuardianLink.objects.count() == 3


@pytest.mark.django_db
def test_revoking_asks_first_then_the_link_is_404(school_cast: SchoolCast, today: date) -> None:
    link, token = issue(school_cast)
    class_id = school_cast.classes["a1_1"].pk
    url = f"/guardian/classes/{class_id}/links/{link.pk}/revoke/"
    client = school_cast.client("teacher_a")
    confirm = client.get(url)
    assert confirm.status_code == 200 and "無効にします" in confirm.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is None
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/guardian/classes/{class_id}/links/"
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert AuditEvent.objects.filter(action="attendance.guardian_link.revoke").count() == 1
    assert Client().get(f"/guardian/{token}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["teacher_b", "board_officer", "system_admin"])
def test_staff_outside_the_class_get_404_and_change_nothing(
    school_cast: SchoolCast, today: date, persona: str
) -> None:
    link, token = issue(school_cast)
    class_id = school_cast.classes["a1_1"].pk
    guardian_id = guardian_of(school_cast, "A1-2").pk
    before = (AuditEvent.objects.count(), GuardianLink.objects.count())
    client = school_cast.client(persona)
    for method, url in (
        ("get", f"/guardian/classes/{class_id}/links/"),
        ("post", f"/guardian/classes/{class_id}/guardians/{guardian_id}/issue/"),
        ("post", f"/guardian/classes/{class_id}/links/issue/"),
        ("get", f"/guardian/classes/{class_id}/links/{link.pk}/revoke/"),
        ("post", f"/guardian/classes/{class_id}/links/{link.pk}/revoke/"),
    ):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert (AuditEvent.objects.count(), GuardianLink.objects.count()) == before
    assert guardian.link_for_token(token) is not None


@pytest.mark.django_db
def test_a_guardian_or_link_of_another_class_is_404(school_cast: SchoolCast, today: date) -> None:
    link, _ = issue(school_cast, "A2-1")
    class_id = school_cast.classes["a1_1"].pk
    client = school_cast.client("teacher_a")
    guardian_id = guardian_of(school_cast, "A2-1").pk
    assert (
        client.post(f"/guardian/classes/{class_id}/guardians/{guardian_id}/issue/").status_code
        == 404
    )
    assert client.post(f"/guardian/classes/{class_id}/links/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert GuardianLink.objects.count() == 1


# --- A link belongs to the school that issued it (転出) ---------------------------------------


def transfer_out(sc: SchoolCast, key: str, day: date) -> None:
    from manabi.students import transfers

    transfers.transfer_record(
        actor=acting_for(sc.account("principal_a")),
        enrolment=sc.enrolments[key],
        moved_on=day,
        reason="転居",
        to_school=sc.classes["b1_1"].school,
    )


@pytest.mark.django_db
def test_a_transfer_revokes_the_schools_links_and_the_link_stops(
    school_cast: SchoolCast, today: date
) -> None:
    sc = school_cast
    link, token = issue(sc, "A1-1")
    assert link.school == sc.classes["a1_1"].school
    transfer_out(sc, "A1-1", today)
    link.refresh_from_db()
    assert link.revoked_at is not None
    event = AuditEvent.objects.get(action="attendance.guardian_link.revoke")
    assert event.details["links"] == [link.pk] and event.details["reason"] == "転出"
    response = Client().get(f"/guardian/{token}/")
    assert response.status_code == 404
    assert (
        "このリンクは使えなくなりました。学校にお問い合わせください。" in response.content.decode()
    )
    assert response["Cache-Control"] == "no-store"
    assert not AbsenceNotice.objects.exists()


@pytest.mark.django_db
def test_a_link_stops_when_the_pupil_is_no_longer_at_its_school_even_unrevoked(
    school_cast: SchoolCast, today: date
) -> None:
    """The guardian's check does not rely on the revocation: a pupil who left (here the
    enrolment ended without a 転出, as a 退学 would) takes the school's link with them."""
    from manabi.students.models import EnrolmentStatus

    sc = school_cast
    link, token = issue(sc, "A1-1")
    # The old code showed the pupil's new school and filed notices there.
    sc.enrolments["A1-1"].status = EnrolmentStatus.WITHDRAWN
    sc.enrolments["A1-1"].end_date = today - timedelta(days=1)
    sc.enrolments["A1-1"].save()
    assert guardian.link_for_token(token) is None
    response = Client().post(f"/guardian/{token}/", form_data(today))
    assert response.status_code == 404
    assert not AbsenceNotice.objects.exists()
    with pytest.raises(ValidationError):
        submit(link, today)


@pytest.mark.django_db
def test_the_new_school_sees_no_valid_link_and_the_old_one_cannot_file_there(
    school_cast: SchoolCast, today: date
) -> None:
    from manabi.students import transfers
    from manabi.students.models import Transfer

    sc = school_cast
    _, old_token = issue(sc, "A1-1")
    transfer_out(sc, "A1-1", today - timedelta(days=1))
    transfers.transfer_accept(
        actor=acting_for(sc.account("teacher_b")),
        transfer=Transfer.objects.get(),
        school_class=sc.classes["b1_1"],
        start_date=today,
    )
    # Revoked or not, the old school's link does not reach the new school.
    GuardianLink.objects.update(revoked_at=None)
    assert guardian.link_for_token(old_token) is None
    page = sc.client("teacher_b").get(f"/guardian/classes/{sc.classes['b1_1'].pk}/links/")
    rows = {p.enrolment.student.given_name: p.guardians for p in page.context["pupils"]}
    assert [row.link for row in rows["A1-1"]] == [None]
    new, new_token = guardian.link_issue(
        actor=acting_for(sc.account("teacher_b")),
        guardian=guardian_of(sc, "A1-1"),
        school=sc.classes["b1_1"].school,
    )
    assert new.school == sc.classes["b1_1"].school
    found = guardian.link_for_token(new_token)
    assert found == new and guardian.school_name_of(found) == sc.classes["b1_1"].school.name
    notice = submit(new, today)
    assert notice.school == sc.classes["b1_1"].school


@pytest.mark.django_db
def test_the_old_class_lists_and_revokes_a_former_pupils_link(
    school_cast: SchoolCast, today: date
) -> None:
    sc = school_cast
    link, _ = issue(sc, "A1-1")
    transfer_out(sc, "A1-1", today)
    GuardianLink.objects.filter(pk=link.pk).update(revoked_at=None)  # e.g. before this fix
    class_id = sc.classes["a1_1"].pk
    client = sc.client("teacher_a")
    page = client.get(f"/guardian/classes/{class_id}/links/")
    assert [p.enrolment.student.given_name for p in page.context["pupils"]] == ["A1-2", "A1-3"]
    assert page.context["former"] == [link]
    assert "転出などで在籍しなくなった" in page.content.decode()
    response = client.post(f"/guardian/classes/{class_id}/links/{link.pk}/revoke/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(f"/guardian/classes/{class_id}/links/").context["former"] == []
    # Another class of the school cannot reach it.
    other = sc.client("homeroom_a2")
    assert (
        other.get(f"/guardian/classes/{sc.classes['a1_2'].pk}/links/{link.pk}/revoke/").status_code
        == 404
    )


@pytest.mark.django_db
def test_the_backfill_gives_old_links_the_school_of_the_day_they_were_issued(
    school_cast: SchoolCast, today: date
) -> None:
    import importlib

    from django.apps import apps

    sc = school_cast
    link, _ = issue(sc, "A1-1")
    transfer_out(sc, "A1-1", today)  # the pupil has moved since
    orphan, _ = issue(sc, "A1-2")
    GuardianLink.objects.update(school=None)
    from manabi.students.models import Enrolment

    Enrolment.objects.filter(student=sc.students["A1-2"]).delete()  # no enrolment at all
    migration = importlib.import_module("manabi.attendance.migrations.0004_guardian_link_school")
    migration.fill_school(apps, None)
    link.refresh_from_db()
    orphan.refresh_from_db()
    assert link.school == sc.classes["a1_1"].school
    assert orphan.school is None
