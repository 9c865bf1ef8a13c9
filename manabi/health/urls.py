"""URLs of 健康診断 (保健)."""

from django.urls import path

from manabi.health import print_views, views

app_name = "health"

urlpatterns = [
    path("", views.index, name="index"),
    path("entry-periods/", views.entry_periods, name="entry_periods"),
    path("classes/<id:class_id>/", views.class_grid, name="class_grid"),
    path("pupils/<id:student_id>/", views.pupil, name="pupil"),
    path("pupils/<id:student_id>/exam/", views.pupil_exam_save, name="pupil_exam_save"),
    path("pupils/<id:student_id>/dental/", views.pupil_dental_save, name="pupil_dental_save"),
]

# The printed outputs (健康診断票・お知らせ): ``print_views``.
urlpatterns += [
    path(
        "pupils/<id:student_id>/record.pdf", print_views.pupil_record_pdf, name="pupil_record_pdf"
    ),
    path(
        "pupils/<id:student_id>/letter.pdf", print_views.pupil_letter_pdf, name="pupil_letter_pdf"
    ),
    path(
        "classes/<id:class_id>/records.pdf", print_views.class_records_pdf, name="class_records_pdf"
    ),
    path(
        "classes/<id:class_id>/letters.pdf", print_views.class_letters_pdf, name="class_letters_pdf"
    ),
]
