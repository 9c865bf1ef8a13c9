"""The home page's to-do cards (issue #14): per role, counted by the lists' own selectors,
linking to the filtered lists, with an empty state that says nothing waits."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from manabi.accounts.selectors import acting_for
from manabi.core import home
from manabi.records.choices import RecordStatus
from manabi.records.tests.factories import HistoryRecordFactory
from manabi.training import selectors
from manabi.training.services import applications as services
from manabi.training.tests.factories import programme
from tests.personas import PERSONAS, Cast

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


def _cards(response: Any) -> dict[str, tuple[int, str, str]]:
    """Card key → (count shown, link, text) as the page renders them."""
    html = response.content.decode()
    found = re.findall(
        r'data-card="([^"]+)">\s*<a class="home-card__link" href="([^"]+)">.*?'
        r'home-card__count" aria-hidden="true">(\d+)</span>\s*'
        r'<span class="home-card__text">([^<]*)</span>',
        html,
        re.S,
    )
    return {key: (int(count), url.replace("&amp;", "&"), text) for key, url, count, text in found}


def test_a_teachers_cards_count_what_the_lists_show(cast: Cast) -> None:
    teacher = acting_for(cast.account("teacher_a"))
    principal = acting_for(cast.account("principal_a"))
    made = programme(cast)
    application = services.application_submit(actor=teacher, programme=made)
    services.application_send_back(actor=principal, application=application, reason="日程を確認")
    assert cast.account("teacher_a").staff_id is not None
    HistoryRecordFactory(staff_id=cast.account("teacher_a").staff_id, status=RecordStatus.RETURNED)

    client = cast.client("teacher_a")
    cards = _cards(client.get("/"))
    count, url, text = cards["training.returned"]
    assert count == 1 == selectors.my_applications_in(teacher, "returned").count()
    assert "1件の申込が差し戻されています" in text
    listed = client.get(url)
    assert made.title in listed.content.decode()
    assert "「差し戻し」の申込だけを表示しています" in listed.content.decode()
    assert cards["records.returned"][0] == 1
    assert cards["training.pending"][0] == 0
    # The principal's queue is empty again (sent back), and says so.
    p_cards = _cards(cast.client("principal_a").get("/"))
    assert p_cards["training.approvals"] == (
        0,
        "/trainings/approvals/",
        "承認を待つ申込はありません。",
    )
    assert selectors.approval_queue(principal).count() == 0


def test_a_principal_sees_an_application_waiting_and_opens_the_queue(cast: Cast) -> None:
    teacher = acting_for(cast.account("teacher_a"))
    made = programme(cast)
    services.application_submit(actor=teacher, programme=made)
    client = cast.client("principal_a")
    cards = _cards(client.get("/"))
    count, url, text = cards["training.approvals"]
    assert count == 1 and "1件の申込があなたの承認を待っています" in text
    assert made.title in client.get(url).content.decode()
    keys = list(cards)
    assert keys.index("training.approvals") < keys.index("training.decisions")  # waiting first
    assert "records.review" in cards and "accounts.onboarding" in cards


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_card_shows_its_selectors_count(cast: Cast, persona: str) -> None:
    response = cast.client(persona).get("/", follow=True)
    if response.redirect_chain:
        pytest.skip(f"{persona} is sent to {response.redirect_chain[-1][0]} first")
    acting = response.context["acting"]
    shown = _cards(response)
    expected = {
        card.key: home.measure(card, acting)[0]
        for card in home.registered()
        if acting.role in card.roles
    }
    assert {key: value[0] for key, value in shown.items()} == expected
    part = cast.client(persona).get("/home/cards/")
    assert {key: value[0] for key, value in _cards(part).items()} == expected
    assert 'hx-trigger="every 60s"' in part.content.decode()


def test_this_week_counts_accepted_trainings_with_a_session_this_week(cast: Cast) -> None:
    teacher = acting_for(cast.account("teacher_a"))
    made = programme(cast)  # sessions on 1 August of the fiscal year
    application = services.application_submit(actor=teacher, programme=made)
    application.status = "accepted"
    application.save(update_fields=["status"])
    session_day = made.sessions.get().date
    assert selectors.trainings_this_week(teacher, on=session_day).count() == 1
    assert selectors.trainings_this_week(teacher, on=date(session_day.year, 9, 15)).count() == 0
    assert selectors.week_of(date(2026, 12, 9)) == (date(2026, 12, 7), date(2026, 12, 13))


def test_an_unknown_status_filter_is_ignored_with_a_warning(cast: Cast) -> None:
    response = cast.client("teacher_a").get("/trainings/applications/?status=nonsense")
    assert response.status_code == 200
    assert any("状態の指定「nonsense」は使えない" in str(m) for m in response.context["messages"])


def test_the_survey_card_shows_the_deadline_and_schools_behind(cast: Cast) -> None:
    from manabi.eligibility.tests.authz import survey

    opened = survey(cast)
    cards = _cards(cast.client("principal_a").get("/"))
    count, url, text = cards["eligibility.school"]
    assert (count, url) == (1, "/eligibility/")
    assert "まだ提出されていません" in text and "提出期限 " in text
    board = _cards(cast.client("board_officer").get("/"))["eligibility.board"]
    expected = opened.submissions.filter(school__path__startswith=cast.orgs["board_m"].path)
    assert board[0] == expected.count() >= 1
    assert f"管轄の{board[0]}校" in board[2]


def test_an_organisers_attendance_and_completion_cards(cast: Cast) -> None:
    from manabi.training.choices import AttendanceStatus
    from manabi.training.services.participation import attendance_record
    from manabi.training.tests.factories import organizer

    teacher = acting_for(cast.account("teacher_a"))
    made = programme(cast, sessions=2)
    application = services.application_submit(actor=teacher, programme=made)
    application.status = "accepted"
    application.save(update_fields=["status"])
    first, second = made.sessions.order_by("date")
    actor = organizer(cast)
    between = second.date  # the first session held, the second today
    after = second.date + timedelta(days=1)
    assert selectors.sessions_awaiting_attendance(actor, on=between).count() == 2
    attendance_record(actor=actor, session=first, marks={application.pk: AttendanceStatus.PRESENT})
    assert list(selectors.sessions_awaiting_attendance(actor, on=between)) == [second]
    assert selectors.programmes_awaiting_completion(actor, on=between).count() == 0
    assert list(selectors.programmes_awaiting_completion(actor, on=after)) == [made]
    # A teacher manages nothing: no such cards and empty selectors.
    assert selectors.sessions_awaiting_attendance(teacher, on=after).count() == 0
    teacher_cards = _cards(cast.client("teacher_a").get("/"))
    assert "training.attendance" not in teacher_cards


def test_dialogue_and_first_login_cards_of_a_principal(cast: Cast) -> None:
    from manabi.accounts.selectors import onboarding_progress
    from manabi.dialogue.selectors import staff_without_dialogue

    principal = acting_for(cast.account("principal_a"))
    empty = _cards(cast.client("principal_a").get("/"))["accounts.onboarding"]
    assert empty[2] == "初回ログインを終えていない教職員はいません。"
    teacher = cast.account("teacher_a")
    teacher.onboarding_required = True
    teacher.save(update_fields=["onboarding_required"])
    cards = _cards(cast.client("principal_a").get("/"))
    people = staff_without_dialogue(principal)
    assert cast.account("principal_a").staff_id not in {s.pk for s in people}
    assert cards["dialogue.due"][0] == people.count()
    count, url, text = cards["accounts.onboarding"]
    assert url == "/accounts/progress/"
    assert count == sum(row.pending for row in onboarding_progress(principal))
    assert count == 1
    assert f"{count}人の教職員が初回ログインを終えていません(所属 1か所)" in text


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a", "board_officer", "organizer"])
def test_each_card_counts_in_one_query(
    cast: Cast, persona: str, django_assert_max_num_queries: Any
) -> None:
    from manabi.eligibility.tests.authz import survey

    survey(cast)
    acting = acting_for(cast.account(persona))
    for card in home.registered():
        if acting.role not in card.roles:
            continue
        # 初回ログイン未完了 reads the progress page's three queries (organisations, counts,
        # deadlines), so that the card and the page never disagree; the survey's visibility
        # first finds the prefecture a board belongs to.
        most = {"accounts.onboarding": 3, "eligibility.board": 2}.get(card.key, 1)
        with django_assert_max_num_queries(most):
            home.measure(card, acting)
