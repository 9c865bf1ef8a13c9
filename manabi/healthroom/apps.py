from django.apps import AppConfig


class HealthroomConfig(AppConfig):
    """保健室."""

    name = "manabi.healthroom"
    label = "healthroom"
    verbose_name = " 保健室利用 (来室記録と日・月の集計) と保健日誌 (日ごとに締める):保健室"
    default_auto_field = "django.db.models.BigAutoField"
