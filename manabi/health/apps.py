from django.apps import AppConfig


class HealthConfig(AppConfig):
    """保健: 児童生徒健康診断票 (一般・歯・口腔), 入力時期設定."""

    name = "manabi.health"
    label = "health"
    verbose_name = "保健"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from manabi.health import navigation
        from manabi.health.handover import register_handover

        navigation.register()
        register_handover()
