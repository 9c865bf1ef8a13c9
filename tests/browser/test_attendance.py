"""The attendance book in a real browser, as its users click it (issue #11's done-when):

a guardian reports an absence from a phone-sized page; the homeroom teacher sees it on the
grid, accepts it, marks a 遅刻 with the keyboard, marks the rest of the day with one action
and closes the month; the principal locks it; an edit afterwards is refused until an unlock
with a reason; the guardian sees that the school entered it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from manabi.accounts.selectors import acting_for
from manabi.attendance import guardian
from manabi.attendance.models import AbsenceNotice, CalendarDay, Mark, MonthLock, RollCall
from manabi.core.models import AuditEvent
from tests.browser.a11y import assert_accessible
from tests.browser.menu import open_from_menu
from tests.personas import Cast
from tests.school_personas import SchoolCast, build_school_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, cast: Cast, persona: str) -> None:
    page.context.clear_cookies()
    page.goto("/healthz")
    cookie = cast.client(persona).cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": page.url}])


@pytest.fixture
def sc(cast: Cast) -> SchoolCast:
    built = build_school_cast(cast)
    today = timezone.localdate()
    # Today is a 授業日 whatever day the suite runs (土曜授業 on a weekend).
    CalendarDay.objects.update_or_create(
        school=cast.orgs["school_a"], date=today, defaults={"is_school_day": True}
    )
    return built


def test_a_day_from_the_guardians_notice_to_the_locked_month(
    page: Any, browser: Any, sc: SchoolCast, live_server: Any
) -> None:
    from playwright.sync_api import expect

    today = timezone.localdate()
    pupil = sc.students["A1-2"]
    _, token = guardian.link_issue(
        actor=acting_for(sc.account("teacher_a")), guardian=pupil.guardians.get()
    )

    # The guardian, on a phone, reports 欠席 (病気, 38.2℃) for today.
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, locale="ja-JP"
    )
    mobile = phone.new_page()
    mobile.goto(f"/guardian/{token}/")
    expect(mobile.get_by_role("heading", name="欠席・遅刻・早退の連絡")).to_be_visible()
    mobile.get_by_label("欠席 (休みます)").check()
    mobile.get_by_label("理由").select_option(label="病気・体調不良")
    mobile.get_by_label("体温 (℃)").fill("38.2")
    mobile.get_by_label("症状・詳細").fill("発熱")
    mobile.get_by_role("button", name="学校に送信する").click()
    expect(mobile.locator(".guardian-status").first).to_have_text("受付済み")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(mobile)

    # The homeroom teacher opens the class's book from the menu and sees the proposal.
    _sign_in(page, sc.cast, "teacher_a")
    page.goto("/")
    open_from_menu(page, "出席簿")
    page.get_by_role("link", name="1年1組: 月の出席簿").click()
    expect(page.get_by_role("heading", name=re.compile("出席簿 1年1組"))).to_be_visible()
    notices = page.locator(".att-notices")
    expect(notices).to_contain_text("伊藤")
    expect(notices).to_contain_text("38.2")
    assert_accessible(page)
    notices.get_by_role("button", name="出席簿に反映").click()
    expect(page.locator(".messages")).to_contain_text("出席簿に反映しました")
    cell = page.locator(f'button.att-btn[data-student="{pupil.pk}"][data-date="{today:%Y-%m-%d}"]')
    expect(cell).to_have_text("／")

    # A 遅刻 for A1-3 with the keyboard: focus the day, press 3 (no page reload).
    late = sc.students["A1-3"]
    late_cell = page.locator(
        f'button.att-btn[data-student="{late.pk}"][data-date="{today:%Y-%m-%d}"]'
    )
    page.evaluate("window.__stay = true")
    late_cell.focus()
    page.keyboard.press("3")
    expect(late_cell).to_have_text("遅")
    expect(page.locator("#att-status")).to_contain_text("遅刻")
    assert page.evaluate("window.__stay") is True
    # Arrow keys move to the next pupil's same day.
    page.keyboard.press("ArrowUp")
    focused = page.evaluate("document.activeElement.dataset.student")
    assert focused == str(pupil.pk)
    assert Mark.objects.get(student=late, date=today).late

    # The rest of the day with one action, in the day view.
    page.get_by_role("link", name="1日ずつ入力 (スマートフォン)").click()
    page.get_by_role("button", name="残りは全員出席で確定").click()
    expect(page.locator(".messages")).to_contain_text("出欠を確定しました")
    assert RollCall.objects.filter(school_class=sc.classes["a1_1"], date=today).exists()

    # The teacher closes the month (after a confirmation).
    page.get_by_role("link", name="月の一覧").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"{today.month}月を締める").click()
    expect(page.locator("h1 .badge")).to_have_text("締め済み")
    expect(page.get_by_role("button", name="ロックする")).to_have_count(0)

    # The principal locks it.
    _sign_in(page, sc.cast, "principal_a")
    page.goto(f"/attendance/classes/{sc.classes['a1_1'].pk}/?month={today:%Y-%m}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="ロックする").click()
    expect(page.locator("h1 .badge")).to_have_text("ロック済み")
    assert MonthLock.objects.get().content_sha256

    # An edit afterwards is refused: the cells are closed, and a direct request changes nothing.
    _sign_in(page, sc.cast, "teacher_a")
    page.goto(f"/attendance/classes/{sc.classes['a1_1'].pk}/?month={today:%Y-%m}")
    expect(page.locator(".banner")).to_contain_text("ロック解除")
    expect(late_cell).to_be_disabled()
    before = Mark.objects.count()
    refused = sc.cast.client("teacher_a").post(
        f"/attendance/classes/{sc.classes['a1_1'].pk}/quick/",
        {"student": late.pk, "date": today.isoformat(), "pen": "present"},
        HTTP_HX_REQUEST="true",
    )
    assert "ロックされています" in refused.content.decode()
    assert Mark.objects.count() == before

    # Until the principal unlocks it with a reason (an empty reason is refused).
    _sign_in(page, sc.cast, "principal_a")
    page.goto(f"/attendance/classes/{sc.classes['a1_1'].pk}/?month={today:%Y-%m}")
    page.get_by_role("link", name="ロックを解除する…").click()
    page.get_by_role("button", name="ロックを解除する").click()
    # The reason is required: the browser asks for it and nothing is sent.
    assert page.locator("textarea[name=reason]:invalid").count() == 1
    assert MonthLock.objects.get().state == "locked"
    page.get_by_label("解除の理由").fill("遅刻の時刻の訂正 (保護者からの申出)")
    page.get_by_role("button", name="ロックを解除する").click()
    expect(page.locator("h1 .badge")).to_have_text("入力中")
    expect(page.locator(".att-lock")).to_contain_text("遅刻の時刻の訂正")
    assert AuditEvent.objects.filter(action="attendance.month.unlock").exists()

    # Now the teacher's edit goes through.
    _sign_in(page, sc.cast, "teacher_a")
    page.goto(f"/attendance/classes/{sc.classes['a1_1'].pk}/?month={today:%Y-%m}")
    late_cell.focus()
    page.keyboard.press("0")
    expect(late_cell).to_have_text("")
    assert not Mark.objects.filter(student=late, date=today).exists()

    # The guardian sees that the school entered it.
    mobile.reload()
    expect(mobile.locator(".guardian-status").first).to_have_text("出席簿に反映")
    assert AbsenceNotice.objects.get().status == "accepted"
    phone.close()


def test_the_detail_form_opens_in_a_dialog_and_records_a_suspension(
    page: Any, sc: SchoolCast, live_server: Any
) -> None:
    from playwright.sync_api import expect

    today = timezone.localdate()
    pupil = sc.students["A1-1"]
    _sign_in(page, sc.cast, "teacher_a")
    page.goto(f"/attendance/classes/{sc.classes['a1_1'].pk}/?month={today:%Y-%m}")
    page.get_by_label("詳細を入力").check()
    cell = page.locator(f'button.att-btn[data-student="{pupil.pk}"][data-date="{today:%Y-%m-%d}"]')
    cell.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("出欠").select_option(label="出席停止")
    dialog.get_by_role("button", name="記録する").click()
    # Missing 詳細: the error shows in the dialog, nothing is written.
    expect(dialog.locator(".field-error")).to_contain_text("出席停止の理由")
    assert not Mark.objects.exists()
    dialog.get_by_label("詳細").fill("インフルエンザ")
    dialog.get_by_role("button", name="記録する").click()
    expect(dialog).to_be_hidden()
    expect(cell).to_have_text("停")
    assert Mark.objects.get(student=pupil, date=today).detail == "インフルエンザ"
    assert_accessible(page)
