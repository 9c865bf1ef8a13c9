from django.apps import AppConfig


class GradesConfig(AppConfig):
    name = "manabi.grades"
    label = "grades"
    verbose_name = "成績"
    default_auto_field = "django.db.models.BigAutoField"
