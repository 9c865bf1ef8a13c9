from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """研修: programmes, applications and approvals, decisions, attendance, completion, surveys."""

    name = "manabi.training"
    label = "training"
    verbose_name = "研修"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation
        from manabi.training import checks  # noqa: F401  (registers the system checks)
        from manabi.training.home_cards import register_cards
        from manabi.training.selectors import unread_count

        register_cards()

        everyone = frozenset(Role)
        navigation.register(
            navigation.NavItem(
                label="研修を探す",
                url_name="training:catalogue",
                order=200,
                roles=everyone,
                group="training",
                keywords=("研修", "カタログ", "検索"),
            ),
            navigation.NavItem(
                label="受講申込",
                url_name="training:my_applications",
                order=210,
                roles=frozenset({Role.STAFF, Role.SCHOOL_ADMIN, Role.BOARD, Role.GUEST}),
                group="training",
                keywords=("申込", "申し込み"),
            ),
            navigation.NavItem(
                label="承認・決定待ち",
                url_name="training:approval_queue",
                order=220,
                roles=frozenset({Role.SCHOOL_ADMIN, Role.BOARD, Role.ORGANIZER}),
                group="training",
                keywords=("承認", "決定", "受講決定"),
            ),
            navigation.NavItem(
                label="主催研修",
                url_name="training:managed_list",
                order=230,
                roles=frozenset({Role.ORGANIZER, Role.SCHOOL_ADMIN}),
                group="training",
                keywords=("主催", "出欠", "修了"),
            ),
            navigation.NavItem(
                label="お知らせ",
                url_name="training:notifications",
                order=290,
                roles=everyone,
                badge=unread_count,
                group="notices",
                keywords=("通知", "連絡"),
            ),
        )
