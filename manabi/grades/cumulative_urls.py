"""指導要録 (mounted at ``/grades/records/``)."""

from django.urls import path

from manabi.grades import cumulative_views as views

app_name = "cumulative"

_PUPIL = "classes/<id:class_id>/pupils/<id:student_id>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("classes/<id:class_id>/", views.class_records, name="class_records"),
    path("classes/<id:class_id>/approve/", views.class_approve, name="class_approve"),
    path("classes/<id:class_id>/lock/", views.class_lock, name="class_lock"),
    path(_PUPIL, views.pupil, name="pupil"),
    path(f"{_PUPIL}record.pdf", views.pupil_pdf, name="pupil_pdf"),
    path(f"{_PUPIL}copy.pdf", views.pupil_copy_pdf, name="pupil_copy_pdf"),
    path(f"{_PUPIL}approve/", views.pupil_approve, name="pupil_approve"),
    path(f"{_PUPIL}return/", views.pupil_return, name="pupil_return"),
    path(f"{_PUPIL}lock/", views.pupil_lock, name="pupil_lock"),
    path(f"{_PUPIL}unlock/", views.pupil_unlock, name="pupil_unlock"),
]
