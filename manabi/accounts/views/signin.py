"""Sign-in and sign-out, two-step sign-in, first login, password change, acting role."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from manabi.accounts import services
from manabi.accounts.forms import (
    ActingForm,
    CodeForm,
    EmailForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    ProfileForm,
)
from manabi.accounts.gates import ACTING_SESSION_KEY, LOGIN_AT_SESSION_KEY, mfa_required
from manabi.accounts.models import Account, TotpDevice
from manabi.accounts.passkeys import has_passkey
from manabi.accounts.services import AccountError
from manabi.core.audit import audit_record

MFA_PENDING_KEY = "manabi_mfa_pending"
MFA_PENDING_SECONDS = 300
MFA_MAX_TRIES = 5
PROFILE_DONE_KEY = "manabi_onboarding_profile_done"
MFA_SECRET_KEY = "manabi_mfa_secret"  # noqa: S105 - a session key name


def _account(request: HttpRequest) -> Account:
    assert isinstance(request.user, Account)
    return request.user


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def _complete_login(
    request: HttpRequest, account: Account, backend: str, next_url: str
) -> HttpResponse:
    auth_login(request, account, backend=backend)
    request.session[LOGIN_AT_SESSION_KEY] = time.time()
    services.account_login_record(account=account)
    return HttpResponseRedirect(next_url)


# --- sign-in ----------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        account = form.get_user()
        assert isinstance(account, Account)
        backend = getattr(account, "backend", "django.contrib.auth.backends.ModelBackend")
        next_url = _safe_next(self.request, self.get_redirect_url())
        if services.has_second_factor(account):
            self.request.session.cycle_key()
            self.request.session[MFA_PENDING_KEY] = {
                "account": account.pk,
                "backend": backend,
                "next": next_url,
                "at": time.time(),
                "tries": 0,
            }
            return redirect("accounts:login_mfa")
        return _complete_login(self.request, account, backend, next_url)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        services.account_login_failure_record(login_id=form.cleaned_data.get("username", ""))
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django's LoginView puts the request's host name here; show the deployment's name.
        context["site_name"] = settings.SITE_NAME
        return context


def login_mfa(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: the 6-digit code of the authenticator app."""
    pending = request.session.get(MFA_PENDING_KEY)
    if not pending or time.time() - pending["at"] > MFA_PENDING_SECONDS:
        request.session.pop(MFA_PENDING_KEY, None)
        messages.info(request, "もう一度ログインIDとパスワードを入力してください。")
        return redirect("accounts:login")
    account = Account.objects.get(pk=pending["account"])
    has_app = services.has_totp(account)
    form = CodeForm(request.POST or None)
    form.fields["code"].label = "認証アプリの6桁のコード"
    if request.method == "POST" and has_app and form.is_valid():
        if services.totp_verify(account=account, code=form.cleaned_data["code"]):
            del request.session[MFA_PENDING_KEY]
            return _complete_login(request, account, pending["backend"], pending["next"])
        pending["tries"] += 1
        if pending["tries"] >= MFA_MAX_TRIES:
            del request.session[MFA_PENDING_KEY]
            messages.error(request, "認証コードを続けて間違えたため、最初からやり直してください。")
            return redirect("accounts:login")
        request.session[MFA_PENDING_KEY] = pending
        form.add_error(
            "code", "認証コードが違います。認証アプリに表示されている6桁を入力してください。"
        )
    return render(
        request,
        "accounts/login_mfa.html",
        {"form": form, "has_app": has_app, "has_passkey": has_passkey(account)},
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    services.account_logout_record(account=request.user)
    auth_logout(request)  # ends the server-side session
    messages.success(request, "ログアウトしました。")
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- first login (初回ログイン) ----------------------------------------------------------------

ONBOARDING_STEPS = (
    ("profile", "本人情報の確認"),
    ("email", "メールアドレスの登録"),
    ("password", "パスワードの変更"),
)


def onboarding_step(
    view: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A first-login page: signed in, and only while first login is not finished."""

    @login_required
    @wraps(view)
    def step(request: HttpRequest) -> HttpResponse:
        if not _account(request).onboarding_required:
            return redirect("core:home")
        return view(request)

    return step


def _onboarding_context(request: HttpRequest, step: str, **extra: Any) -> dict[str, Any]:
    return {"steps": ONBOARDING_STEPS, "step": step, **extra}


@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if not account.onboarding_required:
        return redirect("core:home")
    if not request.session.get(PROFILE_DONE_KEY):
        return redirect("accounts:onboarding_profile")
    if not services.onboarding_email_done(account):
        return redirect("accounts:onboarding_email")
    return redirect("accounts:onboarding_password")


@onboarding_step
def onboarding_profile(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    staff = account.staff
    initial = {
        "display_name": account.display_name,
        "alias_name": staff.alias_name if staff else "",
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.onboarding_profile_save(account=account, **form.cleaned_data)
        request.session[PROFILE_DONE_KEY] = True
        return redirect("accounts:onboarding")
    return render(
        request,
        "accounts/onboarding_profile.html",
        _onboarding_context(request, "profile", form=form, staff=staff),
    )


@onboarding_step
def onboarding_email(request: HttpRequest) -> HttpResponse:
    """Register an address and send a code to it; an address already on file gets the code."""
    account = _account(request)
    on_file = account.email
    form = EmailForm(request.POST or None, initial={"email": on_file})
    if request.method == "POST":
        email = on_file if on_file and "use_on_file" in request.POST else None
        if email is None and form.is_valid():
            email = form.cleaned_data["email"]
        if email:
            services.email_code_send(account=account, email=email, purpose="onboarding")
            messages.success(
                request, f"{email} に確認コードを送りました。10分以内に入力してください。"
            )
            return redirect("accounts:onboarding_email_verify")
    return render(
        request,
        "accounts/onboarding_email.html",
        _onboarding_context(request, "email", form=form, on_file=on_file),
    )


@onboarding_step
def onboarding_email_verify(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.onboarding_email_confirm(account=account, code=form.cleaned_data["code"])
        except AccountError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, "メールアドレスを確認しました。")
            return redirect("accounts:onboarding")
    return render(
        request,
        "accounts/onboarding_email_verify.html",
        _onboarding_context(request, "email", form=form),
    )


@onboarding_step
def onboarding_password(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if not request.session.get(PROFILE_DONE_KEY) or not services.onboarding_email_done(account):
        return redirect("accounts:onboarding")
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(
                account=account,
                password=form.cleaned_data["password"],
                repeat=form.cleaned_data["repeat"],
                finishing_onboarding=True,
            )
        except AccountError as exc:
            form.add_error("password", str(exc))
        else:
            update_session_auth_hash(request, account)
            request.session.pop(PROFILE_DONE_KEY, None)
            messages.success(
                request,
                "初回ログインの手続きが完了しました。次回からは新しいパスワードでログインしてください。",
            )
            return redirect("core:home")
    return render(
        request,
        "accounts/onboarding_password.html",
        _onboarding_context(request, "password", form=form),
    )


# --- password, two-step sign-in, acting role -----------------------------------------------


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = PasswordChangeForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(
                account=account,
                password=form.cleaned_data["password"],
                repeat=form.cleaned_data["repeat"],
            )
        except AccountError as exc:
            form.add_error("password", str(exc))
        else:
            update_session_auth_hash(request, account)
            messages.success(request, "パスワードを変更しました。")
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, type the first code.

    The secret waits in the session until the first code proves the app has it; nothing is
    stored before that.
    """
    account = _account(request)
    device = TotpDevice.objects.filter(account=account, confirmed_at__isnull=False).first()
    if device is not None:
        return render(
            request,
            "accounts/mfa_status.html",
            {
                "device": device,
                "required": mfa_required(request.acting),  # type: ignore[attr-defined]
                "passkeys": account.passkeys.all(),
            },
        )
    secret = request.session.get(MFA_SECRET_KEY) or pyotp.random_base32()
    request.session[MFA_SECRET_KEY] = secret
    form = CodeForm(request.POST or None)
    form.fields["code"].label = "認証アプリに表示された6桁のコード"
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(account=account, secret=secret, code=form.cleaned_data["code"])
        except AccountError as exc:
            form.add_error("code", str(exc))
        else:
            del request.session[MFA_SECRET_KEY]
            messages.success(
                request, "二段階認証を設定しました。次回のログインから認証コードが必要です。"
            )
            return redirect("core:home")
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.login_id, issuer_name=settings.SITE_NAME)
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr": segno.make(uri, error="m").svg_data_uri(scale=5),
            "secret": secret,
            "passkeys": account.passkeys.all(),
        },
    )


@login_required
@require_POST
def mfa_remove(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if mfa_required(request.acting):  # type: ignore[attr-defined]
        messages.error(request, "この役割では二段階認証を解除できません。")
        return redirect("accounts:mfa_setup")
    if not services.has_totp(account):
        messages.info(request, "二段階認証は設定されていません。")
        return redirect("accounts:mfa_setup")
    services.totp_remove(actor=account, account=account)
    messages.success(request, "二段階認証を解除しました。")
    return redirect("core:home")


@login_required
@require_POST
def acting_switch(request: HttpRequest) -> HttpResponse:
    """Act in another of one's roles (兼務, or a principal who is also a teacher)."""
    form = ActingForm(request.POST)
    acting = request.acting  # type: ignore[attr-defined]
    if not form.is_valid() or form.cleaned_data["assignment"] not in {
        ra.pk for ra in acting.choices
    }:
        messages.error(request, "選んだ役割に切り替えられませんでした。")
        return redirect("core:home")
    request.session.cycle_key()  # a new session key for the new role
    request.session[ACTING_SESSION_KEY] = form.cleaned_data["assignment"]
    chosen = next(ra for ra in acting.choices if ra.pk == form.cleaned_data["assignment"])
    audit_record(
        actor=_account(request),
        action="auth.acting_switch",
        target=chosen.organisation,
        details={"role": chosen.role},
    )
    messages.success(request, f"{chosen} として操作します。")
    return redirect("core:home")
