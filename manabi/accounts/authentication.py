"""API authentication by token (kept apart from the API views: DRF imports it at start-up)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.request import Request

from manabi.accounts.gates import pending_gate
from manabi.accounts.models import Account, ApiToken
from manabi.accounts.selectors import acting_for


def token_hash(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>``; suspended, inactive or first-login accounts are refused."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Account, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Authorization ヘッダーの形式が正しくありません。")
        token = (
            ApiToken.objects.select_related("account")
            .filter(key_hash=token_hash(parts[1].decode(errors="replace")))
            .first()
        )
        if token is None or token.expires_at <= timezone.now():
            raise AuthenticationFailed("トークンが無効か、有効期限が切れています。")
        account = token.account
        if not account.is_active or account.is_suspended:
            raise AuthenticationFailed("このアカウントは利用できません。")
        gate = pending_gate(account, acting_for(account))
        if gate is not None:
            raise PermissionDenied(detail={"detail": gate.message, "code": gate.code})
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return account, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
