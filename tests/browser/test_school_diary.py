"""The 学校日誌 in a real browser (issue #13 item 4):

a teacher opens 学校日誌 from the menu, writes today's page (天気・行事・来校者・教職員の出張・
記事), saves and submits it; the principal opens the month, sees the day waiting, approves it
after ticking the confirmation, and the page is locked: the form is disabled for the teacher.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from manabi.core.models import AuditEvent
from manabi.school_diary.models import DiaryDay, DiaryState
from manabi.school_diary.tests.conftest import DiaryWorld, build_diary_world
from tests.browser.a11y import assert_accessible
from tests.browser.menu import open_from_menu
from tests.personas import Cast
from tests.school_personas import build_school_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, cast: Cast, persona: str) -> None:
    page.context.clear_cookies()
    page.goto("/healthz")
    cookie = cast.client(persona).cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": page.url}])


@pytest.fixture
def world(cast: Cast) -> DiaryWorld:
    return build_diary_world(build_school_cast(cast))


def test_write_submit_approve_lock(page: Any, world: DiaryWorld, live_server: Any) -> None:
    from playwright.sync_api import expect

    w = world
    today = timezone.localdate()
    _sign_in(page, w.sc.cast, "teacher_a")
    page.goto("/")
    open_from_menu(page, "学校日誌")
    expect(page.get_by_role("heading", name=re.compile("学校日誌"))).to_be_visible()
    page.get_by_role("link", name="今日の学校日誌").click()
    expect(page.locator("#diary-state")).to_contain_text("未記入")
    page.get_by_label("天気").fill("晴れのち曇り")
    page.get_by_label("行事").fill("避難訓練 (2校時)")
    page.get_by_label("来校者1 氏名").fill("山田 太郎")
    page.get_by_label("来校者1 所属").fill("みなみ市消防署")
    page.get_by_label("来校者1 用件").fill("避難訓練の講評")
    page.get_by_label("出張・休暇1 教職員").select_option(label="東 一美")
    page.get_by_label("出張・休暇1 種別").select_option(label="出張")
    page.get_by_label("出張・休暇1 備考").fill("午後 教育センター")
    page.get_by_label("記事").fill("特記事項なし。")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".message--success")).to_contain_text("学校日誌を保存しました")
    expect(page.locator("#diary-state")).to_contain_text("記入中")
    assert_accessible(page)
    page.get_by_role("button", name="提出する").click()
    expect(page.locator(".message--success")).to_contain_text("提出しました")
    expect(page.locator("#diary-state")).to_contain_text("提出済")

    # The principal sees the day waiting in the month and approves it.
    _sign_in(page, w.sc.cast, "principal_a")
    page.goto("/")
    open_from_menu(page, "学校日誌")
    expect(page.get_by_role("status")).to_contain_text("承認を待っている日が1日")
    page.get_by_role("link", name=f"{today.month}月{today.day}日 提出済").click()
    expect(page.get_by_label("来校者1 氏名")).to_have_value("山田 太郎")
    page.get_by_role("button", name="承認する").click()
    expect(page.get_by_role("alert")).to_contain_text("チェックを入れてから承認")
    assert DiaryDay.objects.get().state == DiaryState.SUBMITTED
    page.get_by_label(re.compile("内容を確認しました")).check()
    page.get_by_role("button", name="承認する").click()
    expect(page.locator(".message--success")).to_contain_text("ロックされました")
    expect(page.locator("#diary-state")).to_contain_text("承認済")
    assert DiaryDay.objects.get().state == DiaryState.APPROVED

    # Locked: the teacher's form is disabled and offers no save.
    _sign_in(page, w.sc.cast, "teacher_a")
    page.goto(f"/school-diary/days/{today.isoformat()}/")
    expect(page.get_by_role("status")).to_contain_text("ロックされているため変更できません")
    expect(page.get_by_label("天気")).to_be_disabled()
    expect(page.get_by_role("button", name="保存する")).to_have_count(0)
    expect(page.get_by_role("button", name="提出する")).to_have_count(0)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "school_diary.day.save",
        "school_diary.day.submit",
        "school_diary.day.approve",
    } <= actions
