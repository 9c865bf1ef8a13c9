from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "manabi.core"
    label = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        from manabi.core import navigation

        navigation.register(navigation.NavItem(label="ホーム", url_name="core:home", order=0))
