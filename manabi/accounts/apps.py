from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "manabi.accounts"
    label = "accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation

        admins = frozenset({Role.SYSTEM_ADMIN})
        navigation.register(
            navigation.NavItem(label="管理サイト", url_name="admin:index", order=900, roles=admins),
            navigation.NavItem(label="API 仕様", url_name="api-docs", order=910, roles=admins),
        )
