from django.urls import path

from manabi.students import class_views as views

app_name = "classes"

urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_create, name="create"),
    path("<id:class_id>/", views.class_detail, name="detail"),
    path("<id:class_id>/duties/", views.class_duty_assign, name="duty_assign"),
    path("grade-duties/", views.grade_duty_assign, name="grade_duty_assign"),
    path("duties/<id:duty_id>/remove/", views.duty_remove, name="duty_remove"),
    path("lessons/new/", views.lesson_create, name="lesson_create"),
    path("lessons/<id:lesson_id>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<id:lesson_id>/duties/", views.lesson_duty_assign, name="lesson_duty_assign"),
    path("lessons/<id:lesson_id>/members/", views.lesson_members, name="lesson_members"),
]
