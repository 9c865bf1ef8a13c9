"""Guest self-registration (ゲスト登録): external people and students who take open trainings."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from manabi.accounts import services
from manabi.accounts.forms import GuestCompleteForm, GuestStartForm
from manabi.accounts.gates import LOGIN_AT_SESSION_KEY
from manabi.accounts.services import AccountError

GUEST_EMAIL_KEY = "manabi_guest_email"


def guest_register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = GuestStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        services.guest_registration_start(email=email)
        request.session[GUEST_EMAIL_KEY] = email
        messages.success(request, f"{email} に確認コードを送りました。10分以内に入力してください。")
        return redirect("accounts:guest_complete")
    return render(request, "accounts/guest_register.html", {"form": form})


def guest_complete(request: HttpRequest) -> HttpResponse:
    email = request.session.get(GUEST_EMAIL_KEY)
    if request.user.is_authenticated or not email:
        return redirect("accounts:guest_register")
    form = GuestCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.guest_registration_complete(email=email, **form.cleaned_data)
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            del request.session[GUEST_EMAIL_KEY]
            auth_login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            request.session[LOGIN_AT_SESSION_KEY] = time.time()
            messages.success(
                request,
                f"ゲストとして登録しました。ログインIDは {account.login_id} です(メールでもお知らせしました)。",
            )
            return redirect("core:home")
    return render(request, "accounts/guest_complete.html", {"form": form, "email": email})
