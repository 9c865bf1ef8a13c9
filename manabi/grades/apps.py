from django.apps import AppConfig


class GradesConfig(AppConfig):
    """成績: scores, 観点 and 評定 by rules, 所見, 通知表 and 指導要録."""

    name = "manabi.grades"
    label = "grades"
    verbose_name = "成績"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from manabi.grades import navigation
        from manabi.grades.cumulative import register_handover

        navigation.register()
        register_handover()
