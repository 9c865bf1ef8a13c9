"""The 欠課簿 of 授業クラス (mounted at ``/attendance/lessons/``)."""

from django.urls import path

from manabi.attendance import lesson_views as views

app_name = "lessons"

urlpatterns = [
    path("", views.index, name="index"),
    path("<id:lesson_id>/", views.detail, name="detail"),
    path("<id:lesson_id>/mark/", views.mark, name="mark"),
    path("<id:lesson_id>/hours/", views.hours, name="hours"),
]
