"""One pattern for "a step action on an object" (申込の承認・差し戻し, 調査の締切, 一括登録の登録 …):
POST only, fetch the object for the person acting (``access``: 404 when not visible, 403 when
not allowed), read the posted form if the step has one, run the service, say what happened
in Japanese, and go back to the object's page. A refused step changes nothing: the service
raises one of ``errors`` and its message is shown.

    application_withdraw = step_view(
        access=access_application_as_applicant,
        run=lambda acting, application, data: services.application_withdraw(
            actor=acting, application=application
        ),
        done="申込を取り下げました。",
        back=_back,
        errors=(TrainingError,),
    )
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_POST

from manabi.core.acting import Acting, acting_of

T = TypeVar("T")
R = TypeVar("R")
View = Callable[..., HttpResponseBase]


def message_of(exc: Exception) -> str:
    """The Japanese message of a refused step."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) else str(exc)


def step_view(
    *,
    access: Callable[[Acting, int], T],
    run: Callable[[Acting, T, dict[str, Any]], R],
    done: str | Callable[[T, R], str],
    back: Callable[[T], HttpResponseBase],
    errors: tuple[type[Exception], ...],
    form: type[forms.Form] | None = None,
    invalid: str = "",
    after: Callable[[HttpRequest, T, R], HttpResponseBase] | None = None,
    failed: Callable[[HttpRequest, T], HttpResponseBase] | None = None,
) -> View:
    """The view of one step: ``access`` the object by the URL's id, validate ``form`` (its
    ``invalid`` message when it does not validate), ``run`` the service with the cleaned
    data, show ``done``; then ``after`` (on success) or ``failed`` (on refusal), both
    defaulting to ``back``."""

    @login_required
    @require_POST
    def view(request: HttpRequest, **kwargs: int) -> HttpResponseBase:
        acting = acting_of(request)
        [object_id] = kwargs.values()
        target = access(acting, object_id)
        data: dict[str, Any] = {}
        if form is not None:
            bound = form(request.POST)
            if not bound.is_valid():
                messages.error(request, invalid or "入力を確かめてください。")
                return failed(request, target) if failed is not None else back(target)
            data = bound.cleaned_data
        try:
            result = run(acting, target, data)
        except errors as exc:
            messages.error(request, message_of(exc))
            return failed(request, target) if failed is not None else back(target)
        messages.success(request, done if isinstance(done, str) else done(target, result))
        return after(request, target, result) if after is not None else back(target)

    return view
