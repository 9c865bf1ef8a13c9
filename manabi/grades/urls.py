"""URLs of grades entry (成績)."""

from django.urls import path

from manabi.grades import rule_views, views

app_name = "grades"

urlpatterns = [
    path("", views.index, name="index"),
    path("setup/", views.setup, name="setup"),
    path("rules/", rule_views.rules_list, name="rules"),
    path("rules/new/", rule_views.rule_new, name="rule_new"),
    path("lessons/<id:lesson_id>/", views.scores, name="scores"),
    path("lessons/<id:lesson_id>/cell/", views.score_cell, name="score_cell"),
    path("lessons/<id:lesson_id>/scores.xlsx", views.scores_xlsx, name="scores_xlsx"),
    path("lessons/<id:lesson_id>/import/", views.scores_import, name="scores_import"),
    path("lessons/<id:lesson_id>/items/", views.items, name="items"),
    path("lessons/<id:lesson_id>/items/<id:item_id>/", views.item_edit, name="item_edit"),
    path(
        "lessons/<id:lesson_id>/items/<id:item_id>/delete/",
        views.item_delete,
        name="item_delete",
    ),
    path("lessons/<id:lesson_id>/pupils/<id:student_id>/", views.result, name="result"),
    path("classes/<id:class_id>/texts/", views.texts, name="texts"),
    path("classes/<id:class_id>/checks/", views.checks, name="checks"),
]
