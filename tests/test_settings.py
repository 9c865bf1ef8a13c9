"""Bad configuration stops the start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = "import django; django.setup(); print('ok')"


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "manabi.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", CHECK], env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"MANABI_DEPLOYMENT": "prod"}, "MANABI_DEPLOYMENT='prod' must be one of"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "SQLite and PostgreSQL only"),
        ({"MANABI_DEPLOYMENT": "production"}, "DJANGO_SECRET_KEY is required"),
        ({"MANABI_TASKS_BACKEND": "celery"}, "MANABI_TASKS_BACKEND='celery' must be one of"),
        ({"MANABI_PREFECTURE_CODE": "120005"}, "wrong check digit"),
        ({"MANABI_PASSWORD_POLICY": "strict"}, "MANABI_PASSWORD_POLICY='strict' must be one of"),
    ],
)
def test_bad_setting_fails_loudly(env: dict[str, str], message: str) -> None:
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_are_secure() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.DEBUG, s.SESSION_COOKIE_NAME)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "manabi.settings",
        "MANABI_DEPLOYMENT": "production",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "manabi.example.lg.jp",
        "EMAIL_URL": "smtp+tls://user:secret@smtp.example.lg.jp:587",
        "MANABI_PREFECTURE_CODE": "120006",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "False", "__Host-sessionid"]


def test_language_and_time_zone() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.AUTH_USER_MODEL == "accounts.Account"
