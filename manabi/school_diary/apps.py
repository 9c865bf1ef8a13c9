from django.apps import AppConfig


class SchoolDiaryConfig(AppConfig):
    """学校日誌."""

    name = "manabi.school_diary"
    label = "school_diary"
    verbose_name = (
        " 日ごとの学校の記録 (天気・行事・来校者・出欠・職員の不在), 校長の承認と締め:学校日誌"
    )
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from manabi.school_diary import navigation

        navigation.register()
