"""Pages of 転出入: recording a 転出, the school's incoming and outgoing transfers, accepting a
転入, withdrawing a 転出, the signed handover file and receiving one from outside."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.accounts.selectors import acting_of
from manabi.classes.selectors import classes_in_reach
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.core.formerrors import add_validation_errors
from manabi.students import transfers
from manabi.students.forms import (
    PackageUploadForm,
    TransferAcceptForm,
    TransferOutForm,
)
from manabi.students.handover import MAX_PACKAGE_BYTES, own_fingerprint
from manabi.students.models import TransferStatus
from manabi.students.permissions import (
    access_student_for_change,
    access_transfer,
    require_record_manager,
)
from manabi.students.selectors import (
    transfer_destinations,
    transfers_incoming,
    transfers_outgoing,
)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_out(request: HttpRequest, student_id: int) -> HttpResponse:
    """転出の記録."""
    acting = acting_of(request)
    enrolment = access_student_for_change(acting, student_id)
    form = TransferOutForm(request.POST or None, schools=transfer_destinations(enrolment.school_id))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            transfer = transfers.transfer_record(
                actor=acting,
                enrolment=enrolment,
                moved_on=d["moved_on"],
                reason=d["reason"],
                to_school=d["to_school"],
                destination_name=d["destination_name"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if transfer.to_school:
                messages.success(
                    request,
                    f"転出を記録しました。{transfer.to_school.name}で受け入れると在籍が移ります。",
                )
            else:
                messages.success(
                    request, "転出を記録しました。引継ぎファイルを出力して転入先に届けてください。"
                )
            return redirect("students:transfer_detail", transfer_id=transfer.pk)
    return render(
        request,
        "students/transfer_out.html",
        {"form": form, "student": enrolment.student, "enrolment": enrolment},
    )


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    """転出入: pupils waiting to be received here, and those who left."""
    acting = acting_of(request)
    require_record_manager(acting)
    assert acting.organisation is not None
    school_id = acting.organisation.pk
    return render(
        request,
        "students/transfers.html",
        {
            "incoming": transfers_incoming(school_id),
            "outgoing": transfers_outgoing(school_id)[:200],
        },
    )


@login_required
@require_GET
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """One transfer with its handover package (audited: it holds the pupil's 学籍)."""
    acting = acting_of(request)
    transfer = access_transfer(acting, transfer_id)
    assert acting.organisation is not None
    receiving = transfer.to_school_id == acting.organisation.pk
    accept_form = None
    if receiving and transfer.status == TransferStatus.PENDING:
        reach = require_record_manager(acting)
        accept_form = TransferAcceptForm(
            classes=classes_in_reach(reach), initial={"start_date": transfer.moved_on}
        )
    audit_record(
        actor=acting,
        action="students.transfer.view",
        target=transfer,
        subject=transfer.student,
    )
    return render(
        request,
        "students/transfer_detail.html",
        {
            "transfer": transfer,
            "receiving": receiving,
            "accept_form": accept_form,
            "gakuseki": transfer.package.get("sections", {}).get("gakuseki", {}),
            "cancellable": not receiving
            and transfer.status in (TransferStatus.PENDING, TransferStatus.EXPORTED),
        },
    )


@login_required
@require_POST
def transfer_accept(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """転入の受入れ."""
    acting = acting_of(request)
    transfer = access_transfer(acting, transfer_id)
    assert acting.organisation is not None
    if transfer.to_school_id != acting.organisation.pk:
        raise PermissionDenied
    reach = require_record_manager(acting)
    form = TransferAcceptForm(request.POST, classes=classes_in_reach(reach))
    if form.is_valid():
        d = form.cleaned_data
        try:
            enrolment = transfers.transfer_accept(
                actor=acting,
                transfer=transfer,
                school_class=d["school_class"],
                start_date=d["start_date"],
                number=d["number"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, f"{transfer.student.name} さんを受け入れました。")
            return redirect("students:detail", student_id=enrolment.student_id)
    return render(
        request,
        "students/transfer_detail.html",
        {
            "transfer": transfer,
            "receiving": True,
            "accept_form": form,
            "gakuseki": transfer.package.get("sections", {}).get("gakuseki", {}),
            "cancellable": False,
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_cancel(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """転出の取消し (with a confirmation page)."""
    acting = acting_of(request)
    transfer = access_transfer(acting, transfer_id)
    assert acting.organisation is not None
    if transfer.from_school_id != acting.organisation.pk:
        raise PermissionDenied
    if request.method == "POST":
        try:
            transfers.transfer_cancel(actor=acting, transfer=transfer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("students:transfer_detail", transfer_id=transfer.pk)
        messages.success(request, "転出を取り消しました。在籍は元に戻りました。")
        return redirect("students:detail", student_id=transfer.student_id)
    return render(request, "students/transfer_cancel.html", {"transfer": transfer})


@login_required
@require_GET
def transfer_package(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """The signed handover file (zip) of a 転出, for a destination outside the deployment."""
    acting = acting_of(request)
    transfer = access_transfer(acting, transfer_id)
    assert acting.organisation is not None
    if transfer.from_school_id != acting.organisation.pk:
        raise PermissionDenied
    try:
        body = transfers.transfer_export(actor=acting, transfer=transfer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("students:transfer_detail", transfer_id=transfer.pk)
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        f"引継ぎ_{transfer.student.code}_{transfer.moved_on:%Y%m%d}.zip"
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def package_import(request: HttpRequest) -> HttpResponse:
    """域外からの転入: receive a pupil from another manabi's signed handover file."""
    acting = acting_of(request)
    reach = require_record_manager(acting)
    classes = classes_in_reach(reach)
    upload = PackageUploadForm(request.POST or None, request.FILES or None)
    form = TransferAcceptForm(request.POST or None, classes=classes)
    if request.method == "POST" and upload.is_valid() and form.is_valid():
        file = upload.cleaned_data["package"]
        if file.size > MAX_PACKAGE_BYTES:
            upload.add_error("package", "ファイルが大きすぎます (20MB まで)。")
        else:
            assert acting.organisation is not None
            d = form.cleaned_data
            try:
                imported = transfers.package_import(
                    actor=acting,
                    content=file.read(),
                    school=acting.organisation,
                    school_class=d["school_class"],
                    start_date=d["start_date"],
                    number=d["number"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "package" in exc.error_dict:
                    upload.add_error("package", exc.error_dict["package"])
                else:
                    add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{imported.enrolment.student.name} さんを転入として受け入れました"
                    f"(署名の鍵 {imported.signer})。",
                )
                return redirect("students:detail", student_id=imported.enrolment.student_id)
    return render(
        request,
        "students/package_import.html",
        {"upload": upload, "form": form, "fingerprint": own_fingerprint()},
    )
