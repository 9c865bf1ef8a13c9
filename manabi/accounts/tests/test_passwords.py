from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from manabi.accounts.passwords import (
    POLICIES,
    generate_initial_password,
    password_expired,
    password_expiry_reminder,
    password_problems,
)

STANDARD = POLICIES["standard"]
TOTTORI = POLICIES["tottori"]


@pytest.mark.parametrize(
    "password", ["correct horse battery", "さくらが咲く四月の朝に会おう", "a long passphrase!!"]
)
def test_standard_accepts_long_passwords_of_any_kind(password: str) -> None:
    assert password_problems(password, policy=STANDARD) == []


def test_standard_refuses_short_common_and_personal_passwords() -> None:
    assert "12文字以上" in password_problems("short", policy=STANDARD)[0]
    assert any("よく使われて" in p for p in password_problems("password1234", policy=STANDARD))
    personal = ("480002T10000002", "南 花子", "10000002")
    assert any(
        "職員番号" in p
        for p in password_problems("xx10000002yyzz", policy=STANDARD, personal=personal)
    )
    assert any(
        "氏名" in p
        for p in password_problems(
            "みなみはなこですよろしく", policy=STANDARD, personal=("みなみ はなこ",)
        )
    )


def test_tottori_needs_lowercase_and_digits() -> None:
    assert password_problems("sakura26", policy=TOTTORI) == []
    assert "英小文字と数字" in password_problems("sakurasakura", policy=TOTTORI)[0]
    assert "8文字以上" in password_problems("ab12", policy=TOTTORI)[0]


def test_tottori_expires_after_six_months_with_a_reminder() -> None:
    changed = datetime(2026, 1, 1, tzinfo=UTC)
    assert not password_expired(changed, changed + timedelta(days=150), TOTTORI)
    assert password_expiry_reminder(changed, changed + timedelta(days=175), TOTTORI)
    assert password_expired(changed, changed + timedelta(days=184), TOTTORI)
    assert not password_expired(changed, changed + timedelta(days=3650), STANDARD)


def test_initial_passwords_are_random_and_readable() -> None:
    seen = {generate_initial_password() for _ in range(200)}
    assert len(seen) == 200
    for password in seen:
        assert len(password) == 14 and password.count("-") == 2
        assert not set(password) & set("0O1lI")
