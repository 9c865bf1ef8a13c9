"""Sign-in protection, sessions, first login, gates, roles and two-step sign-in."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from manabi.accounts import services
from manabi.accounts.models import Account, ApiToken, EmailCode, TotpDevice
from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from tests.personas import PASSWORD, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mail is sent after commit; the test transaction never commits, so send at once."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, *a, **kw: func())


def _login(client: Client, login_id: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": login_id, "password": password}).status_code


# --- lock-out ------------------------------------------------------------------------------


def test_five_failures_lock_the_login_id_even_for_the_right_password(cast: Cast) -> None:
    client = Client()
    login_id = cast.account("teacher_a").login_id
    for _ in range(4):
        assert _login(client, login_id, "wrong password!") == 200
    assert _login(client, login_id, "wrong password!") == 429
    response = client.post("/accounts/login/", {"username": login_id, "password": PASSWORD})
    assert response.status_code == 429
    assert "5回続けて失敗" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_login_ids_get_the_same_answers(cast: Cast) -> None:
    client = Client()
    known = client.post(
        "/accounts/login/", {"username": cast.account("teacher_a").login_id, "password": "x"}
    )
    unknown = client.post("/accounts/login/", {"username": "480002T99999999", "password": "x"})
    assert known.status_code == unknown.status_code == 200
    message = "ログインIDまたはパスワードが正しくありません"
    assert message in known.content.decode() and message in unknown.content.decode()
    for _ in range(4):
        _login(client, "480002T99999999", "x")
    assert _login(client, "480002T99999999", "x") == 429


def test_one_counter_for_web_and_api(cast: Cast) -> None:
    login_id = cast.account("teacher_a").login_id
    web, api = Client(), Client()
    for _ in range(3):
        _login(web, login_id, "wrong password!")
    for _ in range(2):
        api.post(
            "/api/v1/auth/token/",
            {"login_id": login_id, "password": "nope"},
            content_type="application/json",
        )
    response = api.post(
        "/api/v1/auth/token/",
        {"login_id": login_id, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_unlock_clears_the_failures(cast: Cast) -> None:
    login_id = cast.account("teacher_a").login_id
    client = Client()
    for _ in range(5):
        _login(client, login_id, "wrong password!")
    services.account_unlock(
        actor=acting_for(cast.account("system_admin")), account=cast.account("teacher_a")
    )
    assert _login(client, login_id, PASSWORD) == 302


# --- sessions ------------------------------------------------------------------------------


def test_suspension_ends_every_session_and_token_at_once(cast: Cast) -> None:
    teacher = cast.account("teacher_a")
    browser_one, browser_two = cast.client("teacher_a"), cast.client("teacher_a")
    token = services.api_token_create(account=teacher)
    assert browser_one.get("/").status_code == 200
    services.account_suspend(
        actor=acting_for(cast.account("system_admin")), account=teacher, reason="端末紛失の届出"
    )
    for browser in (browser_one, browser_two):
        response = browser.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(account=teacher).exists()
    response = Client().post(
        "/accounts/login/", {"username": teacher.login_id, "password": PASSWORD}
    )
    assert "利用が停止されています" in response.content.decode()


def test_session_ends_after_the_absolute_lifetime(cast: Cast, settings: object) -> None:
    client = cast.client("teacher_a")
    session = client.session
    session["manabi_login_at"] = time.time() - 13 * 3600
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # signed out for good


def test_idle_timeout_is_the_cookie_age(settings: object) -> None:
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == 30 * 60
    assert live.SESSION_SAVE_EVERY_REQUEST is True


def test_logout_ends_the_server_session(cast: Cast) -> None:
    client = cast.client("teacher_a")
    key = client.session.session_key
    client.post("/accounts/logout/")
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


# --- first login ---------------------------------------------------------------------------


def _issue(cast: Cast, name: str) -> str:
    admin = acting_for(cast.account("system_admin"))
    [issued] = services.initial_passwords_issue(
        actor=admin, accounts=[cast.account(name)], per_school=False
    )
    return issued.password


def test_onboarding_session_reaches_only_onboarding_pages_and_no_api(cast: Cast) -> None:
    password = _issue(cast, "teacher_a")
    client = Client()
    assert _login(client, cast.account("teacher_a").login_id, password) == 302
    for url in ("/", "/staff/", "/accounts/password/", "/orgs/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/accounts/onboarding/", url
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "onboarding_required"
    token = Client().post(
        "/api/v1/auth/token/",
        {"login_id": cast.account("teacher_a").login_id, "password": password},
        content_type="application/json",
    )
    assert token.status_code == 403
    assert token.json()["code"] == "onboarding_required"
    assert client.get("/accounts/onboarding/profile/").status_code == 200


def test_first_login_end_to_end(cast: Cast) -> None:
    teacher = cast.account("teacher_a")
    password = _issue(cast, "teacher_a")
    client = Client()
    _login(client, teacher.login_id, password)
    client.post(
        "/accounts/onboarding/profile/", {"display_name": "南 花子", "alias_name": "旧姓 花子"}
    )
    client.post("/accounts/onboarding/email/", {"email": "hanako@example.jp"})
    assert len(mail.outbox) == 1
    code = next(w for w in mail.outbox[0].body.split() if w.isdigit() and len(w) == 6)
    response = client.post("/accounts/onboarding/email/verify/", {"code": code})
    assert response["Location"] == "/accounts/onboarding/"
    response = client.post(
        "/accounts/onboarding/password/", {"password": password, "repeat": password}
    )
    assert "違うパスワード" in response.content.decode()
    new = "新しい合言葉を決めました2026"
    response = client.post("/accounts/onboarding/password/", {"password": new, "repeat": new})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    teacher.refresh_from_db()
    assert not teacher.onboarding_required
    assert teacher.email == "hanako@example.jp"
    assert teacher.staff is not None and teacher.staff.alias_name == "旧姓 花子"
    # The initial password is gone for good.
    assert _login(Client(), teacher.login_id, password) == 200
    assert _login(Client(), teacher.login_id, new) == 302


def test_email_on_file_receives_the_code(cast: Cast) -> None:
    teacher = cast.account("teacher_a")
    teacher.email = "on-file@example.jp"
    teacher.save()
    password = _issue(cast, "teacher_a")
    client = Client()
    _login(client, teacher.login_id, password)
    client.post("/accounts/onboarding/email/", {"use_on_file": "1"})
    assert mail.outbox[0].to == ["on-file@example.jp"]


def test_expired_initial_password_is_refused(cast: Cast) -> None:
    password = _issue(cast, "teacher_a")
    Account.objects.filter(pk=cast.account("teacher_a").pk).update(
        initial_password_expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().post(
        "/accounts/login/", {"username": cast.account("teacher_a").login_id, "password": password}
    )
    assert "初期パスワードの有効期限が切れています" in response.content.decode()


def test_email_codes_expire_die_after_five_tries_and_work_once(cast: Cast) -> None:
    teacher = cast.account("teacher_a")
    services.email_code_send(account=teacher, email="a@example.jp", purpose="onboarding")
    code = next(w for w in mail.outbox[-1].body.split() if w.isdigit() and len(w) == 6)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(services.AccountError, match=f"あと{left}回"):
            services.email_code_verify(
                account=teacher, email=None, purpose="onboarding", code=wrong
            )
    with pytest.raises(services.AccountError, match="使えなくなりました"):
        services.email_code_verify(account=teacher, email=None, purpose="onboarding", code=wrong)
    with pytest.raises(services.AccountError, match="有効な確認コードがありません"):
        services.email_code_verify(account=teacher, email=None, purpose="onboarding", code=code)

    services.email_code_send(account=teacher, email="a@example.jp", purpose="onboarding")
    code = next(w for w in mail.outbox[-1].body.split() if w.isdigit() and len(w) == 6)
    assert (
        services.email_code_verify(account=teacher, email=None, purpose="onboarding", code=code)
        == "a@example.jp"
    )
    with pytest.raises(services.AccountError):
        services.email_code_verify(account=teacher, email=None, purpose="onboarding", code=code)

    services.email_code_send(account=teacher, email="a@example.jp", purpose="onboarding")
    code = next(w for w in mail.outbox[-1].body.split() if w.isdigit() and len(w) == 6)
    EmailCode.objects.filter(used_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(services.AccountError, match="有効期限"):
        services.email_code_verify(account=teacher, email=None, purpose="onboarding", code=code)
    assert all(len(c.code_hmac) == 64 for c in EmailCode.objects.all())  # never stored in clear


def test_per_school_initial_passwords_share_one_password_per_school(cast: Cast) -> None:
    admin = acting_for(cast.account("system_admin"))
    accounts = [cast.account("principal_a"), cast.account("teacher_a"), cast.account("teacher_b")]
    issued = services.initial_passwords_issue(actor=admin, accounts=accounts, per_school=True)
    by_group = {c.group: set() for c in issued}
    for c in issued:
        by_group[c.group].add(c.password)
    assert by_group == {
        "みなみ小学校": by_group["みなみ小学校"],
        "きた中学校": by_group["きた中学校"],
    }
    assert len(by_group["みなみ小学校"]) == 1
    assert by_group["みなみ小学校"] != by_group["きた中学校"]
    personal = services.initial_passwords_issue(
        actor=admin, accounts=accounts[:2], per_school=False
    )
    assert personal[0].password != personal[1].password


# --- gates: MFA and password expiry ---------------------------------------------------------


def test_board_role_must_set_up_two_step_sign_in(cast: Cast) -> None:
    officer = cast.account("board_officer")
    TotpDevice.objects.filter(account=officer).delete()
    client = cast.client("board_officer")
    response = client.get("/staff/")
    assert response["Location"] == "/accounts/mfa/"
    page = client.get("/accounts/mfa/")
    secret = client.session["manabi_mfa_secret"]
    assert page.status_code == 200 and secret in page.content.decode()
    response = client.post("/accounts/mfa/", {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/"
    assert client.get("/staff/").status_code == 200


def test_two_step_sign_in_asks_for_the_code_and_refuses_replays(cast: Cast) -> None:
    officer = cast.account("board_officer")
    device = TotpDevice.objects.get(account=officer)
    client = Client()
    response = client.post("/accounts/login/", {"username": officer.login_id, "password": PASSWORD})
    assert response["Location"] == "/accounts/login/verify/"
    assert client.get("/").status_code == 302  # not signed in yet
    code = pyotp.TOTP(device.secret).now()
    assert (
        client.post(
            "/accounts/login/verify/", {"code": "000000" if code != "000000" else "111111"}
        ).status_code
        == 200
    )
    assert client.post("/accounts/login/verify/", {"code": code})["Location"] == "/"
    # The same code cannot be used again.
    other = Client()
    other.post("/accounts/login/", {"username": officer.login_id, "password": PASSWORD})
    assert other.post("/accounts/login/verify/", {"code": code}).status_code == 200


def test_tottori_policy_forces_a_change_after_six_months(cast: Cast, settings: object) -> None:
    settings.PASSWORD_POLICY = "tottori"  # type: ignore[attr-defined]
    teacher = cast.account("teacher_a")
    Account.objects.filter(pk=teacher.pk).update(
        password_changed_at=timezone.now() - timedelta(days=200)
    )
    client = cast.client("teacher_a")
    assert client.get("/")["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/", {"current": PASSWORD, "password": "abcdefgh", "repeat": "abcdefgh"}
    )
    assert "英小文字と数字" in response.content.decode()
    response = client.post(
        "/accounts/password/",
        {"current": PASSWORD, "password": "sakura2026x", "repeat": "sakura2026x"},
    )
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


# --- roles ----------------------------------------------------------------------------------


def test_switching_the_acting_role_renews_the_session_key(cast: Cast) -> None:
    client = cast.client("board_officer")
    before = client.session.session_key
    acting = acting_for(cast.account("board_officer"))
    assert acting.role == "board"
    organizer_role = next(ra for ra in acting.choices if ra.role == "organizer")
    client.post("/accounts/acting/", {"assignment": organizer_role.pk})
    assert client.session.session_key != before
    assert client.session["manabi_acting_assignment"] == organizer_role.pk
    assert client.get("/staff/").status_code == 403  # organisers have no staff list
    assert AuditEvent.objects.filter(action="auth.acting_switch").exists()


def test_cannot_switch_to_someone_elses_role(cast: Cast) -> None:
    client = cast.client("teacher_a")
    others = cast.account("principal_a").role_assignments.first()
    assert others is not None
    client.post("/accounts/acting/", {"assignment": others.pk})
    assert "manabi_acting_assignment" not in client.session


def test_tottori_reminds_before_expiry(cast: Cast, settings: object) -> None:
    settings.PASSWORD_POLICY = "tottori"  # type: ignore[attr-defined]
    teacher = cast.account("teacher_a")
    Account.objects.filter(pk=teacher.pk).update(
        password_changed_at=timezone.now() - timedelta(days=175)
    )
    page = cast.client("teacher_a").get("/").content.decode()
    assert "パスワードの有効期限は" in page
    settings.PASSWORD_POLICY = "standard"  # type: ignore[attr-defined]
    assert "パスワードの有効期限は" not in cast.client("teacher_a").get("/").content.decode()
