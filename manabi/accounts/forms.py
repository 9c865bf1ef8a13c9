"""Forms of the accounts app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from manabi.accounts.models import Account, normalize_login_id
from manabi.accounts.passwords import current_policy


class LoginForm(AuthenticationForm):
    """ログインIDとパスワード. Full-width characters typed in a Japanese IME are accepted."""

    error_messages = {
        "invalid_login": (
            "ログインIDまたはパスワードが正しくありません。大文字と小文字は区別されます。"
        ),
        "inactive": "ログインIDまたはパスワードが正しくありません。大文字と小文字は区別されます。",
        "suspended": "このアカウントは利用が停止されています。所属の管理者に連絡してください。",
        "initial_expired": (
            "初期パスワードの有効期限が切れています。所属の管理者に再発行を依頼してください。"
        ),
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

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.is_suspended:
            raise forms.ValidationError(self.error_messages["suspended"], code="suspended")
        expires = user.initial_password_expires_at
        if user.onboarding_required and expires is not None and expires <= timezone.now():
            raise forms.ValidationError(
                self.error_messages["initial_expired"], code="initial_expired"
            )

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in ("username", "password"):
            self.fields[name].widget.attrs["aria-invalid"] = "true"
            self.fields[name].widget.attrs["aria-describedby"] = "form-errors"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="確認コード(6桁)",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="表示する氏名", max_length=100)
    alias_name = forms.CharField(
        label="旧姓・通称",
        max_length=100,
        required=False,
        help_text="旧姓や通称を使う場合に入力すると、画面や帳票ではこちらが表示されます。",
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="メールアドレス",
        help_text="確認コードを送ります。研修の連絡にも使います。",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label="新しいパスワード",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    repeat = forms.CharField(
        label="新しいパスワード(確認)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = current_policy().description


class PasswordChangeForm(NewPasswordForm):
    current = forms.CharField(
        label="今のパスワード",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current", "password", "repeat"]

    def __init__(self, account: Account, *args: Any, **kwargs: Any) -> None:
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_current(self) -> str:
        current: str = self.cleaned_data["current"]
        if not self.account.check_password(current):
            raise forms.ValidationError("今のパスワードが正しくありません。")
        return current


class ActingForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)


class EmptyForm(forms.Form):
    """A POST with nothing but its CSRF token (logout, confirmations)."""
