"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from manabi.accounts import services
from manabi.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.account_login_record(account=form.get_user())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        services.account_login_failure_record(login_id=form.cleaned_data.get("username", ""))
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django's LoginView puts the request's host name here; show the deployment's name.
        context["site_name"] = settings.SITE_NAME
        return context


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    services.account_logout_record(account=request.user)
    return auth_views.LogoutView.as_view()(request)
