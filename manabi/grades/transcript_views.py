"""Pages of 調査書 (mounted at ``/grades/transcripts/``): the classes, a class's pupils, a
pupil's 調査書 as the profile lays it out, and its A4 PDF.

Seeing: 成績入力 「調査書」 (``permissions.access_transcript_class``, 閲覧); the PDF also needs
成績出力 「調査書」 印刷 (403 when seen but not printable). A pupil not placed in the class in its
年度 is 404. Every view and print of a pupil's 調査書 is audited with the pupil as subject.
``?profile=`` chooses a shipped profile (404 for an unknown one).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from manabi.access.functions import Action
from manabi.accounts.selectors import Acting
from manabi.classes.models import SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.core import wareki
from manabi.core.acting import acting_of
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.core.pdf import PdfUnavailable
from manabi.core.query import query_number
from manabi.grades import permissions, selectors
from manabi.grades import report_cards as rc
from manabi.grades import transcript as tr
from manabi.students.models import Enrolment


def _profile(request: HttpRequest) -> tr.Profile:
    return tr.profile_or_404(request.GET.get("profile") or None)


def _query(profile: tr.Profile) -> str:
    return "" if profile.key == tr.DEFAULT_PROFILE else f"?profile={profile.key}"


def _pupil_url(school_class: SchoolClass, student_id: int, profile: tr.Profile) -> str:
    url = reverse(
        "transcripts:pupil", kwargs={"class_id": school_class.pk, "student_id": student_id}
    )
    return url + _query(profile)


def _audit(
    acting: Acting,
    school_class: SchoolClass,
    enrolment: Enrolment,
    profile: tr.Profile,
    action: str,
) -> None:
    audit_record(
        actor=acting,
        action=action,
        target=enrolment.student,
        subject=enrolment.student,
        details={
            "fiscal_year": school_class.fiscal_year,
            "class_id": school_class.pk,
            "profile": profile.key,
            "profile_version": profile.version,
        },
    )


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The 学級 whose 調査書 one may see, for a 年度 (3年 first)."""
    acting = acting_of(request)
    fiscal_year = (
        query_number(request, "fiscal_year", label="年度", minimum=2000, maximum=2100)
        or current_fiscal_year()
    )
    reach = permissions.require_lister(
        acting, permissions.TRANSCRIPT_ENTRY, fiscal_year=fiscal_year
    )
    classes = selectors.school_classes_in_reach(reach).order_by("-grade", "name")
    return render(
        request,
        "grades/transcripts/index.html",
        {
            "classes": classes,
            "fiscal_year": fiscal_year,
            "fiscal_year_label": wareki.format_fiscal_year(fiscal_year),
            "profiles": list(tr.shipped_profiles().values()),
        },
    )


@login_required
@require_GET
def class_pupils(request: HttpRequest, class_id: int) -> HttpResponse:
    """A class's pupils, each with a link to their 調査書 and its PDF."""
    acting = acting_of(request)
    school_class, _ = permissions.access_transcript_class(acting, class_id)
    profile = _profile(request)
    pupils = selectors.class_pupils(school_class)
    audit_record(
        actor=acting,
        action="grades.transcript.class_view",
        target=school_class,
        details={"fiscal_year": school_class.fiscal_year, "pupils": len(pupils)},
    )
    return render(
        request,
        "grades/transcripts/class.html",
        {
            "school_class": school_class,
            "pupils": pupils,
            "profile": profile,
            "query": _query(profile),
            "may_print": permissions.may_print_transcript(acting, school_class),
            "last_grade": school_class.grade == max(profile.grades),
            "fiscal_year_label": wareki.format_fiscal_year(school_class.fiscal_year),
        },
    )


@login_required
@require_GET
def pupil(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    """A pupil's 調査書, assembled from the grades, the attendance book and the texts."""
    acting = acting_of(request)
    school_class, _ = permissions.access_transcript_class(acting, class_id)
    enrolment = rc.class_pupil(school_class, student_id)
    profile = _profile(request)
    content = tr.transcript_content(
        enrolment.student, school_class.school, school_class.fiscal_year, profile
    )
    _audit(acting, school_class, enrolment, profile, "grades.transcript.view")
    return render(
        request,
        "grades/transcripts/pupil.html",
        {
            "school_class": school_class,
            "enrolment": enrolment,
            "profile": profile,
            "query": _query(profile),
            "content": content,
            "display": tr.display_of(content, profile),
            "may_print": permissions.may_print_transcript(acting, school_class),
        },
    )


@login_required
@require_GET
def pupil_pdf(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    """The 調査書 on A4."""
    acting = acting_of(request)
    school_class, _ = permissions.access_transcript_class(acting, class_id, action=Action.PRINT)
    enrolment = rc.class_pupil(school_class, student_id)
    profile = _profile(request)
    content = tr.transcript_content(
        enrolment.student, school_class.school, school_class.fiscal_year, profile
    )
    try:
        body = tr.render_transcript_pdf(
            content, profile, principal=tr.principal_of(school_class.school)
        )
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect(_pupil_url(school_class, student_id, profile))
    _audit(acting, school_class, enrolment, profile, "grades.transcript.print")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(tr.file_name(content), inline=True)
    response["Cache-Control"] = "no-store, private"
    return response
