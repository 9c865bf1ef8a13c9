"""Writing history by hand: a teacher's own records, the principal's confirmation or return,
and the school-wide in-school training."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.accounts.selectors import acting_of
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.core.formerrors import add_validation_errors
from manabi.core.steps import step_view
from manabi.indicators.selectors import framework_for_organisation, items_for_choice
from manabi.people.models import Staff
from manabi.records import services
from manabi.records.forms import (
    ManualRecordEditForm,
    ManualRecordForm,
    ReturnForm,
    SchoolTrainingForm,
)
from manabi.records.permissions import (
    access_record,
    access_record_for_change,
    access_record_for_review,
    can_enter_school_training,
    can_review,
    has_own_history,
)
from manabi.records.selectors import (
    current_main_organisation,
    is_own,
    records_to_review,
    school_staff_for_entry,
)
from manabi.records.services import HistoryError


def _items_for(staff: Staff):  # type: ignore[no-untyped-def]
    framework = framework_for_organisation(
        current_main_organisation(staff), wareki.fiscal_year(timezone.localdate())
    )
    return items_for_choice(framework)


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest) -> HttpResponse:
    """校内研修・研究 / 自主研修 を記録する (own)."""
    acting = acting_of(request)
    if not has_own_history(acting):
        raise Http404
    assert acting.account is not None and acting.account.staff_id is not None
    staff = Staff.objects.get(pk=acting.account.staff_id)
    form = ManualRecordForm(request.POST or None, request.FILES or None, items=_items_for(staff))
    if request.method == "POST" and form.is_valid():
        try:
            record = services.manual_record_submit(
                actor=acting, staff=staff, **form.record_fields()
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except HistoryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"「{record.title}」を記録し、学校管理職の確認待ちにしました。確認されると合計に入ります。",
            )
            return redirect("records:staff_history", staff_id=staff.pk)
    return render(request, "records/record_form.html", {"form": form, "record": None})


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, record_id: int) -> HttpResponse:
    """修正して再提出 (own, not yet confirmed)."""
    acting = acting_of(request)
    record = access_record_for_change(acting, record_id)
    initial = {
        "category": record.category,
        "title": record.title,
        "organiser_name": record.organiser_name,
        "format": record.format,
        "start": record.start,
        "end": record.end,
        "hours": record.hours,
        "note": record.note,
        "indicator_item_ids": list(record.indicator_items.all()),
    }
    form = ManualRecordEditForm(
        request.POST or None, request.FILES or None, items=_items_for(record.staff), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = form.record_fields()
        try:
            services.manual_record_update(
                actor=acting,
                record=record,
                remove_evidence=form.cleaned_data.get("remove_evidence", False),
                **fields,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except HistoryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"「{record.title}」を修正し、もう一度確認を依頼しました。")
            return redirect("records:staff_history", staff_id=record.staff_id)
    return render(request, "records/record_form.html", {"form": form, "record": record})


record_withdraw = step_view(
    access=access_record_for_change,
    run=lambda acting, record, data: services.manual_record_withdraw(actor=acting, record=record),
    done=lambda record, _: f"「{record.title}」を取り下げました。",
    back=lambda record: redirect("records:staff_history", staff_id=record.staff_id),
    errors=(HistoryError,),
)


@login_required
@require_GET
def record_evidence(request: HttpRequest, record_id: int) -> FileResponse:
    """The evidence file of a record (for those who may read the record)."""
    acting = acting_of(request)
    record = access_record(acting, record_id)
    if not record.evidence:
        raise Http404
    if not is_own(acting, record.staff_id):
        audit_record(
            actor=acting,
            action="records.history.evidence",
            target=record,
            subject=record.staff,
            details={"file": record.evidence_name},
        )
    response = FileResponse(record.evidence.open("rb"), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition(record.evidence_name or "evidence")
    response["Cache-Control"] = "no-store, private"
    return response


# --- the principal --------------------------------------------------------------------------


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """確認待ちの研修履歴 of the school's staff."""
    acting = acting_of(request)
    if not can_review(acting):
        raise PermissionDenied
    return render(
        request,
        "records/review_list.html",
        {"records": records_to_review(acting), "return_form": ReturnForm()},
    )


def _back(request: HttpRequest, staff_id: int) -> HttpResponse:
    if request.POST.get("next") == "review":
        return redirect("records:review_list")
    return redirect("records:staff_history", staff_id=staff_id)


@login_required
@require_POST
def record_confirm(request: HttpRequest, record_id: int) -> HttpResponse:
    acting = acting_of(request)
    record = access_record_for_review(acting, record_id)
    try:
        services.history_record_confirm(actor=acting, record=record)
    except HistoryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{record.staff.display_name} さんの「{record.title}」を確認しました。"
        )
    return _back(request, record.staff_id)


@login_required
@require_POST
def record_return(request: HttpRequest, record_id: int) -> HttpResponse:
    acting = acting_of(request)
    record = access_record_for_review(acting, record_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "差し戻しの理由を入力してください(本人に表示されます)。")
        return _back(request, record.staff_id)
    try:
        services.history_record_return(
            actor=acting, record=record, reason=form.cleaned_data["reason"]
        )
    except (HistoryError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request, f"{record.staff.display_name} さんの「{record.title}」を差し戻しました。"
        )
    return _back(request, record.staff_id)


@login_required
@require_http_methods(["GET", "POST"])
def school_training_new(request: HttpRequest) -> HttpResponse:
    """校内研修の一括入力: one in-school training for many staff, confirmed at entry."""
    acting = acting_of(request)
    if not can_enter_school_training(acting):
        raise PermissionDenied
    staff = school_staff_for_entry(acting)
    framework = framework_for_organisation(
        acting.organisation, wareki.fiscal_year(timezone.localdate())
    )
    form = SchoolTrainingForm(
        request.POST or None,
        items=items_for_choice(framework),
        staff=staff,
        initial={"staff": list(staff), "organiser_name": acting.organisation_label},
    )
    if request.method == "POST" and form.is_valid():
        try:
            records = services.school_training_record(actor=acting, **form.record_fields())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except HistoryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"「{form.cleaned_data['title']}」を {len(records)} 人の研修受講履歴に記録しました(確認済み)。",
            )
            return redirect("records:overview")
    return render(request, "records/school_training_form.html", {"form": form})
