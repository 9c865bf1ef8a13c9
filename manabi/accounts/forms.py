"""Forms of the accounts app."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from manabi.accounts.models import Account, RegistrationRequest, normalize_login_id
from manabi.accounts.passwords import current_policy
from manabi.orgs.models import Organisation


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


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label="利用を停止する理由", max_length=200, help_text="監査ログに記録されます。"
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="役割")
    organisation = forms.ModelChoiceField(
        label="組織",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="システム管理者・ゲストは空欄",
    )
    valid_from = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label="終了日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, roles: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r.value, r.label) for r in roles]
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = organisations

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("role") not in ("system_admin", "guest") and not data.get("organisation"):
            self.add_error("organisation", "この役割には組織が必要です。")
        if (
            data.get("valid_to")
            and data.get("valid_from")
            and data["valid_to"] < data["valid_from"]
        ):
            self.add_error("valid_to", "終了日は開始日以降にしてください。")
        return data


class RoleEndForm(forms.Form):
    valid_to = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))


class LettersForm(forms.Form):
    accounts = forms.ModelMultipleChoiceField(
        label="対象", queryset=Account.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    per_school = forms.BooleanField(
        label="学校ごとに同じ初期パスワードにする",
        required=False,
        help_text="既定では一人ずつ異なるパスワードを発行します。",
    )
    confirm = forms.BooleanField(
        label="選んだ人の今のパスワードは使えなくなり、初回ログインからやり直しになることを確認しました。"
    )

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelMultipleChoiceField[Any]", self.fields["accounts"]).queryset = accounts
        self.fields["accounts"].label_from_instance = lambda a: (  # type: ignore[attr-defined]
            f"{a.display_name}({a.login_id}){'・初回ログイン未完了' if a.onboarding_required or not a.has_usable_password() else ''}"
        )


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label="初回ログインの期限", widget=forms.DateInput(attrs={"type": "date"})
    )


class RegistrationRequestForm(forms.ModelForm):  # type: ignore[type-arg]
    job_title = forms.ChoiceField(label="職名")
    employment_type = forms.ChoiceField(label="任用形態")

    class Meta:
        model = RegistrationRequest
        fields = [
            "organisation",
            "staff_number",
            "name",
            "kana",
            "birth_date",
            "job_title",
            "employment_type",
            "start",
            "previous_employer",
            "note",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "start": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        from manabi.people.choices import EmploymentType, JobTitle

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        cast(forms.ChoiceField, self.fields["job_title"]).choices = JobTitle.choices
        cast(forms.ChoiceField, self.fields["employment_type"]).choices = EmploymentType.choices

    def clean_staff_number(self) -> str:
        value: str = self.cleaned_data["staff_number"]
        if not (len(value) == 8 and value.isdigit()):
            raise forms.ValidationError("職員番号は半角数字8桁で入力してください。")
        return value


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="理由・連絡事項", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GuestStartForm(forms.Form):
    email = forms.EmailField(
        label="メールアドレス", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class GuestCompleteForm(NewPasswordForm):
    code = forms.CharField(
        label="確認コード(6桁)",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    name = forms.CharField(label="氏名", max_length=100)
    field_order = ["code", "name", "password", "repeat"]


class AccountSearchForm(forms.Form):
    q = forms.CharField(label="ログインID・氏名", required=False)
    status = forms.ChoiceField(
        label="状態",
        required=False,
        choices=[
            ("", "すべて"),
            ("onboarding", "初回ログイン未完了"),
            ("suspended", "利用停止中"),
            ("inactive", "利用終了"),
        ],
    )


class AccountCreateForm(RoleForm):
    """An account for someone without a staff record (board clerks, organisers …)."""

    display_name = forms.CharField(label="氏名", max_length=100)
    email = forms.EmailField(label="メールアドレス", required=False)
    field_order = ["display_name", "email", "role", "organisation", "valid_from", "valid_to"]
