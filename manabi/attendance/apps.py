from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    """出席簿: daily marks, the school calendar, the monthly lock and guardians' notices."""

    name = "manabi.attendance"
    label = "attendance"
    verbose_name = "出席簿"

    def ready(self) -> None:
        from manabi.attendance import navigation
        from manabi.attendance.home_cards import register_cards

        navigation.register()
        register_cards()
