from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    """出席簿: daily marks, the school calendar, the monthly lock and guardians' notices."""

    name = "manabi.attendance"
    label = "attendance"
    verbose_name = "出席簿"

    def ready(self) -> None:
        from manabi.attendance import navigation
        from manabi.attendance.guardian import links_revoke_on_transfer
        from manabi.attendance.home_cards import register_cards
        from manabi.core import extensions
        from manabi.students.points import TRANSFER_RECORDED

        navigation.register()
        register_cards()
        extensions.register(TRANSFER_RECORDED, links_revoke_on_transfer)
