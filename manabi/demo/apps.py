from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "manabi.demo"
    label = "demo"
    verbose_name = "デモ"
