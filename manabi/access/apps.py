from django.apps import AppConfig


class AccessConfig(AppConfig):
    """校務の機能権限: role groups at schools and the function permissions of 別表1."""

    name = "manabi.access"
    label = "access"
    verbose_name = "機能権限"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation

        navigation.register(
            navigation.NavItem(
                "機能権限",
                "access:table",
                order=900,
                roles=frozenset({Role.SCHOOL_ADMIN}),
                group="settings",
                keywords=("権限", "別表1"),
            )
        )
