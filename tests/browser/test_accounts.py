"""The account flows of the first weeks of April, as people click them."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.core import mail
from playwright.sync_api import expect

from manabi.accounts import services
from manabi.accounts.models import TotpDevice
from manabi.accounts.selectors import acting_for
from tests.browser.menu import menu_link, open_from_menu
from tests.personas import PASSWORD, Cast

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page: Any, login_id: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def test_a_teacher_first_login_end_to_end(page: Any, cast: Cast) -> None:
    teacher = cast.account("teacher_a")
    [issued] = services.initial_passwords_issue(
        actor=acting_for(cast.account("system_admin")), accounts=[teacher]
    )
    _sign_in(page, teacher.login_id, issued.password)

    expect(page.get_by_role("heading", name="本人情報の確認")).to_be_visible()
    expect(page.get_by_text("10000002", exact=True)).to_be_visible()
    page.goto("/staff/")  # any other page leads back to first login
    expect(page).to_have_url(re.compile(r"/accounts/onboarding/"))
    page.get_by_role("button", name="確認して次へ").click()

    expect(page.get_by_role("heading", name="メールアドレスの登録")).to_be_visible()
    page.get_by_label("メールアドレス").fill("hanako.minami@example.jp")
    page.get_by_role("button", name="確認コードを送る").click()
    expect(page.get_by_role("status")).to_contain_text("確認コードを送りました")
    message = mail.outbox[-1]
    assert message.to == ["hanako.minami@example.jp"]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)  # type: ignore[union-attr]
    page.get_by_label("確認コード(6桁)").fill(code)
    page.get_by_role("button", name="確認する").click()

    expect(page.get_by_role("heading", name="パスワードの変更")).to_be_visible()
    page.get_by_label(re.compile(r"^新しいパスワード(必須)?$")).fill("short")
    page.get_by_label("新しいパスワード(確認)").fill("short")
    page.get_by_role("button", name="パスワードを設定して完了").click()
    expect(page.get_by_text("パスワードは12文字以上にしてください")).to_be_visible()
    page.get_by_label(re.compile(r"^新しいパスワード(必須)?$")).fill("みなみ小で学ぶ春2026")
    page.get_by_label("新しいパスワード(確認)").fill("みなみ小で学ぶ春2026")
    page.get_by_role("button", name="パスワードを設定して完了").click()

    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("初回ログインの手続きが完了しました")


def test_a_principal_sees_only_their_schools_staff(page: Any, cast: Cast) -> None:
    _sign_in(page, cast.account("principal_a").login_id, PASSWORD)
    expect(page.get_by_label("ログイン中の利用者")).to_contain_text("校長 一郎")
    open_from_menu(page, "教職員")
    table = page.get_by_role("table")
    expect(table).to_contain_text("南 花子")
    expect(table).to_contain_text("校長 一郎")
    expect(table).not_to_contain_text("北 次郎")
    page.get_by_label("氏名・ふりがな・職員番号").fill("きた")
    page.get_by_role("main").get_by_role("button", name="検索").click()
    expect(page.get_by_text("条件に合う教職員はいません。")).to_be_visible()
    page.goto(f"/staff/{cast.staff['teacher_b'].pk}/")
    expect(page.get_by_role("heading", name="ページが見つかりません")).to_be_visible()


def test_a_board_officer_signs_in_with_two_steps_and_switches_role(page: Any, cast: Cast) -> None:
    officer = cast.account("board_officer")
    secret = TotpDevice.objects.get(account=officer).secret
    _sign_in(page, officer.login_id, PASSWORD)
    expect(page.get_by_role("heading", name="二段階認証")).to_be_visible()
    page.get_by_label("認証アプリの6桁のコード").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="確認してログイン").click()

    expect(menu_link(page, "教職員")).to_have_count(1)
    page.get_by_label("操作する役割").select_option(label="研修主催者・みなみ市教育委員会")
    page.get_by_role("button", name="切り替え").click()
    expect(page.get_by_role("status")).to_contain_text(
        "研修主催者・みなみ市教育委員会 として操作します"
    )
    expect(page.get_by_label("操作する役割")).to_have_value(
        str(officer.role_assignments.get(role="organizer").pk)
    )
    expect(menu_link(page, "教職員")).to_have_count(0)
