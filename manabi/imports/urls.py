from django.urls import path

from manabi.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template/<str:kind>.csv", views.template, name="template"),
    path("<int:job_id>/", views.job_detail, name="job"),
    path("<int:job_id>/progress/", views.job_progress, name="job_progress"),
    path("<int:job_id>/errors.csv", views.job_errors, name="job_errors"),
    path("<int:job_id>/confirm/", views.job_confirm, name="job_confirm"),
    path("<int:job_id>/commit/", views.job_commit, name="job_commit"),
]
