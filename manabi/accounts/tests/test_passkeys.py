"""Passkeys (WebAuthn) on the server side: a passkey counts as the second factor the role
requires, a bad or replayed answer signs nobody in, the last factor of a required role
cannot be removed, and every refusal is JSON with a Japanese message. (The whole ceremony
with a real signature is the browser test, tests/browser/test_passkeys.py.)"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from manabi.accounts.models import Passkey, TotpDevice
from manabi.core.models import AuditEvent
from tests.personas import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def _passkey(cast: Cast, who: str, credential_id: str = "AQID") -> Passkey:
    return Passkey.objects.create(
        account=cast.account(who), name="鍵", credential_id=credential_id, public_key=b"-"
    )


def _post(client: Client, url: str, data: object) -> dict[str, object]:
    response = client.post(url, json.dumps(data), content_type="application/json")
    payload: dict[str, object] = response.json()
    payload["status"] = response.status_code
    return payload


def test_a_passkey_is_the_second_factor_a_board_needs(cast: Cast) -> None:
    officer = cast.account("board_officer")
    TotpDevice.objects.filter(account=officer).delete()
    client = cast.client("board_officer")
    assert client.get("/staff/")["Location"] == "/accounts/mfa/"  # must set one up
    _passkey(cast, "board_officer")
    assert client.get("/staff/").status_code == 200

    # Signing in now asks for the passkey (no code field without an authenticator app).
    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": officer.login_id, "password": PASSWORD})
    assert response["Location"] == "/accounts/login/verify/"
    page = fresh.get("/accounts/login/verify/").content.decode()
    assert "パスキーで確認" in page and "認証アプリの6桁のコード" not in page
    options = fresh.post("/accounts/login/verify/passkey/options/")
    assert options.status_code == 200
    assert [c["id"] for c in options.json()["allowCredentials"]] == ["AQID"]
    # A forged answer signs nobody in; after five the sign-in starts again.
    forged = {"credential": {"id": "AQID", "rawId": "AQID", "type": "public-key", "response": {}}}
    for _ in range(4):
        fresh.post("/accounts/login/verify/passkey/options/")
        refused = _post(fresh, "/accounts/login/verify/passkey/", forged)
        assert refused["status"] == 400 and "確認できませんでした" in str(refused["detail"])
    assert fresh.get("/").status_code == 302
    last = _post(fresh, "/accounts/login/verify/passkey/", forged)
    assert last["status"] == 401 and "最初から" in str(last["detail"])
    assert AuditEvent.objects.filter(action="auth.mfa_failed").count() == 5


def test_registering_needs_the_options_first_and_a_credential(cast: Cast) -> None:
    client = cast.client("teacher_a")
    unread = client.post("/accounts/mfa/passkeys/", "not json", content_type="application/json")
    assert unread.status_code == 400 and unread.json()["code"] == "passkey_refused"
    no_options = _post(client, "/accounts/mfa/passkeys/", {"credential": {}, "name": "x"})
    assert no_options["status"] == 400 and "手続きが見つかりません" in str(no_options["detail"])
    options = client.post("/accounts/mfa/passkeys/options/").json()
    assert options["rp"]["id"] == "testserver" and options["user"]["name"]
    bad = _post(client, "/accounts/mfa/passkeys/", {"credential": {"id": "x"}, "name": "x"})
    assert bad["status"] == 400 and "確認できませんでした" in str(bad["detail"])
    assert not Passkey.objects.exists()


def test_the_last_factor_of_a_required_role_stays(cast: Cast) -> None:
    officer = cast.account("board_officer")
    TotpDevice.objects.filter(account=officer).delete()
    passkey = _passkey(cast, "board_officer")
    client = cast.client("board_officer")
    client.post(f"/accounts/mfa/passkeys/{passkey.pk}/remove/")
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    # A teacher may remove theirs; nobody removes someone else's.
    own = _passkey(cast, "teacher_a", "BAUG")
    assert (
        cast.client("teacher_b").post(f"/accounts/mfa/passkeys/{own.pk}/remove/").status_code == 404
    )
    cast.client("teacher_a").post(f"/accounts/mfa/passkeys/{own.pk}/remove/")
    assert not Passkey.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.filter(action="accounts.passkey.remove").count() == 1
