"""Password policy profiles (パスワードの基準), chosen per deployment.

- ``standard``: at least 12 characters of any kind (spaces and Japanese included), no
  composition rules and no forced expiry (NIST SP 800-63B); refuses common passwords and the
  person's own login ID, name or staff number.
- ``tottori``: seed 001 第11条: at least 8 characters mixing lowercase letters and digits,
  changed at least every 6 months, with a reminder before it expires.

The rules are pure functions; :class:`PolicyValidator` plugs them into Django.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

from manabi.core.kana import search_key


@dataclass(frozen=True)
class Policy:
    name: str
    min_length: int
    require_lowercase_and_digit: bool
    max_age: timedelta | None
    remind_before: timedelta | None
    description: str


POLICIES = {
    "standard": Policy(
        name="standard",
        min_length=12,
        require_lowercase_and_digit=False,
        max_age=None,
        remind_before=None,
        description="12文字以上。文字の種類は自由です(日本語や空白も使えます)。",
    ),
    "tottori": Policy(
        name="tottori",
        min_length=8,
        require_lowercase_and_digit=True,
        max_age=timedelta(days=183),
        remind_before=timedelta(days=14),
        description="8文字以上で、英小文字と数字を両方含めてください。6か月ごとに変更が必要です。",
    ),
}


def current_policy() -> Policy:
    return POLICIES[settings.PASSWORD_POLICY]


_common = CommonPasswordValidator()


def password_problems(
    password: str,
    *,
    policy: Policy,
    personal: tuple[str, ...] = (),
) -> list[str]:
    """What is wrong with ``password`` under ``policy`` (empty when it is acceptable)."""
    problems = []
    length = len(unicodedata.normalize("NFC", password))
    if length < policy.min_length:
        problems.append(
            f"パスワードは{policy.min_length}文字以上にしてください(今は{length}文字です)。"
        )
    if policy.require_lowercase_and_digit and not (
        any("a" <= c <= "z" for c in password) and any(c.isdigit() for c in password)
    ):
        problems.append("パスワードには英小文字と数字を両方含めてください。")
    if password.lower().strip() in _common.passwords:
        problems.append("よく使われているパスワードは使えません。")
    key = search_key(password).replace(" ", "")
    for value in personal:
        own = search_key(value).replace(" ", "")
        if len(own) >= 3 and own in key:
            problems.append("ログインID・氏名・職員番号を含むパスワードは使えません。")
            break
    return problems


def personal_values(user: Any) -> tuple[str, ...]:
    values = [getattr(user, "login_id", ""), getattr(user, "display_name", "")]
    staff = getattr(user, "staff", None) if getattr(user, "staff_id", None) else None
    if staff is not None:
        values += [staff.staff_number, staff.name, staff.kana]
        values += staff.name.split()
    return tuple(v for v in values if v)


class PolicyValidator:
    """Django password validator applying the deployment's policy."""

    def validate(self, password: str, user: Any = None) -> None:
        problems = password_problems(
            password, policy=current_policy(), personal=personal_values(user) if user else ()
        )
        if problems:
            raise ValidationError([ValidationError(p, code="password_policy") for p in problems])

    def get_help_text(self) -> str:
        return current_policy().description


def password_expires_at(changed_at: datetime | None, policy: Policy) -> datetime | None:
    if policy.max_age is None or changed_at is None:
        return None
    return changed_at + policy.max_age


def password_expired(changed_at: datetime | None, now: datetime, policy: Policy) -> bool:
    expires = password_expires_at(changed_at, policy)
    return expires is not None and now >= expires


def password_expiry_reminder(changed_at: datetime | None, now: datetime, policy: Policy) -> bool:
    expires = password_expires_at(changed_at, policy)
    if expires is None or policy.remind_before is None:
        return False
    return expires - policy.remind_before <= now < expires


# Initial passwords avoid characters that are easy to misread on paper (0/O, 1/l/I).
_LETTERS = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"


def generate_initial_password() -> str:
    """A random one-time password such as ``k7m2-p9xa-3qtd`` (12 characters, ~62 bits)."""
    alphabet = _LETTERS + _DIGITS
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c in _DIGITS for c in raw) and any(c in _LETTERS for c in raw):
            return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"
