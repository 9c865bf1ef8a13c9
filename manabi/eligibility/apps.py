from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    """法定研修の該当者: who must take the statutory basic trainings (基本研修) in a year."""

    name = "manabi.eligibility"
    label = "eligibility"
    verbose_name = "法定研修の該当者"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation
        from manabi.eligibility.home_cards import register_cards

        register_cards()
        navigation.register(
            navigation.NavItem(
                label="基本研修の該当者調査",
                url_name="eligibility:survey_list",
                order=400,
                roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD, Role.ORGANIZER, Role.SCHOOL_ADMIN}),
                group="training",
                keywords=("該当者", "初任", "2年次", "6年次", "中堅", "基本研修"),
            ),
            navigation.NavItem(
                label="基本研修の確認カード",
                url_name="eligibility:my_card",
                order=410,
                roles=frozenset({Role.STAFF}),
                group="training",
                keywords=("該当者", "基本研修"),
            ),
        )
