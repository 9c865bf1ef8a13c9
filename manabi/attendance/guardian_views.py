"""Pages of the guardians' absence notices (欠席連絡, docs/adr/0004-guardian-links.md).

The guardian's pages take the personal token in the URL and need no sign-in: the link is the
authority, and reaches one pupil only. An unknown, expired or revoked token, and a notice that
is not this guardian's, answer 404. Every guardian page is sent with ``no-store``,
``no-referrer`` and ``noindex`` so that the token stays out of caches, other sites' logs and
search engines.

The school's pages (a class's guardians and their links) are for whoever may enter the
class's 出席簿 (``access_book`` with 編集).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.access.functions import Action
from manabi.accounts.selectors import acting_of
from manabi.attendance import guardian
from manabi.attendance.choices import NoticeStatus
from manabi.attendance.guardian_forms import NoticeForm
from manabi.attendance.models import AbsenceNotice, GuardianLink
from manabi.attendance.permissions import access_book
from manabi.classes.models import SchoolClass
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors

GUARDIAN_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}

View = Callable[..., HttpResponse]


def guardian_page(view: View) -> View:
    """Send the guardian's pages (whatever their status) with the headers that keep the
    token private.

    The pages are exempt from Django's CSRF check: the authority is the token in the URL, not
    a cookie, so a forged request from another site has nothing to ride on (it would need the
    token, and with it could post directly). The check could not pass anyway: under
    ``Referrer-Policy: no-referrer`` browsers send ``Origin: null`` with the form. The pages
    set no cookies."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        for header, value in GUARDIAN_HEADERS.items():
            response[header] = value
        return response

    return wrapped


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(
        request, "attendance/guardian/invalid.html", {"message": guardian.LINK_GONE}, status=404
    )


def _not_found(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "attendance/guardian/not_found.html", {"token": token}, status=404)


def _page(link: GuardianLink, token: str) -> dict[str, Any]:
    """What every guardian page shows of the pupil: the given name and the school, no more."""
    return {
        "token": token,
        "pupil_name": link.guardian.student.given_name,
        "school_name": guardian.school_name_of(link),
        "expires_on": link.expires_on,
    }


def _notice_rows(notices: Sequence[AbsenceNotice]) -> list[dict[str, Any]]:
    return [{"notice": n, "status": guardian.STATUS_FOR_GUARDIAN[n.status]} for n in notices]


@guardian_page
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest, token: str) -> HttpResponse:
    """欠席連絡: the form (the date defaults to today) and the notices already sent."""
    link = guardian.link_for_token(token)
    if link is None:
        return _invalid_link(request)
    today = guardian.local_today()
    if request.method == "POST":
        form = NoticeForm(request.POST, today=today)
        if form.is_valid():
            try:
                notice = guardian.notice_submit(link=link, **form.notice_data())
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                return redirect("guardian:notice", token=token, notice_id=notice.pk)
    else:
        form = NoticeForm(initial={"date": today}, today=today)
    notices = list(guardian.notices_of_link(link)[: guardian.NOTICES_SHOWN])
    return render(
        request,
        "attendance/guardian/home.html",
        {
            **_page(link, token),
            "form": form,
            "notices": _notice_rows(notices),
            "days_ahead": guardian.DAYS_AHEAD,
        },
    )


@guardian_page
@require_GET
def notice(request: HttpRequest, token: str, notice_id: int) -> HttpResponse:
    """One notice and its receipt: 受付済み, 出席簿に反映 or 反映せず."""
    link = guardian.link_for_token(token)
    if link is None:
        return _invalid_link(request)
    found = guardian.notice_of_link(link, notice_id)
    if found is None:
        return _not_found(request, token)
    return render(
        request,
        "attendance/guardian/notice.html",
        {
            **_page(link, token),
            "notice": found,
            "status": guardian.STATUS_FOR_GUARDIAN[found.status],
            "cancellable": found.status == NoticeStatus.RECEIVED,
            "reason_label": guardian.GUARDIAN_REASONS.get(found.reason, found.get_reason_display()),
        },
    )


@guardian_page
@require_http_methods(["GET", "POST"])
def notice_cancel(request: HttpRequest, token: str, notice_id: int) -> HttpResponse:
    """Withdraw a notice the school has not handled yet (GET asks, POST withdraws)."""
    link = guardian.link_for_token(token)
    if link is None:
        return _invalid_link(request)
    found = guardian.notice_of_link(link, notice_id)
    if found is None:
        return _not_found(request, token)
    error = ""
    done = False
    if request.method == "POST":
        # Answered with a page, not a redirect: the guardian has no session to carry a
        # message, and sending the form again finds nothing to withdraw (404).
        try:
            guardian.notice_cancel(link=link, notice=found)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            done = True
    return render(
        request,
        "attendance/guardian/notice_cancel.html",
        {
            **_page(link, token),
            "notice": found,
            "cancellable": not done and found.status == NoticeStatus.RECEIVED,
            "done": done,
            "error": error,
        },
    )


# --- The school's pages ---------------------------------------------------------------------


def _guardian_url(token: str) -> str:
    base: str = settings.SITE_URL
    return base.rstrip("/") + reverse("guardian:home", kwargs={"token": token})


def _letters(
    request: HttpRequest, school_class: SchoolClass, issued: Sequence[tuple[GuardianLink, str]]
) -> HttpResponse:
    """The printable letters of new links (one page per guardian). The tokens exist only in
    this response: it is not kept, so the page says to print it now."""
    today = timezone.localdate()
    letters = []
    for link, token in issued:
        url = _guardian_url(token)
        letters.append(
            {
                "pupil": link.guardian.student,
                "guardian": link.guardian,
                "url": url,
                "qr": segno.make(url, error="m").svg_data_uri(scale=4),
                "expires_on": wareki.format_date(link.expires_on),
            }
        )
    response = render(
        request,
        "attendance/guardian/letters.html",
        {
            "school_class": school_class,
            "school_name": school_class.school.name,
            "letters": letters,
            "issued_on": wareki.format_date(today),
            "days_ahead": guardian.DAYS_AHEAD,
        },
    )
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def links(request: HttpRequest, class_id: int) -> HttpResponse:
    """保護者連絡用リンク: each pupil's guardians and whether their link is valid, and the
    links of former pupils (転出 …) that were never revoked."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    pupils = guardian.class_guardians(school_class)
    former = list(guardian.former_pupils_links(school_class))
    audit_record(
        actor=acting,
        action="attendance.guardian_link.list",
        target=school_class,
        details={"pupils": len(pupils), "former_links": len(former)},
    )
    return render(
        request,
        "attendance/guardian/links.html",
        {
            "school_class": school_class,
            "pupils": pupils,
            "former": former,
            "missing": sum(1 for p in pupils for row in p.guardians if row.link is None),
        },
    )


@login_required
@require_POST
def link_issue(request: HttpRequest, class_id: int, guardian_id: int) -> HttpResponse:
    """Issue (or re-issue) one guardian's link and show its letter once."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    found = guardian.guardian_of_class(school_class, guardian_id)
    if found is None:
        raise Http404
    try:
        issued = guardian.link_issue(actor=acting, guardian=found, school=school_class.school)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("guardian:links", class_id=school_class.pk)
    return _letters(request, school_class, [issued])


@login_required
@require_POST
def links_issue_missing(request: HttpRequest, class_id: int) -> HttpResponse:
    """Issue a link to every guardian of the class who has none, and show their letters."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    issued = guardian.links_issue_missing(actor=acting, school_class=school_class)
    if not issued:
        messages.info(request, "リンクが必要な保護者はいません (全員に有効なリンクがあります)。")
        return redirect("guardian:links", class_id=school_class.pk)
    return _letters(request, school_class, issued)


@login_required
@require_http_methods(["GET", "POST"])
def link_revoke(request: HttpRequest, class_id: int, link_id: int) -> HttpResponse:
    """Revoke a guardian's link (GET asks, POST revokes)."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    link = guardian.link_of_class(school_class, link_id)
    if link is None:
        raise Http404
    if request.method == "POST":
        try:
            guardian.link_revoke(actor=acting, link=link)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{link.guardian.student.name} さんの保護者 ({link.guardian}) のリンクを無効にしました。",
            )
        return redirect("guardian:links", class_id=school_class.pk)
    return render(
        request,
        "attendance/guardian/link_revoke.html",
        {"school_class": school_class, "link": link},
    )
