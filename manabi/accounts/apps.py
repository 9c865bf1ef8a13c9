from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "manabi.accounts"
    label = "accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from manabi.accounts.home_cards import register_cards
        from manabi.accounts.permissions import account_link
        from manabi.accounts.roles import Role
        from manabi.accounts.services import account_close_on_retirement
        from manabi.core import extensions, navigation
        from manabi.people.points import STAFF_ACCOUNT_LINK, STAFF_RETIRED

        register_cards()

        extensions.register(STAFF_RETIRED, account_close_on_retirement)
        extensions.register(STAFF_ACCOUNT_LINK, account_link)

        admins = frozenset({Role.SYSTEM_ADMIN})
        overseers = frozenset({Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN})
        navigation.register(
            navigation.NavItem(
                label="アカウント",
                url_name="accounts:account_list",
                order=250,
                roles=overseers,
                group="users",
                keywords=("ユーザ", "ログインID"),
            ),
            navigation.NavItem(
                label="初回ログインの状況",
                url_name="accounts:progress",
                order=300,
                roles=overseers,
                group="users",
                keywords=("初回ログイン", "ログイン状況"),
            ),
            navigation.NavItem(
                label="新規登録申請",
                url_name="accounts:request_list",
                order=310,
                roles=overseers,
                group="users",
                keywords=("申請", "登録"),
            ),
            navigation.NavItem(
                label="パスワード変更",
                url_name="accounts:password_change",
                order=800,
                group="personal",
                keywords=("パスワード",),
            ),
            navigation.NavItem(
                label="二段階認証",
                url_name="accounts:mfa_setup",
                order=810,
                group="personal",
                keywords=("二段階", "認証", "ワンタイム"),
            ),
            navigation.NavItem(
                label="管理サイト",
                url_name="admin:index",
                order=900,
                roles=admins,
                group="settings",
                keywords=("管理",),
            ),
            navigation.NavItem(
                label="API 仕様",
                url_name="api-docs",
                order=910,
                roles=admins,
                group="settings",
                keywords=("API", "仕様"),
            ),
        )
