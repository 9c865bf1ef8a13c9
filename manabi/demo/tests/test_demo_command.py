from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from manabi.accounts.models import Account
from manabi.accounts.roles import Role
from manabi.core.audit import audit_verify

pytestmark = pytest.mark.django_db


def _accounts_json() -> list[dict[str, str]]:
    out = StringIO()
    call_command("demo", "accounts", "--json", stdout=out)
    data: list[dict[str, str]] = json.loads(out.getvalue())
    return data


def test_accounts_json_lists_one_account_per_existing_role() -> None:
    data = _accounts_json()
    assert data, "the demo must offer at least one account"
    for entry in data:
        assert set(entry) == {"login_id", "password", "role", "organisation", "name"}
        assert entry["role"] in Role.values
    assert {entry["role"] for entry in data} >= {Role.SYSTEM_ADMIN.value}


def test_build_is_idempotent_and_every_demo_account_can_sign_in() -> None:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    call_command("demo", "--no-serve", stdout=StringIO())
    assert "ログインできるデモアカウント" in out.getvalue()
    data = _accounts_json()
    assert Account.objects.count() == len(data)
    for entry in data:
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": entry["login_id"], "password": entry["password"]}
        )
        assert response.status_code == 302, entry["login_id"]
    assert audit_verify()[1] == []


def test_reset_rebuilds_from_nothing() -> None:
    call_command("demo", "--no-serve", stdout=StringIO())
    Account.objects.create_user("someone-else", "x" * 16, display_name="他の人")
    call_command("demo", "--no-serve", "--reset", stdout=StringIO())
    assert not Account.objects.filter(login_id="someone-else").exists()
    assert Account.objects.count() == len(_accounts_json())


def test_demo_refuses_production(settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="本番環境"):
        call_command("demo", "--no-serve", stdout=StringIO())
