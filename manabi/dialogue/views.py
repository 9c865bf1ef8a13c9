"""Pages of dialogue records (対話に基づく受講奨励): list, record, read (audited), comment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.accounts.selectors import acting_of
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors
from manabi.core.query import query_number
from manabi.dialogue import services
from manabi.dialogue.forms import CommentForm, DialogueForm
from manabi.dialogue.permissions import (
    access_dialogue,
    access_dialogue_for_comment,
    access_dialogue_for_edit,
    access_staff_for_dialogue,
    can_comment,
    can_edit,
    can_list_dialogues,
    can_record_dialogue,
)
from manabi.dialogue.selectors import dialogue_list as dialogues_of
from manabi.dialogue.selectors import recommendations_for
from manabi.indicators.selectors import framework_for_organisation, items_for_choice
from manabi.records.models import HistoryRecord
from manabi.records.permissions import access_history
from manabi.records.selectors import current_main_organisation, is_own

PAGE_SIZE = 100


@login_required
@require_GET
def dialogue_list(request: HttpRequest) -> HttpResponse:
    """対話の記録: a school admin's or board's jurisdiction, or one's own; ``?staff=`` for
    one person."""
    acting = acting_of(request)
    if not can_list_dialogues(acting):
        raise PermissionDenied
    staff_id = query_number(request, "staff", label="教職員")
    staff = access_history(acting, staff_id) if staff_id is not None else None
    dialogues = list(dialogues_of(acting, staff_id=staff.pk if staff else None)[:PAGE_SIZE])
    others = [d for d in dialogues if not is_own(acting, d.staff_id)]
    if others:
        audit_record(
            actor=acting,
            action="dialogue.list",
            target=staff,
            subject=staff,
            details={"dialogues": [d.pk for d in others]},
        )
    return render(
        request,
        "dialogue/dialogue_list.html",
        {
            "dialogues": dialogues,
            "staff": staff,
            "can_record": can_record_dialogue(acting)
            and staff is not None
            and not is_own(acting, staff.pk),
            "recommendations": list(recommendations_for(acting)[:20]),
        },
    )


def _form_choices(staff: Any) -> dict[str, Any]:
    year = wareki.fiscal_year(timezone.localdate())
    history = HistoryRecord.objects.filter(staff=staff, fiscal_year__gte=year - 2).order_by(
        "-start"
    )
    items = items_for_choice(framework_for_organisation(current_main_organisation(staff), year))
    return {"history": history, "items": items}


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_new(request: HttpRequest, staff_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_staff_for_dialogue(acting, staff_id)
    form = DialogueForm(
        request.POST or None, initial={"held_on": timezone.localdate()}, **_form_choices(staff)
    )
    if request.method == "POST" and form.is_valid():
        try:
            dialogue = services.dialogue_record(actor=acting, staff=staff, **form.dialogue_fields())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(
                request,
                f"{staff.display_name} さんとの対話を記録しました。本人も読むことができます。",
            )
            return redirect("dialogue:dialogue_detail", dialogue_id=dialogue.pk)
    return render(request, "dialogue/dialogue_form.html", {"form": form, "staff": staff})


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_edit(request: HttpRequest, dialogue_id: int) -> HttpResponse:
    """The author corrects the record; the page shows that the earlier text is kept."""
    acting = acting_of(request)
    dialogue = access_dialogue_for_edit(acting, dialogue_id)
    form = DialogueForm(
        request.POST or None,
        initial=DialogueForm.initial_of(dialogue),
        **_form_choices(dialogue.staff),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dialogue_update(actor=acting, dialogue=dialogue, **form.dialogue_fields())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "対話の記録を直しました。直す前の内容は編集履歴に残ります。")
            return redirect("dialogue:dialogue_detail", dialogue_id=dialogue.pk)
    return render(
        request,
        "dialogue/dialogue_form.html",
        {"form": form, "staff": dialogue.staff, "dialogue": dialogue},
    )


@login_required
@require_GET
def dialogue_detail(request: HttpRequest, dialogue_id: int) -> HttpResponse:
    acting = acting_of(request)
    dialogue = access_dialogue(acting, dialogue_id)
    if not is_own(acting, dialogue.staff_id):
        audit_record(actor=acting, action="dialogue.view", target=dialogue, subject=dialogue.staff)
    return render(
        request,
        "dialogue/dialogue_detail.html",
        {
            "dialogue": dialogue,
            "own": is_own(acting, dialogue.staff_id),
            "can_comment": can_comment(acting, dialogue),
            "can_edit": can_edit(acting, dialogue),
            "comment_form": CommentForm(),
        },
    )


@login_required
@require_POST
def comment_add(request: HttpRequest, dialogue_id: int) -> HttpResponse:
    acting = acting_of(request)
    dialogue = access_dialogue_for_comment(acting, dialogue_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.dialogue_comment(actor=acting, dialogue=dialogue, body=form.cleaned_data["body"])
        messages.success(request, "コメントを書き込みました。")
    else:
        messages.error(request, "コメントを入力してください。")
    return redirect("dialogue:dialogue_detail", dialogue_id=dialogue.pk)
