"""Full-width ふりがな for 学籍."""

from __future__ import annotations

import pytest

from manabi.core.kana import is_full_width_kana, validate_furigana


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("やまだ", True),
        ("ヤマダ", True),
        ("やまだ　たろう", True),
        ("ルーシー・メイ", True),
        ("ﾔﾏﾀﾞ", False),
        ("yamada", False),
        ("山田", False),
        ("", False),
        ("   ", False),
    ],
)
def test_full_width_kana(text: str, ok: bool) -> None:
    assert is_full_width_kana(text) is ok


def test_validate_furigana_names_the_rule() -> None:
    from django.core.exceptions import ValidationError

    validate_furigana("")  # blank is left to ``blank=``
    with pytest.raises(ValidationError, match="全角"):
        validate_furigana("ﾔﾏﾀﾞ")
