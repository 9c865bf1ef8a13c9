"""Japanese name text: a search key on which ﾔﾏﾀﾞ, やまだ, ヤマダ and 山田　太郎 meet."""

from __future__ import annotations

import unicodedata

_KATAKANA_START = 0x30A1
_KATAKANA_END = 0x30F6
_TO_HIRAGANA = -0x60


def search_key(*texts: str) -> str:
    """NFKC, katakana → hiragana, lower case, no spaces; several texts joined by a space.

    Stored beside names as typed, so a search for 「やまだたろう」 or 「ﾔﾏﾀﾞ」 finds 山田 太郎
    (やまだ たろう) without touching the name itself.
    """
    parts = []
    for text in texts:
        normal = unicodedata.normalize("NFKC", text or "").lower()
        chars = [
            chr(ord(c) + _TO_HIRAGANA) if _KATAKANA_START <= ord(c) <= _KATAKANA_END else c
            for c in normal
            if not c.isspace()
        ]
        if chars:
            parts.append("".join(chars))
    return " ".join(parts)


def is_kana(text: str) -> bool:
    """Hiragana or katakana (with spaces, the long vowel mark and the middle dot) only."""
    normal = unicodedata.normalize("NFKC", text)
    return bool(normal.strip()) and all(
        c.isspace() or c in "ー・゛゜" or "\u3041" <= c <= "\u3096" or "\u30a1" <= c <= "\u30fa"
        for c in normal
    )


def is_full_width_kana(text: str) -> bool:
    """Full-width hiragana or katakana only, as 学籍 records ふりがな (半角ｶﾅ is refused)."""
    return bool(text.strip()) and all(
        c in " \u3000ー・" or "\u3041" <= c <= "\u3096" or "\u30a1" <= c <= "\u30fa" for c in text
    )


def validate_furigana(value: str) -> None:
    """Model/form validator: ふりがな in full-width hiragana or katakana."""
    from django.core.exceptions import ValidationError

    if value and not is_full_width_kana(value):
        raise ValidationError(
            "ふりがなは全角のひらがな又はカタカナで入力してください (半角カナ・英数字は使えません)。",
            code="furigana",
        )
