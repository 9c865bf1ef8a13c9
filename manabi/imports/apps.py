from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "manabi.imports"
    label = "imports"
    verbose_name = "一括登録"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation

        navigation.register(
            navigation.NavItem(
                label="一括登録",
                url_name="imports:upload",
                order=300,
                roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD}),
                group="settings",
                keywords=("インポート", "CSV", "取込"),
            )
        )
