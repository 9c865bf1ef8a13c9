"""System checks of the training app: a bad 研修事業番号 pattern stops the start-up."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from manabi.training.numbering import number_pattern, pattern_problems


@register()
def check_number_pattern(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    pattern = number_pattern()
    return [
        Error(
            f"TRAINING_NUMBER_PATTERN={pattern!r}: {problem}",
            hint="docs/training.md の「研修事業番号」を参照してください。",
            id="training.E001",
        )
        for problem in pattern_problems(pattern)
    ]
