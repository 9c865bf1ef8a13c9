"""Passkeys and security keys (WebAuthn) as the second step of sign-in, beside the
authenticator app (MEXT's 2025 guideline asks for multi-factor authentication where class II+
data is handled). Built on ``py_webauthn`` (the library checks the attestation, the
signature, the origin and the relying party); this module keeps the challenges, stores the
public keys and records every registration, use and removal in the audit log.

The relying party is this deployment: ``MANABI_WEBAUTHN_RP_ID`` (a host name, default the
request's) and ``MANABI_WEBAUTHN_ORIGIN`` (default the request's scheme and host).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from manabi.accounts.gates import mfa_required
from manabi.accounts.models import Account, Passkey, TotpDevice
from manabi.core.acting import Acting
from manabi.core.audit import audit_record

REGISTER_CHALLENGE_KEY = "manabi_passkey_register"
LOGIN_CHALLENGE_KEY = "manabi_passkey_login"
MAX_PASSKEYS = 10


class PasskeyError(Exception):
    """Something the person can act on; ``str()`` is a Japanese message."""


def relying_party(request: HttpRequest) -> tuple[str, str]:
    """(rp_id, origin) of this deployment for ``request``."""
    host = request.get_host()
    rp_id = settings.WEBAUTHN_RP_ID or host.rsplit(":", 1)[0].strip("[]")
    origin = settings.WEBAUTHN_ORIGIN or f"{request.scheme}://{host}"
    return rp_id, origin


def _descriptors(account: Account) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports if t in _TRANSPORTS],
        )
        for p in account.passkeys.all()
    ]


_TRANSPORTS = {t.value for t in AuthenticatorTransport}


def has_passkey(account: Account) -> bool:
    return account.passkeys.exists()


# --- registering ----------------------------------------------------------------------------


def registration_options(request: HttpRequest, account: Account) -> str:
    """The options for ``navigator.credentials.create()``, as JSON; the challenge waits in
    the session for :func:`passkey_register`."""
    if account.passkeys.count() >= MAX_PASSKEYS:
        raise PasskeyError(
            f"パスキーは{MAX_PASSKEYS}個まで登録できます。使わないものを削除してください。"
        )
    rp_id, _ = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.SITE_NAME,
        user_id=f"manabi:{account.pk}".encode(),
        user_name=account.login_id,
        user_display_name=account.display_name or account.login_id,
        exclude_credentials=_descriptors(account),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REGISTER_CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def passkey_register(
    request: HttpRequest, *, account: Account, credential: dict[str, Any], name: str
) -> Passkey:
    """Check the new credential against the waiting challenge and keep its public key."""
    name = name.strip()[:60] or "パスキー"
    challenge = request.session.pop(REGISTER_CHALLENGE_KEY, None)
    if not challenge:
        raise PasskeyError(
            "登録の手続きが見つかりません。もう一度「パスキーを登録」を押してください。"
        )
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(
            f"パスキーを確認できませんでした。もう一度お試しください。(詳細: {exc})"
        ) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    transports = credential.get("response", {}).get("transports") or []
    with transaction.atomic():
        if Passkey.objects.filter(credential_id=credential_id).exists():
            raise PasskeyError("このパスキーはすでに登録されています。")
        passkey = Passkey.objects.create(
            account=account,
            name=name,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[t for t in transports if isinstance(t, str)][:8],
        )
        audit_record(
            actor=account,
            action="accounts.passkey.add",
            target=account,
            details={"name": name, "passkey": passkey.pk},
        )
    return passkey


def passkey_remove(*, actor: Acting, passkey: Passkey) -> None:
    """Remove a passkey of one's own; the last second factor of a role that requires one
    stays (set up another first)."""
    account = passkey.account
    others = account.passkeys.exclude(pk=passkey.pk).exists()
    has_app = TotpDevice.objects.filter(account=account, confirmed_at__isnull=False).exists()
    if mfa_required(actor) and not others and not has_app:
        raise PasskeyError(
            "この役割では二段階認証が必須です。最後のパスキーを削除する前に、認証アプリか"
            "別のパスキーを設定してください。"
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="accounts.passkey.remove",
            target=passkey.account,
            details={"name": passkey.name, "passkey": passkey.pk},
        )
        passkey.delete()


# --- signing in -----------------------------------------------------------------------------


def authentication_options(request: HttpRequest, account: Account) -> str:
    rp_id, _ = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptors(account),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[LOGIN_CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def passkey_verify(request: HttpRequest, *, account: Account, credential: dict[str, Any]) -> bool:
    """The second step of sign-in with a passkey of ``account``: True when the signature over
    the waiting challenge checks out (and the counter moved on, for keys that count)."""
    challenge = request.session.pop(LOGIN_CHALLENGE_KEY, None)
    raw_id = credential.get("rawId") or credential.get("id") or ""
    passkey = (
        account.passkeys.filter(credential_id=raw_id).first() if isinstance(raw_id, str) else None
    )
    ok = False
    if challenge and passkey is not None:
        rp_id, origin = relying_party(request)
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError):
            verified = None
        if verified is not None:
            ok = True
            Passkey.objects.filter(pk=passkey.pk).update(
                sign_count=verified.new_sign_count, last_used_at=timezone.now()
            )
    audit_record(
        actor=account,
        action="auth.mfa_ok" if ok else "auth.mfa_failed",
        target=account,
        details={"method": "passkey"},
    )
    return ok


def credential_of(body: bytes) -> tuple[dict[str, Any], str]:
    """(credential, name) from a request body ``{"credential": {…}, "name": "…"}``."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise PasskeyError(
            "送られた内容を読めませんでした。ページを読み込み直してください。"
        ) from None
    credential = data.get("credential") if isinstance(data, dict) else None
    if not isinstance(credential, dict):
        raise PasskeyError("パスキーの応答がありません。ページを読み込み直してください。")
    name = data.get("name") if isinstance(data.get("name"), str) else ""
    return credential, name
