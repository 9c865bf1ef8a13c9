from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from manabi.accounts.models import Account
from manabi.accounts.roles import Role
from manabi.people.models import Staff

pytestmark = pytest.mark.django_db

REQUIRED_KEYS = {"login_id", "password", "role", "organisation", "name"}
OPTIONAL_KEYS = {"totp_secret", "onboarding", "note", "role_group"}


def _accounts_json() -> list[dict[str, Any]]:
    out = StringIO()
    call_command("demo", "accounts", "--json", stdout=out)
    data: list[dict[str, Any]] = json.loads(out.getvalue())
    return data


def test_accounts_json_lists_at_least_one_account_per_role() -> None:
    data = _accounts_json()  # before any build: the list needs no database
    for entry in data:
        assert REQUIRED_KEYS <= set(entry) <= REQUIRED_KEYS | OPTIONAL_KEYS, entry
        assert entry["role"] in Role.values
        assert all(isinstance(entry[key], str) and entry[key] for key in REQUIRED_KEYS)
    assert {entry["role"] for entry in data} == set(Role.values)
    assert len({entry["login_id"] for entry in data}) == len(data)
    assert any(entry.get("onboarding") is True for entry in data)
    assert {entry["role"] for entry in data if entry.get("totp_secret")} == {
        Role.SYSTEM_ADMIN.value,
        Role.BOARD.value,
    }


# --reset flushes the database; PostgreSQL refuses to TRUNCATE inside the transaction of a
# plain test (deferred foreign-key checks are pending), so this test runs outside one.
@pytest.mark.django_db(transaction=True)
def test_reset_rebuilds_from_nothing() -> None:
    call_command("demo", "--no-serve", stdout=StringIO())
    staff = Staff.objects.count()
    Account.objects.create_user("someone-else", "x" * 16, display_name="他の人")
    out = StringIO()
    call_command("demo", "--no-serve", "--reset", stdout=out)
    assert "データベースを初期化しています" in out.getvalue()
    assert "ログインできるデモアカウント" in out.getvalue()
    assert not Account.objects.filter(login_id="someone-else").exists()
    assert Staff.objects.count() == staff
    listed = {entry["login_id"] for entry in _accounts_json()}
    assert Account.objects.filter(login_id__in=listed).count() == len(listed)


def test_unknown_size_is_refused() -> None:
    with pytest.raises(CommandError, match="size"):
        call_command("demo", "--no-serve", "--size", "huge", stdout=StringIO())


def test_demo_refuses_production(settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="本番環境"):
        call_command("demo", "--no-serve", stdout=StringIO())
