"""What a signed-in person must do before anything else (pure decisions over account state).

1. finish first login (初回ログイン) while the account still has its initial password;
2. set up an authenticator app when their role requires two-step sign-in;
3. replace a password the policy says has expired.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from manabi.accounts.models import Account, TotpDevice
from manabi.accounts.passwords import current_policy, password_expired
from manabi.accounts.selectors import Acting

ACTING_SESSION_KEY = "manabi_acting_assignment"
LOGIN_AT_SESSION_KEY = "manabi_login_at"


@dataclass(frozen=True)
class Gate:
    code: str
    url_name: str
    prefix: str
    message: str


ONBOARDING = Gate(
    "onboarding_required",
    "accounts:onboarding",
    "/accounts/onboarding/",
    "初回ログインの手続き(メールアドレスの登録とパスワードの変更)が完了していません。",
)
MFA_SETUP = Gate(
    "mfa_setup_required",
    "accounts:mfa_setup",
    "/accounts/mfa/",
    "この役割では二段階認証(認証アプリかパスキー)の設定が必要です。",
)
PASSWORD_EXPIRED = Gate(
    "password_expired",
    "accounts:password_change",
    "/accounts/password/",
    "パスワードの有効期限が切れました。新しいパスワードを設定してください。",
)


def mfa_required(acting: Acting) -> bool:
    return acting.role is not None and acting.role.value in settings.MFA_REQUIRED_ROLES


def pending_gate(account: Account, acting: Acting) -> Gate | None:
    if account.onboarding_required:
        return ONBOARDING
    if (
        mfa_required(acting)
        and not TotpDevice.objects.filter(account=account, confirmed_at__isnull=False).exists()
        and not account.passkeys.exists()
    ):
        return MFA_SETUP
    if password_expired(account.password_changed_at, timezone.now(), current_policy()):
        return PASSWORD_EXPIRED
    return None
