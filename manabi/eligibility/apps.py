from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    """法定研修の該当者: who must take the statutory basic trainings (基本研修) in a year."""

    name = "manabi.eligibility"
    label = "eligibility"
    verbose_name = "法定研修の該当者"
