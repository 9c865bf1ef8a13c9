"""Forms of the accounts app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from manabi.accounts.models import normalize_login_id


class LoginForm(AuthenticationForm):
    """ログインIDとパスワード. Full-width characters typed in a Japanese IME are accepted."""

    error_messages = {
        "invalid_login": (
            "ログインIDまたはパスワードが正しくありません。大文字と小文字は区別されます。"
        ),
        "inactive": "このアカウントは利用停止中です。所属の管理者に連絡してください。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "ログインID"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.fields["password"].label = "パスワード"

    def clean_username(self) -> str:
        return normalize_login_id(self.cleaned_data.get("username") or "")

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in ("username", "password"):
            if self.errors and name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = "form-errors"


class EmptyForm(forms.Form):
    """A POST with nothing but its CSRF token (logout, confirmations)."""
