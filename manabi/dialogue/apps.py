from django.apps import AppConfig


class DialogueConfig(AppConfig):
    """対話に基づく受講奨励: the principal's dialogue with a teacher about their training."""

    name = "manabi.dialogue"
    label = "dialogue"
    verbose_name = "対話に基づく受講奨励"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation
        from manabi.dialogue.home_cards import register_cards

        register_cards()
        navigation.register(
            navigation.NavItem(
                label="対話の記録",
                url_name="dialogue:dialogue_list",
                order=530,
                roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN, Role.STAFF}),
                group="records",
                keywords=("対話", "面談"),
            )
        )
