from django.urls import path

from manabi.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template/<str:kind>.csv", views.template, name="template"),
    path("<id:job_id>/", views.job_detail, name="job"),
    path("<id:job_id>/progress/", views.job_progress, name="job_progress"),
    path("<id:job_id>/errors.csv", views.job_errors, name="job_errors"),
    path("<id:job_id>/confirm/", views.job_confirm, name="job_confirm"),
    path("<id:job_id>/commit/", views.job_commit, name="job_commit"),
    path("<id:job_id>/rerun/", views.job_rerun, name="job_rerun"),
]
