"""Trainings (研修) as people click them: the whole life of one application.

A teacher of みなみ小学校 (a municipal school) finds a programme of the education centre and
applies; the principal approves; the board of みなみ市 approves (signing in with two steps);
the organiser accepts her, records attendance and completion; she answers the survey and
finds the training in her history. At a prefectural high school the route has no municipal
step, and a principal rejects an application with a reason the teacher then reads.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from manabi.accounts.models import TotpDevice
from manabi.accounts.roles import Role
from manabi.people.choices import JobTitle
from manabi.records.models import HistoryRecord
from manabi.training.choices import QuestionKind
from manabi.training.models import Application
from manabi.training.services import participation
from manabi.training.states import ApplicationStatus
from manabi.training.tests.factories import organizer, person_at, prefectural_school, programme
from tests.browser.menu import open_from_menu
from tests.browser.session import sign_in, sign_out
from tests.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "道徳科の授業づくり ― 考え、議論する道徳"


def _menu(page: Any, name: str) -> None:
    open_from_menu(page, name)


def _status(page: Any) -> Any:
    return page.locator("#application-status")


def test_a_municipal_teachers_application_from_search_to_history(page: Any, cast: Cast) -> None:
    made = programme(cast, title=TITLE, capacity=30)
    participation.question_add(
        actor=organizer(cast),
        programme=made,
        kind=QuestionKind.SCALE,
        text="研修の内容は今後の実践に役立つと思いますか。",
    )
    page.on("dialog", lambda dialog: dialog.accept())

    # The teacher finds the programme with a two-character word and applies.
    sign_in(page, cast.account("teacher_a").login_id)
    _menu(page, "研修を探す")
    search = page.get_by_role("search", name="研修の検索")
    search.get_by_label("キーワード").fill("道徳")
    search.get_by_role("button", name="検索").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=re.compile("道徳科の授業づくり"))).to_be_visible()
    page.get_by_role("link", name="申し込む").click()
    page.get_by_label("申込の理由・連絡事項").fill("道徳の授業で発問を工夫したいため。")
    page.get_by_role("button", name="申し込む").click()
    expect(page.get_by_role("status")).to_contain_text("受講申込を受け付けました")
    expect(_status(page)).to_have_text("承認待ち")
    route = page.get_by_role("list", name="承認ルート")
    expect(route).to_contain_text("みなみ小学校(学校管理職)")
    expect(route).to_contain_text("みなみ市教育委員会(教育委員会)")
    sign_out(page)

    # The principal approves from the queue.
    sign_in(page, cast.account("principal_a").login_id)
    _menu(page, "承認・決定待ち")
    queue = page.get_by_role("table", name="承認待ちの受講申込")
    expect(queue).to_contain_text(TITLE)
    queue.get_by_role("link", name="南 花子").click()
    page.get_by_label("コメント(任意)").fill("学年で共有してください。")
    page.get_by_role("button", name="承認する").click()
    expect(page.get_by_role("status")).to_contain_text("南 花子 さんの申込を承認しました")
    sign_out(page)

    # The board of みなみ市 approves in bulk (two-step sign-in).
    officer = cast.account("board_officer")
    sign_in(page, officer.login_id, totp_secret=TotpDevice.objects.get(account=officer).secret)
    _menu(page, "承認・決定待ち")
    page.get_by_label("南 花子 の申込を選ぶ").check()
    page.get_by_role("button", name="選んだ申込を一括承認").click()
    expect(page.get_by_role("status")).to_contain_text("承認 1 件")
    sign_out(page)

    # The organiser accepts her, records attendance and judges completion.
    # What waits for the organiser's decision is in their queue, with the programme's list.
    sign_in(page, cast.account("organizer").login_id)
    _menu(page, "承認・決定待ち")
    deciding = page.get_by_role("table", name="受講決定待ちの受講申込")
    expect(deciding).to_contain_text("南 花子")
    deciding.get_by_role("link", name=TITLE).click()
    tabs = page.get_by_role("navigation", name="研修の管理")
    page.get_by_role("button", name="受講決定", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("南 花子 さんを「受講決定」にしました")
    tabs.get_by_role("link", name="出欠").click()
    page.get_by_label("南 花子 の出欠").select_option(label="出席")
    page.get_by_role("button", name="出欠を保存する").click()
    expect(page.get_by_role("status")).to_contain_text("出欠を保存しました(1 人を変更)")
    tabs.get_by_role("link", name="修了").click()
    page.get_by_role("button", name="修了を判定する").click()
    expect(page.get_by_role("status")).to_contain_text("修了 1 人")
    expect(page.get_by_role("table", name="受講者ごとの出欠と判定")).to_contain_text("修了")
    sign_out(page)

    # The teacher answers the survey and finds the training in her history.
    sign_in(page, cast.account("teacher_a").login_id)
    _menu(page, "お知らせ")
    expect(page.get_by_text(f"修了しました: {TITLE}")).to_be_visible()
    _menu(page, "受講申込")
    page.get_by_role("link", name=TITLE).click()
    expect(_status(page)).to_have_text("修了")
    page.get_by_role("link", name="アンケートに回答する").click()
    page.get_by_label("5 とてもそう思う").check()
    page.get_by_role("button", name="回答する").click()
    expect(page.get_by_role("status")).to_contain_text("アンケートに回答しました")
    _menu(page, "自分の研修履歴")
    expect(page.get_by_text(TITLE)).to_be_visible()

    record = HistoryRecord.objects.get(staff=cast.staff["teacher_a"], title=TITLE)
    assert record.programme_number == made.number
    assert record.source_ref == f"training:{Application.objects.get().pk}"


def test_a_prefectural_school_has_no_municipal_step_and_a_rejection_gives_a_reason(
    page: Any, cast: Cast
) -> None:
    made = programme(cast, title="高等学校 探究的な学びの授業づくり")
    high = prefectural_school(cast)
    person_at(high, number="20000501", name="県立 一子")
    person_at(high, number="20000502", name="県立 二郎")
    person_at(
        high,
        number="20000509",
        name="県立 校長",
        role=Role.SCHOOL_ADMIN,
        job_title=JobTitle.PRINCIPAL,
    )
    page.on("dialog", lambda dialog: dialog.accept())

    for login_id in ("480002T20000501", "480002T20000502"):
        sign_in(page, login_id)
        page.goto(f"/trainings/{made.pk}/")
        page.get_by_role("link", name="申し込む").click()
        page.get_by_role("button", name="申し込む").click()
        route = page.get_by_role("list", name="承認ルート")
        expect(route).to_contain_text("県立みらい高等学校(学校管理職)")
        expect(route).not_to_contain_text("教育委員会")
        sign_out(page)

    sign_in(page, "480002T20000509")
    _menu(page, "承認・決定待ち")
    queue = page.get_by_role("table", name="承認待ちの受講申込")
    queue.get_by_role("link", name="県立 一子").click()
    page.get_by_role("button", name="承認する").click()
    expect(page.get_by_role("status")).to_contain_text("県立 一子 さんの申込を承認しました")
    queue.get_by_role("link", name="県立 二郎").click()
    # Rejecting without a reason is not possible (the field is required).
    page.get_by_role("button", name="否決する").click()
    expect(_status(page)).to_have_text("承認待ち")
    page.get_by_label("否決・差し戻しの理由").fill("同じ日に校内の研究授業があるため。")
    page.get_by_role("button", name="否決する").click()
    expect(page.get_by_role("status")).to_contain_text("県立 二郎 さんの申込を否決しました")
    sign_out(page)

    first = Application.objects.get(staff__staff_number="20000501")
    assert first.status == ApplicationStatus.AWAITING_DECISION
    assert first.steps.count() == 1

    sign_in(page, "480002T20000502")
    _menu(page, "受講申込")
    page.get_by_role("link", name="高等学校 探究的な学びの授業づくり").click()
    expect(_status(page)).to_have_text("否決")
    expect(page.get_by_text("同じ日に校内の研究授業があるため。").first).to_be_visible()
    _menu(page, "お知らせ")
    expect(page.get_by_text("否決されました: 高等学校 探究的な学びの授業づくり")).to_be_visible()
