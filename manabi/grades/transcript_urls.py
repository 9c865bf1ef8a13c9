"""調査書 (mounted at ``/grades/transcripts/``)."""

from django.urls import path

from manabi.grades import transcript_views as views

app_name = "transcripts"

_PUPIL = "classes/<id:class_id>/pupils/<id:student_id>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("classes/<id:class_id>/", views.class_pupils, name="class_pupils"),
    path(_PUPIL, views.pupil, name="pupil"),
    path(f"{_PUPIL}transcript.pdf", views.pupil_pdf, name="pupil_pdf"),
]
