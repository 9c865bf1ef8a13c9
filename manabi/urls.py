"""URL configuration. Every pattern here must have an entry in tests/test_authz_matrix.py."""

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from manabi.core.converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("manabi.core.urls")),
    path("accounts/", include("manabi.accounts.urls")),
    path("orgs/", include("manabi.orgs.urls")),
    path("staff/", include("manabi.people.urls")),
    path("eligibility/", include("manabi.eligibility.urls")),
    path("imports/", include("manabi.imports.urls")),
    path("trainings/", include("manabi.training.urls")),
    path("history/", include("manabi.records.urls")),
    path("indicators/", include("manabi.indicators.urls")),
    path("dialogue/", include("manabi.dialogue.urls")),
    path("students/", include("manabi.students.urls")),
    path("classes/", include("manabi.students.class_urls")),
    path("access/", include("manabi.access.urls")),
    path("attendance/", include("manabi.attendance.urls")),
    path("attendance/reports/", include("manabi.attendance.report_urls")),
    path("attendance/lessons/", include("manabi.attendance.lesson_urls")),
    path("guardian/", include("manabi.attendance.guardian_urls")),
    path("grades/", include("manabi.grades.urls")),
    path("grades/report-cards/", include("manabi.grades.report_card_urls")),
    path("grades/records/", include("manabi.grades.cumulative_urls")),
    path("grades/transcripts/", include("manabi.grades.transcript_urls")),
    path("health/", include("manabi.health.urls")),
    path("school-diary/", include("manabi.school_diary.urls")),
    # One sign-in page for everybody: the admin site's own login form is not offered.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin-login-redirect",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("manabi.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
