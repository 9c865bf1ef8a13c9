from __future__ import annotations

import pytest
from django.test import Client

from manabi.core.models import AuditEvent
from tests.personas import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def test_security_headers_on_every_page(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_not_stored(cast: Cast) -> None:
    response = cast.client("system_admin").get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_request_id_is_returned_and_audited(cast: Cast, client: Client) -> None:
    response = client.post(
        "/accounts/login/",
        {"username": "480002T10000002", "password": PASSWORD},
        HTTP_X_REQUEST_ID="proxy-req-0001",
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "proxy-req-0001"
    event = AuditEvent.objects.get(action="auth.login")
    assert event.request_id == "proxy-req-0001"
    assert event.actor_login_id == "480002T10000002"


def test_malformed_request_id_is_replaced(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_error_pages_are_japanese(cast: Cast, client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
    response = cast.client("no_role").get("/no-such-page/")
    assert "ページが見つかりません" in response.content.decode()


def test_server_error_page_is_japanese(client: Client) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "システムエラーが発生しました" in html
    assert "変更は保存されていません" in html


def test_healthz_reports_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
