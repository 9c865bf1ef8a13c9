from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "manabi.indicators"
    label = "indicators"
    verbose_name = "育成指標"
