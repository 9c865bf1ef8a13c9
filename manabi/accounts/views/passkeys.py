"""Passkey pages (WebAuthn): register a passkey on the 二段階認証 page, and use one as the
second step of sign-in. The browser side is ``accounts/passkeys.js``; these views answer it
in JSON (errors ``{"code", "detail"}`` with a Japanese message), and change nothing when the
check fails."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from manabi.accounts import passkeys
from manabi.accounts.models import Account
from manabi.accounts.passkeys import PasskeyError
from manabi.accounts.permissions import access_own_passkey
from manabi.accounts.views.signin import (
    MFA_MAX_TRIES,
    MFA_PENDING_KEY,
    MFA_PENDING_SECONDS,
    _account,
    _complete_login,
)
from manabi.core.acting import acting_of


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"code": "passkey_refused", "detail": message}, status=status)


def _options(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="application/json")


@login_required
@require_POST
def register_options(request: HttpRequest) -> HttpResponse:
    try:
        return _options(passkeys.registration_options(request, _account(request)))
    except PasskeyError as exc:
        return _refused(str(exc))


@login_required
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    account = _account(request)
    try:
        credential, name = passkeys.credential_of(request.body)
        passkey = passkeys.passkey_register(
            request, account=account, credential=credential, name=name
        )
    except PasskeyError as exc:
        return _refused(str(exc))
    messages.success(
        request,
        f"パスキー「{passkey.name}」を登録しました。次回のログインから、認証コードの代わりに使えます。",
    )
    return JsonResponse({"ok": True, "redirect": "/accounts/mfa/"}, status=201)


@login_required
@require_POST
def remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    passkey = access_own_passkey(acting_of(request), passkey_id)
    try:
        passkeys.passkey_remove(actor=acting_of(request), passkey=passkey)
    except PasskeyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"パスキー「{passkey.name}」を削除しました。")
    return redirect("accounts:mfa_setup")


# --- the second step of sign-in -------------------------------------------------------------


def _pending(request: HttpRequest) -> tuple[dict[str, object], Account] | None:
    pending = request.session.get(MFA_PENDING_KEY)
    if not pending or time.time() - pending["at"] > MFA_PENDING_SECONDS:
        return None
    account = Account.objects.filter(pk=pending["account"], is_active=True).first()
    return (pending, account) if account is not None else None


@require_POST
def login_options(request: HttpRequest) -> HttpResponse:
    found = _pending(request)
    if found is None:
        return _refused("もう一度ログインIDとパスワードを入力してください。", 401)
    _, account = found
    if not passkeys.has_passkey(account):
        return _refused("このアカウントにはパスキーが登録されていません。")
    return _options(passkeys.authentication_options(request, account))


@require_POST
def login_verify(request: HttpRequest) -> JsonResponse:
    found = _pending(request)
    if found is None:
        return _refused("もう一度ログインIDとパスワードを入力してください。", 401)
    pending, account = found
    try:
        credential, _ = passkeys.credential_of(request.body)
    except PasskeyError as exc:
        return _refused(str(exc))
    if passkeys.passkey_verify(request, account=account, credential=credential):
        del request.session[MFA_PENDING_KEY]
        response = _complete_login(request, account, str(pending["backend"]), str(pending["next"]))
        return JsonResponse({"ok": True, "redirect": response["Location"]})
    tries = int(pending["tries"]) + 1  # type: ignore[call-overload]
    if tries >= MFA_MAX_TRIES:
        del request.session[MFA_PENDING_KEY]
        return _refused("続けて確認できなかったため、最初からやり直してください。", 401)
    pending["tries"] = tries
    request.session[MFA_PENDING_KEY] = pending
    return _refused("パスキーを確認できませんでした。登録したパスキーを使ってください。")
