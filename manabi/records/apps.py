from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "manabi.records"
    label = "records"
    verbose_name = "研修受講履歴"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation
        from manabi.imports import kinds
        from manabi.records.home_cards import register_cards
        from manabi.records.legacy import HANDLER

        register_cards()

        kinds.register(HANDLER)

        navigation.register(
            navigation.NavItem(
                label="自分の研修履歴",
                url_name="records:my_history",
                order=500,
                roles=frozenset({Role.STAFF, Role.SCHOOL_ADMIN}),
                group="records",
                keywords=("履歴", "受講履歴"),
            ),
            navigation.NavItem(
                label="研修履歴の一覧",
                url_name="records:overview",
                order=505,
                roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN}),
                group="records",
                keywords=("履歴", "受講履歴"),
            ),
            navigation.NavItem(
                label="研修履歴の確認",
                url_name="records:review_list",
                order=510,
                roles=frozenset({Role.SCHOOL_ADMIN}),
                group="records",
                keywords=("確認待ち", "承認"),
            ),
            navigation.NavItem(
                label="研修履歴の移行",
                url_name="records:import_upload",
                order=515,
                roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD}),
                group="records",
                keywords=("移行", "取込"),
            ),
        )
