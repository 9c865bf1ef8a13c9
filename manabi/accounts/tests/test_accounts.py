from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from manabi.accounts.models import Account, normalize_login_id
from manabi.accounts.selectors import acting_for
from manabi.accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory
from manabi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１２０００６Ｔ２０２４９９９９", "120006T20249999"),
        (" 120006T20249999 ", "120006T20249999"),
        ("ｔｅａｃｈｅｒ－01", "teacher-01"),
    ],
)
def test_login_ids_typed_in_full_width_are_normalised(typed: str, stored: str) -> None:
    assert normalize_login_id(typed) == stored


def test_invalid_login_id_is_refused_with_a_japanese_message() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Account.objects.create_user("山田", DEFAULT_PASSWORD, display_name="山田")
    assert "半角英数字" in str(excinfo.value)
    assert not Account.objects.exists()


def test_passwords_are_hashed_with_argon2(settings: object) -> None:
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    ]
    account = AccountFactory()
    assert account.password.startswith("argon2")
    assert account.check_password(DEFAULT_PASSWORD)


def test_failed_login_is_audited_without_the_password(client: Client) -> None:
    account = AccountFactory()
    response = client.post(
        "/accounts/login/", {"username": account.login_id, "password": "not-the-password"}
    )
    assert response.status_code == 200
    assert "ログインIDまたはパスワードが正しくありません" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.details == {"login_id": account.login_id}
    assert "not-the-password" not in str(event.details)
    assert "_auth_user_id" not in client.session


def test_inactive_account_cannot_sign_in(client: Client) -> None:
    account = AccountFactory(is_active=False)
    response = client.post(
        "/accounts/login/", {"username": account.login_id, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_logout_round_trip_is_audited(client: Client) -> None:
    account = AccountFactory()
    response = client.post(
        "/accounts/login/",
        {"username": account.login_id, "password": DEFAULT_PASSWORD, "next": "/healthz"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/healthz"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["auth.login", "auth.logout"]


def test_login_refuses_redirects_to_other_sites(client: Client) -> None:
    account = AccountFactory()
    response = client.post(
        "/accounts/login/",
        {
            "username": account.login_id,
            "password": DEFAULT_PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_acting_role_of_accounts() -> None:
    admin = AccountFactory(is_superuser=True, is_staff=True)
    plain = AccountFactory()
    assert acting_for(admin).role_label == "システム管理者"
    assert acting_for(plain).role is None
    assert acting_for(plain).role_label == "役割なし"
    admin.is_active = False
    assert acting_for(admin).role is None
