"""URLs of the 通知表 (under ``grades/report-cards/``)."""

from django.urls import URLPattern, path

from manabi.grades import report_card_views as views

app_name = "report_cards"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("classes/<id:class_id>/", views.class_page, name="class_page"),
    path("classes/<id:class_id>/batches/", views.batch_create, name="batch_create"),
    path(
        "classes/<id:class_id>/pupils/<id:student_id>/",
        views.pupil_preview,
        name="pupil_preview",
    ),
    path(
        "classes/<id:class_id>/pupils/<id:student_id>/pdf/",
        views.pupil_pdf,
        name="pupil_pdf",
    ),
    path("batches/<id:batch_id>/", views.batch_page, name="batch"),
    path("batches/<id:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<id:batch_id>/download/", views.batch_download, name="batch_download"),
    path("layout/", views.layout_edit, name="layout"),
    path("layout/preview/", views.layout_preview, name="layout_preview"),
    path("layout/sample.pdf", views.layout_sample_pdf, name="layout_sample_pdf"),
]
