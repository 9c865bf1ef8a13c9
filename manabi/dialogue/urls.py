from django.urls import path

from manabi.dialogue import views

app_name = "dialogue"

urlpatterns = [
    path("", views.dialogue_list, name="dialogue_list"),
    path("staff/<id:staff_id>/new/", views.dialogue_new, name="dialogue_new"),
    path("<id:dialogue_id>/", views.dialogue_detail, name="dialogue_detail"),
    path("<id:dialogue_id>/comments/", views.comment_add, name="comment_add"),
    path("<id:dialogue_id>/edit/", views.dialogue_edit, name="dialogue_edit"),
]
