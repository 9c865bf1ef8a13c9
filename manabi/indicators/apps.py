from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "manabi.indicators"
    label = "indicators"
    verbose_name = "育成指標"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation

        navigation.register(
            navigation.NavItem(
                label="育成指標",
                url_name="indicators:framework_list",
                order=520,
                roles=frozenset(
                    {Role.SYSTEM_ADMIN, Role.BOARD, Role.ORGANIZER, Role.SCHOOL_ADMIN, Role.STAFF}
                ),
                group="records",
                keywords=("指標", "育成指標"),
            )
        )
