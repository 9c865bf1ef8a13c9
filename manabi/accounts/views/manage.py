"""Looking after accounts: status, roles, suspension, unlock, initial passwords and letters,
first-login progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from manabi.accounts import services
from manabi.accounts.forms import (
    AccountCreateForm,
    AccountSearchForm,
    DeadlineForm,
    LettersForm,
    RoleEndForm,
    RoleForm,
    SuspendForm,
)
from manabi.accounts.letters import credential_letters_pdf
from manabi.accounts.models import Account
from manabi.accounts.permissions import (
    access_account,
    access_account_for_change,
    access_organisation_for_letters,
    access_role_assignment_for_change,
    can_issue_initial_passwords,
    can_manage_accounts,
    can_view_onboarding_progress,
    grantable_roles,
)
from manabi.accounts.roles import Role
from manabi.accounts.selectors import (
    Acting,
    accounts_of_organisation,
    accounts_search,
    acting_of,
    failed_sign_ins,
    onboarding_pending,
    onboarding_progress,
)
from manabi.accounts.services import AccountError
from manabi.core.csvio import CsvEncoding, content_disposition, streaming_csv_response
from manabi.core.formerrors import filter_values
from manabi.core.pdf import PdfUnavailable
from manabi.orgs.models import Organisation
from manabi.orgs.selectors import organisations_in_jurisdiction


def _issue_and_print(
    acting: Acting, accounts: list[Account], *, per_school: bool, name: str
) -> HttpResponse:
    """Issue initial passwords and render their letters in one transaction: the passwords
    exist only on the letters, so if printing fails nothing is issued."""
    try:
        with transaction.atomic():
            issued = services.initial_passwords_issue(
                actor=acting, accounts=accounts, per_school=per_school
            )
            body = credential_letters_pdf(issued)
    except PdfUnavailable:
        raise PdfUnavailable(
            "PDF を作成できないため、初期パスワードの発行を取り消しました。システム管理者に連絡してください。"
        ) from None
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"初回ログインのお知らせ_{name}.pdf")
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_issue_initial_passwords(acting):
        raise PermissionDenied
    form = AccountSearchForm(request.GET or None)
    filters = filter_values(form)
    results = accounts_search(acting, query=filters.get("q", ""), status=filters.get("status", ""))
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/account_list.html",
        {"form": form, "page": page, "can_manage": can_manage_accounts(acting)},
    )


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    """An account with a generated login ID and one role, for someone with no staff record."""
    acting = acting_of(request)
    if not can_manage_accounts(acting):
        raise PermissionDenied
    form = AccountCreateForm(
        request.POST or None,
        roles=grantable_roles(acting),
        organisations=organisations_in_jurisdiction(acting),
        initial={"valid_from": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = Role(data["role"])
        with transaction.atomic():
            account = services.account_create(
                actor=acting, display_name=data["display_name"], role=role, email=data["email"]
            )
            services.role_assign(
                actor=acting,
                account=account,
                role=role,
                organisation=data["organisation"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        messages.success(
            request,
            f"アカウント {account.login_id} を作成しました。初期パスワードを発行して通知書を渡してください。",
        )
        return redirect("accounts:account_detail", account_id=account.pk)
    return render(request, "accounts/account_create.html", {"form": form})


@login_required
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    acting = acting_of(request)
    account = access_account(acting, account_id)
    failures = failed_sign_ins(account)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "roles": account.role_assignments.select_related("organisation").order_by(
                "-valid_from"
            ),
            "failures": failures,
            "can_manage": can_manage_accounts(acting) and account.pk != acting.account.pk,  # type: ignore[union-attr]
            "can_issue": can_issue_initial_passwords(acting),
            "role_form": RoleForm(
                roles=grantable_roles(acting),
                organisations=organisations_in_jurisdiction(acting),
                initial={"valid_from": timezone.localdate()},
            ),
            "today": timezone.localdate(),
        },
    )


@login_required
def account_suspend(request: HttpRequest, account_id: int) -> HttpResponse:
    acting = acting_of(request)
    account = access_account_for_change(acting, account_id)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_suspend(actor=acting, account=account, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            f"{account.display_name} さんの利用を停止しました。ログイン中の画面もすべて終了しました。",
        )
        return redirect("accounts:account_detail", account_id=account.pk)
    return render(request, "accounts/account_suspend.html", {"form": form, "account": account})


@login_required
@require_POST
def account_resume(request: HttpRequest, account_id: int) -> HttpResponse:
    acting = acting_of(request)
    account = access_account_for_change(acting, account_id)
    services.account_resume(actor=acting, account=account)
    messages.success(request, f"{account.display_name} さんの利用停止を解除しました。")
    return redirect("accounts:account_detail", account_id=account.pk)


@login_required
@require_POST
def account_unlock(request: HttpRequest, account_id: int) -> HttpResponse:
    acting = acting_of(request)
    account = access_account_for_change(acting, account_id)
    services.account_unlock(actor=acting, account=account)
    messages.success(request, "ログインの失敗回数を消去し、ロックを解除しました。")
    return redirect("accounts:account_detail", account_id=account.pk)


@login_required
@require_POST
def account_initial_password(request: HttpRequest, account_id: int) -> HttpResponse:
    """Reissue an initial password; the answer is the credential letter (PDF)."""
    acting = acting_of(request)
    account = access_account(acting, account_id)
    if not can_issue_initial_passwords(acting) or account.pk == getattr(acting.account, "pk", None):
        raise PermissionDenied
    try:
        return _issue_and_print(acting, [account], per_school=False, name=account.login_id)
    except (AccountError, PdfUnavailable) as exc:
        messages.error(request, str(exc))
        return redirect("accounts:account_detail", account_id=account.pk)


@login_required
@require_POST
def role_add(request: HttpRequest, account_id: int) -> HttpResponse:
    acting = acting_of(request)
    account = access_account_for_change(acting, account_id)
    form = RoleForm(
        request.POST,
        roles=grantable_roles(acting),
        organisations=organisations_in_jurisdiction(acting),
    )
    if form.is_valid():
        services.role_assign(
            actor=acting,
            account=account,
            role=Role(form.cleaned_data["role"]),
            organisation=form.cleaned_data["organisation"],
            valid_from=form.cleaned_data["valid_from"],
            valid_to=form.cleaned_data["valid_to"],
        )
        messages.success(request, "役割を追加しました。")
    else:
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"役割を追加できませんでした: {problems}")
    return redirect("accounts:account_detail", account_id=account.pk)


@login_required
@require_POST
def role_end(request: HttpRequest, account_id: int, role_id: int) -> HttpResponse:
    acting = acting_of(request)
    account, assignment = access_role_assignment_for_change(acting, account_id, role_id)
    form = RoleEndForm(request.POST)
    if form.is_valid():
        try:
            services.role_end(
                actor=acting, assignment=assignment, valid_to=form.cleaned_data["valid_to"]
            )
        except AccountError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "役割の終了日を設定しました。")
    else:
        messages.error(request, "終了日を正しく入力してください。")
    return redirect("accounts:account_detail", account_id=account.pk)


@login_required
def letters(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Issue initial passwords for people of one school and print their letters."""
    acting = acting_of(request)
    organisation = access_organisation_for_letters(acting, organisation_id)
    accounts = accounts_of_organisation(acting, organisation)
    pending_ids = list(onboarding_pending(acting, organisation).values_list("pk", flat=True))
    form = LettersForm(request.POST or None, accounts=accounts, initial={"accounts": pending_ids})
    if request.method == "POST" and form.is_valid():
        chosen = [
            a for a in form.cleaned_data["accounts"] if a.pk != getattr(acting.account, "pk", None)
        ]
        try:
            return _issue_and_print(
                acting, chosen, per_school=form.cleaned_data["per_school"], name=organisation.name
            )
        except (AccountError, PdfUnavailable) as exc:
            form.add_error(None, str(exc))
    return render(request, "accounts/letters.html", {"form": form, "organisation": organisation})


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    """First-login progress per school, against the deadline each board or school sets."""
    acting = acting_of(request)
    if not can_view_onboarding_progress(acting):
        raise PermissionDenied
    rows = onboarding_progress(acting)
    return render(
        request,
        "accounts/progress.html",
        {"rows": rows, "deadline_form": DeadlineForm(), "today": timezone.localdate()},
    )


@login_required
def progress_csv(request: HttpRequest) -> HttpResponseBase:
    acting = acting_of(request)
    if not can_view_onboarding_progress(acting):
        raise PermissionDenied
    encoding: CsvEncoding = "cp932" if request.GET.get("encoding") == "cp932" else "utf-8-sig"
    organisations = [row.organisation for row in onboarding_progress(acting)]

    def rows() -> object:
        for organisation in organisations:
            for account in onboarding_pending(acting, organisation):
                staff = account.staff
                yield [
                    organisation.code,
                    organisation.name,
                    staff.staff_number if staff else "",
                    account.display_name,
                    staff.kana if staff else "",
                    account.login_id,
                ]

    from manabi.core.audit import audit_record

    audit_record(actor=acting, action="accounts.onboarding.progress_export")
    return streaming_csv_response(
        rows(),  # type: ignore[arg-type]
        filename="初回ログイン未完了者.csv",
        header=["所属コード", "所属", "職員番号", "氏名", "ふりがな", "ログインID"],
        encoding=encoding,
    )


@login_required
@require_POST
def deadline_set(request: HttpRequest, organisation_id: int) -> HttpResponse:
    acting = acting_of(request)
    organisation: Organisation = access_organisation_for_letters(acting, organisation_id)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        services.onboarding_deadline_set(
            actor=acting, organisation=organisation, deadline=form.cleaned_data["deadline"]
        )
        messages.success(request, f"{organisation.name} の初回ログインの期限を設定しました。")
    else:
        messages.error(request, "期限の日付を正しく入力してください。")
    return redirect("accounts:progress")
