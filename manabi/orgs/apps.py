from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "manabi.orgs"
    label = "orgs"
    verbose_name = "組織"

    def ready(self) -> None:
        from manabi.core import navigation
        from manabi.core.acting import Role

        navigation.register(
            navigation.NavItem(
                label="組織",
                url_name="orgs:organisation_list",
                order=200,
                roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN}),
                group="settings",
                keywords=("学校", "所属", "教育委員会"),
            )
        )
